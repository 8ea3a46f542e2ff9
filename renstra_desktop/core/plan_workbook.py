"""The "rencana" workbook: a whole new plan typed in Excel (issue 12 §2), written blank or as the
embedded NTB example, and read back into the rows ``newplan.create_plan_file`` seeds.

Sheets: Petunjuk, Kantor (the office's identity, kop, span, time zone), Satker, Program, Sasaran,
Indikator (with its manual and five targets), Risiko, Roadmap, Pendanaan.  Targets and allocations
are in columns "tahun 1" .. "tahun 5" of the span given on Kantor, so the same template serves any
five-year Renstra.  Reading checks every cell and returns every problem as one Indonesian line
with its sheet, row and column; a caller writes nothing unless the list is empty.
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import localtime
from .dataset import KANWIL, ROADMAP_STATUS, read_embedded
from .errors import FileError, ValidationError
from .plan_profile import DEFAULT_OFFICE, DEFAULT_SPAN, SPAN_LENGTH, check_span
from .safe_write import new_file
from .schema import TABLES
from .validation import clean_value

YEARS = tuple(range(1, SPAN_LENGTH + 1))
POLARITY = {"naik": "higher", "turun": "lower", "higher": "higher", "lower": "lower"}
ROLLUP = {"akhir": "last", "rata-rata": "mean", "jumlah": "sum", "last": "last", "mean": "mean", "sum": "sum"}
POLARITY_WORD = {"higher": "naik", "lower": "turun"}
ROLLUP_WORD = {"last": "akhir", "mean": "rata-rata", "sum": "jumlah"}
WORDS = {"polarity": tuple(POLARITY_WORD.values()), "rollup": tuple(ROLLUP_WORD.values())}   # the lists offered

# Kantor: (label in column A, key).  Values are in column B.
OFFICE_ROWS = (
    ("Kementerian (baris kop 1)", "ministry1"), ("Kementerian (baris kop 2)", "ministry2"),
    ("Nama kantor (baris kop)", "name"), ("Alamat kantor", "address"), ("Provinsi", "province"),
    ("Tempat penandatanganan", "place"), ("Jabatan kepala kantor", "head_title"),
    ("Nama kepala kantor", "head_name"), ("Tahun pertama Renstra", "first_year"),
    ("Tahun terakhir Renstra", "last_year"), ("Zona waktu (WIB, WITA, WIT)", "time_zone"),
)


@dataclass(frozen=True)
class Col:
    header: str
    key: str
    table: str = ""            # the schema field that checks the cell (TABLES[table].field_map[field])
    field: str = ""
    required: bool = False
    choices: dict | None = None  # word typed -> stored value


def _targets(prefix: str, table: str, fld: str) -> tuple:
    return tuple(Col(f"{prefix} tahun {i}", f"{prefix.lower()}_{i}", table, fld) for i in YEARS)


SHEETS: dict[str, tuple[Col, ...]] = {
    "Satker": (Col("Kode", "code", "unit", "code", True), Col("Nama", "name", "unit", "name", True),
               Col("Jenis", "unit_type", "unit", "unit_type", True), Col("Pulau / wilayah", "island", "unit", "island"),
               Col("Alamat", "address", "unit", "address"), Col("Jumlah pegawai", "staff_count", "unit", "staff_count")),
    "Program": (Col("Kode", "code", "program", "code", True), Col("Nama", "name", "program", "name", True),
                Col("Kegiatan", "activity", "program", "activity")),
    "Sasaran": (Col("Kode", "code", "objective", "code", True), Col("Program", "program_code", "objective",
                                                                     "program_code", True),
                Col("Nama", "name", "objective", "name", True)),
    "Indikator": (Col("Kode", "code", "indicator", "code", True), Col("Sasaran", "objective_code", "indicator",
                                                                       "objective_code", True),
                  Col("Nama", "name", "indicator", "name", True), Col("Satuan", "measure", "indicator", "measure", True),
                  Col("Polaritas", "polarity", required=True, choices=POLARITY),
                  Col("Rekap periode", "rollup", required=True, choices=ROLLUP),
                  *_targets("Target", "indicator_target", "value"),
                  Col("Definisi", "definition", "indicator_manual", "definition"),
                  Col("Formula", "formula", "indicator_manual", "formula"),
                  Col("Sumber data", "data_source", "indicator_manual", "data_source"),
                  Col("Penanggung jawab", "responsible", "indicator_manual", "responsible"),
                  Col("Standar nasional", "national_standard", "indicator_manual", "national_standard")),
    "Risiko": (Col("Satker", "unit_code", "risk", "unit_code"), Col("Program", "program_code", "risk", "program_code", True),
               Col("Area", "area", "risk", "area", True), Col("Indikasi risiko", "risk", "risk", "risk", True),
               Col("Penyebab", "cause", "risk", "cause"), Col("Pengendalian yang ada", "current_control", "risk",
                                                             "current_control"),
               Col("Perlakuan (satu per baris)", "treatments", "risk", "treatments"),
               Col("Penanggung jawab", "responsible", "risk", "responsible"),
               Col("Indikator keberhasilan (satu per baris)", "success_indicators", "risk", "success_indicators"),
               Col("K inheren", "inherent_likelihood", "risk", "inherent_likelihood"),
               Col("D inheren", "inherent_impact", "risk", "inherent_impact"),
               Col("K residual", "residual_likelihood", "risk", "residual_likelihood"),
               Col("D residual", "residual_impact", "risk", "residual_impact")),
    "Roadmap": (Col("Satker", "unit_code", "roadmap_item", "unit_code"), Col("Aspek", "aspect", "roadmap_item", "aspect", True),
                Col("Tahun", "year", required=True), Col("Kegiatan", "text", "roadmap_item", "text", True),
                Col("Status", "status", "roadmap_item", "status")),
    "Pendanaan": (Col("Satker", "unit_code", "funding", "unit_code"), Col("SK/IKK", "line_code", "funding", "line_code", True),
                  *_targets("Alokasi", "funding", "allocation"), Col("Pelaksana", "executing_unit", "funding",
                                                                     "executing_unit")),
}
SHEET_ORDER = ("Petunjuk", "Kantor", *SHEETS)
LONG_TEXT = ("name", "risk", "text", "treatments", "cause", "current_control", "success_indicators", "definition",
             "formula", "activity", "address")

GUIDE = (
    "Templat rencana baru Renstra Desktop: isi lembar-lembar berikut, lalu buat berkas rencana dengan "
    "'renstra-desktop init rencana.renstra --from BUKU.xlsx' atau Berkas → Rencana baru… di jendela.",
    "Kantor: identitas kantor untuk kop laporan, tahun pertama dan terakhir Renstra (lima tahun berurutan) "
    "dan zona waktu.",
    "Satker: satu baris per satuan kerja. Kantor Wilayah berkode KANWIL dan berjenis kanwil; jenis lain: "
    "lapas, rutan, bapas, lpka, rupbasan.",
    "Program, Sasaran, Indikator: kode yang dirujuk lembar lain (Sasaran → Program, Indikator → Sasaran). "
    "Polaritas: naik (makin tinggi makin baik) atau turun. Rekap periode: akhir, rata-rata atau jumlah.",
    "Target tahun 1..5 dan Alokasi tahun 1..5: tahun pertama sampai terakhir Renstra di lembar Kantor. "
    "Angka diketik sebagai angka (3,2 atau 3.193,72), bukan rumus. Alokasi dalam juta rupiah.",
    "Risiko: Program PPH atau DUKMAN; skor kemungkinan (K) dan dampak (D) 1-5. Perlakuan dan indikator "
    "keberhasilan: satu per baris dalam sel (Alt+Enter).",
    "Roadmap: Tahun di dalam Renstra; Status rencana, berjalan, selesai atau batal. Satker kosong = KANWIL.",
    "Pendanaan: SK/IKK adalah kode sasaran atau indikator. Satker kosong = KANWIL.",
    "Baris kosong dilewati. Setiap sel yang salah dilaporkan dengan lembar, baris dan kolomnya; "
    "tidak ada yang dibuat sebelum semuanya benar.",
)


@dataclass
class PlanDraft:
    """A plan read from a workbook: the office, its span and time zone, and rows shaped like
    ``dataset.read_embedded()`` (plus ``indicator_manual``)."""
    office: dict
    span: list[int]
    time_zone: str
    data: dict = field(default_factory=dict)
    embedded: bool = False       # the embedded NTB plan (seeded as such, with its 2020-2024 history)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.span[0], self.span[1] + 1))


# -- writing ------------------------------------------------------------------------------------
def example_draft() -> PlanDraft:
    """The embedded NTB plan as a draft: the template's worked example."""
    return PlanDraft(dict(DEFAULT_OFFICE), list(DEFAULT_SPAN), localtime.DEFAULT_ZONE, read_embedded(), embedded=True)


def write_template(target: str | os.PathLike, draft: PlanDraft | None = None) -> Path:
    """Write the rencana workbook: blank (``draft=None``) or filled with ``draft``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(target)
    if target.is_dir():
        raise FileError(f"{target} adalah folder. Beri nama berkas, misalnya {target / 'templat-rencana.xlsx'}.")
    if not target.parent.is_dir():
        raise FileError(f"Folder {target.parent} tidak ada. Buat foldernya dulu atau pilih folder lain.")
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    book = Workbook()
    guide = book.active
    guide.title = "Petunjuk"
    guide.column_dimensions["A"].width = 120
    for line in GUIDE:
        guide.append([line])
        guide.cell(guide.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = head

    office = book.create_sheet("Kantor")
    office.append(["Isian", "Nilai"])
    values = _office_values(draft) if draft else {}
    for label, key in OFFICE_ROWS:
        office.append([label, values.get(key)])
    office.column_dimensions["A"].width, office.column_dimensions["B"].width = 34, 70
    zones = DataValidation(type="list", formula1='"' + ",".join(localtime.ZONES) + '"', allow_blank=True)
    office.add_data_validation(zones)
    zones.add(f"B{len(OFFICE_ROWS) + 1}")

    rows = _sheet_rows(draft) if draft else {}
    for name, cols in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append([c.header for c in cols])
        for row in rows.get(name, []):
            sheet.append([row.get(c.key) for c in cols])
        for i, c in enumerate(cols, 1):
            letter = sheet.cell(1, i).column_letter
            long = c.key in LONG_TEXT
            sheet.column_dimensions[letter].width = 48 if long else 16
            if long:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            choices = WORDS.get(c.key) or _enum_choices(c)
            if choices:
                rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not c.required)
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}1000")
        for cell in sheet[1]:
            cell.font, cell.fill = head, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in range(2, sheet.max_row + 1):          # tall enough for the wrapped text (no spreadsheet
            lines = max((_lines_of(sheet.cell(r, i).value) for i, c in enumerate(cols, 1) if c.key in LONG_TEXT),
                        default=1)
            sheet.row_dimensions[r].height = 15 * max(lines, 1)     # program sizes rows on opening)
        sheet.freeze_panes = "A2"
        _print_setup(sheet)
    for sheet in (office,):
        for cell in sheet[1]:
            cell.font, cell.fill = head, fill
    with new_file(target, replace=True, hint="Tutup berkas itu bila sedang dibuka di Excel, atau pilih nama lain.") as tmp:
        book.save(tmp)
    return target


def _lines_of(value, width: int = 52) -> int:
    """How many lines a text takes in a long column (its width in characters, a little generous)."""
    text = "" if value is None else str(value)
    return sum(max(1, -(-len(line) // width)) for line in text.split("\n"))


def _print_setup(sheet) -> None:
    """Printed (or converted to PDF) landscape, as wide as the page, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _enum_choices(c: Col) -> tuple:
    if c.table and c.field:
        f = TABLES[c.table].field_map[c.field]
        if f.kind == "enum":
            return f.choices
    return ()


def _office_values(draft: PlanDraft) -> dict:
    o = draft.office
    return {"ministry1": o["ministry"][0] if o["ministry"] else None,
            "ministry2": o["ministry"][1] if len(o["ministry"]) > 1 else None,
            **{k: o.get(k) for k in ("name", "address", "province", "place", "head_title", "head_name")},
            "first_year": draft.span[0], "last_year": draft.span[1], "time_zone": draft.time_zone}


def _sheet_rows(draft: PlanDraft) -> dict[str, list[dict]]:
    d, first = draft.data, draft.span[0]
    targets = {(t["indicator_code"], t["year"]): t["value"] for t in d["indicator_targets"] if t["unit_code"] == KANWIL}
    manuals = {m["indicator_code"]: m for m in d.get("indicator_manual", []) if m["unit_code"] == KANWIL}
    funding: dict[tuple, dict] = {}
    for f in d["funding"]:
        line = funding.setdefault((f["unit_code"], f["line_code"]), {
            "unit_code": f["unit_code"], "line_code": f["line_code"], "executing_unit": f["executing_unit"]})
        line[f"alokasi_{f['year'] - first + 1}"] = f["allocation"]
    return {
        "Satker": [dict(u) for u in d["units"]],
        "Program": [dict(p) for p in d["programs"]],
        "Sasaran": [dict(o) for o in d["objectives"]],
        "Indikator": [{**x, "polarity": POLARITY_WORD[x["polarity"]], "rollup": ROLLUP_WORD[x["rollup"]],
                       **{f"target_{i}": targets.get((x["code"], first + i - 1)) for i in YEARS},
                       **{k: v for k, v in manuals.get(x["code"], {}).items() if k not in ("unit_code", "indicator_code")}}
                      for x in d["indicators"]],
        "Risiko": [{**r, "treatments": "\n".join(r["treatments"]),
                    "success_indicators": "\n".join(r["success_indicators"])} for r in d["risks"]],
        "Roadmap": [dict(r) for r in d["roadmap_items"]],
        "Pendanaan": list(funding.values()),
    }


# -- reading ------------------------------------------------------------------------------------
class WorkbookErrors(ValidationError):
    """Every problem of a workbook, one Indonesian line each (sheet, row, column)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = f"{len(problems)} kesalahan di buku kerja; tidak ada yang dibuat. Perbaiki lalu coba lagi:"
        super().__init__(problems[0] if len(problems) == 1 else head + "\n" + "\n".join(problems))


def read_plan_workbook(path: str | os.PathLike) -> PlanDraft:
    """The plan in a filled rencana workbook, or WorkbookErrors listing every bad cell."""
    book = _open_book(Path(path))
    problems: list[str] = []
    missing = [name for name in ("Kantor", *SHEETS) if name not in book.sheetnames]
    if missing:
        raise WorkbookErrors([f"Lembar “{name}” tidak ada. Buku kerja ini bukan templat rencana; buat templatnya "
                              "dengan 'renstra-desktop export-xlsx --template rencana'." for name in missing])
    office, span, zone = _read_office(book["Kantor"], problems)
    years = tuple(range(span[0], span[1] + 1)) if span else None
    sheets = {name: _read_sheet(book[name], cols, problems, years) for name, cols in SHEETS.items()}
    draft = PlanDraft(office, span or list(DEFAULT_SPAN), zone)
    # the references between sheets are checked even when the span is wrong: every problem at once
    draft.data = _rows(sheets, years or draft.years, problems)
    if problems:
        raise WorkbookErrors(problems)
    return draft


def _open_book(path: Path):
    from openpyxl import load_workbook

    if not path.is_file():
        raise FileError(f"Berkas {path} tidak ada. Pilih buku kerja rencana (.xlsx).")
    if not zipfile.is_zipfile(path):
        raise FileError(f"{path.name} bukan buku kerja Excel (.xlsx). Simpan templatnya sebagai .xlsx lalu coba lagi.")
    try:
        return load_workbook(path, data_only=False, read_only=False)
    except Exception as exc:   # openpyxl raises many kinds for a damaged or foreign zip
        raise FileError(f"{path.name} tidak dapat dibaca sebagai buku kerja Excel ({type(exc).__name__}). "
                        "Buka dan simpan ulang di Excel atau LibreOffice sebagai .xlsx.") from None


def _where(sheet: str, row: int, col: str) -> str:
    return f"Lembar {sheet}, baris {row}, kolom {col}"


def _cell_value(cell, where: str, problems: list[str]):
    """The value typed in a cell; a formula is refused (the template holds values, not formulas)."""
    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
        problems.append(f"{where}: berisi rumus ({cell.value}); ketik nilainya.")
        return None
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_office(sheet, problems: list[str]) -> tuple[dict, list[int] | None, str]:
    found: dict[str, object] = {}
    labels = {label: key for label, key in OFFICE_ROWS}
    for r in range(2, sheet.max_row + 1):
        label = sheet.cell(r, 1).value
        if label is None:
            continue
        key = labels.get(str(label).strip())
        if key is None:
            problems.append(f"{_where('Kantor', r, 'A')}: isian “{label}” tidak dikenal. "
                            f"Pilihan: {', '.join(labels)}.")
            continue
        found[key] = (r, _cell_value(sheet.cell(r, 2), _where("Kantor", r, f"B ({label})"), problems))
    for label, key in OFFICE_ROWS:
        if key not in found:
            problems.append(f"Lembar Kantor: baris “{label}” tidak ada. Salin dari templat.")

    def value(key):
        return found.get(key, (0, None))[1]

    def at(key):
        label = next(label for label, k in OFFICE_ROWS if k == key)
        return _where("Kantor", found.get(key, (0, None))[0], f"B ({label})")
    office = {"ministry": [str(v) for v in (value("ministry1"), value("ministry2")) if v]}
    for key in ("name", "address", "province", "place", "head_title", "head_name"):
        v = value(key)
        if v is None and key != "head_name" and key in found:
            problems.append(f"{at(key)}: wajib diisi.")
        office[key] = "" if v is None else str(v)
    if not office["ministry"] and "ministry1" in found:
        problems.append(f"{at('ministry1')}: baris kop kementerian wajib diisi.")
    span = None
    first, last = value("first_year"), value("last_year")
    if "first_year" in found and "last_year" in found and (first is None or last is None):
        problems.append(f"{at('first_year')}: tahun pertama dan terakhir Renstra wajib diisi "
                        "(lima tahun berurutan, misalnya 2030 dan 2034).")
    elif "first_year" in found and "last_year" in found:
        try:
            span = check_span([_whole(first), _whole(last)])
        except ValidationError as exc:
            problems.append(f"{at('first_year')}: {exc.message}")
    zone = str(value("time_zone") or localtime.DEFAULT_ZONE).upper()
    if zone not in localtime.ZONES:
        problems.append(f"{at('time_zone')}: zona waktu “{zone}” tidak dikenal. "
                        f"Pilihan: {', '.join(localtime.ZONES)}.")
    return office, span, zone


def _whole(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _read_sheet(sheet, cols: tuple[Col, ...], problems: list[str], years) -> list[tuple[int, dict]]:
    """(row number, {key: clean value}) for every non-empty row; problems for every bad cell."""
    name = sheet.title
    from openpyxl.utils import get_column_letter

    for i, c in enumerate(cols, 1):
        header = sheet.cell(1, i).value
        if (str(header).strip() if header is not None else "") != c.header:
            problems.append(f"{_where(name, 1, get_column_letter(i))}: judul “{header or ''}” seharusnya “{c.header}”. "
                            "Jangan mengubah judul kolom templat.")
            return []
    out = []
    for r in range(2, sheet.max_row + 1):
        raw = {c.key: _cell_value(sheet.cell(r, i), _where(name, r, f"{get_column_letter(i)} ({c.header})"), problems)
               for i, c in enumerate(cols, 1)}
        if all(v is None for v in raw.values()):
            continue
        row = {}
        for i, c in enumerate(cols, 1):
            where = _where(name, r, f"{get_column_letter(i)} ({c.header})")
            try:
                row[c.key] = _clean(c, raw[c.key], years)
            except ValidationError as exc:
                problems.append(f"{where}: {exc.message}")
        out.append((r, row))
    return out


def _clean(c: Col, value, years):
    if value is None:
        if c.required:
            raise ValidationError("wajib diisi.")
        return None
    if c.choices is not None:
        word = str(value).strip().lower()
        if word not in c.choices:
            raise ValidationError(f"“{value}” tidak dikenal. Pilihan: {', '.join(dict.fromkeys(c.choices))}.")
        return c.choices[word]
    if c.key == "year":
        year = _whole(value)
        if not isinstance(year, int) or (years and year not in years):
            span = f"{years[0]}–{years[-1]}" if years else "Renstra"
            raise ValidationError(f"tahun “{value}” di luar Renstra {span}.")
        return year
    f = TABLES[c.table].field_map[c.field]
    if f.kind == "int":
        value = _whole(value)
    return clean_value(f, value)


def _rows(sheets: dict, years: tuple, problems: list[str]) -> dict:
    """The plan's rows from the sheets' clean rows, with the references between sheets checked."""
    def codes(sheet):
        return [row["code"] for _r, row in sheets[sheet] if row.get("code")]

    def refuse(sheet, r, col, message):
        problems.append(f"{_where(sheet, r, col)}: {message}")

    for sheet in ("Satker", "Program", "Sasaran", "Indikator"):
        seen: set = set()
        for r, row in sheets[sheet]:
            if row.get("code") in seen:
                refuse(sheet, r, "A (Kode)", f"kode “{row['code']}” muncul dua kali.")
            seen.add(row.get("code"))
    units = codes("Satker")
    kanwil = [(r, row) for r, row in sheets["Satker"] if row.get("unit_type") == "kanwil"]
    if KANWIL not in units or len(kanwil) != 1 or kanwil[0][1].get("code") != KANWIL:
        problems.append(f"Lembar Satker: harus ada tepat satu satker berjenis kanwil, berkode {KANWIL}.")
    programs, objectives, indicators = codes("Program"), codes("Sasaran"), codes("Indikator")
    for sheet, need in (("Satker", units), ("Program", programs), ("Sasaran", objectives), ("Indikator", indicators)):
        if not need:
            problems.append(f"Lembar {sheet}: belum ada baris yang diisi.")
    for r, row in sheets["Sasaran"]:
        if row.get("program_code") and row["program_code"] not in programs:
            refuse("Sasaran", r, "B (Program)", f"program “{row['program_code']}” tidak ada di lembar Program.")
    for r, row in sheets["Indikator"]:
        if row.get("objective_code") and row["objective_code"] not in objectives:
            refuse("Indikator", r, "B (Sasaran)", f"sasaran “{row['objective_code']}” tidak ada di lembar Sasaran.")
    for sheet in ("Risiko", "Roadmap", "Pendanaan"):
        for r, row in sheets[sheet]:
            row["unit_code"] = row.get("unit_code") or KANWIL
            if row["unit_code"] not in units:
                refuse(sheet, r, "A (Satker)", f"satker “{row['unit_code']}” tidak ada di lembar Satker.")
    for r, row in sheets["Pendanaan"]:
        if row.get("line_code") and row["line_code"] not in objectives + indicators:
            refuse("Pendanaan", r, "B (SK/IKK)", f"“{row['line_code']}” bukan kode sasaran atau indikator.")
    ind_rows = [row for _r, row in sheets["Indikator"]]
    risk_seq: dict = {}
    road_seq: dict = {}
    risks, roadmap = [], []
    for _r, row in sheets["Risiko"]:
        seq = risk_seq[row["unit_code"]] = risk_seq.get(row["unit_code"], 0) + 1
        risks.append({**{c.key: row.get(c.key) for c in SHEETS["Risiko"]}, "seq": seq,
                      "treatments": _lines(row.get("treatments")),
                      "success_indicators": _lines(row.get("success_indicators"))})
    for _r, row in sheets["Roadmap"]:
        key = (row["unit_code"], row.get("aspect"), row.get("year"))
        road_seq[key] = road_seq.get(key, 0) + 1
        roadmap.append({"unit_code": row["unit_code"], "aspect": row.get("aspect"), "year": row.get("year"),
                        "seq": road_seq[key], "text": row.get("text"), "status": row.get("status") or ROADMAP_STATUS})
    manual_keys = ("definition", "formula", "data_source", "responsible", "national_standard")
    return {
        "units": [{**row, "seq": i} for i, (_r, row) in enumerate(sheets["Satker"], 1)],
        "programs": [{**row, "seq": i} for i, (_r, row) in enumerate(sheets["Program"], 1)],
        "objectives": [{**row, "seq": i} for i, (_r, row) in enumerate(sheets["Sasaran"], 1)],
        "indicators": [{k: row.get(k) for k in ("code", "objective_code", "name", "measure", "polarity", "rollup")}
                       | {"seq": i} for i, row in enumerate(ind_rows, 1)],
        "indicator_targets": [{"unit_code": KANWIL, "indicator_code": row["code"], "year": y,
                               "value": row.get(f"target_{i}"), "upper": None}
                              for row in ind_rows for i, y in zip(YEARS, years)],
        "indicator_manual": [{"unit_code": KANWIL, "indicator_code": row["code"], **{k: row.get(k) for k in manual_keys}}
                             for row in ind_rows if any(row.get(k) is not None for k in manual_keys)],
        "performance_history": [], "budget_history": [],
        "risks": risks, "roadmap_items": roadmap,
        "funding": [{"unit_code": row["unit_code"], "line_code": row.get("line_code"), "year": y,
                     "allocation": row.get(f"alokasi_{i}"), "realised": None,
                     "executing_unit": row.get("executing_unit")}
                    for _r, row in sheets["Pendanaan"] for i, y in zip(YEARS, years)],
    }


def _lines(stored) -> list[str]:
    """A list cell as clean_value stores it (JSON text) back to a list."""
    import json
    return json.loads(stored) if stored else []


def describe(draft: PlanDraft) -> dict:
    """What a new plan from ``draft`` will hold (the wizard shows it before creating)."""
    d = draft.data
    return {"office": draft.office["name"], "province": draft.office["province"],
            "years": f"{draft.span[0]}–{draft.span[1]}", "units": [u["code"] for u in d["units"]],
            "indicators": [x["code"] for x in d["indicators"]], "risks": len(d["risks"]),
            "roadmap_items": len(d["roadmap_items"]), "funding_lines": len({(f["unit_code"], f["line_code"])
                                                                            for f in d["funding"]})}
