-- Renstra Desktop schema, version 1.
-- Every plan table carries the same row metadata (DESIGN.md, data principles):
--   id            stable global UUID (uuid5 of the natural key for cells and seeded rows)
--   owner_unit    the one unit that writes the row (unit code)
--   created_at / updated_at  UTC, ISO 8601 with 'Z'
--   updated_by    who made the last change (installation user name)
--   row_version   rises by one on every change
--   base_version  the row_version the last edit started from
--   deleted       tombstone mark (1 = deleted); rows are never removed
--   origin        'seed', 'local', or the digest of the package the row came from

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE unit (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    code TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    unit_type TEXT NOT NULL CHECK (unit_type IN ('kanwil','lapas','rutan','bapas','lpka','rupbasan')),
    island TEXT,
    address TEXT,
    staff_count INTEGER
);

CREATE TABLE program (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    code TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    activity TEXT
);

CREATE TABLE objective (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    code TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL,
    program_code TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE indicator (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    code TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL,
    objective_code TEXT NOT NULL,
    name TEXT NOT NULL,
    measure TEXT NOT NULL,              -- unit of measure: 'indeks' or '%'
    polarity TEXT NOT NULL CHECK (polarity IN ('higher','lower')),
    rollup TEXT NOT NULL CHECK (rollup IN ('last','mean','sum'))
);

-- One target per unit, indicator and year; upper is set for a range target (80-90 %).
CREATE TABLE indicator_target (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL,
    upper REAL,
    UNIQUE (unit_code, indicator_code, year)
);

-- Realisation (realisasi) of one indicator for one period: '2026', '2026-S1', '2026-TW3', '2026-05'.
CREATE TABLE realisation (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period TEXT NOT NULL,
    value REAL,
    evidence TEXT,
    UNIQUE (unit_code, indicator_code, period)
);

-- Tabel 1.2 and 1.3, long format: one row per indicator, year and measure.
CREATE TABLE performance_history (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    table_ref TEXT NOT NULL,
    seq INTEGER NOT NULL,
    group_label TEXT,
    objective_name TEXT,
    indicator_name TEXT NOT NULL,
    year INTEGER NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('target','realisation','achievement')),
    value REAL,
    suffix TEXT,
    printed TEXT
);

-- Tabel 1.4 to 1.7, long format: one row per line and year; value in rupiah or percent.
CREATE TABLE budget_history (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    table_ref TEXT NOT NULL,
    seq INTEGER NOT NULL,
    line TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL,
    printed TEXT
);

-- Risk register (Tabel 2.3 / Lampiran II). treatments and success_indicators are ordered JSON lists.
CREATE TABLE risk (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    program_code TEXT NOT NULL,
    area TEXT NOT NULL,
    seq INTEGER NOT NULL,
    risk TEXT NOT NULL DEFAULT '',
    cause TEXT,
    current_control TEXT,
    treatments TEXT NOT NULL DEFAULT '[]',
    responsible TEXT,
    success_indicators TEXT NOT NULL DEFAULT '[]',
    inherent_likelihood INTEGER CHECK (inherent_likelihood BETWEEN 1 AND 5),
    inherent_impact INTEGER CHECK (inherent_impact BETWEEN 1 AND 5),
    residual_likelihood INTEGER CHECK (residual_likelihood BETWEEN 1 AND 5),
    residual_impact INTEGER CHECK (residual_impact BETWEEN 1 AND 5)
);

-- Roadmap (3.3): aspect x year -> items.
CREATE TABLE roadmap_item (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    aspect TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'rencana' CHECK (status IN ('rencana','berjalan','selesai','batal'))
);

-- Funding framework (Tabel 3.3 / Lampiran I): allocation and realised spending in juta rupiah.
CREATE TABLE funding (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    line_code TEXT NOT NULL,            -- the SK or IKK code the allocation is printed against
    year INTEGER NOT NULL,
    allocation REAL,
    realised REAL,
    executing_unit TEXT,
    UNIQUE (unit_code, line_code, year)
);

-- Settings owned by the Kanwil (achievement cap and bands, risk matrix, levels, appetite); JSON values.
CREATE TABLE setting (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL
);

-- Approved periods: realisations of a locked period are refused by the core.
CREATE TABLE period_lock (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    period TEXT NOT NULL,
    UNIQUE (unit_code, period)
);

-- Append-only audit trail of every change (local edit, merge, import).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert','update','delete','restore')),
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    origin TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE INDEX realisation_by_unit ON realisation (unit_code, indicator_code);
CREATE INDEX risk_by_unit ON risk (unit_code, program_code, seq);
CREATE INDEX roadmap_by_unit ON roadmap_item (unit_code, aspect, year, seq);
CREATE INDEX target_by_unit ON indicator_target (unit_code, indicator_code);
