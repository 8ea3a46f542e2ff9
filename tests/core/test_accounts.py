"""Local accounts and roles (issue 9 §3): hashing, sign-in, every permission enforced in the core,
accounts off = today's behaviour, an outside edit of the roles grants nothing, accounts never travel."""
import hashlib
import hmac
import json
import sqlite3

import pytest
from package_fixtures import UPT, make_unit_plan, sha

from renstra_desktop.core import accounts, plan_json
from renstra_desktop.core.accounts import hash_password, list_accounts, sign_in, verify_password
from renstra_desktop.core.errors import PermissionDenied, RenstraError, ValidationError
from renstra_desktop.core.packages.package_export import export_package
from renstra_desktop.core.packages.package import PackageReader
from renstra_desktop.core.roles import PERMISSIONS, ROLES, require
from renstra_desktop.core.rows import stable_id
from renstra_desktop.core.service import PERMISSION_OF, WRITERS, PlanService

PASSWORDS = {"admin": "admin-rahasia", "ani": "ani-rahasia1", "vera": "vera-rahasia", "pak.kepala": "kepala-rahasia"}


@pytest.fixture
def with_accounts(kanwil_store):
    """The Kanwil's file with accounts on: admin (first), ani operator, vera verifikator, pak.kepala pimpinan."""
    first = PlanService(kanwil_store, "os-user")
    first.save_account("admin", create=True, password=PASSWORDS["admin"], full_name="Admin Kanwil")
    admin = PlanService(kanwil_store, "admin")
    admin.save_account("ani", create=True, password=PASSWORDS["ani"], roles=["operator"])
    admin.save_account("vera", create=True, password=PASSWORDS["vera"], roles=["verifikator"])
    admin.save_account("pak.kepala", create=True, password=PASSWORDS["pak.kepala"], roles=["pimpinan"])
    return kanwil_store


def target_id(unit="KANWIL", indicator="IKK 17.1", year=2026):
    return stable_id("indicator_target", unit, indicator, year)


# -- hashing ---------------------------------------------------------------------------------------
def test_hash_has_its_parameters_and_a_salt_per_account():
    a, b = hash_password("sama-saja-1"), hash_password("sama-saja-1")
    assert a != b
    scheme, n, r, p, salt_a, digest_a = a.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", accounts.SCRYPT_N, accounts.SCRYPT_R, accounts.SCRYPT_P)
    assert salt_a != b.split("$")[4]
    assert verify_password("sama-saja-1", a) and verify_password("sama-saja-1", b)
    assert not verify_password("sama-saja-2", a)
    # the stored parameters are the ones used: a hash made with others still verifies
    cheap = hash_password("lain-lagi-1", n=2 ** 10, r=4, p=1)
    assert cheap.split("$")[1:4] == ["1024", "4", "1"] and verify_password("lain-lagi-1", cheap)


def test_the_comparison_is_constant_time(monkeypatch):
    seen = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)
    monkeypatch.setattr(hmac, "compare_digest", spy)
    record = hash_password("rahasia-123")
    assert not verify_password("salah-sekali", record)
    assert seen and all(isinstance(a, bytes) and len(a) == 32 for a, _ in seen)


@pytest.mark.parametrize("record", ["", "scrypt$x$8$1$AA==$AA==", "bcrypt$16384$8$1$AAAA$AAAA",
                                    "scrypt$1048576$64$16$c2FsdA==$" + "A" * 44,   # gigabytes asked: refused
                                    "scrypt$16384$8$1$!!$AAAA", None])
def test_a_malformed_or_greedy_hash_matches_nothing(record):
    assert verify_password("apa-saja-1", record) is False


# -- accounts off: today's behaviour ----------------------------------------------------------------
def test_accounts_off_allows_everything(kanwil_store):
    for permission in PERMISSIONS:
        require(kanwil_store.conn, "siapa-saja", permission)
    PlanService(kanwil_store, "siapa-saja").update("indicator_target", target_id(), {"value": "3,5"})
    assert not accounts.accounts_on(kanwil_store.conn)


def test_the_first_account_is_an_admin_and_turns_accounts_on(kanwil_store):
    PlanService(kanwil_store, "os-user").save_account("budi", create=True, password="budi-rahasia",
                                                      roles=["operator"])
    [budi] = list_accounts(kanwil_store.conn)
    assert budi.roles == ("admin", "operator") and budi.active and budi.sealed
    with pytest.raises(PermissionDenied, match="“os-user” tidak punya akun"):
        PlanService(kanwil_store, "os-user").update("indicator_target", target_id(), {"value": "3,5"})


# -- every permission enforced in the core ----------------------------------------------------------
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_each_permission_is_granted_exactly_by_its_roles(with_accounts, permission):
    conn = with_accounts.conn
    holders = {"admin": "admin", "ani": "operator", "vera": "verifikator", "pak.kepala": "pimpinan"}
    for name, role in holders.items():
        if permission in ROLES[role]:
            require(conn, name, permission)
        else:
            with pytest.raises(PermissionDenied) as info:
                require(conn, name, permission)
            message = info.value.message
            assert f"“{name}”" in message and PERMISSIONS[permission] in message and "admin (admin)" in message
            assert "\n" not in message


def test_the_door_refuses_a_write_without_the_role_and_writes_nothing(with_accounts):
    before = sha(with_accounts.path)
    with pytest.raises(PermissionDenied, match="perlu peran operator"):
        PlanService(with_accounts, "vera").update("indicator_target", target_id(), {"value": "3,5"})
    with pytest.raises(PermissionDenied, match="perlu peran pimpinan"):
        PlanService(with_accounts, "ani").approve("LPS-LOBAR", "2026")
    with pytest.raises(PermissionDenied, match="perlu peran admin"):
        PlanService(with_accounts, "ani").save_account("ani", roles=["operator", "pimpinan"])
    assert sha(with_accounts.path) == before
    # with the role: the write is made, and the audit trail names the account
    PlanService(with_accounts, "ani").update("indicator_target", target_id(), {"value": "3,5"})
    with pytest.raises(ValidationError, match="2026"):     # the role lets pimpinan through to the workflow's rule
        PlanService(with_accounts, "pak.kepala").approve("LPS-LOBAR", "2026")
    actors = [r[0] for r in with_accounts.conn.execute(
        "SELECT actor FROM audit_log WHERE table_name = 'indicator_target' ORDER BY seq DESC LIMIT 1")]
    assert actors == ["ani"]


def test_every_writer_of_the_door_checks_a_permission():
    """A writer either names its permission (checked by the door) or checks one itself."""
    import inspect

    from renstra_desktop.core import period_workflow
    from renstra_desktop.core.service import PlanService as S
    assert "roles.require(conn, service.actor, action)" in inspect.getsource(period_workflow.act)
    for name in WRITERS:
        if name not in PERMISSION_OF:
            source = inspect.getsource(getattr(S, name))
            assert "save_with" in source or "require(" in source or "period_workflow import act" in source, name


def test_the_check_is_made_once_per_write_call(with_accounts, monkeypatch):
    from renstra_desktop.core import service as service_module
    calls = []
    real = service_module.require
    monkeypatch.setattr(service_module, "require", lambda *a: (calls.append(a[2]), real(*a)))
    rows = [dict(unit_code="KANWIL", indicator_code="IKK 17.1", period=f"2027-{m:02d}", value=m) for m in (1, 2, 3)]
    service = PlanService(with_accounts, "ani")
    for row in rows:
        service.insert("realisation", row)
    ids = [stable_id("realisation", "KANWIL", "IKK 17.1", f"2027-{m:02d}") for m in (1, 2, 3)]
    calls.clear()
    from renstra_desktop.core.service import Edit
    service.apply([Edit("realisation", i, "value", "4") for i in ids])
    assert calls == ["enter"]


def test_a_disabled_account_is_kept_and_refused(with_accounts):
    PlanService(with_accounts, "admin").save_account("ani", active=False)
    [ani] = [a for a in list_accounts(with_accounts.conn) if a.name == "ani"]
    assert not ani.active and ani.state == "nonaktif"
    assert with_accounts.conn.execute("SELECT deleted FROM user_account WHERE name = 'ani'").fetchone()[0] == 1
    with pytest.raises(PermissionDenied, match="dinonaktifkan"):
        PlanService(with_accounts, "ani").update("indicator_target", target_id(), {"value": "3,5"})
    with pytest.raises(RenstraError, match="dinonaktifkan"):
        sign_in(with_accounts.conn, "ani", PASSWORDS["ani"])
    with pytest.raises(ValidationError, match="sudah ada"):
        PlanService(with_accounts, "admin").save_account("ani", create=True, password="lain-sekali-1")
    PlanService(with_accounts, "admin").save_account("ani", active=True)
    assert sign_in(with_accounts.conn, "ani", PASSWORDS["ani"]).name == "ani"


def test_the_last_admin_cannot_be_removed(with_accounts):
    admin = PlanService(with_accounts, "admin")
    with pytest.raises(ValidationError, match="admin aktif terakhir"):
        admin.save_account("admin", active=False)
    with pytest.raises(ValidationError, match="admin aktif terakhir"):
        admin.save_account("admin", roles=["operator"])
    admin.save_account("vera", roles=["verifikator", "admin"])
    admin.save_account("admin", active=False)


def test_sign_in_says_what_is_wrong(with_accounts):
    conn = with_accounts.conn
    assert sign_in(conn, "Ani ", PASSWORDS["ani"]).roles == ("operator",)
    for name, password, words in [("ani", "salah-salah", "salah"), ("tidak.ada", "apa-saja-1", "tidak ada"),
                                  ("vera", PASSWORDS["ani"], "salah")]:
        with pytest.raises(RenstraError, match=words):
            sign_in(conn, name, password)


def test_own_password_without_admin_and_password_rules(with_accounts):
    PlanService(with_accounts, "ani").save_account("ani", password="ani-baru-123")
    assert sign_in(with_accounts.conn, "ani", "ani-baru-123")
    with pytest.raises(PermissionDenied):
        PlanService(with_accounts, "ani").save_account("vera", password="vera-baru-123")
    with pytest.raises(ValidationError, match="terlalu pendek"):
        PlanService(with_accounts, "admin").save_account("ani", password="pendek")
    with pytest.raises(ValidationError, match="tidak dikenal"):
        PlanService(with_accounts, "admin").save_account("ani", roles=["raja"])
    with pytest.raises(ValidationError, match="Nama akun"):
        PlanService(with_accounts, "admin").save_account("a b", create=True, password="rahasia-123")


def test_accounts_are_not_plain_rows(with_accounts):
    row_id = stable_id("user_account", "ani")
    for call in (lambda s: s.update("user_account", row_id, {"roles": "admin"}),
                 lambda s: s.delete("user_account", row_id),
                 lambda s: s.insert("user_account", {"name": "x"})):
        with pytest.raises(ValidationError, match="Akun pengguna diubah lewat"):
            call(PlanService(with_accounts, "ani"))


def test_the_audit_trail_keeps_no_password_hash(with_accounts):
    stored = with_accounts.conn.execute("SELECT password_hash FROM user_account WHERE name = 'ani'").fetchone()[0]
    trail = json.dumps([list(r) for r in with_accounts.conn.execute("SELECT * FROM audit_log")])
    assert stored not in trail and stored.split("$")[-1] not in trail
    assert hashlib.sha256(stored.encode()).hexdigest() in trail


# -- an outside edit -------------------------------------------------------------------------------
def test_roles_edited_with_sqlite3_grant_nothing(with_accounts, tmp_path):
    path = with_accounts.path
    with_accounts.close()
    outside = sqlite3.connect(path)
    outside.execute("UPDATE user_account SET roles = 'admin,operator,pimpinan,verifikator' WHERE name = 'ani'")
    outside.commit()
    outside.close()
    from renstra_desktop.core.store import Store
    with Store.open(path) as store:
        before = sha(path)
        with pytest.raises(PermissionDenied, match="diubah di luar aplikasi") as info:
            PlanService(store, "ani").approve("LPS-LOBAR", "2026")
        assert "admin (admin)" in info.value.message
        with pytest.raises(PermissionDenied, match="diubah di luar aplikasi"):
            PlanService(store, "ani").update("indicator_target", target_id(), {"value": "3,5"})  # not even its own role
        with pytest.raises(RenstraError, match="diubah di luar aplikasi"):
            sign_in(store.conn, "ani", PASSWORDS["ani"])
        assert sha(path) == before
        [ani] = [a for a in list_accounts(store.conn) if a.name == "ani"]
        assert ani.state == "diubah di luar aplikasi"
        # the admin sets it again: sealed, usable
        PlanService(store, "admin").save_account("ani", roles=["operator"], password="ani-baru-123")
        assert sign_in(store.conn, "ani", "ani-baru-123").roles == ("operator",)


def test_a_disabled_account_re_enabled_with_sqlite3_stays_refused(with_accounts):
    PlanService(with_accounts, "admin").save_account("ani", active=False)
    with_accounts.conn.execute("UPDATE user_account SET deleted = 0 WHERE name = 'ani'")
    with pytest.raises(PermissionDenied, match="diubah di luar aplikasi"):
        require(with_accounts.conn, "ani", "enter")


# -- accounts stay in the installation --------------------------------------------------------------
def test_accounts_never_travel(tmp_path):
    unit = make_unit_plan(tmp_path / "lobar.renstra")
    PlanService(unit, "os").save_account("op.lobar", create=True, password="lobar-rahasia", roles=["operator"])
    assert "user_account" not in plan_json.dump_plan(unit)
    pkg = export_package(unit, folder=tmp_path)
    with PackageReader.open(pkg.path) as reader:
        assert "user_account" not in reader.tables() and reader.tables()
        assert not reader._db().execute("SELECT 1 FROM sqlite_master WHERE name = 'user_account'").fetchone()
    unit.close()


def test_merging_needs_merge_not_enter(with_accounts, tmp_path):
    """A verifikator (merge, no enter) merges a unit's package; a pimpinan is refused and nothing is written."""
    from package_fixtures import add_realisations
    from renstra_desktop.core.packages.merge import merge_packages
    unit = make_unit_plan(tmp_path / "upt" / "lobar.renstra")
    add_realisations(unit)
    pkg = export_package(unit, folder=tmp_path)
    before = sha(with_accounts.path)
    with pytest.raises(PermissionDenied, match="perlu peran operator atau verifikator"):
        merge_packages(with_accounts, [pkg.path], actor="pak.kepala", trust_new_keys=True)
    assert sha(with_accounts.path) == before
    report = merge_packages(with_accounts, [pkg.path], actor="vera", trust_new_keys=True)
    assert report.ok
    actors = {r[0] for r in with_accounts.conn.execute("SELECT DISTINCT actor FROM audit_log WHERE unit_code = ?",
                                                         (UPT,))}
    assert actors == {"vera"}
    unit.close()


def test_a_writer_that_checks_its_own_permission_is_not_checked_again_inside(with_accounts, monkeypatch):
    """A workflow step written as ``@writes`` + ``require(…, "verify")`` inserts rows without "enter"."""
    from renstra_desktop.core import service as service_module

    def verify_like(self, unit):
        require(self.store.conn, self.actor, "verify")
        return self.insert("realisation", dict(unit_code=unit, indicator_code="IKK 17.1", period="2028-01", value=1))
    monkeypatch.setattr(service_module, "WRITERS", list(service_module.WRITERS))
    monkeypatch.setattr(service_module.PlanService, "verify_like", service_module.writes(verify_like), raising=False)
    PlanService(with_accounts, "vera").verify_like("KANWIL")           # verifikator: no "enter", allowed
    with pytest.raises(PermissionDenied, match="memverifikasi"):
        PlanService(with_accounts, "ani").verify_like("KANWIL")


def test_a_plan_json_brings_a_step_only_for_who_may_take_it(with_accounts):
    """An operator cannot approve a period by loading a JSON that carries a disahkan row; an account
    that enters data and approves (operator and pimpinan) can restore the same JSON."""
    data = plan_json.dump_plan(with_accounts)
    data["tables"]["period_event"] = [{
        "id": "6f1c2d3e-0000-4000-8000-0000000000aa", "owner_unit": "KANWIL", "created_at": "2026-11-30T01:00:00Z",
        "updated_at": "2026-11-30T01:00:00Z", "updated_by": "pak.kepala", "row_version": 1, "base_version": 0,
        "deleted": 0, "origin": "local", "unit_code": "KANWIL", "period": "2025", "seq": 1, "event": "disahkan",
        "note": None, "snapshot": None}]
    before = sha(with_accounts.path)
    with pytest.raises(RenstraError, match="tidak boleh diubah") as refused:
        PlanService(with_accounts, "ani").load_json(data)
    assert "mengesahkan periode" in refused.value.message
    assert sha(with_accounts.path) == before
    PlanService(with_accounts, "admin").save_account("pak.kepala", roles=["operator", "pimpinan"])
    PlanService(with_accounts, "pak.kepala").load_json(data)
    assert [tuple(r) for r in with_accounts.conn.execute("SELECT event FROM period_event")] == [("disahkan",)]
