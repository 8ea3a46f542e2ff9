-- Renstra Desktop schema, version 6: the yearly performance cycle (issue 10).
-- Indicators per unit and their manual, Perjanjian Kinerja, Rencana Aksi, measurement notes,
-- evidence files, LKjIP narrative sections and risk monitoring per quarter.  Plan tables with
-- the usual row metadata (see 0001_initial.sql); written only through core/service.py.

-- A unit's own indicator (pohon kinerja): its sasaran, the Kanwil IKK it supports, targets per year.
CREATE TABLE unit_indicator (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    objective_name TEXT NOT NULL,        -- the unit's own sasaran
    name TEXT NOT NULL,
    parent_code TEXT NOT NULL,           -- the Kanwil IKK it supports (indicator.code)
    measure TEXT NOT NULL,
    polarity TEXT NOT NULL CHECK (polarity IN ('higher','lower')),
    rollup TEXT NOT NULL CHECK (rollup IN ('last','mean','sum')),
    target_2025 REAL, target_2026 REAL, target_2027 REAL, target_2028 REAL, target_2029 REAL,
    UNIQUE (unit_code, code)
);

-- The manual of one indicator (Kanwil IKK or unit indicator) for one unit.
CREATE TABLE indicator_manual (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    definition TEXT, formula TEXT, data_source TEXT, responsible TEXT,
    national_standard REAL,
    UNIQUE (unit_code, indicator_code)
);

-- Perjanjian Kinerja of a unit and year; revision 0 is the first, 1.. are PK Perubahan.
CREATE TABLE performance_agreement (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    first_jabatan TEXT, first_name TEXT, first_nip TEXT,
    second_jabatan TEXT, second_name TEXT, second_nip TEXT,
    place TEXT, sign_date TEXT,
    change_reason TEXT,
    UNIQUE (unit_code, year, revision)
);

-- One sasaran-indikator-target line of a PK revision.
CREATE TABLE pk_target (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    target REAL,
    UNIQUE (unit_code, year, revision, indicator_code)
);

-- One programme/activity line of a PK's budget annex (juta rupiah).
CREATE TABLE pk_budget (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    program TEXT NOT NULL,
    activity TEXT,
    amount REAL,
    UNIQUE (unit_code, year, revision, seq)
);

-- Rencana Aksi of one PK indicator: targets TW I-IV, activities per quarter, who.
CREATE TABLE action_plan (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    tw1 REAL, tw2 REAL, tw3 REAL, tw4 REAL,
    activities_tw1 TEXT, activities_tw2 TEXT, activities_tw3 TEXT, activities_tw4 TEXT,   -- JSON lists
    responsible TEXT,
    tw4_reason TEXT,                     -- why TW IV differs from the PK target
    UNIQUE (unit_code, year, indicator_code)
);

-- Penjelasan, kendala and solusi of one indicator and period.
CREATE TABLE measurement_note (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period TEXT NOT NULL,
    explanation TEXT, obstacles TEXT, solutions TEXT,
    UNIQUE (unit_code, indicator_code, period)
);

-- A data dukung file of one indicator and period, kept in the plan file (base64).
CREATE TABLE evidence_file (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL
);

-- A narrative section of the LKjIP (simple HTML), per unit and report period.
CREATE TABLE report_narrative (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    period TEXT NOT NULL,
    section TEXT NOT NULL,
    content TEXT,
    UNIQUE (unit_code, period, section)
);

-- One RTP activity of a risk: what, when, who, output.
CREATE TABLE risk_action (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    risk_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    schedule TEXT, responsible TEXT, output TEXT
);

-- The status of one RTP activity at the end of a quarter.
CREATE TABLE risk_action_status (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    action_id TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('belum','berjalan','selesai','tertunda')),
    note TEXT,
    UNIQUE (unit_code, action_id, period)
);

-- The residual likelihood and impact of a risk at the end of a quarter.
CREATE TABLE risk_quarter (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    risk_id TEXT NOT NULL,
    period TEXT NOT NULL,
    residual_likelihood INTEGER, residual_impact INTEGER,
    note TEXT,
    UNIQUE (unit_code, risk_id, period)
);

-- A risk event that occurred: date, what, impact, response.
CREATE TABLE risk_event (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    unit_code TEXT NOT NULL,
    risk_id TEXT NOT NULL,
    period TEXT NOT NULL,
    event_date TEXT NOT NULL,
    description TEXT NOT NULL,
    impact TEXT, response TEXT
);

CREATE INDEX evidence_by_period ON evidence_file (unit_code, indicator_code, period);
CREATE INDEX risk_action_by_risk ON risk_action (unit_code, risk_id, seq);
CREATE INDEX risk_event_by_period ON risk_event (unit_code, period);
