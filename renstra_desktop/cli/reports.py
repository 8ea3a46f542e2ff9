"""Report commands: report, verify-report, signatory (thin wrappers over core.reports)."""
from __future__ import annotations

import datetime as _dt
import json

from ..core import localtime
from ..core.errors import NotFound, ValidationError
from ..core.numbers import format_date, format_nip
from ..core.reports.base import KIND_ALIASES, KINDS, ReportOptions
from ..core.dataset import KANWIL
from ..core.plan_profile import current_year
from ..core.store import Store

# reportlab and pyHanko load inside the commands: building the parser stays light.

MISMATCH_EXIT = 3      # verify-report: the plan's figures differ from the report


def register(sub) -> None:
    p = sub.add_parser("report", help="buat laporan PDF: " + ", ".join(KINDS) + " (lkjip juga .docx; lampiran = "
                                      "Lampiran Renstra, tabel-tabelnya; 'renstra' juga diterima)")
    p.add_argument("kind", metavar="KIND", choices=KINDS + tuple(KIND_ALIASES), help=" | ".join(KINDS))
    p.add_argument("file", metavar="FILE", help="berkas rencana (.renstra)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--unit", help="kode satker; bawaan: satker berkas ini; SEMUA = seluruh satker")
    p.add_argument("--year", type=int, help="tahun capaian (tahun Renstra; bawaan: tahun ini)")
    p.add_argument("--period", help="periode: 2026, 2026-S1, 2026-TW3, 2026-05 (pengukuran, pemantauan-risiko: "
                   "triwulan; lkjip: 2026-S1 untuk UPT, 2026 untuk Kanwil)")
    p.add_argument("--paper", choices=("a4", "f4"), default="a4", help="kertas lanskap (bawaan a4)")
    p.add_argument("--tte", action="store_true", help="cetak karakter penanda TTE BSrE (^) di tempat tanda tangan")
    p.add_argument("--history", action="store_true",
                   help="sertakan riwayat 2020-2024 milik satker itu (Tabel 1.2-1.7)")
    p.add_argument("--generated-at", metavar="YYYY-MM-DD[THH:MM]",
                   help="waktu pembuatan tercetak (zona kantor); bawaan: waktu perubahan terakhir di rencana")
    p.add_argument("--json", action="store_true", help="ringkasan JSON (halaman, kode, tempat tanda tangan)")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("verify-report", help="periksa laporan (PDF atau teks kode QR) terhadap berkas rencana")
    p.add_argument("pdf", nargs="?", metavar="PDF")
    p.add_argument("--code", metavar="TEXT", help="teks kode QR hasil pindaian")
    p.add_argument("--db", required=True, metavar="FILE", help="berkas rencana pembanding")
    p.set_defaults(handler=cmd_verify_report)

    p = sub.add_parser("signatory", help="blok tanda tangan laporan per satker")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = s.add_parser("show", help="tampilkan blok tanda tangan")
    show.add_argument("file", metavar="FILE")
    show.add_argument("--unit")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_signatory_show)
    st = s.add_parser("set", help="ubah blok tanda tangan (hanya bagian yang diberikan)")
    st.add_argument("file", metavar="FILE")
    st.add_argument("--unit")
    st.add_argument("--place", help="tempat, mis. Mataram (bawaan: tempat kantor pada rencana)")
    st.add_argument("--date", help="tanggal tetap (22 Desember 2025 / 2025-12-22); '' = tanggal laporan")
    st.add_argument("--on-behalf", help="jabatan setelah 'a.n.'; '' = tanpa a.n.")
    st.add_argument("--jabatan")
    st.add_argument("--name")
    st.add_argument("--nip", help="18 angka, dicetak 8-6-1-3")
    st.add_argument("--paraf", action="append", metavar="PERAN|NAMA|JABATAN",
                    help="baris tabel paraf (ulang untuk tiap baris; pertama Konseptor)")
    st.add_argument("--paraf-on", dest="paraf_enabled", action="store_true", default=None)
    st.add_argument("--paraf-off", dest="paraf_enabled", action="store_false")
    st.set_defaults(handler=cmd_signatory_set)


def _unit(args, store) -> str | None:
    unit = (args.unit or store.unit_code).upper()
    if unit == "SEMUA":
        return None
    codes = [r[0] for r in store.conn.execute("SELECT code FROM unit WHERE deleted = 0 ORDER BY seq")]
    if unit not in codes:
        raise NotFound(f"Satker “{unit}” tidak ada di berkas rencana ini. Pilihan: {', '.join(codes)}, "
                       "atau SEMUA untuk seluruh satker.")
    return unit


def _generated_at(text: str | None, conn):
    if not text:
        return None
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"Waktu “{text}” tidak sah. Tulis misalnya 2025-12-22 atau 2025-12-22T09:00.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=localtime.zone_of(conn))     # the office's zone (WITA in NTB)
    return moment


def cmd_report(args) -> int:
    from ..core.reports import build_report
    with Store.open(args.file, readonly=True) as store:
        year = args.year or (None if args.period else current_year(store.conn))
        options = ReportOptions(args.kind, unit=_unit(args, store), year=year, period=args.period,
                                paper=args.paper, tte=args.tte, history=args.history,
                                generated_at=_generated_at(args.generated_at, store.conn)).checked(store.conn)
        if args.output.lower().endswith(".docx"):       # the LKjIP as an editable Word document
            if args.kind != "lkjip":
                raise ValidationError("Hanya LKjIP yang dapat ditulis sebagai dokumen Word (.docx); "
                                      f"untuk {args.kind} beri nama keluaran .pdf.")
            from ..core.reports.lkjip_docx import build_docx
            build_docx(store.conn, options, args.output)
            print(f"Laporan lkjip ditulis: {args.output} (dokumen Word)")
            return 0
        result = build_report(store.conn, options, args.output)
    if args.json:
        print(json.dumps({"output": args.output, "pages": result.page_count, "payload": result.payload,
                          "sha256": result.digest, "spots": result.spots, "boxes": result.boxes,
                          "tte_marks": result.tte_marks}, ensure_ascii=False, indent=1))
    else:
        print(f"Laporan {options.kind} ditulis: {args.output} ({result.page_count} halaman, kode {result.digest[:12]})")
    return 0


def cmd_verify_report(args) -> int:
    from ..core.reports.verify import payload_from_pdf, verify_payload
    if bool(args.pdf) == bool(args.code):
        raise ValidationError("Berikan PDF laporan ATAU --code TEKS (hasil pindaian QR), salah satu saja.")
    text = args.code if args.code else payload_from_pdf(args.pdf)
    with Store.open(args.db, readonly=True) as store:
        result = verify_payload(store.conn, text)
    print(result.message)
    return 0 if result.matches else MISMATCH_EXIT


def cmd_signatory_show(args) -> int:
    from ..core.queries import unit_names
    from ..core.reports.signature_block import load_signatory
    with Store.open(args.file, readonly=True) as store:
        sig = load_signatory(store.conn, _unit(args, store) or KANWIL)
        name = unit_names(store.conn).get(sig.unit_code, sig.unit_code)
    data = {"unit": sig.unit_code, "place": sig.place, "date": sig.sign_date.isoformat() if sig.sign_date else None,
            "on_behalf": sig.on_behalf, "jabatan": sig.jabatan, "name": sig.name, "nip": format_nip(sig.nip),
            "paraf_enabled": sig.paraf_enabled, "paraf": sig.paraf}
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(f"Satker   : {name}")
    print(f"Tempat   : {sig.place or '-'}; tanggal: {format_date(sig.sign_date) if sig.sign_date else 'tanggal laporan'}")
    if sig.on_behalf:
        print(f"a.n.     : {sig.on_behalf}")
    print(f"Jabatan  : {sig.jabatan or '-'}")
    print(f"Nama     : {sig.name or '-'}")
    print(f"NIP      : {format_nip(sig.nip) or '-'}")
    print(f"Paraf    : {'ya' if sig.paraf_enabled else 'tidak'}"
          + "".join(f"\n  {p['role']}: {p['name'] or '-'} ({p['jabatan'] or '-'})" for p in sig.paraf))
    return 0


def cmd_signatory_set(args) -> int:
    from ..core.newplan import current_user
    from ..core.queries import unit_names
    from ..core.reports.signature_block import load_signatory, parse_date_text, save_signatory
    with Store.open(args.file) as store:
        unit = _unit(args, store) or KANWIL
        name = unit_names(store.conn).get(unit, unit)
        sig = load_signatory(store.conn, unit)
        for attr in ("place", "on_behalf", "jabatan", "name", "nip"):
            value = getattr(args, attr)
            if value is not None:
                setattr(sig, attr, value)
        if args.date is not None:
            sig.sign_date = parse_date_text(args.date)
        if args.paraf is not None:
            sig.paraf = [_paraf_row(text) for text in args.paraf]
        if args.paraf_enabled is not None:
            sig.paraf_enabled = args.paraf_enabled
        saved = save_signatory(store, sig, current_user())
    print(f"Blok tanda tangan {name} disimpan: {saved.jabatan}, {saved.name or '(nama kosong)'}.")
    return 0


def _paraf_row(text: str) -> dict:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > 3 or not parts[0]:
        raise ValidationError(f"Baris paraf “{text}” harus berbentuk PERAN|NAMA|JABATAN, mis. Konseptor|Budi|Analis.")
    parts += [""] * (3 - len(parts))
    return {"role": parts[0], "name": parts[1], "jabatan": parts[2]}
