-- Renstra Desktop schema, version 13: a bucket's digest built column-wise (issue 9 §4, issue 11).
-- A bucket of 256 rowids was tied by SHA-256 of its rows' json_array texts joined by newlines; it is
-- now tied by SHA-256 of each column's json_group_array, one after another (core/audit_chain.py,
-- bucket_sql): the same rows and values, no string built per row, so that `audit verify` builds
-- buckets on two connections at once.  Row digests do not change.
-- A new action, 'tie': the entry that records the buckets of a table anew (this migration writes one
-- per plan table).  SQLite cannot change a CHECK constraint in place: the table is rebuilt, every
-- column and seq number kept (the chain is not touched).  The Python step (store.py's
-- MIGRATION_STEPS) checks each bucket against its latest digest in the old form and appends the
-- 'tie' entries, chained; a bucket that no longer matched stays marked as differing, so what was
-- changed outside the application before the migration is still found afterwards.

CREATE TABLE audit_log_v13 (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert','update','delete','restore','accept','tie')),
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    origin TEXT NOT NULL,
    row_digest TEXT,
    chain TEXT
);

INSERT INTO audit_log_v13 SELECT * FROM audit_log;
-- the trail's highest number as it was (entries deleted from its end outside stay found)
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'audit_log')
WHERE name = 'audit_log_v13' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'audit_log');

DROP TABLE audit_log;
ALTER TABLE audit_log_v13 RENAME TO audit_log;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
