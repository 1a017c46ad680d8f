-- 003: the change log that sync packets carry, what each peer holds, the
-- certificates of users on other phones, conflicts, and packets seen.

CREATE TABLE changes (
    origin      BLOB NOT NULL,              -- device (database) id, 16 bytes
    seq         INTEGER NOT NULL,           -- 1, 2, 3, ... per origin
    hlc         INTEGER NOT NULL,
    entity_kind INTEGER NOT NULL,           -- 1 cycle, 2 household, 3 interview
    entity      BLOB NOT NULL,
    sv          INTEGER NOT NULL,
    change      BLOB NOT NULL,              -- sealed wire change (its payload is personal)
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX changes_by_entity ON changes (entity_kind, entity);

CREATE TABLE peer_marks (
    peer   BLOB NOT NULL,                   -- a device we exchange with
    origin BLOB NOT NULL,
    seq    INTEGER NOT NULL,                -- the peer holds origin's 1..=seq
    PRIMARY KEY (peer, origin)
) STRICT, WITHOUT ROWID;

CREATE TABLE certificates (
    user_id     BLOB PRIMARY KEY NOT NULL,
    certificate BLOB NOT NULL               -- authority-signed, public
) STRICT;

CREATE TABLE conflicts (
    origin      BLOB NOT NULL,              -- the change that lost
    seq         INTEGER NOT NULL,
    entity_kind INTEGER NOT NULL,
    entity      BLOB NOT NULL,
    reason      TEXT NOT NULL,              -- superseded | locked | illegal
    resolved_by BLOB,
    resolved_at INTEGER,
    PRIMARY KEY (origin, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE packets_seen (
    packet_id   BLOB PRIMARY KEY NOT NULL,
    imported_at INTEGER NOT NULL
) STRICT;
