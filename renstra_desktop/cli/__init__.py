"""``renstra-desktop``: the window with no subcommand, otherwise a thin wrapper over one core call.

Each feature module exposes ``register(subparsers)``; a command handler returns the exit code.
Errors from the core (RenstraError) become one Indonesian line on stderr and exit code 1.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__
from ..core.errors import RenstraError

# Feature modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = ["plan", "packages", "reports", "signing", "export"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="renstra-desktop",
        description="Renstra Desktop: rencana strategis 2025-2029 (Kanwil Ditjenpas NTB), luring.",
    )
    parser.add_argument("--version", action="version", version=f"renstra-desktop {__version__}")
    parser.add_argument("--db", metavar="FILE", help="buka berkas rencana ini di jendela")
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _window_only(argv: list[str]) -> tuple[bool, str | None]:
    """(True, FILE or None) when argv asks just for the window ([] or --db FILE): the common start
    then skips importing every command module to build the full parser (start-up time)."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > 5:
        return True, argv[0][5:]
    return False, None


def main(argv: list[str] | None = None) -> int:
    window, db = _window_only(sys.argv[1:] if argv is None else list(argv))
    if window:
        from ..ui.app import run_app

        return run_app(db_path=db)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from ..ui.app import run_app  # Qt is imported only when the window is wanted

        return run_app(db_path=args.db)
    try:
        return int(args.handler(args) or 0)
    except RenstraError as exc:
        print(f"renstra-desktop: {exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
