"""search: find a text anywhere in a plan (what Ctrl+F finds in the window)."""
from __future__ import annotations

import json
import sys

from ..core.store import Store
from .console import is_unicode


def register(sub) -> None:
    p = sub.add_parser("search", help="cari teks di seluruh rencana (indikator, risiko, roadmap, data dukung, "
                                      "catatan, narasi, satker)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("text", metavar="TEXT", help="kata yang dicari; setiap kata harus ada (awal kata cocok), "
                                                "\"frasa\" dalam tanda kutip")
    p.add_argument("--unit", metavar="CODE", help="hanya baris satker ini (dan data rujukan bersama)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="hasil paling banyak (bawaan: 500)")
    p.add_argument("--json", action="store_true", help="hasil sebagai JSON")
    p.set_defaults(handler=cmd_search)


def cmd_search(args) -> int:
    from ..core.cycle.common import check_unit
    from ..core.search import LIMIT, search_plan

    with Store.open(args.file, readonly=True) as store:
        units = None if args.unit is None else {check_unit(store.conn, args.unit)}
        result = search_plan(store, args.text, units=units, limit=LIMIT if args.limit is None else args.limit)
    if args.json:
        data = {"file": str(args.file), **result.as_dict()}
        sys.stdout.write(json.dumps(data, ensure_ascii=not is_unicode(sys.stdout), indent=1) + "\n")
        return 0
    for hit in result.hits:
        where = " · ".join(p for p in (hit.tab_label, hit.unit_name or "semua satker", hit.row_label,
                                       hit.column_label) if p)
        text, spans = hit.snippet(160)
        marked, last = [], 0
        for a, b in spans:
            marked += [text[last:a], "«", text[a:b], "»"]
            last = b
        print(where)
        print("    " + "".join(marked) + text[last:])
    quoted = f"“{result.query}”"
    if result.more:
        print(f"Lebih dari {result.limit} hasil untuk {quoted}; {len(result.hits)} pertama ditampilkan. "
              "Tambahkan kata agar lebih tepat.")
    elif result.hits:
        print(f"{len(result.hits)} hasil untuk {quoted}.")
    else:
        print(f"Tidak ada hasil untuk {quoted}.")
    return 0
