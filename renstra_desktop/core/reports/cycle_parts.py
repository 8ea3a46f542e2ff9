"""Pieces the yearly-cycle reports share: the signature kept with the report's last lines, the
year of a request, and figures formatted as printed."""
from __future__ import annotations

from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from .base import fmt_percent, fmt_value
from .keep import KeepWithSignature
from .layout import STYLES, escape


def year_of(options) -> int:
    return int((options.period or str(options.year or options.span[0]))[:4])


def kept_with_signature(closing: str, area, story: list) -> list:
    """The report's last table (and what follows it), the closing sentence and the signature
    block on one page: the block never stands alone.  Takes that tail off ``story``."""
    tail = []
    while story and len(tail) < 6:
        item = story.pop()
        tail.insert(0, item)
        if isinstance(item, (Table, KeepTogether)):
            break
    # keep.KeepWithSignature: the rows that must go with the block move, not the whole table
    return [KeepWithSignature([*tail, Spacer(0, 8), Paragraph(escape(closing), STYLES["body"])], area, gap=6)]


def graded_cells(g: dict, measure: str | None) -> dict:
    """A graded figure ({target, actual, achievement, grade}) as printed strings."""
    return {"target": fmt_value(g["target"], measure), "actual": fmt_value(g["actual"], measure),
            "achievement": fmt_percent(g["achievement"]), "grade": g["grade"] or "–", "role": g["grade_role"] or ""}
