"""Row metadata shared by every plan table (DESIGN.md, data principles 1 and 2)."""
from __future__ import annotations

import datetime as _dt
from functools import cache

META_COLUMNS = (
    "id", "owner_unit", "created_at", "updated_at", "updated_by",
    "row_version", "base_version", "deleted", "origin",
)

# The highest row version a file takes (JSON, packages): a version rises by one per change, and
# 2^53 - 1 is the largest integer every JSON reader keeps exact (2^63 did not fit SQLite).
MAX_ROW_VERSION = 2 ** 53 - 1

# uuid5 namespace of Renstra Desktop: ids of cells and seeded rows are derived from their
# natural key, so every installation made from the embedded plan agrees on them.
NAMESPACE = "6f3c1b52-9a0e-4a4c-8f5e-2d1e7b9c4a10"


@cache
def _uuid():
    """The uuid module and the namespace, imported on first use: uuid (with platform) is 0.26 MB of
    the start-up's memory, and the first paint makes no id."""
    import uuid
    return uuid, uuid.UUID(NAMESPACE)


def stable_id(table: str, *key: object) -> str:
    """The id of the row with this natural key in this table, the same on every installation."""
    uuid, namespace = _uuid()
    return str(uuid.uuid5(namespace, "/".join([table, *map(str, key)])))


def new_id() -> str:
    return str(_uuid()[0].uuid4())


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_meta(row_id: str, owner_unit: str, actor: str, origin: str, at: str | None = None) -> dict:
    at = at or utc_now()
    return {
        "id": row_id, "owner_unit": owner_unit, "created_at": at, "updated_at": at,
        "updated_by": actor, "row_version": 1, "base_version": 0, "deleted": 0, "origin": origin,
    }
