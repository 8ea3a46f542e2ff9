"""Workflow steps for tests that need a period in a given status without walking the workflow:
the row a Kanwil package brings (a ``period_event`` the Kanwil recorded, written through the door
as a merged package's row is)."""
from renstra_desktop.core.row_writer import columns_of
from renstra_desktop.core.rows import new_id, new_meta
from renstra_desktop.core.service import PlanService

KANWIL_PACKAGE = "0" * 63 + "1"        # the origin of the rows: a package digest


def record_event(store, unit: str, period: str, event: str = "disahkan", *, actor: str = "kepala",
                 note: str | None = None):
    """Write ``event`` on ``unit``'s ``period`` as the Kanwil's merged package would (in any file: a
    unit's file holds the Kanwil's steps it received); returns the door's Changes."""
    conn = store.conn
    seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM period_event WHERE unit_code = ? AND period = ?",
                       (unit, period)).fetchone()[0]
    service = PlanService(store, actor, unit_code="KANWIL")
    writer = service.writer(unit="KANWIL", origin=KANWIL_PACKAGE)
    cols = columns_of(conn, "period_event")
    row = {**new_meta(new_id(), "KANWIL", actor, KANWIL_PACKAGE), "unit_code": unit, "period": period, "seq": seq,
           "event": event, "note": note, "snapshot": None}
    with store.atomic():
        refused = writer.write("period_event", cols, [tuple(row.get(c) for c in cols)], old={}, audit_values=True)
    assert not refused, refused
    return writer.changes
