"""Local accounts from the command line (issue 9 §3, docs/accounts.md), and the one place every
command signs in with ``--user NAME``.

``users add|list|disable|enable|roles|passwd FILE …``.  A password is read from ``--password-file F``
(its first line; ``-`` is standard input) or from standard input, never from the command line.
With accounts on, a command names its account with ``--user NAME``; that account's password comes
from ``--password-file`` (where the command has no ``--password-file`` of its own), the file named by
the environment variable RENSTRA_PASSWORD_FILE, or standard input (its first line; a prompt at a
terminal).  When a command needs two passwords (an admin adding an account), the sign-in password is
read first.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from ..core import accounts
from ..core.errors import ValidationError
from ..core.roles import ROLES
from ..core.store import Store
from .packages import read_secret

PASSWORD_ENV = "RENSTRA_PASSWORD_FILE"


def register(sub) -> None:
    p = sub.add_parser("users", help="akun pengguna lokal dan perannya (bawaan: nonaktif)")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = s.add_parser("add", help="tambah akun (akun pertama menjadi admin dan mengaktifkan akun pengguna)")
    a.add_argument("file")
    a.add_argument("name", metavar="NAMA")
    a.add_argument("--role", action="append", default=[], choices=list(ROLES), metavar="PERAN",
                   help=f"peran ({', '.join(ROLES)}); boleh diulang")
    a.add_argument("--full-name", default="", metavar="TEKS", help="nama lengkap")
    _password_option(a, "kata sandi akun baru")
    a.set_defaults(handler=cmd_add)

    a = s.add_parser("list", help="daftar akun, peran dan keadaannya")
    a.add_argument("file")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_list)

    for action, text, active in (("disable", "nonaktifkan akun (disimpan, tidak dihapus)", False),
                                 ("enable", "aktifkan kembali akun yang nonaktif", True)):
        a = s.add_parser(action, help=text)
        a.add_argument("file")
        a.add_argument("name", metavar="NAMA")
        a.set_defaults(handler=cmd_set_active, active=active)

    a = s.add_parser("roles", help="tetapkan peran akun")
    a.add_argument("file")
    a.add_argument("name", metavar="NAMA")
    a.add_argument("--role", action="append", required=True, choices=list(ROLES), metavar="PERAN")
    a.set_defaults(handler=cmd_roles)

    a = s.add_parser("passwd", help="ganti kata sandi akun (admin, atau akun itu sendiri)")
    a.add_argument("file")
    a.add_argument("name", metavar="NAMA")
    _password_option(a, "kata sandi baru")
    a.set_defaults(handler=cmd_passwd)


def _password_option(parser, what: str) -> None:
    parser.add_argument("--password-file", metavar="F", dest="new_password_file",
                        help=f"{what}: baris pertama berkas F (- : masukan standar); tanpa ini dari masukan standar")


# -- --user on every command that opens a plan ---------------------------------------------------------
def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """Give every command that takes a plan FILE ``--user NAME`` (and ``--password-file`` where it has
    none of its own), walking nested subcommands: called once by the parser builder."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in set(action.choices.values()):
                add_sign_in_options(child)
    dests = {a.dest for a in parser._actions}
    options = {o for a in parser._actions for o in a.option_strings}
    if "file" not in dests or "--user" in options:
        return
    parser.add_argument("--user", metavar="NAMA", help="akun pengguna (bila akun pengguna aktif di berkas)")
    if "--password-file" not in options:
        parser.add_argument("--password-file", metavar="F", dest="user_password_file",
                            help="kata sandi akun --user: baris pertama berkas F (- : masukan standar)")


def sign_in_from_args(args) -> None:
    """When ``--user NAME`` is given: check that account's password against the plan FILE and make it
    the actor of this command (core.newplan.current_user).  Refused: one line, nothing written."""
    name = getattr(args, "user", None)
    if not name:
        return
    source = getattr(args, "user_password_file", None) or os.environ.get(PASSWORD_ENV) or "-"
    if source == "-" and sys.stdin.isatty():
        source = None                                  # a terminal: asked without echo
    secret = read_secret(source, f"Kata sandi akun {name}: ")
    if not secret:
        raise ValidationError(f"Kata sandi akun {name} tidak diberikan: pakai --password-file F, variabel "
                              f"{PASSWORD_ENV}, atau masukan standar.")
    with Store.open(args.file, readonly=True) as store:
        account = accounts.sign_in(store.conn, name, secret.decode("utf-8"))
    accounts.set_session_actor(account.name)


def _new_password(args) -> str:
    source = args.new_password_file or "-"
    if source == "-" and sys.stdin.isatty():
        source = None
    secret = read_secret(source, "Kata sandi baru: ")
    if not secret:
        raise ValidationError("Kata sandi tidak diberikan: pakai --password-file F atau masukan standar "
                              "(tidak pernah sebagai argumen).")
    return secret.decode("utf-8")


def _service(store):
    from ..core.newplan import current_user
    from ..core.service import PlanService
    return PlanService(store, actor=current_user())


# -- commands ------------------------------------------------------------------------------------------
def cmd_add(args) -> int:
    password = _new_password(args)
    with Store.open(args.file) as store:
        first = not accounts.accounts_on(store.conn)
        _service(store).save_account(args.name, create=True, full_name=args.full_name, roles=args.role,
                                     password=password)
        [made] = [a for a in accounts.list_accounts(store.conn) if a.name == args.name.strip().lower()]
    print(f"Akun {made.name} dibuat (peran: {', '.join(made.roles)}).")
    if first:
        print("Akun pengguna kini aktif di berkas ini: setiap perubahan memerlukan akun (--user NAMA).")
    return 0


def cmd_list(args) -> int:
    with Store.open(args.file, readonly=True) as store:
        found = accounts.list_accounts(store.conn)
    if args.json:
        print(json.dumps([{"name": a.name, "full_name": a.full_name, "roles": list(a.roles), "state": a.state,
                           "updated_at": a.updated_at, "updated_by": a.updated_by} for a in found],
                         ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("Akun pengguna belum diaktifkan di berkas ini (pengguna sistem operasi yang mengubah data).")
    for a in found:
        print(f"{a.name:<16} {', '.join(a.roles):<32} {a.state:<10} {a.full_name}")
    return 0


def cmd_set_active(args) -> int:
    with Store.open(args.file) as store:
        _service(store).save_account(args.name, active=args.active)
    print(f"Akun {args.name.strip().lower()} {'diaktifkan kembali' if args.active else 'dinonaktifkan'}.")
    return 0


def cmd_roles(args) -> int:
    with Store.open(args.file) as store:
        _service(store).save_account(args.name, roles=args.role)
    print(f"Peran akun {args.name.strip().lower()}: {', '.join(sorted(set(args.role)))}.")
    return 0


def cmd_passwd(args) -> int:
    password = _new_password(args)
    with Store.open(args.file) as store:
        _service(store).save_account(args.name, password=password)
    print(f"Kata sandi akun {args.name.strip().lower()} diganti.")
    return 0
