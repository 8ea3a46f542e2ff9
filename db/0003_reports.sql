-- Renstra Desktop schema, version 3: report settings (issue 4).
-- The signature block printed at the end of a unit's reports: place and date, optional
-- "a.n." line, jabatan, name, NIP, and the optional paraf table.  Local configuration of the
-- installation (not a plan table: it does not travel in packages); every change is audited.
--   sign_date   ISO date (2025-12-22) or NULL: the report's own date
--   on_behalf   jabatan after "a.n." (e.g. "Kepala Kantor Wilayah"), NULL when signing in person
--   paraf       JSON list of {"role", "name", "jabatan"} (first row Konseptor, then Pemeriksa)
CREATE TABLE report_signatory (
    unit_code     TEXT PRIMARY KEY,
    place         TEXT,
    sign_date     TEXT,
    on_behalf     TEXT,
    jabatan       TEXT,
    name          TEXT,
    nip           TEXT,
    paraf_enabled INTEGER NOT NULL DEFAULT 0 CHECK (paraf_enabled IN (0, 1)),
    paraf         TEXT NOT NULL DEFAULT '[]',
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
