"""Package commands as a user types them: a UPT package made in one file merges into another."""
import json
import subprocess
import sys
from pathlib import Path

from package_fixtures import folder_state, sha

from renstra_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_upt_package_merges_into_the_kanwil_file(capsys, tmp_path):
    upt, kanwil = tmp_path / "upt" / "lobar.renstra", tmp_path / "kanwil" / "kanwil.renstra"
    assert run(capsys, "init", upt, "--unit", "LPS-LOBAR")[0] == 0
    assert run(capsys, "init", kanwil)[0] == 0
    code, out, _ = run(capsys, "keys", "show", upt)
    fp = out.split("Sidik jari: ")[1].split()[0]
    assert code == 0 and "baru dibuat" in out

    pkg = tmp_path / "kiriman" / "lobar.rpkg"
    pkg.parent.mkdir()
    code, out, _ = run(capsys, "export-package", upt, "--unit", "LPS-LOBAR", "-o", pkg)
    assert code == 0 and f"Paket dibuat: {pkg}" in out and fp in out and "urutan 1" in out

    code, out, _ = run(capsys, "verify-package", pkg, "--plan", kanwil)
    assert code == 0 and "tanda tangannya sah" in out and "BELUM disematkan" in out and fp in out

    # An unknown key stops the merge and prints the fingerprint; nothing is written.
    before = folder_state(kanwil.parent)
    code, out, err = run(capsys, "merge", kanwil, pkg)
    assert code == 1 and fp in err and "--trust-new-keys" in err
    assert folder_state(kanwil.parent) == before

    code, out, _ = run(capsys, "merge", kanwil, pkg, "--dry-run")
    assert code == 0 and out.startswith("UJI COBA") and "Akan digabung" in out
    assert folder_state(kanwil.parent) == before

    assert run(capsys, "keys", "pin", kanwil, "LPS-LOBAR", fp.lower().replace("-", " "))[0] == 0
    code, out, _ = run(capsys, "keys", "list", kanwil, "--json")
    assert [p["fingerprint"] for p in json.loads(out)] == [fp]

    code, out, _ = run(capsys, "merge", kanwil, pkg, "--json")
    report = json.loads(out)
    [result] = report["packages"]
    assert code == 0 and result["status"] == "merged" and result["unit"] == "LPS-LOBAR"
    assert result["totals"]["new"] == sum(result["tables"][t]["new"] for t in result["tables"]) > 0
    assert Path(report["backup"]).exists()

    after = sha(kanwil)
    code, out, _ = run(capsys, "merge", kanwil, pkg)
    assert code == 0 and "sudah digabungkan" in out and sha(kanwil) == after

    code, out, _ = run(capsys, "info", kanwil, "--json")
    assert json.loads(out)["row_counts"]["risk"] > 0


def test_rejected_package_exit_code_and_message(capsys, tmp_path):
    kanwil = tmp_path / "kanwil.renstra"
    run(capsys, "init", kanwil)
    bad = tmp_path / "bukan.rpkg"
    bad.write_text("isi sembarang")
    before = sha(kanwil)
    code, out, _ = run(capsys, "merge", kanwil, bad, "--trust-new-keys")
    assert code == 1 and "bukan paket Renstra Desktop" in out and sha(kanwil) == before
    code, _, err = run(capsys, "verify-package", bad, "--plan", kanwil)
    assert code == 1 and err.startswith("renstra-desktop: Berkas bukan.rpkg bukan paket")


def test_repin_needs_a_reason(capsys, tmp_path):
    kanwil = tmp_path / "kanwil.renstra"
    run(capsys, "init", kanwil)
    first, second = "1111-2222-3333-4444-5555-6666-7777-8888", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-0000-1111"
    assert run(capsys, "keys", "pin", kanwil, "LPS-DOMPU", first)[0] == 0
    code, _, err = run(capsys, "keys", "pin", kanwil, "LPS-DOMPU", second)
    assert code == 1 and "memerlukan alasan" in err
    assert run(capsys, "keys", "pin", kanwil, "LPS-DOMPU", second, "--reason", "laptop diganti")[0] == 0
    code, out, _ = run(capsys, "keys", "list", kanwil)
    assert second in out and "laptop diganti" in out


def test_the_installed_command_runs_the_merge(tmp_path):
    """The same through a real process, as in a script at the Kanwil."""
    upt, kanwil = tmp_path / "u.renstra", tmp_path / "k.renstra"
    cli = [sys.executable, "-m", "renstra_desktop"]
    for argv in (["init", upt, "--unit", "RTN-PRAYA"], ["init", kanwil],
                 ["export-package", upt, "-o", tmp_path]):
        subprocess.run(cli + [str(a) for a in argv], cwd=ROOT, check=True, capture_output=True)
    [pkg] = tmp_path.glob("RTN-PRAYA_*_0001.rpkg")
    done = subprocess.run(cli + ["merge", str(kanwil), str(pkg), "--trust-new-keys"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "Digabung:" in done.stdout and "RTN-PRAYA" in done.stdout


def test_verify_package_exits_1_when_the_key_differs_from_the_pinned_one(capsys, tmp_path):
    """issue 8: verify-package said the key differs and still exited 0."""
    upt, kanwil = tmp_path / "upt" / "lobar.renstra", tmp_path / "kanwil" / "kanwil.renstra"
    run(capsys, "init", upt, "--unit", "LPS-LOBAR")
    run(capsys, "init", kanwil)
    pkg = tmp_path / "lobar.rpkg"
    run(capsys, "export-package", upt, "-o", pkg)
    other = "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF"
    assert run(capsys, "keys", "pin", kanwil, "LPS-LOBAR", other)[0] == 0
    for extra in ((), ("--json",)):
        code, out, err = run(capsys, "verify-package", pkg, "--plan", kanwil, *extra)
        assert code == 1 and "BERBEDA" in err and other in err and err.count("\n") == 1
    report = json.loads(run(capsys, "verify-package", pkg, "--plan", kanwil, "--json")[1])
    assert report["key_status"] == "mismatch" and report["pinned_fingerprint"] == other


def test_one_key_for_two_units_needs_force_and_warns(capsys, tmp_path):
    kanwil = tmp_path / "kanwil.renstra"
    run(capsys, "init", kanwil)
    fp = "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF"
    assert run(capsys, "keys", "pin", kanwil, "LPS-LOBAR", fp)[0] == 0
    before = sha(kanwil)
    code, out, err = run(capsys, "keys", "pin", kanwil, "LPS-SUMBAWA", fp)
    assert code == 1 and "sudah disematkan untuk satker LPS-LOBAR" in err and "--force" in err
    assert err.count("\n") == 1 and sha(kanwil) == before
    code, out, err = run(capsys, "keys", "pin", kanwil, "LPS-SUMBAWA", fp, "--force")
    assert code == 0 and "PERINGATAN" in err and "LPS-LOBAR" in err
    listed = json.loads(run(capsys, "keys", "list", kanwil, "--json")[1])
    assert sorted(p["unit_code"] for p in listed) == ["LPS-LOBAR", "LPS-SUMBAWA"]


def test_trust_new_keys_does_not_pin_a_key_of_another_unit(capsys, tmp_path):
    from renstra_desktop.core.packages.keys import installation_key

    upt, kanwil = tmp_path / "upt" / "lobar.renstra", tmp_path / "kanwil.renstra"
    run(capsys, "init", upt, "--unit", "LPS-LOBAR")
    run(capsys, "init", kanwil)
    pkg = tmp_path / "lobar.rpkg"
    run(capsys, "export-package", upt, "-o", pkg)
    fp = installation_key(upt).fingerprint
    assert run(capsys, "keys", "pin", kanwil, "LPS-SUMBAWA", fp)[0] == 0     # the same key, another unit
    code, out, err = run(capsys, "verify-package", pkg, "--plan", kanwil)
    assert code == 0 and "PERINGATAN" in err and "LPS-SUMBAWA" in err
    before = sha(kanwil)
    code, out, err = run(capsys, "merge", kanwil, pkg, "--trust-new-keys")
    assert code == 1 and "sudah disematkan untuk satker LPS-SUMBAWA" in out + err and sha(kanwil) == before


def test_keys_protect_with_a_passphrase_file_then_export(capsys, tmp_path):
    """issue 8: the signing key lay unencrypted next to the plan."""
    upt = tmp_path / "upt" / "lobar.renstra"
    run(capsys, "init", upt, "--unit", "LPS-LOBAR")
    secret = tmp_path / "sandi.txt"
    secret.write_text("sandi rahasia satker\n", encoding="utf-8")
    code, out, _ = run(capsys, "keys", "show", upt)
    fp = out.split("Sidik jari: ")[1].split()[0]
    assert "Perlindungan: izin berkas saja (0600)" in out
    code, out, err = run(capsys, "keys", "protect", upt, "--passphrase-file", secret)
    assert code == 0 and "dilindungi kata sandi" in out, err
    code, out, _ = run(capsys, "keys", "show", upt)
    assert f"Sidik jari: {fp}" in out and "Perlindungan: kata sandi" in out
    assert b"PRIVATE KEY-----\n" not in (tmp_path / "upt" / "lobar.renstra.kunci").read_bytes().replace(
        b"ENCRYPTED PRIVATE KEY-----\n", b"")

    pkg = tmp_path / "lobar.rpkg"
    code, _, err = run(capsys, "export-package", upt, "-o", pkg)          # no terminal in tests: no prompt
    assert code == 1 and "dilindungi kata sandi" in err and "--passphrase-file" in err and not pkg.exists()
    wrong = tmp_path / "salah.txt"
    wrong.write_text("bukan ini sama sekali", encoding="utf-8")
    code, _, err = run(capsys, "export-package", upt, "-o", pkg, "--passphrase-file", wrong)
    assert code == 1 and "salah" in err and err.count("\n") == 1 and not pkg.exists()
    code, out, _ = run(capsys, "export-package", upt, "-o", pkg, "--passphrase-file", secret)
    assert code == 0 and fp in out and "urutan 1" in out


def test_keys_protect_refuses_a_short_passphrase_and_changes_nothing(capsys, tmp_path):
    upt = tmp_path / "lobar.renstra"
    run(capsys, "init", upt, "--unit", "LPS-LOBAR")
    run(capsys, "keys", "show", upt)
    key = tmp_path / "lobar.renstra.kunci"
    before = key.read_bytes()
    short = tmp_path / "pendek.txt"
    short.write_text("1234", encoding="utf-8")
    code, _, err = run(capsys, "keys", "protect", upt, "--passphrase-file", short)
    assert code == 1 and "minimal 8 karakter" in err and key.read_bytes() == before


def test_keys_protect_with_the_os_store(capsys, tmp_path, monkeypatch):
    """--os uses the OS key store where there is one (DPAPI on Windows); here: a clear refusal, and a
    stand-in store registered through the protection layer works the same way."""
    import base64

    from renstra_desktop.core.packages import key_protection
    upt = tmp_path / "lobar.renstra"
    run(capsys, "init", upt, "--unit", "LPS-LOBAR")
    run(capsys, "keys", "show", upt)
    key = tmp_path / "lobar.renstra.kunci"
    before = key.read_bytes()
    if key_protection.os_store() is None:
        code, _, err = run(capsys, "keys", "protect", upt, "--os")
        assert code == 1 and "penyimpanan kunci sistem operasi" in err and key.read_bytes() == before

    class StandIn:
        name, label, needs_secret = "uji-os", "penyimpanan kunci OS (uji)", False

        def available(self):
            return True

        def protect(self, raw, secret):
            return base64.b64encode(raw[::-1]).decode()

        def unprotect(self, payload, secret):
            return base64.b64decode(payload)[::-1]

    monkeypatch.setitem(key_protection.PROTECTORS, "uji-os", StandIn())
    code, out, _ = run(capsys, "keys", "protect", upt, "--os")
    assert code == 0 and "penyimpanan kunci OS (uji)" in out
    assert run(capsys, "export-package", upt, "-o", tmp_path / "p.rpkg")[0] == 0      # nothing typed
