"""Templates to fill offline (issue 12 section 1): ``export-xlsx --template realisasi|risiko|roadmap|
pendanaan --unit CODE --year Y``.

One sheet laid out exactly as the export's (so the one import reads both), holding the unit's rows
and rows ready to fill: each IKK's quarters and year (realisasi), every SK/IKK line (pendanaan), and
``FREE_ROWS`` empty rows to add risks, roadmap items or other periods.  Key columns and computed
columns are locked by sheet protection **without a password** (it guards against a slip, not a
person: Tinjau → Buka Proteksi Lembar lifts it, and the import checks every row again); the cells to
fill are unlocked and carry data validation: lists for periods, IKKs, programmes, areas, statuses,
years and the 1-5 scales, numbers within the bounds of the field in ``core/schema.py``.  The row ids
sit in a hidden column.
"""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from .. import queries
from ..errors import ValidationError
from ..numbers import format_number
from ..plan_profile import plan_years
from ..schema import RISK_AREAS, ROADMAP_STATUSES, TABLES
from ..settings import load_settings
from . import layouts as L
from .export import (check_target, funding_line_formulas, funding_row, realisation_row, risk_formulas, risk_rows,
                     roadmap_row, save, year_versions)
from .writing import add_guide, add_sheet, letters

FREE_ROWS = 15
KINDS = L.TEMPLATE_KINDS
UNLOCKED = Protection(locked=False)
LOCKED_FILL = PatternFill("solid", start_color="EDEDED")


def export_template(conn, target: str | os.PathLike, kind: str, unit_code: str, year: int) -> Path:
    """Write the ``kind`` template of ``unit_code`` (realisations of ``year`` for realisasi)."""
    from openpyxl import Workbook

    if kind not in L.TEMPLATE_KINDS:
        raise ValidationError(f"Templat “{kind}” tidak dikenal. Pilihan: {', '.join(KINDS)}.")
    if unit_code is None:
        raise ValidationError("Templat dibuat untuk satu satker: berikan --unit KODE (bukan SEMUA).")
    target = check_target(conn, target, unit_code)
    years = plan_years(conn)
    layout = L.templates(years)[kind]
    names = queries.unit_names(conn)
    rows, fixed = _ROWS[kind](conn, unit_code, year, names)
    unit = {"Satker": names[unit_code], "Kode satker": unit_code}
    first_free = len(rows) + 2
    rows += [dict(unit) for _ in range(FREE_ROWS)]
    if kind == "risiko":
        settings = load_settings(conn)
        for n in range(first_free, first_free + FREE_ROWS):
            rows[n - 2].update(risk_formulas(n, settings))
    if kind == "pendanaan":
        for n in range(first_free, first_free + FREE_ROWS):
            rows[n - 2].update(funding_line_formulas(n, years))
    book = Workbook()
    book.remove(book.active)
    sheet = add_sheet(book, layout, rows)
    _protect(sheet, layout, len(rows), fixed, first_free)
    _validate(sheet, layout, conn, year, len(rows))
    add_guide(book, f"Templat {layout.title} — {names[unit_code]} ({unit_code})", _guide(kind, year))
    book.active = 1
    return save(book, target)


# -- the rows of each template: (rows, number of rows whose key columns are fixed) ----------------
def _realisasi(conn, unit, year, names):
    have = [r for r in queries.realisation_rows(conn, unit) if r["period"][:4] == str(year)]
    rows = [realisation_row(r, names) for r in have]
    taken = {(r["indicator_code"], r["period"]) for r in have}
    for ind in queries.indicators(conn):
        for period in (f"{year}-TW1", f"{year}-TW2", f"{year}-TW3", f"{year}-TW4", str(year)):
            if (ind["code"], period) not in taken:
                rows.append({"Satker": names[unit], "Kode satker": unit, "IKK": ind["code"], "Periode": period})
    rows.sort(key=lambda r: (r["IKK"], r["Periode"]))
    return rows, len(rows)


def _risiko(conn, unit, year, names):
    return risk_rows(queries.risk_rows(conn, unit), load_settings(conn), names), 0


def _roadmap(conn, unit, year, names):
    return [roadmap_row(r, names) for r in queries.roadmap_rows(conn, unit)], 0


def _pendanaan(conn, unit, year, names):
    lines = {r["line_code"]: r for r in queries.funding_rows(conn, unit)}
    versions = year_versions(conn, "funding", "line_code", unit)
    indicators = queries.indicators(conn)
    codes, label = [], {}                    # the Renstra's order: each SK, then its IKKs
    for objective in conn.execute("SELECT code, name FROM objective WHERE deleted = 0 ORDER BY seq"):
        codes.append(objective["code"])
        label[objective["code"]] = objective["name"]
        for ind in indicators:
            if ind["objective_code"] == objective["code"]:
                codes.append(ind["code"])
                label[ind["code"]] = ind["name"]
    order = {code: i for i, code in enumerate(codes)}
    rows = []
    for code in sorted(set(codes) | set(lines), key=lambda c: (order.get(c, len(order)), c)):
        line = lines.get(code) or {"unit_code": unit, "line_code": code, "line_name": label.get(code, ""),
                                   "allocation": {}, "realised": {}, "executing_unit": None}
        rows.append(funding_row(line, names, versions, plan_years(conn)))
    for n, row in enumerate(rows, start=2):
        row.update(funding_line_formulas(n, plan_years(conn)))
    return rows, len(rows)


_ROWS = {"realisasi": _realisasi, "risiko": _risiko, "roadmap": _roadmap, "pendanaan": _pendanaan}


# -- protection and validation ---------------------------------------------------------------------
def _protect(sheet, layout, count: int, fixed: int, first_free: int) -> None:
    """Lock everything but the cells to fill; key columns stay open in the free rows of a template
    whose keys are the user's choice (IKK and period of a new realisation)."""
    for index, column in enumerate(layout.columns, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
            cell.fill = LOCKED_FILL                     # unlocked below: the cells to fill stay white
        open_from = None
        if column.role == "edit":
            open_from = 2
        elif column.role == "key" and column.field != "unit_code":
            open_from = fixed + 2
        if open_from is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=open_from, max_row=count + 1, min_col=index, max_col=index):
            cell.protection = UNLOCKED
            cell.fill = PatternFill(fill_type=None)
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = protection.sort = False        # filtering and sorting stay allowed
    protection.formatColumns = protection.formatRows = False


def _validate(sheet, layout, conn, year: int, count: int) -> None:
    col = letters(layout)
    spec = TABLES[layout.table]
    periods = [str(year), f"{year}-S1", f"{year}-S2", *(f"{year}-TW{q}" for q in range(1, 5)),
               *(f"{year}-{m:02d}" for m in range(1, 13))]
    areas = [a for group in RISK_AREAS.values() for a in group]
    lists = {"period": periods, "indicator_code": [i["code"] for i in queries.indicators(conn)],
             "program_code": list(RISK_AREAS), "area": areas, "status": list(ROADMAP_STATUSES),
             "year": [str(y) for y in plan_years(conn)],
             "line_code": [r[0] for r in conn.execute("SELECT code FROM objective WHERE deleted = 0 ORDER BY seq")]
             + [i["code"] for i in queries.indicators(conn)]}
    for column in layout.columns:
        if column.role not in ("key", "edit") or column.field == "unit_code":
            continue
        f = spec.field_map[column.field]
        ref = f"{col[column.header]}2:{col[column.header]}{count + 1}"
        label = f.label or column.header
        if f.kind == "score":
            rule = _list_rule([str(v) for v in range(1, 6)], f"{label}: pilih 1 sampai 5.")
        elif column.field in lists:
            values = lists[column.field]
            rule = _list_rule(values, f"{label}: pilih dari daftar ({', '.join(values[:6])}…).")
        elif f.kind in ("number", "int"):
            low, high = f.limits
            rule = DataValidation(type="decimal" if f.kind == "number" else "whole", operator="between",
                                  formula1=_plain(low), formula2=_plain(high), allow_blank=True)
            rule.error = (f"{label}: angka {format_number(low)} sampai {format_number(high)}; desimal dengan koma "
                          "menurut pengaturan wilayah komputer.")
        else:
            continue
        rule.showErrorMessage = True
        rule.errorTitle = "Nilai tidak sah"
        rule.add(ref)
        sheet.add_data_validation(rule)


def _list_rule(values: list[str], error: str) -> DataValidation:
    rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    rule.error = error
    return rule


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _guide(kind: str, year: int) -> list[str]:
    common = [
        "CARA MENGISI:",
        "Isi sel berwarna putih yang tidak terkunci; kolom kunci (satker, IKK, periode, SK/IKK) dan kolom rumus "
        "terkunci agar tidak berubah tanpa sengaja (proteksi lembar tanpa kata sandi). Daftar pilihan dan batas "
        "angka diperiksa Excel saat mengetik, dan diperiksa lagi saat impor.",
        "Angka: ketik seperti biasa (Excel memakai pengaturan wilayah komputer, Indonesia: 3,2). Teks seperti "
        "“3.2.1” ditolak saat impor. Sel isian harus berisi nilai, bukan rumus.",
        "Baris kosong di bawah tabel dapat dipakai untuk menambah baris baru; baris yang dibiarkan kosong diabaikan.",
        "Jangan mengubah judul kolom, nama lembar, atau kolom ID dan Versi (tersembunyi). Baris yang diubah di "
        "aplikasi sesudah templat dibuat tidak ditimpa: impor ditolak dengan keterangan; buat templat baru.",
        "MENGIMPOR:",
        "renstra-desktop import-xlsx BERKAS.renstra TEMPLAT.xlsx --dry-run menampilkan apa yang akan ditambah dan "
        "diubah; tanpa --dry-run datanya disimpan (semua atau tidak sama sekali). Di aplikasi: Berkas → Impor dari "
        "Excel…. Setiap masalah disebut dengan lembar, baris dan kolomnya.",
    ]
    what = {
        "realisasi": [f"Realisasi {year} per IKK dan periode (tahunan, semester, triwulan, bulan) dengan data "
                      "dukungnya. Baris tiap triwulan dan tahun sudah disiapkan; periode lain di baris kosong."],
        "risiko": ["Register risiko satker: penyebab, pengendalian yang ada, perlakuan dan indikator keberhasilan "
                   "(satu per baris dalam sel: Alt+Enter), kemungkinan (K) dan dampak (D) 1–5. Besaran dan level "
                   "dihitung rumus."],
        "roadmap": ["Roadmap satker: kegiatan per aspek dan tahun dengan statusnya (rencana, berjalan, selesai, "
                    "batal)."],
        "pendanaan": ["Kerangka pendanaan satker: alokasi dan realisasi anggaran (juta rupiah) per SK/IKK dan "
                      "tahun. Total dan % serapan dihitung rumus."],
    }[kind]
    return what + common
