"""The plan's four tables as an Excel workbook (openpyxl), for staff who continue in a spreadsheet.

One sheet per tab (Indikator, Realisasi, Risiko, Roadmap, Pendanaan), the unit's name and code as
columns, numbers as numbers (Excel shows them in the reader's locale), computed values (capaian by
the one rule of achievement.py, level, totals, % serapan) included; a range target keeps its upper
bound ("Batas atas"); a risk keeps its cause and existing control.  Written to a temporary name and renamed, so a failed export leaves nothing behind.
"""
from __future__ import annotations

import os
from pathlib import Path

from . import queries
from .errors import FileError, NotFound
from .safe_write import new_file
from .plan_profile import plan_years
from .value_check import refuse_invalid_numbers

NUMBER = "#,##0.00"


def _sheets(conn, unit_code: str | None, year: int) -> dict[str, tuple[list[str], list[list]]]:
    PLAN_YEARS = plan_years(conn)     # noqa: N806 - the plan's own span
    ind = queries.indicator_rows(conn, unit_code, year)
    realisations = queries.realisation_rows(conn, unit_code)
    risks = queries.risk_rows(conn, unit_code)
    roadmap = queries.roadmap_rows(conn, unit_code)
    funding = queries.funding_rows(conn, unit_code)
    names = queries.unit_names(conn)

    def unit(code):
        return [names.get(code, code), code]

    return {
        "Indikator": (
            ["Satker", "Kode satker", "Kode", "Indikator", "Satuan", *[f"Target {y}" for y in PLAN_YEARS],
             *[f"Batas atas {y}" for y in PLAN_YEARS], f"Realisasi {year}", f"Capaian {year} (%)", "Predikat"],
            [[*unit(r["unit_code"]), r["indicator_code"], r["indicator_name"], r["measure"],
              *[r["targets"][y] for y in PLAN_YEARS], *[r["uppers"][y] for y in PLAN_YEARS],
              r["actual"], r["achievement"], r["grade"]] for r in ind]),
        "Realisasi": (
            ["Satker", "Kode satker", "IKK", "Periode", "Realisasi", "Data dukung"],
            [[*unit(r["unit_code"]), r["indicator_code"], r["period"], r["value"], r["evidence"]]
             for r in realisations]),
        "Risiko": (
            ["Satker", "Kode satker", "Program", "Area", "No", "Indikasi Risiko", "Penyebab", "Pengendalian yang ada",
             "Indikasi Perlakuan Risiko", "Penanggung Jawab", "Indikator Keberhasilan", "K inheren", "D inheren",
             "Besaran inheren", "Level inheren", "K residual", "D residual", "Besaran residual", "Level residual"],
            [[*unit(r["unit_code"]), r["program_code"], r["area"], r["seq"], r["risk"], r["cause"],
              r["current_control"], "\n".join(r["treatments"]), r["responsible"], "\n".join(r["success_indicators"]),
              r["inherent_likelihood"], r["inherent_impact"], r["inherent_magnitude"], r["inherent_level"],
              r["residual_likelihood"], r["residual_impact"], r["residual_magnitude"], r["residual_level"]]
             for r in risks]),
        "Roadmap": (
            ["Satker", "Kode satker", "Aspek", "Tahun", "No", "Kegiatan", "Status"],
            [[*unit(r["unit_code"]), r["aspect"], r["year"], r["seq"], r["text"], r["status"]] for r in roadmap]),
        "Pendanaan": (
            ["Satker", "Kode satker", "SK/IKK", "Uraian", *[f"Alokasi {y}" for y in PLAN_YEARS], "Total Alokasi",
             *[f"Realisasi {y}" for y in PLAN_YEARS], "Total Realisasi", "Serapan (%)", "Pelaksana"],
            [[*unit(r["unit_code"]), r["line_code"], r["line_name"], *[r["allocation"].get(y) for y in PLAN_YEARS],
              r["total_allocation"], *[r["realised"].get(y) for y in PLAN_YEARS], r["total_realised"],
              r["total_absorption"], r["executing_unit"]] for r in funding]),
    }


def export_workbook(conn, target: str | os.PathLike, unit_code: str | None, year: int) -> Path:
    """Write the workbook; ``unit_code=None`` exports every unit side by side."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    target = Path(target)
    if unit_code is not None and unit_code not in queries.unit_names(conn):
        raise NotFound(f"Satker “{unit_code}” tidak ada di berkas rencana ini. "
                       f"Pilihan: {', '.join(queries.unit_names(conn))}, atau SEMUA untuk seluruh satker.")
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'rencana.xlsx'}.")
    refuse_invalid_numbers(conn, "buku kerja Excel tidak dibuat")
    if not target.parent.is_dir():
        raise FileError(f"Folder {target.parent} tidak ada. Buat foldernya dulu atau pilih folder lain.")
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in _sheets(conn, unit_code, year).items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, float):
                    cell.number_format = NUMBER
                elif isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, name in enumerate(header, start=1):
            width = max([len(str(name))] + [min(len(str(r[index - 1] or "")), 60) for r in rows])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 62)
        sheet.freeze_panes = "B2"
    with new_file(target, replace=True, hint="Tutup berkas itu bila sedang dibuka di Excel, atau pilih nama lain.") as tmp:
        book.save(tmp)
    return target
