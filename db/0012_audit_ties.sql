-- Renstra Desktop schema, version 12: the audit trail cheap to verify and small (issue 9 §4, issue 11).
-- A row's digest is now SHA-256 of SQLite's json_array of its columns (built by SQLite), and the rows
-- of each plan table are tied in buckets of 256 rowids whose digests every write records on its last
-- entry; rows a package inserts get one compact entry per package and table instead of one entry
-- each (core/audit_chain.py).  No column changes: this migration's Python step (store.py's
-- MIGRATION_STEPS) ties the rows as the file holds them with the new digests, records every bucket
-- in meta 'audit_anchor' and chains the trail again, in the migration's transaction.
SELECT 1;
