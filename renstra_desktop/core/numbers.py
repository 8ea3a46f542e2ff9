"""Indonesian number and date parsing and formatting (DOMAIN.md, official documents).

Thousands are grouped with ``.`` and decimals use ``,`` (4.126,05).  A lone dot followed by
one or two digits is read as a decimal point ("3.2" is 3,2) because users type it that way;
a lone dot followed by exactly three digits ("1.234") is ambiguous and refused.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from .errors import ValidationError

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

_GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")     # 3.193,72  1.234.567
_PLAIN_COMMA = re.compile(r"^\d+(,\d+)?$")                       # 3,2  746,71  4
_ONE_DOT_SHORT = re.compile(r"^\d+\.\d{1,2}$")                  # 3.2  97.56 (typed with a dot)
_ONE_DOT_LONG = re.compile(r"^\d+\.\d{4,}$")                    # 3.14159
_ONE_DOT_THREE = re.compile(r"^\d{1,3}\.\d{3}$")                 # 1.234: ambiguous


def parse_number(text: str | float | int | None, *, field: str = "") -> float | None:
    """Parse a number typed or printed in Indonesian style; '' / None / 'N/A' / '-' give None.

    Accepts an optional leading minus, a trailing '%' or the word 'indeks', and 'Rp'.
    Raises ValidationError (message in Indonesian) for anything else.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValidationError(f"Nilai {text!r} bukan angka.", field=field)
    if isinstance(text, (int, float)):
        try:
            number = float(text)
        except OverflowError:
            number = float("inf")
        return _finite(number, field)
    raw = str(text)
    s = raw.strip().replace("\u00a0", " ")
    if s in ("", "-", "–", "N/A", "n/a"):
        return None
    s = re.sub(r"(?i)^rp\.?\s*", "", s)
    s = re.sub(r"(?i)\s*(%|indeks)$", "", s).strip()
    negative = s.startswith("-")
    if negative:
        s = s[1:].strip()
    if _ONE_DOT_THREE.match(s):
        raise ValidationError(
            f"“{raw}” ambigu: titik dipakai sebagai pemisah ribuan. "
            f"Tulis {s.replace('.', '')} untuk ribuan atau {s.replace('.', ',')} untuk desimal.",
            field=field,
        )
    if _GROUPED_DOTS.match(s):
        value = s.replace(".", "").replace(",", ".")
    elif _PLAIN_COMMA.match(s):
        value = s.replace(",", ".")
    elif _ONE_DOT_SHORT.match(s) or _ONE_DOT_LONG.match(s):
        value = s
    else:
        raise ValidationError(
            f"“{raw}” bukan angka yang sah. Contoh penulisan: 3,2 atau 3.193,72.", field=field
        )
    number = _finite(float(value), field)
    return -number if negative else number


def _finite(number: float, field: str) -> float:
    """NaN and infinity (from JSON, or digits beyond a float) are no figure of a plan."""
    if math.isnan(number):
        raise ValidationError("NaN bukan angka: isi angka biasa, misalnya 3,2 atau 3.193,72, atau kosongkan.",
                              field=field)
    if math.isinf(number):
        raise ValidationError("Angka ini terlalu besar: isi angka biasa, misalnya 3,2 atau 3.193,72.", field=field)
    return number


def format_number(value: float | None, decimals: int | None = None, *, missing: str = "–") -> str:
    """Format in Indonesian style. decimals=None shows up to two decimals, trailing zeros dropped."""
    if value is None:
        return missing
    d = Decimal(repr(float(value)))
    places = 2 if decimals is None else decimals
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places else d.quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    q = abs(q)
    whole, _, frac = f"{q:f}".partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    if frac:
        text += "," + frac
    return sign + text


def format_date(day: _dt.date) -> str:
    """22 Desember 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_nip(nip: str) -> str:
    """Group an 18-digit NIP as 8-6-1-3 (19661018 199203 1 001); other input is returned trimmed."""
    digits = re.sub(r"\D", "", nip or "")
    if len(digits) != 18:
        return (nip or "").strip()
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
