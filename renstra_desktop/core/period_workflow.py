"""The period workflow (issue 9 section 2; docs/period-workflow.md): per unit and period

    draft -> diajukan (the unit submits, optional note) -> dikembalikan (the Kanwil returns, note
    required; the unit edits again) -> diverifikasi (the Kanwil's verifier) -> disahkan (approved by
    the Kanwil's head: the period is closed) -> dibuka (only the Kanwil unlocks, with a reason).

Each step is a new ``period_event`` row written through the door (:class:`.service.PlanService`:
``submit``, ``return_``, ``verify``, ``approve``, ``unlock``) by the unit that acts: the unit's
submissions travel in its package, the Kanwil's steps in the Kanwil's, and no side ever writes the
other's rows.  The latest event is the status; :class:`.write_rules.PeriodStatus` closes a period
that is diajukan, diverifikasi or disahkan.  A submission keeps the submitted values as JSON, so the
Kanwil sees what changed since (:func:`comparison`).
"""
from __future__ import annotations

import datetime as _dt
import json

from . import roles
from .cycle.common import check_unit
from .errors import PermissionDenied, ValidationError
from .localtime import format_datetime, parse_utc, zone_of
from .queries import in_period
from .plan_profile import plan_years
from .schema import PERIOD_RE, PLAN_YEARS
from .settings import load_settings
from .write_rules import EVENT_TABLE, KANWIL, PeriodStatus, event_refusal

STATUS_LABELS = {"draft": "Draf", "diajukan": "Diajukan", "dikembalikan": "Dikembalikan",
                 "diverifikasi": "Diverifikasi", "disahkan": "Disahkan", "dibuka": "Dibuka kembali"}

# action -> (the event it records, the statuses it may follow, the Indonesian verb)
ACTIONS = {
    "submit": ("diajukan", ("draft", "dikembalikan", "dibuka"), "mengajukan"),
    "return": ("dikembalikan", ("diajukan", "diverifikasi"), "mengembalikan"),
    "verify": ("diverifikasi", ("diajukan",), "memverifikasi"),
    "approve": ("disahkan", ("diverifikasi",), "mengesahkan"),
    "unlock": ("dibuka", ("disahkan",), "membuka kunci"),
}
NOTE_REQUIRED = {"return": "Catatan pengembalian wajib diisi: tulis apa yang perlu diperbaiki satker.",
                 "unlock": "Alasan membuka kunci wajib diisi."}
SEPARATED = ("verify", "approve")       # not by anyone who entered the period's values


# What waits for whom: at the Kanwil a submitted or verified period; at a unit a returned or reopened one.
WAITS_AT_KANWIL = ("diajukan", "diverifikasi")
WAITS_AT_UNIT = ("dikembalikan", "dibuka")


# -- reading ---------------------------------------------------------------------------------------
def check_period(period, years: tuple = PLAN_YEARS) -> str:
    """A period code of the plan (2026, 2026-S1, 2026-TW3, 2026-05) in its ``years``
    (plan_profile.plan_years), or one Indonesian line."""
    text = str(period or "").strip().upper()
    m = PERIOD_RE.match(text)
    if not m or int(m.group(1)) not in years:
        raise ValidationError(f"Periode “{period}” tidak dikenal. Tulis misalnya 2026, 2026-S1, 2026-TW3 atau "
                              f"2026-05 (tahun {years[0]}-{years[-1]}).")
    return text


def history(conn, unit: str, period: str) -> list[dict]:
    """Every step of ``unit``'s ``period``, oldest first."""
    return [dict(r) for r in conn.execute(
        "SELECT * FROM period_event WHERE unit_code = ? AND period = ? AND deleted = 0 ORDER BY seq",
        (unit, period))]


def status_of(conn, unit: str, period: str) -> str:
    """The status of ``unit``'s ``period``: its latest event, or draft."""
    row = conn.execute("SELECT event FROM period_event WHERE unit_code = ? AND period = ? AND deleted = 0 "
                       "ORDER BY seq DESC LIMIT 1", (unit, period)).fetchone()
    return row[0] if row else "draft"


def latest_events(conn, unit: str | None = None, period: str | None = None) -> list[dict]:
    """The latest event of every (unit, period) that has one, optionally of one unit or period."""
    where, args = "deleted = 0", []
    if unit is not None:
        where, args = where + " AND unit_code = ?", args + [unit]
    if period is not None:
        where, args = where + " AND period = ?", args + [period]
    # SQLite takes the bare columns from the row holding max(seq) (write_rules.PeriodStatus does the same)
    rows = conn.execute(f"SELECT *, max(seq) AS latest FROM period_event WHERE {where} GROUP BY unit_code, period "
                        "ORDER BY unit_code, period", args)
    return [{k: r[k] for k in r.keys() if k != "latest"} for r in rows]


def statuses(conn, period: str, unit: str | None = None) -> dict[str, str]:
    """{unit code: status} of ``period`` for the units that have taken a step on it."""
    return {e["unit_code"]: e["event"] for e in latest_events(conn, unit, period)}


def waited(since_utc: str, now: _dt.datetime | None = None) -> str:
    """How long a status has stood, in words: '3 hari', '5 jam', '12 menit', 'baru saja'."""
    delta = (now or _dt.datetime.now(_dt.timezone.utc)) - parse_utc(since_utc)
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes >= 24 * 60:
        return f"{minutes // (24 * 60)} hari"
    if minutes >= 60:
        return f"{minutes // 60} jam"
    return f"{minutes} menit" if minutes else "baru saja"


def overview(conn, period: str | None = None, *, waiting_at: str | None = None,
             now: _dt.datetime | None = None) -> list[dict]:
    """The "Status verifikasi" rows: with ``period``, every unit of the directory and its status of
    that period (draft when it took no step); without, every (unit, period) that has a step.  Each
    row: unit_code, unit_name, period, status, label, by, at (office time), waited, note.
    ``waiting_at`` (a unit code): only what waits for that installation — at the Kanwil the submitted
    and verified periods, at a unit its returned and reopened ones."""
    zone = zone_of(conn)
    units = [(r[0], r[1]) for r in conn.execute("SELECT code, name FROM unit WHERE deleted = 0 ORDER BY seq")]
    names = dict(units)
    latest = latest_events(conn, None, period)
    if period is not None:
        by_unit = {e["unit_code"]: e for e in latest}
        pairs = [(code, by_unit.get(code)) for code, _ in units]
    else:
        pairs = [(e["unit_code"], e) for e in latest]
    rows = []
    for code, e in pairs:
        status = e["event"] if e else "draft"
        if waiting_at is not None and not _waits_for(waiting_at, code, status):
            continue
        rows.append({"unit_code": code, "unit_name": names.get(code, code),
                     "period": e["period"] if e else period, "status": status, "label": STATUS_LABELS[status],
                     "by": e["updated_by"] if e else "", "at": format_datetime(e["created_at"], zone) if e else "",
                     "waited": waited(e["created_at"], now) if e else "", "note": (e["note"] or "") if e else ""})
    return rows


def _waits_for(installation: str, unit: str, status: str) -> bool:
    if installation == KANWIL:
        return status in WAITS_AT_KANWIL or (unit == KANWIL and status in WAITS_AT_UNIT)
    return unit == installation and status in WAITS_AT_UNIT


def available_steps(installation: str, unit: str, status: str) -> list[str]:
    """The steps ``installation`` (this file's unit) may take on ``unit``'s period in ``status``:
    what the window offers (the core checks again when the step is taken)."""
    return [action for action, (event, after, _verb) in ACTIONS.items()
            if status in after and event_refusal(installation, unit, event) is None]


# -- the values of a period --------------------------------------------------------------------------
def period_values(conn, unit: str, period: str) -> list[dict]:
    """The unit's realisations of ``period`` and of the periods inside it, with their evidence
    (the note and the names of the evidence files), in a stable order."""
    files: dict[tuple, list[str]] = {}
    for code, p, name in conn.execute(
            "SELECT indicator_code, period, file_name FROM evidence_file WHERE unit_code = ? AND deleted = 0 "
            "AND substr(period, 1, 4) = ? ORDER BY file_name", (unit, period[:4])):
        files.setdefault((code, p), []).append(name)
    out = []
    for r in conn.execute("SELECT indicator_code, period, value, evidence FROM realisation WHERE unit_code = ? "
                          "AND deleted = 0 AND substr(period, 1, 4) = ? ORDER BY indicator_code, period",
                          (unit, period[:4])):
        if in_period(r[1], period):
            out.append({"indicator_code": r[0], "period": r[1], "value": r[2], "evidence": r[3] or "",
                        "evidence_files": files.get((r[0], r[1]), [])})
    return out


def missing_evidence(values: list[dict]) -> list[dict]:
    """The realisations (with a value) that have neither an evidence note nor an evidence file."""
    return [v for v in values if v["value"] is not None and not v["evidence"].strip() and not v["evidence_files"]]


def submitted_snapshots(conn, unit: str, period: str, last: int = 2) -> list[dict]:
    """The values frozen by the latest ``last`` submissions of ``unit``'s ``period``, newest first."""
    out = []
    for (text,) in conn.execute("SELECT snapshot FROM period_event WHERE unit_code = ? AND period = ? AND deleted = 0 "
                                "AND event = 'diajukan' ORDER BY seq DESC LIMIT ?", (unit, period, last)):
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        values = data.get("values") if isinstance(data, dict) else None
        out.append({(v["indicator_code"], v["period"]): v for v in values or []
                    if isinstance(v, dict) and "indicator_code" in v and "period" in v})
    return out


def comparison(conn, unit: str, period: str) -> list[dict]:
    """The submitted values beside the current ones, per (indicator, period): ``submitted`` (the
    latest submission), ``previous`` (the one before, when the period was returned and submitted
    again), ``current`` (value and evidence), ``changed`` (current differs from the latest
    submission; never before a first one) and ``changed_since_previous`` (the resubmission differs
    from the one before)."""
    snapshots = submitted_snapshots(conn, unit, period)
    latest = snapshots[0] if snapshots else {}
    previous = snapshots[1] if len(snapshots) > 1 else None
    now = {(v["indicator_code"], v["period"]): v for v in period_values(conn, unit, period)}
    rows = []
    for k in sorted(latest.keys() | now.keys() | (previous or {}).keys()):
        b, c = latest.get(k), now.get(k)
        p = previous.get(k) if previous is not None else None
        rows.append({"indicator_code": k[0], "period": k[1], "submitted": b, "previous": p, "current": c,
                     "changed": bool(snapshots) and not _same(b, c),
                     "changed_since_previous": previous is not None and not _same(p, b)})
    return rows


def _same(a: dict | None, b: dict | None) -> bool:
    return a is not None and b is not None and all(a.get(f) == b.get(f) for f in ("value", "evidence"))


def entered_by(conn, unit: str, period: str) -> set[str]:
    """Who entered ``unit``'s values of ``period``: the last writer of each realisation, measurement
    note and evidence file of the period, and every actor of their local or imported changes in the
    audit trail (a merge's actor only carried the unit's rows here and is not counted)."""
    people: set[str] = set()
    ids: list[tuple[str, str]] = []
    for table in ("realisation", "measurement_note", "evidence_file"):
        for row_id, p, who in conn.execute(f"SELECT id, period, updated_by FROM {table} WHERE unit_code = ? "
                                           "AND substr(period, 1, 4) = ?", (unit, period[:4])):
            if in_period(p, period):
                people.add(who)
                ids.append((table, row_id))
    if ids:
        people.update(r[0] for r in conn.execute(
            "SELECT DISTINCT actor FROM audit_log WHERE origin IN ('local', 'import') AND "
            "(table_name, row_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))", (json.dumps(ids),)))
    return people


def allows_missing_evidence(conn) -> bool:
    """The Kanwil's setting ``submit_without_evidence`` (core/settings.py; default: not allowed)."""
    return load_settings(conn).submit_without_evidence


# -- acting ------------------------------------------------------------------------------------------
def act(service, action: str, unit, period, note: str | None = None):
    """Record ``action`` (submit, return, verify, approve, unlock) on ``unit``'s ``period`` as the
    service's actor and unit, in one transaction; returns the door's Changes.  Refusals are one
    Indonesian line and write nothing."""
    if action not in ACTIONS:
        raise ValueError(action)
    event, allowed_from, verb = ACTIONS[action]
    conn = service.store.conn
    period = check_period(period, plan_years(conn))
    unit = check_unit(conn, unit)
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationError(NOTE_REQUIRED[action], field="note")
    if (why := event_refusal(service.unit_code, unit, event)) is not None:
        raise PermissionDenied(why)
    roles.require(conn, service.actor, action)
    with service.store.atomic():
        status = status_of(conn, unit, period)
        if status not in allowed_from:
            raise ValidationError(_not_from(action, verb, unit, period, status))
        snapshot = None
        if action == "submit":
            snapshot = _submission(conn, unit, period)
        if action in SEPARATED and service.actor in entered_by(conn, unit, period):
            raise PermissionDenied(
                f"{service.actor} ikut mengisi data periode {period} satker {unit}, jadi tidak boleh {verb}nya "
                "sendiri (pemisahan tugas). Minta petugas lain.")
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM period_event WHERE unit_code = ? AND period = ?",
                           (unit, period)).fetchone()[0]
        values = {"unit_code": unit, "period": period, "seq": seq, "event": event, "note": note or None,
                  "snapshot": json.dumps(snapshot, ensure_ascii=False, sort_keys=True) if snapshot else None}
        with service.workflow_step():
            return service.insert(EVENT_TABLE, values)[1]


def _submission(conn, unit: str, period: str) -> dict:
    """The values a submission freezes, after its checks: the period and what contains it open,
    values present, evidence present unless the Kanwil's setting allows otherwise."""
    status = PeriodStatus(conn)
    closed = status.closed_period(unit, period)
    if closed is not None:
        raise ValidationError(status.refusal(unit, closed))
    values = period_values(conn, unit, period)
    if not any(v["value"] is not None for v in values):
        raise ValidationError(f"Belum ada realisasi satker {unit} untuk periode {period}; isi realisasinya dulu "
                              "lalu ajukan.")
    bare = missing_evidence(values)
    if bare and not allows_missing_evidence(conn):
        listed = ", ".join(f"{v['indicator_code']} {v['period']}" for v in bare[:5])
        more = f" dan {len(bare) - 5} lainnya" if len(bare) > 5 else ""
        raise ValidationError(f"Realisasi tanpa data dukung tidak dapat diajukan: {listed}{more}. Isi data dukung "
                              "atau lampirkan berkasnya, lalu ajukan lagi.")
    return {"values": values}


def _not_from(action: str, verb: str, unit: str, period: str, status: str) -> str:
    label = STATUS_LABELS[status].lower()
    hint = {"submit": "Periode yang diajukan menunggu Kantor Wilayah; yang disahkan hanya dapat dibuka Kanwil.",
            "return": "Hanya periode yang diajukan atau diverifikasi yang dapat dikembalikan.",
            "verify": "Hanya periode yang diajukan yang dapat diverifikasi.",
            "approve": "Periode harus diverifikasi dulu sebelum disahkan.",
            "unlock": "Hanya periode yang disahkan yang dapat dibuka kuncinya."}[action]
    return f"Tidak dapat {verb} periode {period} satker {unit}: statusnya {label}. {hint}"
