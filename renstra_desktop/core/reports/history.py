"""The 2020-2024 history a unit's Renstra carries: performance (Tabel 1.2 and 1.3) and budget
(Tabel 1.4-1.7), exactly as the document printed it.  Only the history that belongs to the unit
(its rows' owner) is printed: the embedded Renstra's history is the Kanwil's, so a UPT's report
says in one line that it has none instead of printing the Kanwil's under the UPT's title."""
from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from .. import queries
from ..numbers import format_number
from .keep import KeepWithFirst
from .layout import STYLES, escape
from .tables import OfficialTable, bullets, para

BUDGET_TITLES = {
    "1.4": "Target dan Realisasi PNBP (Tabel 1.4)",
    "1.5": "Realisasi Anggaran Berdasarkan Jenis Belanja (Tabel 1.5)",
    "1.6": "Capaian Kinerja Anggaran (Tabel 1.6)",
    "1.7": "Hibah (Tabel 1.7)",
}
_MEASURES = {"target": "Target", "realisation": "Realisasi", "achievement": "Capaian"}


def collect_history(conn, unit: str | None) -> dict:
    """``{"owners": [{"unit", "unit_name", "table_1_2", ...}], "missing": text}``: the history of
    ``unit`` (every owner's, each under its name, for the whole province)."""
    names = queries.unit_names(conn)
    performance = [r for r in queries.performance_history(conn) if unit is None or r["owner_unit"] == unit]
    budget = [r for r in queries.budget_history(conn) if unit is None or r["owner_unit"] == unit]
    owners = []
    for code in dict.fromkeys([r["owner_unit"] for r in performance + budget]):
        owners.append({"unit": code, "unit_name": names.get(code, code),
                       **_performance([r for r in performance if r["owner_unit"] == code]),
                       "budget": _budget([r for r in budget if r["owner_unit"] == code])})
    data = {"owners": owners}
    if not owners:
        others = sorted({names.get(r["owner_unit"], r["owner_unit"]) for r in queries.performance_history(conn)})
        whose = f" (riwayat dalam berkas ini milik {', '.join(others)})" if others else ""
        data["missing"] = (f"Riwayat kinerja dan anggaran 2020-2024 {names.get(unit, unit)} belum tercatat{whose}, "
                           "jadi tidak dicetak.")
    return data


def _performance(rows) -> dict:
    t12, t13 = {}, {}
    for r in rows:
        shown = r["printed"] if r["value"] is None else format_number(r["value"]) + (
            "%" if r["suffix"] == "%" else (" indeks" if r["suffix"] == "indeks" else ""))
        if r["table_ref"] == "1.2":
            line = t12.setdefault(r["seq"], {"group": r["group_label"] or "", "indicator": r["indicator_name"],
                                             "measures": {}})
            line["measures"].setdefault(_MEASURES[r["measure"]], {})[str(r["year"])] = shown
        elif r["table_ref"] == "1.3":
            line = t13.setdefault(r["seq"], {"objective": r["objective_name"] or "",
                                             "indicator": r["indicator_name"], "year": str(r["year"])})
            line[r["measure"]] = shown
    years = sorted({str(r["year"]) for r in rows if r["table_ref"] == "1.2"})
    return {"years_1_2": years, "table_1_2": [t12[k] for k in sorted(t12)], "table_1_3": [t13[k] for k in sorted(t13)]}


def _budget(rows) -> list[dict]:
    tables: dict[str, dict] = {}
    for r in rows:
        table = tables.setdefault(r["table_ref"], {"ref": r["table_ref"], "years": [], "lines": {}})
        if str(r["year"]) not in table["years"]:
            table["years"].append(str(r["year"]))
        line = table["lines"].setdefault(r["seq"], {"line": r["line"], "values": {}})
        line["values"][str(r["year"])] = r["printed"] if r["printed"] is not None else format_number(r["value"])
    return [{"ref": t["ref"], "years": sorted(t["years"]), "lines": [t["lines"][k] for k in sorted(t["lines"])]}
            for _ref, t in sorted(tables.items())]


def history_story(h: dict, ctx) -> list:
    out = [Spacer(0, 8)]
    if "missing" in h:
        return out + [Paragraph("Riwayat 2020-2024", STYLES["section"]),
                      Paragraph(escape(h["missing"]), STYLES["cell"])]
    several = len(h["owners"]) > 1 or ctx.options.unit is None
    for owner in h["owners"]:
        suffix = f" · {owner['unit_name']}" if several else ""
        out += _table_1_2(owner, ctx, suffix) + _table_1_3(owner, ctx, suffix)
        for table in owner["budget"]:
            out += _budget_table(table, ctx, suffix)
    return out


def _table_1_2(owner, ctx, suffix) -> list:
    years = owner["years_1_2"]
    if not owner["table_1_2"]:
        return []
    t = OfficialTable([0.06, 0.5, 0.1] + [0.085] * len(years), ctx.width)
    t.header(["No", "Indikator Kinerja Program", ""] + years)
    previous = None
    for line in owner["table_1_2"]:
        measures = list(line["measures"])
        group = line["group"] if line["group"] != previous else ""
        previous = line["group"]
        # one row per indicator (target, realisation, capaian stacked) so a page never separates them
        t.row([group, para(line["indicator"]), bullets(measures)]
              + [bullets([line["measures"][m].get(y, "") for m in measures], "cell_right") for y in years])
    title = f"Capaian Kinerja {years[0]}-{years[-1]} (Tabel 1.2){suffix}"
    return [KeepWithFirst([Paragraph(escape(title), STYLES["section"])], t.table())]


def _table_1_3(owner, ctx, suffix) -> list:
    if not owner["table_1_3"]:
        return []
    t = OfficialTable([0.3, 0.4, 0.1, 0.1, 0.1], ctx.width, number_cols=(2, 3, 4))
    t.header(["Sasaran Kegiatan", "Indikator Kinerja Kegiatan", "Target", "Realisasi", "Capaian"])
    for line in owner["table_1_3"]:
        t.row([para(line["objective"]), para(line["indicator"]), line.get("target", ""),
               line.get("realisation", ""), line.get("achievement", "")])
    year = owner["table_1_3"][0]["year"]
    title = f"Capaian Kinerja {year} (Tabel 1.3){suffix}"
    return [Spacer(0, 8), KeepWithFirst([Paragraph(escape(title), STYLES["section"])], t.table())]


def _budget_table(table, ctx, suffix) -> list:
    years = table["years"]
    t = OfficialTable([0.34] + [0.132] * len(years), ctx.width, number_cols=range(1, 1 + len(years)))
    t.header(["Uraian"] + years)
    for line in table["lines"]:
        t.row([para(line["line"])] + [line["values"].get(y, "") for y in years])
    title = BUDGET_TITLES.get(table["ref"], f"Tabel {table['ref']}") + suffix
    note = "Angka dan tulisan seperti tercetak dalam dokumen Renstra (rupiah; N/A: tidak tersedia)."
    return [Spacer(0, 8), KeepWithFirst([Paragraph(escape(title), STYLES["section"]),
                                         Paragraph(note, STYLES["small"]), Spacer(0, 3)], t.table())]
