"""``renstra-desktop``: the window with no subcommand, otherwise a thin wrapper over one core call.

Each feature module exposes ``register(subparsers)``; a command handler returns the exit code.
Errors from the core (RenstraError) become one Indonesian line on stderr and exit code 1; any other
error is written with its traceback to the log (:mod:`renstra_desktop.logs`) and reported in one line.
Output survives a Windows code page (:mod:`.console`).
"""
from __future__ import annotations

import argparse
import importlib
import re
import sqlite3
import sys

from .. import __version__
from ..core.errors import RenstraError
from .console import make_streams_safe

# Feature modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = ["plan", "packages", "reports", "signing", "export", "excel_import", "cycle", "support", "check",
                   "search", "backup", "period", "users", "audit", "office"]


# argparse's complaints (Python 3.11 wording) in Indonesian; anything else is shown as argparse says it.
_ARGPARSE_MESSAGES = [
    (r"argument (?P<arg>PERINTAH): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)",
     "Perintah {value} tidak dikenal. Pilihan: {choices}."),
    (r"argument (?P<arg>[^:]+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)",
     "{arg}: nilai {value} tidak dikenal. Pilihan: {choices}."),
    (r"argument (?P<arg>[^:]+): invalid int value: (?P<value>.+)", "{arg}: harus bilangan bulat, bukan {value}."),
    (r"argument (?P<arg>[^:]+): invalid \S+ value: (?P<value>.+)", "{arg}: nilai {value} tidak sah."),
    (r"argument (?P<arg>[^:]+): expected one argument", "{arg} memerlukan satu nilai."),
    (r"argument (?P<arg>[^:]+): expected at least one argument", "{arg} memerlukan paling sedikit satu nilai."),
    (r"argument (?P<arg>[^:]+): expected at most one argument", "{arg} menerima paling banyak satu nilai."),
    (r"argument (?P<arg>[^:]+): not allowed with argument (?P<other>.+)", "{arg} tidak dapat dipakai bersama {other}."),
    (r"argument (?P<arg>[^:]+): ignored explicit argument (?P<value>.+)", "{arg} tidak menerima nilai {value}."),
    (r"the following arguments are required: (?P<args>.+)", "Argumen wajib belum diberikan: {args}."),
    (r"one of the arguments (?P<args>.+) is required", "Berikan salah satu dari: {args}."),
    (r"unrecognized arguments: (?P<args>.+)", "Argumen tidak dikenal: {args}."),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "Opsi {option} ambigu: bisa berarti {matches}."),
]


def _indonesian(message: str) -> str:
    for pattern, text in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            parts = match.groupdict()
            if "choices" in parts:
                parts["choices"] = parts["choices"].replace("'", "")
            return text.format(**parts)
    return message


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="Pemakaian: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks Indonesian: help headings, and complaints in one line that
    say where the help is (subcommand parsers are made of the same class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        self.add_argument("-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar")

    def error(self, message):
        self.exit(2, f"{self.prog}: {_indonesian(message)} Lihat: {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="renstra-desktop",
        description="Renstra Desktop: rencana strategis lima tahun Kanwil Ditjenpas dan UPT-nya, luring.",
    )
    parser.add_argument("--version", action="version", version=f"renstra-desktop {__version__}",
                        help="tampilkan versi lalu keluar")
    parser.add_argument("--db", metavar="FILE", help="buka berkas rencana ini di jendela")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", title="perintah")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    from .users import add_sign_in_options
    add_sign_in_options(parser)          # --user NAME on every command that takes a plan FILE
    return parser


WINDOW_SUFFIXES = (".renstra", ".rpkg")    # what a double-click on a file hands to the window


def _window_only(argv: list[str]) -> tuple[bool, str | None, str | None]:
    """(True, --db FILE or None, opened FILE or None) when argv asks just for the window: [],
    ``--db FILE``, a ``.renstra``/``.rpkg`` file (a double-click) or both.  The common start then
    skips importing every command module to build the full parser (start-up time)."""
    db = opened = None
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest and not rest[0].startswith("-") and db is None:
            db = rest.pop(0)
        elif arg.startswith("--db=") and len(arg) > 5 and db is None:
            db = arg[5:]
        elif opened is None and not arg.startswith("-") and arg.lower().endswith(WINDOW_SUFFIXES):
            opened = arg
        else:
            return False, None, None
    return True, db, opened


def _unexpected(exc: BaseException) -> int:
    """One line for the user, the traceback in the log."""
    from ..logs import log_exception, setup_logging

    log = setup_logging()
    log_exception(f"unexpected error in the command line: {sys.argv[1:]}", exc)
    where = f" Rinciannya dicatat di {log}." if log else ""
    print(f"renstra-desktop: terjadi kesalahan tak terduga ({type(exc).__name__}).{where} "
          "Kirim berkas log itu ke pengelola aplikasi.", file=sys.stderr)
    return 1


def _one_writer_per_command(on: bool, args=None) -> None:
    """While a command runs, a plan it opens for writing stays locked from open to exit (another
    writer waits, with a notice on stderr), so two commands never interleave a read-modify-write."""
    from ..core import backups, file_lock, store

    if not on:
        store.hold_writer_lock_while_open(None)
        file_lock.set_wait_notice(None)
        backups.set_notice(None)
        return
    words = [args.command] + [getattr(args, k) for k in ("keys_command", "conflicts_command", "action")
                              if isinstance(getattr(args, k, None), str)]
    store.hold_writer_lock_while_open("renstra-desktop " + " ".join(words))
    file_lock.set_wait_notice(lambda text: print(f"renstra-desktop: {text}", file=sys.stderr, flush=True))
    backups.set_notice(lambda text: print(f"renstra-desktop: {text}", file=sys.stderr, flush=True))  # day's backup


def main(argv: list[str] | None = None) -> int:
    make_streams_safe()
    window, db, opened = _window_only(sys.argv[1:] if argv is None else list(argv))
    if window:
        from ..ui.app import run_app

        return run_app(db_path=db, open_file=opened)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from ..ui.app import run_app  # Qt is imported only when the window is wanted

        return run_app(db_path=args.db)
    _one_writer_per_command(True, args)
    try:
        from .users import sign_in_from_args
        sign_in_from_args(args)          # the actor of this command: the --user account, else the OS user
        return int(args.handler(args) or 0)
    except RenstraError as exc:
        print(f"renstra-desktop: {exc.message}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:     # met after the open checks: a damaged page, text not UTF-8, busy
        from ..core.sqlite_errors import database_error_message
        print(f"renstra-desktop: {database_error_message(exc, getattr(args, 'file', None))}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        print("renstra-desktop: dihentikan.", file=sys.stderr)
        return 130
    except Exception as exc:   # a defect: never a raw traceback on the user's console
        return _unexpected(exc)
    finally:
        _one_writer_per_command(False)
        from ..core.accounts import set_session_actor
        set_session_actor(None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
