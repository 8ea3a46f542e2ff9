-- Renstra Desktop schema, version 10: local accounts and roles (issue 9, section 3).
-- Accounts are rows of this installation like unit_key_pin and report_signatory (0008): versioned,
-- written through the one row-write primitive, audited, never in packages or the plan JSON
-- (schema.py: TableSpec.local).  No row: accounts are off and the operating-system user is the actor.
--   name           the account name, the actor string of every audit entry it makes (lower case)
--   roles          comma-separated, sorted: admin, operator, pimpinan, verifikator
--   password_hash  scrypt$N$r$p$salt$hash (base64), parameters stored with the hash
--   seal           SHA-256 over name, roles, password hash, owner and the disabled mark (core/accounts.py):
--                  a role edited outside the application no longer matches it and grants nothing
-- A disabled account is a tombstone (deleted = 1): kept, never removed, its name never reused.

CREATE TABLE user_account (
    id TEXT PRIMARY KEY, owner_unit TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, row_version INTEGER NOT NULL DEFAULT 1,
    base_version INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT 'local',
    name          TEXT NOT NULL UNIQUE,
    full_name     TEXT,
    roles         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    seal          TEXT NOT NULL
);
