-- Renstra Desktop schema, version 2: unit packages and the merge (issue 3, docs/packages.md).
-- Local bookkeeping of the installation that merges packages (not plan tables: they never
-- travel in packages).  Key pins and the batch log are append-only, like audit_log.

-- Pinned public keys of the units whose packages this installation merges.  The current pin of
-- a unit is its latest row; a re-pin appends a row with the reason (who, when, why).
--   fingerprint  first 128 bits of SHA-256 over the raw Ed25519 public key, 8 groups of 4 hex
--   public_key   raw Ed25519 public key in hex, NULL when pinned from a fingerprint read by phone
CREATE TABLE unit_key_pin (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code   TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    public_key  TEXT,
    pinned_at   TEXT NOT NULL,
    pinned_by   TEXT NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX unit_key_pin_by_unit ON unit_key_pin (unit_code, seq);
CREATE TRIGGER unit_key_pin_no_update BEFORE UPDATE ON unit_key_pin
BEGIN SELECT RAISE(ABORT, 'unit_key_pin is append-only'); END;
CREATE TRIGGER unit_key_pin_no_delete BEFORE DELETE ON unit_key_pin
BEGIN SELECT RAISE(ABORT, 'unit_key_pin is append-only'); END;

-- One row per package applied to this file (the batch log).
--   package_digest  SHA-256 of the signed manifest body: the package's identity and the
--                   `origin` of every row it wrote
--   counts          JSON {table: {new, updated, unchanged, conflicts, ignored_locked, rejected}}
CREATE TABLE package_batch (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    package_digest  TEXT NOT NULL UNIQUE,
    content_digest  TEXT NOT NULL,
    unit_code       TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    app_version     TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    merged_at       TEXT NOT NULL,
    merged_by       TEXT NOT NULL,
    counts          TEXT NOT NULL
);
CREATE INDEX package_batch_by_unit ON package_batch (unit_code, key_fingerprint, sequence);
CREATE TRIGGER package_batch_no_update BEFORE UPDATE ON package_batch
BEGIN SELECT RAISE(ABORT, 'package_batch is append-only'); END;
CREATE TRIGGER package_batch_no_delete BEFORE DELETE ON package_batch
BEGIN SELECT RAISE(ABORT, 'package_batch is append-only'); END;

-- Rows a package could not apply because the consolidated row holds a version that is not in
-- the package's history.  Nothing is overwritten until a user keeps one side; the decision is
-- recorded here (and in audit_log).
--   consolidated / incoming  JSON objects of the full rows at detection time
--   incoming_hash            SHA-256 of the incoming row (without origin): a later package that
--                            carries the same version again is not asked twice
--   status                   open | kept_consolidated | kept_package | superseded
CREATE TABLE merge_conflict (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_seq      INTEGER NOT NULL REFERENCES package_batch (seq),
    package_digest TEXT NOT NULL,
    unit_code      TEXT NOT NULL,
    table_name     TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    consolidated   TEXT NOT NULL,
    incoming       TEXT NOT NULL,
    incoming_hash  TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'kept_consolidated', 'kept_package', 'superseded')),
    decided_at     TEXT,
    decided_by     TEXT
);
CREATE INDEX merge_conflict_by_row ON merge_conflict (table_name, row_id, status);
