-- Renstra Desktop schema, version 11: a tamper-evident history (issue 9, section 4).
-- Each audit entry carries
--   row_digest  SHA-256 of the row's content right after this entry (NULL when the entry records no
--               row state, e.g. a conflict kept as it was); a row's current content must equal the
--               digest of its latest entry that carries one;
--   chain       SHA-256 over the previous entry's chain and this entry's canonical encoding
--               (core/audit_chain.py computes both, in one place).
-- A new action, 'accept': an administrator accepted what was changed outside the application, with
-- a reason (`renstra-desktop audit accept`).  The rows a file starts with (the embedded plan, or the
-- rows an older file holds without entries) are recorded in meta 'audit_anchor'; the chain starts
-- from that record's SHA-256.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (seq numbers kept).  The
-- chain of the copied entries is computed by the Python step of this migration (store.py's
-- MIGRATION_STEPS), which lifts the update guard for that step only.

CREATE TABLE audit_log_v11 (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert','update','delete','restore','accept')),
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    origin TEXT NOT NULL,
    row_digest TEXT,
    chain TEXT
);

INSERT INTO audit_log_v11 (seq, at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, origin)
SELECT seq, at, actor, unit_code, table_name, row_id, action, field, old_value, new_value, origin FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_v11 RENAME TO audit_log;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
