-- 001: the first schema. Clear columns hold only what finds rows: ids, unit
-- codes, roles, counters, times and flags. Everything personal is in a
-- sealed `record` blob; see core/src/store/schema.rs.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE units (
    code        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,           -- YYYY-MM-DD, '' = since records began
    valid_to    TEXT,                    -- exclusive; NULL = still valid
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT,
    PRIMARY KEY (code, valid_from)
) STRICT;

CREATE TABLE unit_successions (
    old_code  TEXT NOT NULL,
    new_code  TEXT NOT NULL,
    effective TEXT NOT NULL,
    PRIMARY KEY (old_code, effective)
) STRICT;

CREATE TABLE users (
    id              BLOB PRIMARY KEY NOT NULL,   -- UUID, 16 bytes
    certificate     BLOB,                        -- authority-signed; NULL until enrolled
    request         BLOB NOT NULL,               -- the enrollment request
    kdf_iterations  INTEGER NOT NULL,
    kdf_salt        BLOB NOT NULL,
    wrapped_dek     BLOB NOT NULL,               -- sealed under the user's unlock key
    sealed_keys     BLOB NOT NULL,               -- the user's private keys, same
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER NOT NULL DEFAULT 0,  -- unix seconds
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE households (
    id         BLOB PRIMARY KEY NOT NULL,  -- UUIDv7
    unit_code  TEXT NOT NULL,              -- the village
    sv         INTEGER NOT NULL,           -- schema version sealed at (bound in)
    record     BLOB NOT NULL,              -- sealed household with its roster
    revision   INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL            -- unix milliseconds
) STRICT;
CREATE INDEX households_by_unit ON households (unit_code, deleted);

CREATE TABLE household_tokens (
    kind         INTEGER NOT NULL,         -- 1 member name, 2 member ID number
    token        BLOB NOT NULL,            -- blind index, 16 bytes
    household_id BLOB NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, token, household_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX household_tokens_by_household ON household_tokens (household_id);
