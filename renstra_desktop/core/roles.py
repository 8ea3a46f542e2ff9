"""Who may do what (issue 9 §3): the one check every write and every step of the period workflow
makes before it writes.

Local accounts are off by default: a one-person unit works as before and the actor is the
operating-system user, allowed everything its unit's rows allow (ownership and period status are
checked by :mod:`.write_rules`).  When accounts are on (the file holds at least one account,
:mod:`.accounts`), an actor needs an active account whose sealed role set grants the permission.
"""
from __future__ import annotations

import sqlite3

from .errors import PermissionDenied

# permission -> what it lets an actor do (shown in refusals)
PERMISSIONS = {
    "enter": "mengisi dan mengubah data",
    "submit": "mengajukan periode",
    "return": "mengembalikan periode",
    "verify": "memverifikasi periode",
    "approve": "mengesahkan periode",
    "unlock": "membuka kunci periode",
    "merge": "menggabungkan paket satker",
    "sign": "menandatangani laporan",
    "admin": "mengelola akun pengguna",
}

# role -> the permissions it grants.  An account may hold several roles.
ROLES = {
    "operator": frozenset({"enter", "submit", "merge"}),     # enters data, sends and receives packages
    "verifikator": frozenset({"return", "verify", "merge"}),  # the Kanwil's verifier
    "pimpinan": frozenset({"approve", "unlock", "sign"}),     # the head: approves, unlocks, signs
    "admin": frozenset({"admin"}),                            # accounts
}


# signing role of a report (core.signing.roles) -> the permission it needs: the konseptor prepares
# the report (an operator), the kepala approves it (the head)
SIGNING_PERMISSION = {"konseptor": "enter", "kepala": "sign"}


def roles_granting(permission: str) -> list[str]:
    """The roles that grant ``permission`` (for the refusal's "needs role …")."""
    return [role for role, granted in ROLES.items() if permission in granted]


def require(conn, actor: str, permission: str) -> None:
    """Return when ``actor`` may use ``permission`` on the plan open on ``conn``; raise
    :class:`.errors.PermissionDenied` (one Indonesian line) when not.  Accounts off: allowed.

    Called once per write call: one indexed lookup of the actor's account (and, with no such
    account, one more to see whether accounts are on)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    from .accounts import AccountRow, refusal   # imported here: accounts imports this module
    try:
        row = conn.execute("SELECT name, roles, password_hash, seal, deleted, owner_unit FROM user_account "
                           "WHERE name = ?", (actor,)).fetchone()
        if row is None and conn.execute("SELECT 1 FROM user_account LIMIT 1").fetchone() is None:
            return                                    # accounts off
    except sqlite3.OperationalError as exc:           # a bare connection of a file older than schema 10
        if "no such table" in str(exc):
            return
        raise
    account = None if row is None else AccountRow(*tuple(row))
    why = refusal(conn, actor, account, permission)
    if why:
        raise PermissionDenied(why)


def require_signing(conn, actor: str, signing_role: str) -> None:
    """Return when ``actor`` may sign a report of the plan open on ``conn`` as ``signing_role``
    (konseptor or kepala); :class:`.errors.PermissionDenied` when not.  The certificate's password
    is the signature's own guard; with accounts on, the role is checked too (accounts off: allowed)."""
    require(conn, actor, SIGNING_PERMISSION[signing_role])
