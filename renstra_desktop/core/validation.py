"""Turn a value typed by a user (or read from JSON) into what the store keeps, or refuse it.

Every refusal is a ValidationError whose message says, in Indonesian, what is wrong and how to
write it instead.
"""
from __future__ import annotations

import base64
import json
import re

from .errors import ValidationError
from .numbers import format_mib, format_number, parse_number
from .schema import PERIOD_RE, PLAN_YEARS, Field

BASE64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def clean_value(f: Field, value, *, strict_json: bool = False, years: tuple = PLAN_YEARS):
    """The stored form of ``value`` for field ``f``; strict_json refuses strings for numbers.
    ``years``: the plan's span (plan_profile.plan_years) a year or period must lie in."""
    label = f.label or f.name
    if value is None or (isinstance(value, str) and value.strip() == "" and f.kind not in ("text", "list")):
        if f.required:
            raise ValidationError(f"Kolom “{label}” wajib diisi.", field=f.name)
        return None
    kind = f.kind
    if kind in ("number", "int", "score", "year"):
        if strict_json and not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValidationError(f"Kolom “{label}” harus berupa angka JSON, bukan {value!r}.", field=f.name)
        number = parse_number(value, field=f.name, money=f.money)
        if number is None:
            if f.required:
                raise ValidationError(f"Kolom “{label}” wajib diisi.", field=f.name)
            return None
        if kind != "number":
            if number != int(number):
                raise ValidationError(f"Kolom “{label}” harus bilangan bulat, bukan {value!r}.", field=f.name)
            number = int(number)
        low, high = f.limits
        if kind == "year" and number not in years:
            raise ValidationError(f"Tahun {number} di luar periode Renstra {years[0]}–{years[-1]}.", field=f.name)
        if low <= number <= high:
            return number
        if kind == "score":
            raise ValidationError(f"Kolom “{label}” harus 1 sampai 5, bukan {number}.", field=f.name)
        if kind == "int" and low == 0 and number < 0:
            raise ValidationError(f"Kolom “{label}” tidak boleh negatif.", field=f.name)
        raise ValidationError(
            f"Kolom “{label}”: {_shown(number)} di luar batas yang dapat dimaknai dan dicetak "
            f"({format_number(low)} sampai {format_number(high)}). Periksa angkanya.", field=f.name)
    if kind == "period":
        text = str(value).strip().upper()
        match = PERIOD_RE.match(text)
        if not match or int(match.group(1)) not in years:
            y = years[1]
            raise ValidationError(
                f"Periode “{value}” tidak dikenal. Tulis {y}, {y}-S1, {y}-TW3 atau {y}-05 "
                f"(tahun {years[0]}–{years[-1]}).", field=f.name)
        return text
    if kind == "enum":
        text = str(value).strip()
        if text not in f.choices:
            raise ValidationError(
                f"Nilai “{value}” tidak dikenal untuk kolom “{label}”. Pilihan: {', '.join(f.choices)}.",
                field=f.name)
        return text
    if kind == "list":
        if isinstance(value, str):
            if strict_json:
                raise ValidationError(f"Kolom “{label}” harus berupa daftar teks JSON.", field=f.name)
            items = [line.strip() for line in value.splitlines()]
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            items = [v.strip() for v in value]
        else:
            raise ValidationError(f"Kolom “{label}” harus berupa daftar teks.", field=f.name)
        return json.dumps([v for v in items if v], ensure_ascii=False)
    if kind == "base64":     # a file's bytes, kept as base64 text (JSON and packages carry it as is)
        if isinstance(value, (bytes, bytearray)):
            value = base64.b64encode(bytes(value)).decode("ascii")
        if not isinstance(value, str) or not BASE64_RE.fullmatch(value):
            raise ValidationError(f"Kolom “{label}” harus berupa isi berkas dalam base64.", field=f.name)
        if f.bounds is not None and len(value) > f.bounds[1]:
            raise ValidationError(f"Kolom “{label}”: berkas {format_mib(len(value) * 3 // 4)} melebihi batas "
                                  f"{format_mib(f.bounds[1] * 3 // 4)} per berkas. Perkecil atau pecah berkasnya.", field=f.name)
        return value
    if kind == "json":   # from a JSON document every value is data ("WITA" too); typed text is JSON already
        return json.dumps(value, ensure_ascii=False) if strict_json or not isinstance(value, str) else value
    if not isinstance(value, str):
        if strict_json:
            raise ValidationError(f"Kolom “{label}” harus berupa teks.", field=f.name)
        value = str(value)
    text = value.strip()
    if f.required and not text:
        raise ValidationError(f"Kolom “{label}” wajib diisi.", field=f.name)
    return text


def _shown(number) -> str:
    """A refused number as people read it: Indonesian digits, or the exponent form when huge."""
    return format_number(number) if abs(number) < 1e15 else f"{number:.3g}".replace(".", ",")
