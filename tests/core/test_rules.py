"""Achievement, grade bands, risk magnitude and level, Indonesian numbers (DOMAIN.md)."""
import datetime

import pytest

from renstra_desktop.core.achievement import achievement, grade
from renstra_desktop.core.errors import ValidationError
from renstra_desktop.core.numbers import format_date, format_nip, format_number, parse_number
from renstra_desktop.core.risk_matrix import level, magnitude, needs_action_plan


def test_higher_is_better():
    assert achievement(3.6, 4.61, "higher", cap=None) == pytest.approx(128.0555, rel=1e-4)
    assert achievement(3.6, 4.61, "higher") == 120.0          # default cap 120 %
    assert achievement(100, 100) == 100.0


def test_lower_is_better():
    # overstaying target 10 %, actual 8 %: better than target
    assert achievement(10, 8, "lower", cap=None) == pytest.approx(120.0)
    assert achievement(10, 12, "lower", cap=None) == pytest.approx(80.0)


def test_missing_values_give_no_achievement_not_zero():
    assert achievement(None, 3.0) is None
    assert achievement(3.0, None) is None
    assert grade(None) is None


def test_range_target_uses_nearest_bound():
    assert achievement(80, 95, upper=90, cap=None) == pytest.approx(95 / 90 * 100)
    assert achievement(80, 70, upper=90, cap=None) == pytest.approx(70 / 80 * 100)
    assert achievement(80, 85, upper=90) == 100.0


@pytest.mark.parametrize("value,name", [(100, "Tercapai"), (99.99, "Cukup"), (80, "Cukup"),
                                        (79.9, "Kurang"), (60, "Kurang"), (59.9, "Sangat kurang")])
def test_grade_bands(value, name):
    assert grade(value).name == name


def test_configurable_cap_and_bands():
    bands = ((90.0, "Baik", "good"), (float("-inf"), "Buruk", "bad"))
    assert achievement(1, 2, cap=150) == 150.0
    assert grade(91, bands).name == "Baik"


def test_risk_magnitude_is_looked_up_not_multiplied():
    assert magnitude(1, 5) == 20
    assert magnitude(5, 1) == 9
    assert magnitude(3, 3) == 14
    assert magnitude(None, 3) is None
    assert [level(v) for v in (1, 5, 6, 10, 11, 15, 16, 20, 21, 25)] == [
        "Sangat rendah", "Sangat rendah", "Rendah", "Rendah", "Sedang", "Sedang",
        "Tinggi", "Tinggi", "Sangat tinggi", "Sangat tinggi"]
    assert needs_action_plan(11) and not needs_action_plan(10) and not needs_action_plan(None)


@pytest.mark.parametrize("text,value", [
    ("3,2", 3.2), ("3.2", 3.2), ("3.193,72", 3193.72), ("746,71", 746.71), ("4", 4.0),
    ("100 %", 100.0), ("97,83 %", 97.83), ("1.234.567", 1234567.0), ("-2,5", -2.5),
    ("3,6 indeks", 3.6), ("Rp5.000,00", 5000.0), ("", None), ("N/A", None)])
def test_parse_indonesian_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1.234", "abc", "3,2,1", "1,2.3", "3..2", "12.34.5"])
def test_invalid_or_ambiguous_numbers_are_refused(text):
    with pytest.raises(ValidationError) as info:
        parse_number(text)
    assert text in info.value.message


def test_formatting():
    assert format_number(4126.05) == "4.126,05"
    assert format_number(66422.74, 2) == "66.422,74"
    assert format_number(3193.72) == "3.193,72"
    assert format_number(4.0) == "4"
    assert format_number(3.2, 2) == "3,20"
    assert format_number(None) == "–"
    assert format_date(datetime.date(2025, 12, 22)) == "22 Desember 2025"
    assert format_nip("196610181992031001") == "19661018 199203 1 001"
