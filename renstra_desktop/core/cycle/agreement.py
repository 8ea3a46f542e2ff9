"""Perjanjian Kinerja (PermenPAN-RB 53/2014, Lampiran I) per unit and year.

Revision 0 is the first PK, drawn from the Renstra's targets and the funding framework; a PK
Perubahan (revision 1, 2, ...) copies the latest one with the reason for the change, and every
earlier revision stays on record unchanged (a superseded revision refuses edits).
"""
from __future__ import annotations

from ..errors import NotFound, PermissionDenied, ValidationError
from ..numbers import format_nip
from ..plan_profile import load_profile
from ..service import Changes
from .common import check_unit, check_year, keyed_id, upsert
from .indicators import KANWIL, indicator_info, renstra_target, unit_indicator_codes

PARTY_FIELDS = ("first_jabatan", "first_name", "first_nip", "second_jabatan", "second_name", "second_nip",
                "place", "sign_date")
SUPERIOR_OF_KANWIL = "Direktur Jenderal Pemasyarakatan"


def revisions(conn, unit: str, year: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT revision FROM performance_agreement WHERE unit_code = ? AND year = ? AND deleted = 0 "
        "ORDER BY revision", (unit, year))]


def current_revision(conn, unit: str, year: int) -> int | None:
    found = revisions(conn, unit, year)
    return found[-1] if found else None


def _signatory(conn, unit: str) -> dict:
    from ..reports.signature_block import load_signatory   # no reportlab at import: plain data
    sig = load_signatory(conn, unit)
    return {"jabatan": sig.jabatan, "name": sig.name, "nip": sig.nip, "place": sig.place}


def draft_agreement(service, unit: str, year: int) -> Changes:
    """Create the first PK of ``unit`` and ``year`` from the Renstra (refused when one exists)."""
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    if revisions(conn, unit, year):
        raise ValidationError(f"PK {unit} tahun {year} sudah ada. Ubah isinya, atau buat PK Perubahan.")
    first = _signatory(conn, unit)
    second = _signatory(conn, KANWIL) if unit != KANWIL else {"jabatan": SUPERIOR_OF_KANWIL, "name": "", "nip": ""}
    changes = Changes()
    with service.store.atomic():
        changes.merge(service.insert("performance_agreement", {
            "unit_code": unit, "year": year, "revision": 0,
            "first_jabatan": first["jabatan"], "first_name": first["name"], "first_nip": first["nip"],
            "second_jabatan": second["jabatan"], "second_name": second["name"], "second_nip": second["nip"],
            "place": first["place"] or load_profile(conn).place}, row_id=keyed_id("performance_agreement", unit, year, 0))[1])
        for seq, code in enumerate(unit_indicator_codes(conn, unit), 1):
            changes.merge(service.insert("pk_target", {
                "unit_code": unit, "year": year, "revision": 0, "indicator_code": code, "seq": seq,
                "target": renstra_target(conn, unit, code, year)},
                row_id=keyed_id("pk_target", unit, year, 0, code))[1])
        for seq, line in enumerate(_budget_lines(conn, unit, year), 1):
            changes.merge(service.insert("pk_budget", {"unit_code": unit, "year": year, "revision": 0, "seq": seq,
                                                       **line}, row_id=keyed_id("pk_budget", unit, year, 0, seq))[1])
    return changes


def _budget_lines(conn, unit: str, year: int) -> list[dict]:
    """The funding framework's allocations of the year, one annex line per SK/IKK line."""
    programs = {r["code"]: r for r in conn.execute("SELECT * FROM program WHERE deleted = 0")}
    objectives = {r["code"]: r for r in conn.execute("SELECT * FROM objective WHERE deleted = 0")}
    indicators = {r["code"]: r for r in conn.execute("SELECT * FROM indicator WHERE deleted = 0")}
    lines = []
    for r in conn.execute("SELECT * FROM funding WHERE unit_code = ? AND year = ? AND deleted = 0 ORDER BY line_code",
                          (unit, year)):
        objective = objectives.get(r["line_code"]) or objectives.get(
            indicators[r["line_code"]]["objective_code"] if r["line_code"] in indicators else "")
        program = programs.get(objective["program_code"]) if objective else None
        name = program["name"] if program else r["line_code"]
        lines.append({"program": name if name.lower().startswith("program") else f"Program {name}",
                      "activity": (program["activity"] if program else "") or r["line_code"],
                      "amount": r["allocation"]})
    return lines


def revise_agreement(service, unit: str, year: int, reason: str) -> tuple[int, Changes]:
    """A PK Perubahan: a copy of the latest revision with ``reason``; returns (revision, changes)."""
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("PK Perubahan memerlukan alasan perubahan (mis. revisi anggaran). Tulis alasannya.")
    latest = current_revision(conn, unit, year)
    if latest is None:
        raise NotFound(f"PK {unit} tahun {year} belum ada. Buat PK-nya dulu.")
    new = latest + 1
    head = dict(conn.execute("SELECT * FROM performance_agreement WHERE unit_code = ? AND year = ? AND revision = ? "
                             "AND deleted = 0", (unit, year, latest)).fetchone())
    changes = Changes()
    with service.store.atomic():
        changes.merge(service.insert("performance_agreement", {
            **{k: head[k] for k in PARTY_FIELDS}, "unit_code": unit, "year": year, "revision": new,
            "change_reason": reason}, row_id=keyed_id("performance_agreement", unit, year, new))[1])
        for r in conn.execute("SELECT * FROM pk_target WHERE unit_code = ? AND year = ? AND revision = ? AND deleted = 0",
                              (unit, year, latest)).fetchall():
            changes.merge(service.insert("pk_target", {
                "unit_code": unit, "year": year, "revision": new, "indicator_code": r["indicator_code"],
                "seq": r["seq"], "target": r["target"]}, row_id=keyed_id("pk_target", unit, year, new, r["indicator_code"]))[1])
        for r in conn.execute("SELECT * FROM pk_budget WHERE unit_code = ? AND year = ? AND revision = ? AND deleted = 0",
                              (unit, year, latest)).fetchall():
            changes.merge(service.insert("pk_budget", {
                "unit_code": unit, "year": year, "revision": new, "seq": r["seq"], "program": r["program"],
                "activity": r["activity"], "amount": r["amount"]}, row_id=keyed_id("pk_budget", unit, year, new, r["seq"]))[1])
    return new, changes


def _editable_revision(conn, unit: str, year: int) -> int:
    latest = current_revision(conn, unit, year)
    if latest is None:
        raise NotFound(f"PK {unit} tahun {year} belum ada. Buat PK-nya dulu (renstra-desktop pk buat).")
    return latest


def _check_not_superseded(conn, unit, year, revision) -> None:
    latest = current_revision(conn, unit, year)
    if revision is not None and latest is not None and revision < latest:
        raise PermissionDenied(f"PK {unit} {year} perubahan ke-{revision} sudah digantikan perubahan ke-{latest} "
                               "dan disimpan apa adanya. Ubah PK yang berlaku.")


def set_parties(service, unit: str, year: int, values: dict) -> Changes:
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    unknown = set(values) - set(PARTY_FIELDS) - {"change_reason"}
    if unknown:
        raise ValidationError(f"Kolom PK tidak dikenal: {', '.join(sorted(unknown))}.")
    for key in ("first_nip", "second_nip"):
        if values.get(key):
            digits = "".join(ch for ch in str(values[key]) if ch.isdigit())
            if len(digits) != 18:
                raise ValidationError(f"NIP “{values[key]}” harus 18 angka, misalnya 19661018 199203 1 001.")
            values = {**values, key: digits}
    if values.get("sign_date"):
        from ..reports.signature_block import parse_date_text
        values = {**values, "sign_date": parse_date_text(values["sign_date"]).isoformat()}
    revision = _editable_revision(conn, unit, year)
    return service.update("performance_agreement", keyed_id("performance_agreement", unit, year, revision), values)


def set_target(service, unit: str, year: int, indicator_code: str, target) -> Changes:
    """Change one target of the PK in force (an indicator not yet in it is added)."""
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    info = indicator_info(conn, unit, indicator_code)
    revision = _editable_revision(conn, unit, year)
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM pk_target WHERE unit_code = ? AND year = ? "
                       "AND revision = ?", (unit, year, revision)).fetchone()[0]
    existing = conn.execute("SELECT seq FROM pk_target WHERE id = ?",
                            (keyed_id("pk_target", unit, year, revision, info["code"]),)).fetchone()
    return upsert(service, "pk_target", {"unit_code": unit, "year": year, "revision": revision,
                                         "indicator_code": info["code"]},
                  {"seq": existing["seq"] if existing else seq, "target": target})


def set_budget_line(service, unit: str, year: int, seq: int, program: str, activity: str, amount) -> Changes:
    conn = service.store.conn
    unit, year = check_unit(conn, unit), check_year(conn, year)
    revision = _editable_revision(conn, unit, year)
    return upsert(service, "pk_budget", {"unit_code": unit, "year": year, "revision": revision, "seq": int(seq)},
                  {"program": program, "activity": activity, "amount": amount})


def pk_targets(conn, unit: str, year: int, revision: int | None = None) -> dict[str, float | None]:
    """indicator code -> target of the PK in force (or of ``revision``)."""
    revision = current_revision(conn, unit, year) if revision is None else revision
    if revision is None:
        return {}
    return {r["indicator_code"]: r["target"] for r in conn.execute(
        "SELECT indicator_code, target FROM pk_target WHERE unit_code = ? AND year = ? AND revision = ? "
        "AND deleted = 0 ORDER BY seq", (unit, year, revision))}


def agreement(conn, unit: str, year: int, revision: int | None = None) -> dict:
    """The PK as printed: parties, statement data, targets grouped by sasaran, budget annex, and
    for a PK Perubahan what changed against the revision before it."""
    unit, year = check_unit(conn, unit), check_year(conn, year)
    latest = current_revision(conn, unit, year)
    if latest is None:
        raise NotFound(f"PK {unit} tahun {year} belum ada. Buat dulu: renstra-desktop pk buat FILE --unit {unit} "
                       f"--year {year}.")
    revision = latest if revision is None else revision
    head = conn.execute("SELECT * FROM performance_agreement WHERE unit_code = ? AND year = ? AND revision = ? "
                        "AND deleted = 0", (unit, year, revision)).fetchone()
    if head is None:
        raise NotFound(f"PK {unit} {year} perubahan ke-{revision} tidak ada. Ada: {revisions(conn, unit, year)}.")
    targets = []
    for r in conn.execute("SELECT * FROM pk_target WHERE unit_code = ? AND year = ? AND revision = ? AND deleted = 0 "
                          "ORDER BY seq", (unit, year, revision)):
        info = indicator_info(conn, unit, r["indicator_code"])
        targets.append({**info, "target": r["target"]})
    budget = [dict(r) for r in conn.execute(
        "SELECT seq, program, activity, amount FROM pk_budget WHERE unit_code = ? AND year = ? AND revision = ? "
        "AND deleted = 0 ORDER BY seq", (unit, year, revision))]
    changed = []
    if revision > 0:
        before = pk_targets(conn, unit, year, revision - 1)
        changed = [{"code": t["code"], "before": before.get(t["code"]), "after": t["target"]}
                   for t in targets if before.get(t["code"]) != t["target"]]
    unit_row = conn.execute("SELECT name, unit_type FROM unit WHERE code = ?", (unit,)).fetchone()
    h = dict(head)
    h["first_nip"], h["second_nip"] = format_nip(h["first_nip"] or ""), format_nip(h["second_nip"] or "")
    return {"unit": unit, "unit_name": unit_row["name"], "year": year, "revision": revision, "latest": latest,
            "head": h, "targets": targets, "budget": budget, "changed": changed}
