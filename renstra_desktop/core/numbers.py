"""Indonesian number and date parsing and formatting (DOMAIN.md, official documents).

Thousands are grouped with ``.`` and decimals use ``,`` (4.126,05).  A lone dot followed by
one or two digits is read as a decimal point ("3.2" is 3,2) because users type it that way;
a lone dot followed by exactly three digits ("1.234") is ambiguous and refused, except in a money
column (juta rupiah, ``money=True``), where nobody writes three decimals: "2.500" is 2.500 there.
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


def parse_number(text: str | float | int | None, *, field: str = "", money: bool = False) -> float | None:
    """Parse a number typed or printed in Indonesian style; '' / None / 'N/A' / '-' give None.

    Accepts an optional leading minus, a trailing '%' or the word 'indeks', and 'Rp'.
    ``money``: the field holds an amount (schema ``Field.money``), so "2.500" is thousands.
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
    if _ONE_DOT_THREE.match(s) and not money:
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


NIP_DIGITS = 18
_NIP_EXAMPLE = "19661018 199203 1 001"


def parse_nip(text: str | None, *, today: _dt.date | None = None) -> str:
    """The 18 digits of a civil servant's NIP (Nomor Induk Pegawai), or '' for an empty entry.

    Spaces are ignored (it is printed 8-6-1-3: 19661018 199203 1 001).  The digits are checked for
    what they stand for: birth date YYYYMMDD, TMT (start of service) YYYYMM after the 17th
    birthday and not in the future, gender 1 or 2, sequence 001-999.  Raises ValidationError with
    one Indonesian line saying which part is wrong.
    """
    raw = (text or "").replace("\u00a0", " ").strip()
    if not raw:
        return ""
    digits = re.sub(r"\s+", "", raw)
    if not digits.isdigit() or len(digits) != NIP_DIGITS:
        found = sum(c.isdigit() for c in digits)
        what = "memuat tanda selain angka" if not digits.isdigit() else f"memuat {found} angka"
        raise ValidationError(f"NIP “{raw}” {what}; NIP terdiri atas 18 angka, misalnya {_NIP_EXAMPLE}.",
                              field="nip")
    today = today or _dt.date.today()
    try:
        born = _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        born = None
    if born is None or not (1930 <= born.year <= today.year - 17):
        raise ValidationError(f"NIP “{raw}”: 8 angka pertama adalah tanggal lahir (tahun, bulan, tanggal); "
                              f"{digits[:8]} bukan tanggal lahir yang mungkin. Periksa NIP-nya.", field="nip")
    year, month = int(digits[8:12]), int(digits[12:14])
    if not (1 <= month <= 12 and (year, month) >= (born.year + 17, born.month)
            and (year, month) <= (today.year, today.month)):
        raise ValidationError(f"NIP “{raw}”: angka ke-9 sampai ke-14 adalah TMT pengangkatan (tahun, bulan); "
                              f"{digits[8:14]} tidak mungkin untuk kelahiran {digits[:8]}. Periksa NIP-nya.",
                              field="nip")
    if digits[14] not in "12":
        raise ValidationError(f"NIP “{raw}”: angka ke-15 adalah jenis kelamin (1 atau 2), bukan {digits[14]}.",
                              field="nip")
    if digits[15:] == "000":
        raise ValidationError(f"NIP “{raw}”: 3 angka terakhir adalah nomor urut, 001 sampai 999.", field="nip")
    return digits


def format_mib(n: int) -> str:
    """A size in bytes as Indonesian MiB with one decimal: 4194304 -> "4,0 MiB"."""
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MiB"
