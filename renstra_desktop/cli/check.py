"""check: the full integrity check of a plan on demand; it also recovers an interrupted write."""
from __future__ import annotations

from ..core.errors import FileError
from ..core.store import Store


def register(sub) -> None:
    p = sub.add_parser("check", help="periksa keutuhan berkas rencana (dan pulihkan penyimpanan yang terputus)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_check)


def cmd_check(args) -> int:
    with Store.open(args.file) as store:
        if store.recovered:
            print(f"Penyimpanan yang terputus dibatalkan: berkas {store.path.name} kembali ke keadaan "
                  "sebelum penyimpanan itu.")
        report = store.check_integrity()
    if not report.ok:
        raise FileError(report.message)
    print(report.message)
    return 0
