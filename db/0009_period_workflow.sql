-- Renstra Desktop schema, version 9: the period workflow (issue 9 section 2).
-- Per unit and period: draft -> diajukan (the unit submits) -> dikembalikan (the Kanwil returns,
-- with a note) -> diverifikasi (the Kanwil's verifier) -> disahkan (approved by the Kanwil's head:
-- the period is closed); only the Kanwil unlocks (dibuka), with a reason.
--
-- period_event is an append-only history of transitions: one row per (unit, period, seq), written
-- by whoever acts (the unit for diajukan, the Kanwil for the rest), so each side only ever writes
-- its own rows and a merge never overwrites the other side's.  The latest row (highest seq) is the
-- period's status.  A diajukan row keeps the submitted values as JSON (snapshot).
-- It replaces period_lock: each live lock becomes a disahkan row written by the Kanwil.

CREATE TABLE period_event (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    period    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('diajukan','dikembalikan','diverifikasi','disahkan','dibuka')),
    note      TEXT,
    snapshot  TEXT,
    UNIQUE (unit_code, period, seq)
);

-- The event keeps the lock's id: the Kanwil's file and a unit's file that received the lock (or an
-- older package carrying it) migrate it to the same row, so a later package finds it already there.
INSERT INTO period_event (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version, deleted,
                          origin, unit_code, period, seq, event, note, snapshot)
SELECT id, 'KANWIL', created_at, updated_at, updated_by, 1, 0, 0, origin, unit_code, period, 1, 'disahkan',
       'Kunci periode dari versi sebelumnya.', NULL
FROM period_lock WHERE deleted = 0;

DROP TABLE period_lock;
