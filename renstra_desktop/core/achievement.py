"""Achievement (capaian) of an indicator and its grade band (DOMAIN.md, Achievement).

The one rule for capaian, used by the window (through queries.indicator_rows), every report and
the Excel export.  A range target ("80–90") follows DOMAIN.md: above the range the realisation is
compared with the upper bound, below it with the lower bound; inside the range the target is met,
exactly: 100 % (a ratio against either bound would call a value inside the range over- or
under-achieved).  A range is printed "80–90" everywhere it is shown (:func:`format_target`).
"""
from __future__ import annotations

from dataclasses import dataclass

from .numbers import format_number

RANGE_DASH = "–"

DEFAULT_CAP = 120.0
# (lower bound in %, grade name, colour role) from the highest band down.
DEFAULT_BANDS = (
    (100.0, "Tercapai", "good"),
    (80.0, "Cukup", "fair"),
    (60.0, "Kurang", "poor"),
    (float("-inf"), "Sangat kurang", "bad"),
)


@dataclass(frozen=True)
class Grade:
    name: str
    role: str


def achievement(target: float | None, actual: float | None, polarity: str = "higher", *,
                upper: float | None = None, cap: float | None = DEFAULT_CAP) -> float | None:
    """Capaian in percent, or None when target or actual is missing (never 0).

    Higher is better: actual / target.  Lower is better: (2 x target - actual) / target.
    A range target (target..upper) is compared with its upper bound when the actual is above
    the range and with its lower bound when below; inside the range it is 100 %.
    """
    if target is None or actual is None:
        return None
    if upper is not None:
        low, high = min(target, upper), max(target, upper)
        if low <= actual <= high:
            value = 100.0
            return value if cap is None else min(value, cap)
        target = high if actual > high else low
    if target == 0:
        return None
    if polarity == "lower":
        value = (2 * target - actual) / target * 100.0
    else:
        value = actual / target * 100.0
    if cap is not None:
        value = min(value, cap)
    return round(value, 10)


def format_target(value: float | None, upper: float | None = None, measure: str | None = None) -> str:
    """A target as printed: "3,2", "100%", a range "80–90%", or "–" when missing."""
    if value is None:
        return "–"
    text = format_number(value)
    if upper is not None and upper != value:
        low, high = min(value, upper), max(value, upper)
        text = f"{format_number(low)}{RANGE_DASH}{format_number(high)}"
    return f"{text}%" if measure == "%" else text


def grade(value: float | None, bands=DEFAULT_BANDS) -> Grade | None:
    """The band a capaian falls in; None when there is no capaian."""
    if value is None:
        return None
    for lower, name, role in bands:
        if value >= lower:
            return Grade(name, role)
    return Grade(bands[-1][1], bands[-1][2])
