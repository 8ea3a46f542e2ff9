"""office: the office identity the kop, the reports and the window show (core/plan_profile.py)."""
from __future__ import annotations

import json

from ..core.store import Store

TEXT_KEYS = ("name", "address", "province", "place", "head_title", "head_name")   # one option each


def register(sub) -> None:
    p = sub.add_parser("office", help="identitas kantor (kop, laporan): tampilkan, atau ubah dengan opsi di bawah",
                       description="Tanpa opsi: tampilkan identitas kantor. Dengan opsi: ubah bagian itu (hanya di "
                                   "berkas Kantor Wilayah; sampai ke satker lewat paket Kanwil).")
    p.add_argument("file")
    p.add_argument("--ministry", action="append", metavar="BARIS",
                   help="baris kop kementerian (ulangi untuk tiap baris)")
    p.add_argument("--name", help="nama kantor seperti di kop")
    p.add_argument("--address", help="alamat kantor")
    p.add_argument("--province", help="provinsi")
    p.add_argument("--place", help="tempat sebelum tanggal tanda tangan, mis. Mataram")
    p.add_argument("--head-title", dest="head_title", help="jabatan kepala kantor")
    p.add_argument("--head-name", dest="head_name", help="nama kepala kantor")
    p.add_argument("--json", action="store_true", help="keluaran JSON")
    p.set_defaults(handler=cmd_office)


def cmd_office(args) -> int:
    from ..core.plan_profile import OFFICE_LABELS, office_of

    changes = {key: getattr(args, key) for key in TEXT_KEYS if getattr(args, key) is not None}
    if args.ministry is not None:
        changes["ministry"] = args.ministry
    if changes:
        from ..core.newplan import current_user
        from ..core.service import PlanService
        with Store.open(args.file) as store:
            PlanService(store, actor=current_user()).save_office(changes)
            office = office_of(store.conn)
    else:
        with Store.open(args.file, readonly=True) as store:
            office = office_of(store.conn)
    if args.json:
        print(json.dumps(office, ensure_ascii=False, indent=1))
        return 0
    if changes:
        print("Identitas kantor disimpan: " + ", ".join(OFFICE_LABELS[k].lower() for k in OFFICE_LABELS if k in changes) + ".")
    for key, label in OFFICE_LABELS.items():
        value = office[key]
        print(f"{label:<24}: {' / '.join(value) if key == 'ministry' else (value or '-')}")
    return 0
