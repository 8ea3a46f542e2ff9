"""The plan's tables as an Excel workbook for people (issue 12 section 1): one sheet per table and a
Petunjuk sheet, every column the window shows (polarity, range bounds, evidence, a risk's cause and
control), frozen headers, filters, number formats, and formulas where Excel users expect them:

- Indikator: *Capaian* is a formula of the target, its upper bound, the realisation and the
  polarity, the one rule of :mod:`..achievement` written in Excel (a range is compared with the
  bound it falls outside of, inside it is 100 %; capped as the plan's setting says), and
  *Predikat* a formula of the capaian with the plan's grade bands;
- Risiko: *Besaran* looks the likelihood and impact up in the plan's 5 x 5 matrix, *Level* its band;
- Pendanaan: per-line totals, % serapan over the years with realised spending, and a *Jumlah* row.

So a figure changed in Excel recomputes as the window would.  The same workbook can be read back
(:mod:`.importer`): only key and edit columns are read; the formulas are never.
Written to a temporary name and renamed: a failed export leaves nothing behind.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .. import queries
from ..errors import FileError, NotFound
from ..safe_write import new_file
from ..plan_profile import plan_years
from ..settings import load_settings
from ..value_check import refuse_invalid_numbers
from . import layouts as L
from .writing import add_guide, add_sheet, letters


def check_target(conn, target: str | os.PathLike, unit_code: str | None) -> Path:
    """The output path, after checking the unit exists and the folder is there."""
    target = Path(target)
    names = queries.unit_names(conn)
    if unit_code is not None and unit_code not in names:
        raise NotFound(f"Satker “{unit_code}” tidak ada di berkas rencana ini. "
                       f"Pilihan: {', '.join(names)}, atau SEMUA untuk seluruh satker.")
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'rencana.xlsx'}.")
    refuse_invalid_numbers(conn, "buku kerja Excel tidak dibuat")
    if not target.parent.is_dir():
        raise FileError(f"Folder {target.parent} tidak ada. Buat foldernya dulu atau pilih folder lain.")
    return target


def save(book, target: Path) -> Path:
    with new_file(target, replace=True, hint="Tutup berkas itu bila sedang dibuka di Excel, atau pilih nama lain.") as tmp:
        book.save(tmp)
    return target


def export_workbook(conn, target: str | os.PathLike, unit_code: str | None, year: int) -> Path:
    """Write the workbook; ``unit_code=None`` exports every unit side by side."""
    from openpyxl import Workbook

    target = check_target(conn, target, unit_code)
    settings = load_settings(conn)
    book = Workbook()
    book.remove(book.active)
    names = queries.unit_names(conn)
    years = plan_years(conn)
    layout = indikator_layout(year, years)
    add_sheet(book, layout, indikator_rows(conn, unit_code, year, layout, settings, years))
    add_sheet(book, L.REALISASI, [realisation_row(r, names) for r in queries.realisation_rows(conn, unit_code)])
    add_sheet(book, L.RISIKO, risk_rows(queries.risk_rows(conn, unit_code), settings, names))
    add_sheet(book, L.ROADMAP, [roadmap_row(r, names) for r in queries.roadmap_rows(conn, unit_code)])
    versions = year_versions(conn, "funding", "line_code", unit_code)
    rows = [funding_row(r, names, versions, years) for r in queries.funding_rows(conn, unit_code)]
    add_sheet(book, L.pendanaan(years), funding_formulas(rows, years), totals=funding_totals(len(rows), years))
    add_guide(book, "Petunjuk buku kerja Renstra Desktop", guide_lines(year, names.get(unit_code, "seluruh satker")))
    return save(book, target)


# -- Indikator ------------------------------------------------------------------------------------
def indikator_layout(year: int, years: tuple[int, ...]) -> L.SheetLayout:
    """The Indikator sheet with the chosen year's realisation, capaian, grade and evidence."""
    extra = (L._c(f"Realisasi {year}", fmt=L.NUMBER, width=12), L._c(f"Capaian {year} (%)", fmt=L.PERCENT, width=12),
             L._c(f"Predikat {year}", width=14), L._c(f"Data dukung {year}", width=44))
    base = L.indikator(years)
    return dataclasses.replace(base, columns=base.columns[:-1] + extra + (L.VERSION,))


def capaian_formula(target: str, upper: str, actual: str, polarity: str, cap: float | None) -> str:
    """achievement() of core/achievement.py as an Excel formula of four cells."""
    low, high = f"MIN({target},{upper})", f"MAX({target},{upper})"
    base = f'IF({upper}="",{target},IF({actual}>{high},{high},{low}))'
    ratio = f'IF({polarity}="{L.POLARITY_LABELS["lower"]}",(2*{base}-{actual})/{base},{actual}/{base})*100'
    capped = (lambda x: x) if cap is None else (lambda x: f"MIN({_num(cap)},{x})")
    inside = f'AND({upper}<>"",{actual}>={low},{actual}<={high})'
    return (f'=IF(OR({target}="",{actual}=""),"",IF({inside},{capped("100")},'
            f'IF({base}=0,"",{capped(ratio)})))')


def grade_formula(capaian: str, bands) -> str:
    """grade() as nested IFs over the plan's bands (highest first; the last takes the rest)."""
    formula = f'"{bands[-1][1]}"'
    for lower, name, _role in reversed(bands[:-1]):
        formula = f'IF({capaian}>={_num(lower)},"{name}",{formula})'
    return f'=IF({capaian}="","",{formula})'


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def year_versions(conn, table: str, code_field: str, unit_code: str | None) -> dict[tuple, str]:
    """(unit, code) -> "2025:1;2026:3": the version of each year's row, for the hidden Versi cell of a
    wide sheet (the import refuses to overwrite a row changed after it)."""
    found: dict[tuple, list[str]] = {}
    sql = f"SELECT unit_code, {code_field}, year, row_version FROM {table} WHERE deleted = 0"
    args: tuple = ()
    if unit_code is not None:
        sql, args = sql + " AND unit_code = ?", (unit_code,)
    for unit, code, year, version in conn.execute(sql + " ORDER BY year", args):
        found.setdefault((unit, code), []).append(f"{year}:{version}")
    return {key: ";".join(parts) for key, parts in found.items()}


def indikator_rows(conn, unit_code, year, layout, settings, years: tuple[int, ...]) -> list[dict]:
    col = letters(layout)
    versions = year_versions(conn, "indicator_target", "indicator_code", unit_code)
    rows = []
    for n, r in enumerate(queries.indicator_rows(conn, unit_code, year), start=2):
        cell = {h: f"{col[h]}{n}" for h in (f"Target {year}", f"Batas atas {year}", f"Realisasi {year}",
                                            "Polaritas", f"Capaian {year} (%)")}
        rows.append({
            "Satker": r["unit_name"], "Kode satker": r["unit_code"], "Kode": r["indicator_code"],
            "Indikator": r["indicator_name"], "Satuan": r["measure"], "Polaritas": L.POLARITY_LABELS[r["polarity"]],
            "Rekap periode": L.ROLLUP_LABELS[r["rollup"]],
            **{f"Target {y}": r["targets"].get(y) for y in years},
            **{f"Batas atas {y}": r["uppers"].get(y) for y in years},
            f"Realisasi {year}": r["actual"],
            f"Capaian {year} (%)": capaian_formula(cell[f"Target {year}"], cell[f"Batas atas {year}"],
                                                   cell[f"Realisasi {year}"], cell["Polaritas"],
                                                   settings.achievement_cap),
            f"Predikat {year}": grade_formula(cell[f"Capaian {year} (%)"], settings.achievement_bands),
            f"Data dukung {year}": "\n".join(f"{p}: {text}" for p, text in r["evidence"]) or None,
            L.VERSION_HEADER: versions.get((r["unit_code"], r["indicator_code"])),
        })
    return rows


# -- the other sheets -----------------------------------------------------------------------------
def realisation_row(r: dict, names: dict) -> dict:
    return {"Satker": names.get(r["unit_code"], r["unit_code"]), "Kode satker": r["unit_code"],
            "IKK": r["indicator_code"], "Periode": r["period"], "Realisasi": r["value"],
            "Data dukung": r["evidence"], L.ID_HEADER: r["id"], L.VERSION_HEADER: r["row_version"]}


def risk_rows(risks: list[dict], settings, names: dict) -> list[dict]:
    rows = []
    for n, r in enumerate(risks, start=2):
        rows.append({"Satker": names.get(r["unit_code"], r["unit_code"]), "Kode satker": r["unit_code"],
                     "Program": r["program_code"], "Area": r["area"], "No": r["seq"], "Indikasi Risiko": r["risk"],
                     "Penyebab": r["cause"], "Pengendalian yang ada": r["current_control"],
                     "Indikasi Perlakuan Risiko": "\n".join(r["treatments"]) or None,
                     "Penanggung Jawab": r["responsible"],
                     "Indikator Keberhasilan": "\n".join(r["success_indicators"]) or None, L.ID_HEADER: r["id"],
                     L.VERSION_HEADER: r["row_version"],
                     "K inheren": r["inherent_likelihood"], "D inheren": r["inherent_impact"],
                     "K residual": r["residual_likelihood"], "D residual": r["residual_impact"],
                     **risk_formulas(n, settings)})
    return rows


def risk_formulas(n: int, settings) -> dict:
    """Besaran (the plan's 5 x 5 matrix looked up) and Level (its band) of sheet row ``n``."""
    col = letters(L.RISIKO)
    matrix = ";".join(",".join(str(v) for v in row) for row in settings.risk_matrix)
    bounds, labels, previous = [], [], 0
    for upper, name in settings.risk_levels:
        bounds.append(_num(previous))
        labels.append(f'"{name}"')
        previous = upper + 1 if float(upper).is_integer() else upper
    found = {}
    for s in ("inheren", "residual"):
        k, d, besaran = (f"{col[f'{h} {s}']}{n}" for h in ("K", "D", "Besaran"))
        found[f"Besaran {s}"] = f'=IF(OR({k}="",{d}=""),"",INDEX({{{matrix}}},{k},{d}))'
        found[f"Level {s}"] = f'=IF({besaran}="","",LOOKUP({besaran},{{{",".join(bounds)}}},{{{",".join(labels)}}}))'
    return found


def roadmap_row(r: dict, names: dict) -> dict:
    return {"Satker": names.get(r["unit_code"], r["unit_code"]), "Kode satker": r["unit_code"], "Aspek": r["aspect"],
            "Tahun": r["year"], "No": r["seq"], "Kegiatan": r["text"], "Status": r["status"], L.ID_HEADER: r["id"],
            L.VERSION_HEADER: r["row_version"]}


def funding_row(r: dict, names: dict, versions: dict, years: tuple[int, ...]) -> dict:
    return {"Satker": names.get(r["unit_code"], r["unit_code"]), "Kode satker": r["unit_code"],
            "SK/IKK": r["line_code"], "Uraian": r["line_name"],
            **{f"Alokasi {y}": r["allocation"].get(y) for y in years},
            **{f"Realisasi {y}": r["realised"].get(y) for y in years}, "Pelaksana": r["executing_unit"],
            L.VERSION_HEADER: versions.get((r["unit_code"], r["line_code"]))}


def funding_formulas(rows: list[dict], years: tuple[int, ...], first_row: int = 2) -> list[dict]:
    """Totals per line and % serapan (over the years with realised spending) as formulas."""
    for n, row in enumerate(rows, start=first_row):
        row.update(funding_line_formulas(n, years))
    return rows


def funding_line_formulas(n: int, years: tuple[int, ...]) -> dict:
    col = letters(L.pendanaan(years))
    alloc = f"{col[f'Alokasi {years[0]}']}{n}:{col[f'Alokasi {years[-1]}']}{n}"
    real = f"{col[f'Realisasi {years[0]}']}{n}:{col[f'Realisasi {years[-1]}']}{n}"
    return {"Total Alokasi": f'=IF(COUNT({alloc})=0,"",SUM({alloc}))',
            "Total Realisasi": f'=IF(COUNT({real})=0,"",SUM({real}))',
            "Serapan (%)": f'=IFERROR(IF(COUNT({real})=0,"",SUM({real})/SUMPRODUCT(({real}<>"")*{alloc})*100),"")'}


def funding_totals(count: int, years: tuple[int, ...], first_row: int = 2) -> dict:
    """The Jumlah row under ``count`` lines: sums of every amount column, % serapan of the sums."""
    col = letters(L.pendanaan(years))
    last = first_row + count - 1
    span = lambda h: f"{col[h]}{first_row}:{col[h]}{max(last, first_row)}"     # noqa: E731
    sums = {h: f'=IF(COUNT({span(h)})=0,"",SUM({span(h)}))' for h in col if h.startswith(("Alokasi ", "Realisasi "))}
    return {**sums, **funding_line_formulas(last + 1, years)}


def guide_lines(year: int, scope: str) -> list[str]:
    return [
        f"Isi: rencana {scope}; capaian dan predikat untuk tahun {year}.",
        "LEMBAR:",
        "Indikator — target 2025–2029 per IKK (target rentang: kolom Batas atas), polaritas, rekap periode, "
        f"realisasi {year}, capaian (%) dan predikat sebagai rumus, serta data dukungnya.",
        "Realisasi — realisasi per periode (2026, 2026-S1, 2026-TW3, 2026-05) dengan data dukungnya.",
        "Risiko — register risiko: penyebab, pengendalian yang ada, perlakuan dan indikator keberhasilan "
        "(satu per baris dalam sel), kemungkinan (K) dan dampak (D) 1–5; besaran dan level sebagai rumus "
        "matriks risiko rencana ini.",
        "Roadmap — kegiatan per aspek dan tahun dengan statusnya (rencana, berjalan, selesai, batal).",
        "Pendanaan — alokasi dan realisasi anggaran (juta rupiah) per SK/IKK dan tahun; total, % serapan dan "
        "baris Jumlah sebagai rumus.",
        "RUMUS:",
        "Capaian = realisasi ÷ target × 100 (polaritas makin rendah makin baik: (2 × target − realisasi) ÷ target "
        "× 100). Target rentang: di dalam rentang 100 %, di atasnya dibandingkan dengan batas atas, di bawahnya "
        "dengan batas bawah. Aturan yang sama dipakai aplikasi dan laporan.",
        "ANGKA:",
        "Angka disimpan sebagai angka; Excel menampilkannya menurut pengaturan wilayah komputer "
        "(Indonesia: 1.234,56). Bila mengetik teks, tulis cara Indonesia: 3,2 atau 3.193,72.",
        "MENGIMPOR KEMBALI:",
        "Buku kerja ini dapat dibaca kembali: renstra-desktop import-xlsx BERKAS.renstra BUKU.xlsx --dry-run, "
        "atau di aplikasi Berkas → Impor dari Excel…. Hanya kolom kunci (satker, IKK, periode, SK/IKK) dan kolom "
        "isian yang dibaca; kolom rumus dan nama diabaikan. Jangan mengubah judul kolom atau nama lembar; kolom "
        "ID (tersembunyi) mengenali baris risiko dan roadmap. Sel isian harus berisi nilai, bukan rumus.",
        "Kolom Versi (tersembunyi) mencatat versi tiap baris saat buku kerja dibuat: baris yang sudah diubah di "
        "aplikasi sesudahnya tidak ditimpa (impor ditolak dengan keterangan); buat ekspor baru lalu isi lagi.",
    ]
