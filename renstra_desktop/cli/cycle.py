"""The yearly performance cycle from the command line: unit indicators and their manual, PK,
Rencana Aksi, measurement (realisation and analysis), evidence files, LKjIP narrative and risk
monitoring.  Each command is a thin wrapper over one call in core.cycle."""
from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import ValidationError
from ..core.store import Store


def _common(p, unit=True, year=False, period=False):
    p.add_argument("file", metavar="FILE", help="berkas rencana (.renstra)")
    if unit:
        p.add_argument("--unit", help="kode satker; bawaan: satker berkas ini")
    if year:
        p.add_argument("--year", type=int, required=True, help="tahun Renstra (mis. 2026)")
    if period:
        p.add_argument("--period", required=True, help="periode, mis. 2026-TW2, 2026-S1, 2026")


def register(sub) -> None:
    p = sub.add_parser("indikator", help="indikator satker (pohon kinerja) dan manualnya")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("tambah", help="tambah/ubah indikator satker yang mendukung IKK Kanwil")
    _common(a)
    a.add_argument("--kode", help="kode indikator (bawaan SATKER.n)")
    a.add_argument("--mendukung", required=True, metavar="IKK", help="IKK Kanwil yang didukung, mis. 'IKK 17.1'")
    a.add_argument("--sasaran", required=True, help="sasaran satker")
    a.add_argument("--nama", required=True, help="nama indikator")
    a.add_argument("--satuan", help="satuan (bawaan: satuan IKK)")
    a.add_argument("--polaritas", choices=("higher", "lower"))
    a.add_argument("--rekap", choices=("last", "sum", "mean"))
    a.add_argument("--target", action="append", default=[], metavar="TAHUN=NILAI", help="target per tahun")
    a.set_defaults(handler=cmd_indicator_add)
    a = s.add_parser("daftar", help="pohon kinerja: IKK Kanwil -> indikator satker")
    _common(a)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_indicator_tree)
    a = s.add_parser("manual", help="isi manual indikator")
    _common(a)
    a.add_argument("--indikator", required=True)
    for opt in ("definisi", "formula", "sumber", "pj", "standar"):
        a.add_argument(f"--{opt}")
    a.set_defaults(handler=cmd_manual)

    p = sub.add_parser("pk", help="Perjanjian Kinerja: buat, ubah, perubahan, tampilkan")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("buat", help="PK baru dari target Renstra dan kerangka pendanaan")
    _common(a, year=True)
    a.set_defaults(handler=cmd_pk_create)
    a = s.add_parser("ubah", help="ubah PK yang berlaku (target, para pihak, anggaran)")
    _common(a, year=True)
    a.add_argument("--target", action="append", default=[], metavar="INDIKATOR=NILAI")
    for opt in ("first-jabatan", "first-name", "first-nip", "second-jabatan", "second-name", "second-nip",
                "place", "sign-date"):
        a.add_argument(f"--{opt}")
    a.add_argument("--anggaran", action="append", default=[], metavar="NO|PROGRAM|KEGIATAN|JUTA_RP")
    a.set_defaults(handler=cmd_pk_update)
    a = s.add_parser("perubahan", help="PK Perubahan: salinan PK berlaku dengan alasannya (PK awal disimpan)")
    _common(a, year=True)
    a.add_argument("--alasan", required=True)
    a.set_defaults(handler=cmd_pk_revise)
    a = s.add_parser("tampil", help="tampilkan PK (JSON)")
    _common(a, year=True)
    a.add_argument("--revision", type=int)
    a.set_defaults(handler=cmd_pk_show)

    p = sub.add_parser("rencana-aksi", help="Rencana Aksi: target dan kegiatan TW I-IV per indikator PK")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("susun", help="baris Rencana Aksi untuk tiap indikator PK yang belum punya")
    _common(a, year=True)
    a.set_defaults(handler=cmd_plan_draft)
    a = s.add_parser("set", help="ubah satu indikator")
    _common(a, year=True)
    a.add_argument("--indikator", required=True)
    for q in range(1, 5):
        a.add_argument(f"--tw{q}", help=f"target TW {q}")
    a.add_argument("--kegiatan", action="append", default=[], metavar="TW=TEKS", help="kegiatan, mis. 2=Monev")
    a.add_argument("--pj", help="penanggung jawab")
    a.add_argument("--alasan", help="alasan bila TW IV tidak sama dengan target PK")
    a.set_defaults(handler=cmd_plan_set)

    p = sub.add_parser("pengukuran", help="realisasi dan analisis (penjelasan, kendala, solusi) per periode")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("catat", help="catat realisasi dan/atau analisis satu indikator")
    _common(a, period=True)
    a.add_argument("--indikator", required=True)
    a.add_argument("--nilai", help="realisasi periode ini (mis. 3,2)")
    a.add_argument("--penjelasan")
    a.add_argument("--kendala")
    a.add_argument("--solusi")
    a.set_defaults(handler=cmd_measure)
    a = s.add_parser("tampil", help="target, realisasi dan capaian per periode (JSON)")
    _common(a, period=True)
    a.set_defaults(handler=cmd_measure_show)

    p = sub.add_parser("evidence", help="berkas data dukung: add, list, get")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("add", help="lampirkan berkas (PDF, gambar, lembar kerja)")
    _common(a, period=True)
    a.add_argument("--indikator", required=True)
    a.add_argument("path", metavar="BERKAS")
    a.set_defaults(handler=cmd_evidence_add)
    a = s.add_parser("list", help="daftar berkas dengan SHA-256")
    _common(a)
    a.add_argument("--period")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_evidence_list)
    a = s.add_parser("get", help="simpan berkas ke disk")
    a.add_argument("file", metavar="FILE")
    a.add_argument("id", metavar="ID")
    a.add_argument("-o", "--output", required=True)
    a.set_defaults(handler=cmd_evidence_get)

    p = sub.add_parser("narrative", help="bagian naratif LKjIP")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("set", help="isi satu bagian (teks biasa atau HTML sederhana)")
    _common(a, period=True)
    a.add_argument("--section", required=True, help="kata_pengantar, ikhtisar, pendahuluan, perencanaan, "
                   "analisis, anggaran, penutup")
    g = a.add_mutually_exclusive_group(required=True)
    g.add_argument("--text")
    g.add_argument("--from-file", metavar="BERKAS")
    a.set_defaults(handler=cmd_narrative_set)

    p = sub.add_parser("risk-monitor", help="pemantauan risiko per triwulan: RTP, status, residual, kejadian")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = s.add_parser("rtp", help="tambah kegiatan RTP sebuah risiko")
    _common(a)
    a.add_argument("--risk", required=True, metavar="ID")
    a.add_argument("--kegiatan", required=True)
    a.add_argument("--waktu")
    a.add_argument("--pj")
    a.add_argument("--keluaran")
    a.set_defaults(handler=cmd_risk_action)
    a = s.add_parser("status", help="status kegiatan RTP di akhir triwulan")
    _common(a, period=True)
    a.add_argument("--rtp", required=True, metavar="ID")
    a.add_argument("--status", required=True, choices=("belum", "berjalan", "selesai", "tertunda"))
    a.add_argument("--catatan", default="")
    a.set_defaults(handler=cmd_risk_status)
    a = s.add_parser("residual", help="kemungkinan dan dampak residual di akhir triwulan")
    _common(a, period=True)
    a.add_argument("--risk", required=True, metavar="ID")
    a.add_argument("--k", required=True)
    a.add_argument("--d", required=True)
    a.add_argument("--catatan", default="")
    a.set_defaults(handler=cmd_risk_residual)
    a = s.add_parser("kejadian", help="catat kejadian risiko")
    _common(a)
    a.add_argument("--risk", required=True, metavar="ID")
    a.add_argument("--tanggal", required=True)
    a.add_argument("--uraian", required=True)
    a.add_argument("--dampak", default="")
    a.add_argument("--respons", default="")
    a.set_defaults(handler=cmd_risk_event)


class _Writer:
    """Open the plan for writing with a service of this installation's unit."""

    def __init__(self, args):
        self.args = args

    def __enter__(self):
        from ..core.newplan import current_user
        from ..core.service import PlanService
        self.store = Store.open(self.args.file)
        self.service = PlanService(self.store, actor=current_user())
        self.unit = (getattr(self.args, "unit", None) or self.store.unit_code).upper()
        return self

    def __exit__(self, *exc):
        self.store.close()


def _pairs(items, what) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"{what} “{item}” harus berbentuk KUNCI=NILAI.")
        out[key.strip()] = value.strip()
    return out


def _print_changes(changes, what: str) -> None:
    n = sum(len(v) for v in changes.rows.values()) if changes else 0
    print(f"{what}: {n} baris berubah.")


def cmd_indicator_add(args) -> int:
    from ..core.cycle.indicators import define_indicator
    from ..core.plan_profile import target_column
    with _Writer(args) as w:
        values = {"objective_name": args.sasaran, "name": args.nama, "parent_code": args.mendukung}
        for key, arg in (("code", args.kode), ("measure", args.satuan), ("polarity", args.polaritas),
                         ("rollup", args.rekap)):
            if arg:
                values[key] = arg
        for year, value in _pairs(args.target, "Target").items():
            values[target_column(w.store.conn, int(year))] = value
        row_id, changes = define_indicator(w.service, w.unit, values)
        code = w.store.conn.execute("SELECT code FROM unit_indicator WHERE id = ?", (row_id,)).fetchone()[0]
    print(f"Indikator {code} disimpan untuk {w.unit}.")
    return 0


def cmd_indicator_tree(args) -> int:
    from ..core.cycle.indicators import tree
    with Store.open(args.file, readonly=True) as store:
        data = tree(store.conn, args.unit.upper() if args.unit else None)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    for node in data:
        print(f"{node['code']} {node['name']}")
        for c in node["children"]:
            print(f"  └ {c['unit_code']} {c['code']} {c['name']} ({c['measure']})")
    return 0


def cmd_manual(args) -> int:
    from ..core.cycle.indicators import set_manual
    names = {"definisi": "definition", "formula": "formula", "sumber": "data_source", "pj": "responsible",
             "standar": "national_standard"}
    with _Writer(args) as w:
        values = {field: getattr(args, opt) for opt, field in names.items() if getattr(args, opt) is not None}
        _print_changes(set_manual(w.service, w.unit, args.indikator, values), "Manual indikator")
    return 0


def cmd_pk_create(args) -> int:
    from ..core.cycle.agreement import draft_agreement
    with _Writer(args) as w:
        _print_changes(draft_agreement(w.service, w.unit, args.year), f"PK {w.unit} {args.year} dibuat")
    return 0


def cmd_pk_update(args) -> int:
    from ..core.cycle.agreement import set_budget_line, set_parties, set_target
    with _Writer(args) as w:
        with w.store.atomic():
            for code, value in _pairs(args.target, "Target").items():
                set_target(w.service, w.unit, args.year, code, value)
            parties = {k.replace("-", "_"): getattr(args, k.replace("-", "_")) for k in (
                "first-jabatan", "first-name", "first-nip", "second-jabatan", "second-name", "second-nip",
                "place", "sign-date") if getattr(args, k.replace("-", "_")) is not None}
            if parties:
                set_parties(w.service, w.unit, args.year, parties)
            for line in args.anggaran:
                parts = [x.strip() for x in line.split("|")]
                if len(parts) != 4:
                    raise ValidationError(f"Baris anggaran “{line}” harus NO|PROGRAM|KEGIATAN|JUTA_RP.")
                set_budget_line(w.service, w.unit, args.year, parts[0], parts[1], parts[2], parts[3])
    print(f"PK {w.unit} {args.year} diubah.")
    return 0


def cmd_pk_revise(args) -> int:
    from ..core.cycle.agreement import revise_agreement
    with _Writer(args) as w:
        revision, _ = revise_agreement(w.service, w.unit, args.year, args.alasan)
    print(f"PK Perubahan ke-{revision} {w.unit} {args.year} dibuat; PK sebelumnya tetap tersimpan.")
    return 0


def cmd_pk_show(args) -> int:
    from ..core.cycle.agreement import agreement
    with Store.open(args.file, readonly=True) as store:
        data = agreement(store.conn, (args.unit or store.unit_code).upper(), args.year, args.revision)
    print(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    return 0


def cmd_plan_draft(args) -> int:
    from ..core.cycle.action_plan import draft_action_plan
    with _Writer(args) as w:
        _print_changes(draft_action_plan(w.service, w.unit, args.year), "Rencana Aksi disusun")
    return 0


def cmd_plan_set(args) -> int:
    from ..core.cycle.action_plan import set_action_plan
    values = {f"tw{q}": getattr(args, f"tw{q}") for q in range(1, 5) if getattr(args, f"tw{q}") is not None}
    acts: dict[int, list] = {}
    for q, text in _pairs(args.kegiatan, "Kegiatan").items():
        if q not in ("1", "2", "3", "4"):
            raise ValidationError(f"Triwulan “{q}” tidak sah pada --kegiatan; tulis 1-4, mis. 2=Monev.")
        acts.setdefault(int(q), []).append(text)
    for q, items in acts.items():
        values[f"activities_tw{q}"] = items
    if args.pj is not None:
        values["responsible"] = args.pj
    if args.alasan is not None:
        values["tw4_reason"] = args.alasan
    with _Writer(args) as w:
        _print_changes(set_action_plan(w.service, w.unit, args.year, args.indikator, values), "Rencana Aksi")
    return 0


def cmd_measure(args) -> int:
    from ..core.cycle.common import upsert
    from ..core.cycle.indicators import indicator_info
    from ..core.cycle.measurement import set_note
    with _Writer(args) as w:
        with w.store.atomic():
            if args.nilai is not None:
                code = indicator_info(w.store.conn, w.unit, args.indikator)["code"]
                upsert(w.service, "realisation", {"unit_code": w.unit, "indicator_code": code,
                                                  "period": args.period.strip().upper()}, {"value": args.nilai})
            note = {k: v for k, v in (("explanation", args.penjelasan), ("obstacles", args.kendala),
                                      ("solutions", args.solusi)) if v is not None}
            if note:
                set_note(w.service, w.unit, args.indikator, args.period, note)
    print(f"Pengukuran {args.indikator} {args.period} disimpan.")
    return 0


def cmd_measure_show(args) -> int:
    from ..core.cycle.measurement import measurement
    with Store.open(args.file, readonly=True) as store:
        rows = measurement(store.conn, (args.unit or store.unit_code).upper(), args.period)
    print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0


def cmd_evidence_add(args) -> int:
    from ..core.cycle.evidence import add_evidence
    with _Writer(args) as w:
        row_id, _ = add_evidence(w.service, w.unit, args.indikator, args.period, Path(args.path))
    print(f"Data dukung dilampirkan: {row_id}")
    return 0


def cmd_evidence_list(args) -> int:
    from ..core.cycle.evidence import list_evidence
    with Store.open(args.file, readonly=True) as store:
        rows = list_evidence(store.conn, (args.unit or store.unit_code).upper(), period=args.period)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        print(f"{r['id']}  {r['indicator_code']}  {r['period']}  {r['file_name']}  {r['size']} bita  SHA-256 {r['sha256']}")
    if not rows:
        print("Belum ada data dukung.")
    return 0


def cmd_evidence_get(args) -> int:
    from ..core.cycle.evidence import save_evidence
    with Store.open(args.file, readonly=True) as store:
        path = save_evidence(store.conn, args.id, args.output)
    print(f"Data dukung disimpan: {path}")
    return 0


def cmd_narrative_set(args) -> int:
    from ..core.cycle.narrative import set_section
    text = args.text
    if args.from_file:
        try:
            text = Path(args.from_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise ValidationError(f"Berkas {args.from_file} tidak dapat dibaca sebagai teks UTF-8.") from None
    with _Writer(args) as w:
        _print_changes(set_section(w.service, w.unit, args.period, args.section, text), f"Bagian {args.section}")
    return 0


def cmd_risk_action(args) -> int:
    from ..core.cycle.risk_monitoring import add_action
    with _Writer(args) as w:
        row_id, _ = add_action(w.service, w.unit, args.risk, {"action": args.kegiatan, "schedule": args.waktu,
                                                               "responsible": args.pj, "output": args.keluaran})
    print(f"Kegiatan RTP ditambahkan: {row_id}")
    return 0


def cmd_risk_status(args) -> int:
    from ..core.cycle.risk_monitoring import set_action_status
    with _Writer(args) as w:
        _print_changes(set_action_status(w.service, w.unit, args.rtp, args.period, args.status, args.catatan), "Status RTP")
    return 0


def cmd_risk_residual(args) -> int:
    from ..core.cycle.risk_monitoring import set_residual
    with _Writer(args) as w:
        _print_changes(set_residual(w.service, w.unit, args.risk, args.period, args.k, args.d, args.catatan),
                       "Risiko residual")
    return 0


def cmd_risk_event(args) -> int:
    from ..core.cycle.risk_monitoring import add_event
    with _Writer(args) as w:
        row_id, _ = add_event(w.service, w.unit, args.risk, args.tanggal, args.uraian, args.dampak, args.respons)
    print(f"Kejadian risiko dicatat: {row_id}")
    return 0
