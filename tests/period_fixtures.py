"""Workflow steps for tests that need a period in a given status without walking the workflow:
the row a Kanwil package would bring (a ``period_event`` written by the Kanwil through the door)."""
from renstra_desktop.core.service import PlanService


def record_event(store, unit: str, period: str, event: str = "disahkan", *, actor: str = "kepala",
                 note: str | None = None):
    """Write ``event`` on ``unit``'s ``period`` as the Kanwil (in any file: a unit's file holds the
    Kanwil's steps it received); returns the door's Changes."""
    seq = store.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM period_event WHERE unit_code = ? AND period = ?",
                             (unit, period)).fetchone()[0]
    return PlanService(store, actor, unit_code="KANWIL").insert(
        "period_event", {"unit_code": unit, "period": period, "seq": seq, "event": event, "note": note})[1]
