-- 005: the recovery wrap. The data key sealed with HPKE to a province's
-- recovery public key (the phone cannot open it), and a mark on user wraps
-- that a recovery to a new device secret left void. See
-- docs/adr/0401-key-recovery.md.

CREATE TABLE recovery (
    key_id       BLOB PRIMARY KEY NOT NULL,  -- SHA-256(recovery public key)[0..8]
    public_key   BLOB NOT NULL,              -- the province's X25519 public key (public)
    enc          BLOB NOT NULL,              -- HPKE encapsulated key
    sealed_dek   BLOB NOT NULL,              -- HPKE ciphertext of the data key
    created_at   INTEGER NOT NULL,           -- unix milliseconds
    recovered_at INTEGER                     -- the last recovery with this key, unix milliseconds
) STRICT;

-- 1: the user's wrap was made under a device secret that a recovery replaced;
-- unlocking it is a key mismatch, not a wrong PIN.
ALTER TABLE users ADD COLUMN wrap_void INTEGER NOT NULL DEFAULT 0;
