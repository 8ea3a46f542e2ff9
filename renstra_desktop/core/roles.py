"""Who may do what (issue 9 §3): the one check every write and every step of the period workflow
makes before it writes.

Local accounts are off by default: a one-person unit works as before and the actor is the
operating-system user, allowed everything its unit's rows allow (ownership and period status are
checked by :mod:`.write_rules`).  When accounts are on, an actor needs an active account holding a
role that grants the permission.
"""
from __future__ import annotations

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


def require(conn, actor: str, permission: str) -> None:
    """Return when ``actor`` may use ``permission`` on the plan open on ``conn``; raise
    :class:`.errors.PermissionDenied` (one Indonesian line) when not.  Accounts off: allowed."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
