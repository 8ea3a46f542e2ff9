"""What the search indexes and where each text is shown: one :class:`Source` per plan table.

A source names the table's searchable columns (plain text, an ordered JSON list, or LKjIP
narrative HTML), the tab of the window that shows them, and SQL expressions (over the table as
``t``, read from the attached plan schema ``plan``) for the row's unit, its label in the hit
list, its place (what the window selects to show it) and its order inside the tab.

Tables not listed hold no text a user reads in the window: program (only in reports), the history
tables 2020-2024 (only in reports), targets and settings (numbers, JSON) and period locks; nor
the text columns that are codes of other rows, units of measure, dates or file internals.  ``tests/core/test_search.py`` keeps this list
and :data:`renstra_desktop.core.schema.TABLES` in step.
"""
from __future__ import annotations

from dataclasses import dataclass

from .cycle.narrative import TITLES as NARRATIVE_TITLES
from .schema import TABLES

# tab key -> (order in the hit list, label); the order follows the window's tabs
TABS = {
    "satker": (0, "Satker"), "indikator": (1, "Indikator"), "risiko": (2, "Risiko"), "roadmap": (3, "Roadmap"),
    "pendanaan": (4, "Pendanaan"), "siklus": (5, "Siklus Kinerja"),
}
NOT_INDEXED = {   # table -> why none of its columns is searched
    "program": "hanya tampil di laporan",
    "performance_history": "hanya tampil di laporan",
    "budget_history": "hanya tampil di laporan",
    "indicator_target": "hanya angka",
    "setting": "pengaturan (JSON)",
    "period_event": "status verifikasi periode: tampil di tampilan Status verifikasi",
    "report_signatory": "data penanda tangan, diisi di formulir Penanda tangan",
    "unit_key_pin": "kunci satker (sidik jari), bukan isi rencana",
    "user_account": "akun pengguna, dikelola di Pengaturan → Akun pengguna",
}
# text fields that are codes pointing at other rows, units of measure, dates or file internals, and
# the categories rows are grouped by (a risk's area, a roadmap aspect: every row of "Pembinaan"
# would be a hit for "pembinaan", burying the texts that mention it)
SKIPPED_FIELDS = frozenset({"unit_code", "indicator_code", "parent_code", "objective_code", "program_code",
                            "line_code", "risk_id", "action_id", "measure", "sign_date", "event_date",
                            "media_type", "sha256", "area", "aspect"})


@dataclass(frozen=True)
class Source:
    table: str
    tab: str
    columns: tuple[str, ...]          # searchable columns, in the order of the window's columns
    label: str                        # SQL: the row as the hit list names it
    place: str                        # SQL: json_object(...) the window selects to show the row
    sort: str                         # SQL: order inside the tab
    joins: str = ""                   # SQL: joins after "plan.<table> t"
    unit: str = "t.unit_code"         # SQL: the unit whose row it is; NULL for reference rows
    own_only: bool = False            # shown only for the installation's own unit (Siklus Kinerja pages)
    lists: tuple[str, ...] = ()       # columns holding an ordered JSON list
    html: tuple[str, ...] = ()        # columns holding narrative HTML

    def kind(self, column: str) -> str:
        return "list" if column in self.lists else "html" if column in self.html else "text"

    def column_label(self, column: str) -> str:
        return TABLES[self.table].field_map[column].label or column


def _place(tab: str, *pairs: str, page: str | None = None) -> str:
    """json_object('tab', ..., 'page', ..., key, expr, ...) from "key=expr" pairs."""
    parts = [f"'tab', '{tab}'"] + ([f"'page', '{page}'"] if page else [])
    for pair in pairs:
        key, expr = pair.split("=", 1)
        parts.append(f"'{key}', {expr}")
    return f"json_object({', '.join(parts)})"


_RISK_JOIN = " LEFT JOIN plan.risk r ON r.id = t.risk_id"
_RISK_SORT = "printf('%d|%06d', r.program_code <> 'PPH', r.seq)"
_SECTION = "CASE t.section " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in NARRATIVE_TITLES.items()) + \
    " ELSE t.section END"

SOURCES: tuple[Source, ...] = (
    Source("unit", "satker", ("code", "name", "island", "address"), label="t.name",
           place=_place("satker", "unit_code=t.code"), sort="printf('%06d', t.seq)", unit="t.code"),
    Source("indicator", "indikator", ("code", "name"), label="t.code",
           place=_place("indikator", "indicator_code=t.code"), sort="t.code", unit="NULL"),
    Source("realisation", "indikator", ("evidence",), label="printf('%s · periode %s', t.indicator_code, t.period)",
           place=_place("indikator", "unit_code=t.unit_code", "indicator_code=t.indicator_code", "id=t.id"),
           sort="t.indicator_code || '|' || t.period"),
    Source("risk", "risiko", ("risk", "cause", "current_control", "treatments", "responsible",
                              "success_indicators"),
           label="printf('Risiko no %d · %s', t.seq, t.area)", place=_place("risiko", "id=t.id"),
           sort="printf('%d|%06d', t.program_code <> 'PPH', t.seq)", lists=("treatments", "success_indicators")),
    Source("risk_action", "risiko", ("action", "schedule", "responsible", "output"), joins=_RISK_JOIN,
           label="printf('RTP no %d · risiko no %d', t.seq, r.seq)", place=_place("risiko", "id=t.risk_id"),
           sort=_RISK_SORT + " || printf('|a%04d', t.seq)"),
    Source("risk_action_status", "risiko", ("note",),
           joins=" LEFT JOIN plan.risk_action a ON a.id = t.action_id LEFT JOIN plan.risk r ON r.id = a.risk_id",
           label="printf('Status RTP no %d · %s', a.seq, t.period)", place=_place("risiko", "id=a.risk_id"),
           sort=_RISK_SORT + " || printf('|b%04d|', a.seq) || t.period"),
    Source("risk_quarter", "risiko", ("note",), joins=_RISK_JOIN,
           label="printf('Risiko no %d · residual %s', r.seq, t.period)", place=_place("risiko", "id=t.risk_id"),
           sort=_RISK_SORT + " || '|c' || t.period"),
    Source("risk_event", "risiko", ("description", "impact", "response"), joins=_RISK_JOIN,
           label="printf('Kejadian %s · risiko no %d', t.event_date, r.seq)", place=_place("risiko", "id=t.risk_id"),
           sort=_RISK_SORT + " || '|d' || t.event_date"),
    Source("roadmap_item", "roadmap", ("text",), label="printf('%s %d · no %d', t.aspect, t.year, t.seq)",
           place=_place("roadmap", "id=t.id"), sort="printf('%s|%d|%04d', t.aspect, t.year, t.seq)"),
    Source("objective", "pendanaan", ("code", "name"), label="t.code",
           place=_place("pendanaan", "line_code=t.code"), sort="t.code", unit="NULL"),
    Source("funding", "pendanaan", ("executing_unit",), label="printf('%s · Pelaksana', t.line_code)",
           place=_place("pendanaan", "unit_code=t.unit_code", "line_code=t.line_code"), sort="t.line_code"),
    Source("unit_indicator", "siklus", ("code", "objective_name", "name"), label="t.code",
           place=_place("siklus", "unit_code=t.unit_code", "code=t.code", page="pohon"), sort="'1|' || t.code"),
    Source("indicator_manual", "siklus", ("definition", "formula", "data_source", "responsible"),
           label="printf('Manual %s', t.indicator_code)",
           place=_place("siklus", "unit_code=t.unit_code", "code=t.indicator_code", page="pohon"),
           sort="'1|' || t.indicator_code"),
    Source("performance_agreement", "siklus", ("first_jabatan", "first_name", "first_nip", "second_jabatan",
                                               "second_name", "second_nip", "place", "change_reason"),
           label="printf('PK %d', t.year) || CASE WHEN t.revision > 0 THEN printf(' (perubahan ke-%d)', t.revision) "
                 "ELSE '' END",
           place=_place("siklus", "year=t.year", page="pk"), sort="printf('2|%d|%02d', t.year, t.revision)",
           own_only=True),
    Source("pk_budget", "siklus", ("program", "activity"), label="printf('Anggaran PK %d · no %d', t.year, t.seq)",
           place=_place("siklus", "year=t.year", page="pk"), sort="printf('2|%d|%02d|%04d', t.year, t.revision, t.seq)",
           own_only=True),
    Source("action_plan", "siklus", ("activities_tw1", "activities_tw2", "activities_tw3", "activities_tw4",
                                     "responsible", "tw4_reason"),
           label="printf('Rencana Aksi %d · %s', t.year, t.indicator_code)",
           place=_place("siklus", "year=t.year", "indicator_code=t.indicator_code", page="pk"),
           sort="printf('3|%d|', t.year) || t.indicator_code", own_only=True,
           lists=("activities_tw1", "activities_tw2", "activities_tw3", "activities_tw4")),
    Source("measurement_note", "siklus", ("explanation", "obstacles", "solutions"),
           label="printf('Pengukuran %s · %s', t.period, t.indicator_code)",
           place=_place("siklus", "period=t.period", "indicator_code=t.indicator_code", page="pengukuran"),
           sort="'4|' || t.period || '|' || t.indicator_code", own_only=True),
    Source("evidence_file", "siklus", ("file_name",), label="printf('Data dukung %s · %s', t.period, t.indicator_code)",
           place=_place("siklus", "period=t.period", "indicator_code=t.indicator_code", page="pengukuran"),
           sort="'4|' || t.period || '|' || t.indicator_code || '|f'", own_only=True),
    Source("report_narrative", "siklus", ("content",), label=f"printf('LKjIP %s · %s', t.period, {_SECTION})",
           place=_place("siklus", "period=t.period", "section=t.section", page="narasi"),
           sort="'5|' || t.period || '|' || t.section", own_only=True, html=("content",)),
)
BY_TABLE = {s.table: s for s in SOURCES}
