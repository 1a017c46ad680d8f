-- 002: review cycles, interviews, classifications, assignments, attachments
-- and the hash-chained audit log. Clear columns: ids, unit codes, cycle,
-- status, form id/version, counters and times. Answers, scores, comments and
-- categories are sealed.

CREATE TABLE cycles (
    id              BLOB PRIMARY KEY NOT NULL,
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL,              -- periodic | regular
    month           INTEGER,                    -- regular reviews only
    standard_id     TEXT NOT NULL,
    reference_date  TEXT NOT NULL,              -- YYYY-MM-DD: ages are taken here
    status          TEXT NOT NULL,              -- open | certified
    opened_at       INTEGER NOT NULL,
    certified_at    INTEGER
) STRICT;

CREATE TABLE cycle_units (
    cycle_id  BLOB NOT NULL REFERENCES cycles (id),
    unit_code TEXT NOT NULL,
    PRIMARY KEY (cycle_id, unit_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE interviews (
    id            BLOB PRIMARY KEY NOT NULL,
    household_id  BLOB NOT NULL REFERENCES households (id),
    cycle_id      BLOB NOT NULL REFERENCES cycles (id),
    unit_code     TEXT NOT NULL,                -- the household's village when created
    form_id       TEXT NOT NULL,
    form_version  INTEGER NOT NULL,
    officer_id    BLOB NOT NULL,
    status        TEXT NOT NULL,
    sv            INTEGER NOT NULL,
    record        BLOB NOT NULL,                -- sealed answers, score, comments
    revision      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    UNIQUE (household_id, cycle_id)
) STRICT;
CREATE INDEX interviews_by_status ON interviews (cycle_id, status, unit_code);
CREATE INDEX interviews_by_officer ON interviews (officer_id, status);

CREATE TABLE classifications (
    household_id BLOB NOT NULL REFERENCES households (id),
    cycle_id     BLOB NOT NULL REFERENCES cycles (id),
    unit_code    TEXT NOT NULL,
    sv           INTEGER NOT NULL,
    record       BLOB NOT NULL,                 -- sealed category, scores, flags
    PRIMARY KEY (cycle_id, household_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE assignments (
    cycle_id     BLOB NOT NULL REFERENCES cycles (id),
    household_id BLOB NOT NULL REFERENCES households (id),
    officer_id   BLOB NOT NULL,
    assigned_by  BLOB NOT NULL,
    assigned_at  INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, household_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX assignments_by_officer ON assignments (officer_id, cycle_id);

CREATE TABLE attachments (
    id           BLOB PRIMARY KEY NOT NULL,
    interview_id BLOB NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,                 -- photo | gps-track | document
    size         INTEGER NOT NULL,
    chunks       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_interview ON attachments (interview_id);

CREATE TABLE attachment_chunks (
    attachment_id BLOB NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    n             INTEGER NOT NULL,
    sv            INTEGER NOT NULL,
    chunk         BLOB NOT NULL,                -- sealed
    PRIMARY KEY (attachment_id, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY NOT NULL,    -- 1, 2, 3, ... without gaps
    at         INTEGER NOT NULL,                -- unix milliseconds
    actor      BLOB NOT NULL,
    action     TEXT NOT NULL,
    subject    BLOB NOT NULL,                   -- the id acted on
    detail     BLOB NOT NULL,                   -- postcard: ids and statuses only
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL,
    signature  BLOB NOT NULL
) STRICT;
