"""Local accounts of an installation (issue 9 §3): names, roles, scrypt password hashes.

Off by default: with no account in the file the operating-system user is the actor and
:func:`.roles.require` allows everything.  The first account created turns them on and is an admin;
from then on every write needs an active account whose roles grant it (:mod:`.roles`), and the
account's name is the actor of every audit entry it makes.

Accounts are rows of the local table ``user_account`` (db/0010_accounts.sql): written through the one
door (:meth:`.service.PlanService.save_account`) with versions and audit, never in packages or the
plan JSON.  A disabled account is a tombstone, kept and never reused.

Passwords: ``hashlib.scrypt`` with a random salt per account, the parameters stored with the hash
(``scrypt$N$r$p$salt$hash``), compared with ``hmac.compare_digest``.  Each row carries a seal, a
SHA-256 over its name, roles, password hash, owner and disabled mark: a role set edited outside the
application (sqlite3, DB Browser) no longer matches it, and such an account is refused everything
until an admin sets it again.  The seal is not a secret: someone who reads this module can recompute
it; finding every outside edit is the audit chain's job (issue 9 §4).
"""
from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from typing import NamedTuple

from .errors import PermissionDenied, ValidationError
from .roles import PERMISSIONS, ROLES, require, roles_granting

TABLE = "user_account"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1      # 16 MiB, ~50 ms on the units' laptops
SALT_BYTES, HASH_BYTES = 16, 32
MAX_SCRYPT_MEMORY = 64 * 1024 * 1024              # a tampered row cannot make a check take gigabytes
MIN_PASSWORD = 8
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
_SEAL_TAG = "renstra-akun-1"


class SignInRefused(PermissionDenied):
    """A sign-in was refused (unknown, wrong password, disabled, changed outside); nothing written."""


# -- passwords -------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$N$r$p$salt$hash`` of ``password`` with a fresh random salt."""
    import hashlib          # here, not at start-up: it loads libcrypto, which the first paint needs not
    salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES,
                            maxmem=MAX_SCRYPT_MEMORY + 1024 * 1024)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, record: str) -> bool:
    """Whether ``password`` matches the stored ``record``; a malformed record (or parameters asking for
    more than MAX_SCRYPT_MEMORY) matches nothing.  The digests are compared in constant time."""
    try:
        scheme, n, r, p, salt, expected = record.split("$")
        n, r, p = int(n), int(r), int(p)
        salt, expected = base64.b64decode(salt, validate=True), base64.b64decode(expected, validate=True)
    except (ValueError, AttributeError):
        return False
    if (scheme != "scrypt" or n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16
            or 128 * n * r > MAX_SCRYPT_MEMORY or not salt or len(expected) < 16):
        return False
    import hashlib
    import hmac
    try:
        digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected),
                                maxmem=MAX_SCRYPT_MEMORY + 1024 * 1024)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest, expected)


def seal_of(name: str, roles: str, password_hash: str, owner_unit: str, deleted: int) -> str:
    """The seal of an account row: what an outside edit of its roles (or state) no longer matches."""
    import hashlib
    text = "\x1f".join((_SEAL_TAG, name, roles, password_hash, owner_unit, str(int(deleted))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- reading ---------------------------------------------------------------------------------------
class AccountRow(NamedTuple):
    """The columns of an account that :func:`.roles.require` reads (one query per write)."""
    name: str
    roles: str
    password_hash: str
    seal: str
    deleted: int
    owner_unit: str

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)

    @property
    def sealed(self) -> bool:
        import hmac
        expected = seal_of(self.name, self.roles, self.password_hash, self.owner_unit, self.deleted)
        return hmac.compare_digest(expected, self.seal or "")


@dataclass(frozen=True)
class Account:
    """An account as listed (the window's dialog, ``users list``)."""
    name: str
    full_name: str
    roles: tuple[str, ...]
    active: bool
    sealed: bool
    updated_at: str
    updated_by: str

    @property
    def state(self) -> str:
        if not self.sealed:
            return "diubah di luar aplikasi"
        return "aktif" if self.active else "nonaktif"


_ROW_COLUMNS = "name, roles, password_hash, seal, deleted, owner_unit"


def _row(conn, name: str) -> AccountRow | None:
    found = conn.execute(f"SELECT {_ROW_COLUMNS} FROM {TABLE} WHERE name = ?", (name,)).fetchone()
    return None if found is None else AccountRow(*tuple(found))


def accounts_on(conn) -> bool:
    """Whether the file holds any account (disabled ones count: disabling every account never turns
    the checks off)."""
    return conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone() is not None


def list_accounts(conn) -> list[Account]:
    out = []
    for r in conn.execute(f"SELECT {_ROW_COLUMNS}, full_name, updated_at, updated_by FROM {TABLE} ORDER BY name"):
        row = AccountRow(*tuple(r)[:6])
        out.append(Account(row.name, r["full_name"] or "", tuple(sorted(row.role_set)), not row.deleted,
                           row.sealed, r["updated_at"], r["updated_by"]))
    return out


def admin_names(conn) -> list[str]:
    """The active admin accounts (whom a refusal tells to ask)."""
    return [a.name for a in list_accounts(conn) if a.active and a.sealed and "admin" in a.roles]


def _ask(conn) -> str:
    names = admin_names(conn)
    return f"admin ({', '.join(names)})" if names else "admin"


def refusal(conn, actor: str, account: AccountRow | None, permission: str) -> str | None:
    """Why ``actor`` (its account row, or None when it has none) may not use ``permission`` while
    accounts are on; None when it may.  One Indonesian line: who, what is missing, whom to ask."""
    what = PERMISSIONS[permission]
    if account is None:
        return (f"Akun pengguna aktif di berkas ini dan “{actor}” tidak punya akun, jadi tidak dapat {what}. "
                f"Masuk dengan akun Anda (di baris perintah: --user NAMA) atau minta {_ask(conn)} membuatkan akun.")
    if not account.sealed:
        return (f"Peran akun “{actor}” diubah di luar aplikasi (segelnya tidak cocok), jadi akun ini tidak dapat "
                f"{what}. Minta {_ask(conn)} menyetel ulang peran dan kata sandinya.")
    if account.deleted:
        return f"Akun “{actor}” sudah dinonaktifkan, jadi tidak dapat {what}. Minta {_ask(conn)} mengaktifkannya."
    if any(permission in ROLES.get(role, ()) for role in account.role_set):
        return None
    held = ", ".join(sorted(account.role_set)) or "tanpa peran"
    return (f"Akun “{actor}” (peran: {held}) tidak berhak {what}: perlu peran "
            f"{' atau '.join(roles_granting(permission))}. Minta {_ask(conn)} menambahkan peran itu.")


# -- signing in ------------------------------------------------------------------------------------
def clean_name(name: str) -> str:
    text = (name or "").strip().lower()
    if not NAME_RE.fullmatch(text):
        shown = str(name)[:40] + ("…" if len(str(name)) > 40 else "")
        raise ValidationError(f"Nama akun “{shown}” tidak sah: 2-32 huruf kecil, angka, titik, garis bawah atau "
                              "tanda hubung, diawali huruf atau angka (mis. budi.santoso).", field="name")
    return text


def sign_in(conn, name: str, password: str) -> Account:
    """The account ``name`` when ``password`` is its password and it may sign in; otherwise
    :class:`SignInRefused` with one line saying what is wrong and what to do."""
    key = (name or "").strip().lower()
    row = _row(conn, key) if len(key) <= 64 else None
    name = key[:40] + ("…" if len(key) > 40 else "")
    if row is None:
        if not accounts_on(conn):
            raise SignInRefused("Akun pengguna belum diaktifkan di berkas ini; tidak perlu masuk "
                                "(di baris perintah: jalankan tanpa --user).")
        raise SignInRefused(f"Akun “{name}” tidak ada di berkas ini. Periksa ejaannya atau minta {_ask(conn)} "
                            "membuatkannya.")
    if not verify_password(password, row.password_hash):
        raise SignInRefused(f"Kata sandi akun “{key}” salah. Periksa Caps Lock lalu coba lagi.")
    if not row.sealed:
        raise SignInRefused(f"Peran akun “{key}” diubah di luar aplikasi (segelnya tidak cocok); akun ini tidak "
                            f"dapat dipakai. Minta {_ask(conn)} menyetel ulang peran dan kata sandinya.")
    if row.deleted:
        raise SignInRefused(f"Akun “{key}” sudah dinonaktifkan. Minta {_ask(conn)} mengaktifkannya kembali.")
    return next(a for a in list_accounts(conn) if a.name == key)


# -- writing (through the door: PlanService.save_account) ------------------------------------------
def clean_roles(roles) -> str:
    """Roles as stored: known names, sorted, comma-separated."""
    chosen = {str(r).strip().lower() for r in roles if str(r).strip()}
    unknown = chosen - set(ROLES)
    if unknown:
        raise ValidationError(f"Peran {', '.join(sorted(unknown))} tidak dikenal. Pilihan: "
                              f"{', '.join(ROLES)}.", field="roles")
    if not chosen:
        raise ValidationError(f"Beri akun paling sedikit satu peran: {', '.join(ROLES)}.", field="roles")
    return ",".join(sorted(chosen))


def check_password(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Kata sandi terlalu pendek: paling sedikit {MIN_PASSWORD} karakter.", field="password")
    if password.strip().lower() == name:
        raise ValidationError("Kata sandi tidak boleh sama dengan nama akun.", field="password")


def save_with(service, name: str, *, create: bool = False, full_name: str | None = None, roles=None,
              password: str | None = None, active: bool | None = None):
    """Add an account (``create``) or change one: its full name, roles, password, active state.

    The first account turns accounts on and is made an admin; after that only an admin changes
    accounts, except an account changing its own password.  The last active admin cannot lose its
    role or be disabled.  One transaction; returns the Changes."""
    conn = service.store.conn
    name = clean_name(name)
    if password is not None:
        check_password(password, name)
    with service.store.atomic():
        current = _row(conn, name)
        on = accounts_on(conn)
        own_password = (current is not None and service.actor == name and password is not None
                        and roles is None and active is None and full_name is None)
        if on and not own_password:
            require(conn, service.actor, "admin")
        if create and current is not None:
            state = "nonaktif; aktifkan kembali" if current.deleted else "pakai nama lain"
            raise ValidationError(f"Akun “{name}” sudah ada ({state}).", field="name")
        if not create and current is None:
            raise ValidationError(f"Akun “{name}” tidak ada di berkas ini.", field="name")
        if current is None:
            if password is None:
                raise ValidationError("Akun baru memerlukan kata sandi.", field="password")
            chosen = set(roles or ())
            if not on:
                chosen.add("admin")          # the first account administers the others
            role_text, deleted, owner = clean_roles(chosen), 0, service.unit_code
            values = {"full_name": (full_name or "").strip()}
        else:
            role_text = clean_roles(roles) if roles is not None else current.roles
            deleted = current.deleted if active is None else int(not active)
            owner = current.owner_unit
            values = {} if full_name is None else {"full_name": full_name.strip()}
            was_admin = not current.deleted and "admin" in current.role_set and current.sealed
            if was_admin and (deleted or "admin" not in role_text.split(",")) and admin_names(conn) == [name]:
                raise ValidationError(f"Akun “{name}” adalah admin aktif terakhir; tambahkan admin lain dulu.",
                                      field="roles")
        hashed = hash_password(password) if password is not None else current.password_hash
        values.update(name=name, roles=role_text, password_hash=hashed, deleted=deleted,
                      seal=seal_of(name, role_text, hashed, owner, deleted))
        writer = service.writer()
        service.upsert(writer, TABLE, values)
    return writer.changes


# -- the signed-in account of this process (the command line's --user) -----------------------------
_session: str | None = None


def set_session_actor(name: str | None) -> None:
    """The account signed in for this process (the CLI after ``--user``): :func:`.newplan.current_user`
    returns it instead of the operating-system user.  None clears it."""
    global _session
    _session = name


def session_actor() -> str | None:
    return _session
