-- Renstra Desktop schema, version 8: one write door (issue 9, section 1).  Numbered after the
-- yearly cycle's 0006 (and its reserved 0007) so that a file made at version 6 gets it too.
-- The installation's own bookkeeping tables become rows like every plan table (id, owner unit,
-- times, who, row version, base version, tombstone, origin), so the one row-write primitive gives
-- them ownership, versions and the audit trail.  They stay local: they never travel in packages or
-- in the plan JSON (schema.py: TableSpec.local).
--   unit_key_pin      one row per unit: its currently pinned key.  Earlier pins were written to
--                     audit_log when they were made (table unit_key_pin), and stay there; the row
--                     version counts the pins of the unit.
--   report_signatory  one row per unit: its signature block.

CREATE TABLE unit_key_pin_v4 (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code   TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    public_key  TEXT,
    reason      TEXT NOT NULL
);

INSERT INTO unit_key_pin_v4 (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version, deleted,
                             origin, unit_code, fingerprint, public_key, reason)
SELECT lower(printf('%s-%s-4%s-%s-%s', substr(h, 1, 8), substr(h, 9, 4), substr(h, 14, 3), substr(h, 17, 4),
                    substr(h, 21, 12))),
       coalesce((SELECT value FROM meta WHERE key = 'installation_unit'), 'KANWIL'),
       first_at, last.pinned_at, last.pinned_by, pins, pins - 1, 0, 'local',
       last.unit_code, last.fingerprint, last.public_key, last.reason
FROM (SELECT p.*, hex(randomblob(16)) AS h,
             (SELECT count(*) FROM unit_key_pin q WHERE q.unit_code = p.unit_code) AS pins,
             (SELECT min(pinned_at) FROM unit_key_pin q WHERE q.unit_code = p.unit_code) AS first_at
      FROM unit_key_pin p
      WHERE p.seq = (SELECT max(seq) FROM unit_key_pin q WHERE q.unit_code = p.unit_code)) AS last;

DROP TABLE unit_key_pin;
ALTER TABLE unit_key_pin_v4 RENAME TO unit_key_pin;

CREATE TABLE report_signatory_v4 (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code     TEXT NOT NULL UNIQUE,
    place         TEXT,
    sign_date     TEXT,
    on_behalf     TEXT,
    jabatan       TEXT,
    name          TEXT,
    nip           TEXT,
    paraf_enabled INTEGER NOT NULL DEFAULT 0 CHECK (paraf_enabled IN (0, 1)),
    paraf         TEXT NOT NULL DEFAULT '[]'
);

INSERT INTO report_signatory_v4 (id, owner_unit, created_at, updated_at, updated_by, row_version, base_version,
                                 deleted, origin, unit_code, place, sign_date, on_behalf, jabatan, name, nip,
                                 paraf_enabled, paraf)
SELECT lower(printf('%s-%s-4%s-%s-%s', substr(h, 1, 8), substr(h, 9, 4), substr(h, 14, 3), substr(h, 17, 4),
                    substr(h, 21, 12))),
       coalesce((SELECT value FROM meta WHERE key = 'installation_unit'), 'KANWIL'),
       updated_at, updated_at, updated_by, 1, 0, 0, 'local',
       unit_code, place, sign_date, on_behalf, jabatan, name, nip, paraf_enabled, paraf
FROM (SELECT *, hex(randomblob(16)) AS h FROM report_signatory);

DROP TABLE report_signatory;
ALTER TABLE report_signatory_v4 RENAME TO report_signatory;
