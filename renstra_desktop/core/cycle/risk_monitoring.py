"""Risk monitoring per quarter: each risk's RTP as activities (what, when, who, output), their
status at each quarter's end, the residual likelihood/impact at the quarter's end, and the risk
events that occurred; a read model with the heat maps before and after treatment."""
from __future__ import annotations

import datetime as _dt

from ..errors import NotFound, ValidationError
from ..queries import risk_rows
from ..risk_matrix import level, magnitude
from ..settings import load_settings
from .common import check_quarter, check_unit, upsert

STATUS_LABEL = {"belum": "Belum dimulai", "berjalan": "Berjalan", "selesai": "Selesai", "tertunda": "Tertunda"}


def _risk(conn, unit: str, risk_id: str) -> dict:
    row = conn.execute("SELECT * FROM risk WHERE id = ? AND deleted = 0", (risk_id,)).fetchone()
    if row is None or row["unit_code"] != unit:
        raise NotFound(f"Risiko {risk_id} tidak ada di register satker {unit}. Lihat id-nya di: renstra-desktop "
                       "risiko daftar (atau tab Siklus Kinerja).")
    return dict(row)


def add_action(service, unit: str, risk_id: str, values: dict) -> tuple[str, object]:
    """An RTP activity: ``action`` (what), ``schedule`` (when), ``responsible`` (who), ``output``."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    _risk(conn, unit, risk_id)
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM risk_action WHERE unit_code = ? AND risk_id = ?",
                       (unit, risk_id)).fetchone()[0]
    return service.insert("risk_action", {"unit_code": unit, "risk_id": risk_id, "seq": seq, **values})


def set_action_status(service, unit: str, action_id: str, period: str, status: str, note: str = ""):
    conn = service.store.conn
    unit = check_unit(conn, unit)
    check_quarter(conn, period)
    if conn.execute("SELECT 1 FROM risk_action WHERE id = ? AND unit_code = ? AND deleted = 0",
                    (action_id, unit)).fetchone() is None:
        raise NotFound(f"Kegiatan RTP {action_id} tidak ada di satker {unit}.")
    return upsert(service, "risk_action_status", {"unit_code": unit, "action_id": action_id,
                                                  "period": period.strip().upper()},
                  {"status": status, "note": note})


def set_residual(service, unit: str, risk_id: str, period: str, likelihood, impact, note: str = ""):
    conn = service.store.conn
    unit = check_unit(conn, unit)
    check_quarter(conn, period)
    _risk(conn, unit, risk_id)
    return upsert(service, "risk_quarter", {"unit_code": unit, "risk_id": risk_id, "period": period.strip().upper()},
                  {"residual_likelihood": likelihood, "residual_impact": impact, "note": note})


def add_event(service, unit: str, risk_id: str, event_date: str, description: str, impact: str = "",
              response: str = "") -> tuple[str, object]:
    """A risk event that occurred; its quarter follows from its date."""
    conn = service.store.conn
    unit = check_unit(conn, unit)
    _risk(conn, unit, risk_id)
    try:
        day = _dt.date.fromisoformat(str(event_date).strip())
    except ValueError:
        from ..reports.signature_block import parse_date_text
        day = parse_date_text(event_date)
        if day is None:
            raise ValidationError("Tanggal kejadian wajib diisi, misalnya 2026-05-14.") from None
    period = f"{day.year}-TW{(day.month - 1) // 3 + 1}"
    check_quarter(conn, period)
    return service.insert("risk_event", {"unit_code": unit, "risk_id": risk_id, "period": period,
                                         "event_date": day.isoformat(), "description": description,
                                         "impact": impact, "response": response})


def monitoring(conn, unit: str, period: str) -> dict:
    """Every risk of the unit with its RTP activities and their status at ``period`` (a quarter),
    its residual level at the quarter's end (the latest assessment up to that quarter, else the
    register's), the events of that quarter, and the heat maps (inherent vs end of quarter)."""
    unit = check_unit(conn, unit)
    year, quarter = check_quarter(conn, period)
    period = f"{year}-TW{quarter}"
    settings = load_settings(conn)
    actions: dict[str, list] = {}
    for r in conn.execute("SELECT * FROM risk_action WHERE unit_code = ? AND deleted = 0 ORDER BY seq", (unit,)):
        actions.setdefault(r["risk_id"], []).append(dict(r))
    statuses = {r["action_id"]: dict(r) for r in conn.execute(
        "SELECT * FROM risk_action_status WHERE unit_code = ? AND period = ? AND deleted = 0", (unit, period))}
    quarters: dict[str, dict] = {}
    for r in conn.execute("SELECT * FROM risk_quarter WHERE unit_code = ? AND deleted = 0 AND period LIKE ? "
                          "ORDER BY period", (unit, f"{year}-TW%")):
        if int(r["period"][-1]) <= quarter:
            quarters[r["risk_id"]] = dict(r)        # the latest up to this quarter
    events: dict[str, list] = {}
    for r in conn.execute("SELECT * FROM risk_event WHERE unit_code = ? AND period = ? AND deleted = 0 "
                          "ORDER BY event_date", (unit, period)):
        events.setdefault(r["risk_id"], []).append(dict(r))
    before = [[0] * 5 for _ in range(5)]
    after = [[0] * 5 for _ in range(5)]
    risks = []
    for risk in risk_rows(conn, unit):
        q = quarters.get(risk["id"])
        k = q["residual_likelihood"] if q else risk["residual_likelihood"]
        d = q["residual_impact"] if q else risk["residual_impact"]
        m_end = magnitude(k, d, settings.risk_matrix)
        if risk["inherent_likelihood"] and risk["inherent_impact"]:
            before[risk["inherent_likelihood"] - 1][risk["inherent_impact"] - 1] += 1
        if k and d:
            after[k - 1][d - 1] += 1
        risks.append({
            "id": risk["id"], "seq": risk["seq"], "area": risk["area"], "program_code": risk["program_code"],
            "risk": risk["risk"], "inherent": (risk["inherent_likelihood"], risk["inherent_impact"],
                                               risk["inherent_magnitude"], risk["inherent_level"]),
            "end": (k, d, m_end, level(m_end, settings.risk_levels)), "assessed_in_quarter": q is not None,
            "end_note": (q or {}).get("note") or "",
            "actions": [{**a, "status": statuses.get(a["id"], {}).get("status") or "belum",
                         "status_label": STATUS_LABEL[statuses.get(a["id"], {}).get("status") or "belum"],
                         "note": statuses.get(a["id"], {}).get("note") or ""} for a in actions.get(risk["id"], [])],
            "events": events.get(risk["id"], [])})
    return {"unit": unit, "period": period, "risks": risks, "heat_before": before, "heat_after": after,
            "matrix": settings.risk_matrix, "levels": settings.risk_levels}


