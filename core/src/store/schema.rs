//! The schema and its migrations.
//!
//! Migrations are `core/sql/migrations/NNN_description.sql`, applied in order,
//! each in one transaction that also sets `PRAGMA user_version` to its number.
//! A database whose version is newer than [`VERSION`] is refused, untouched.
//!
//! ## What stays in clear, and why
//!
//! | table: columns | why it is clear |
//! |---|---|
//! | every table: row ids (UUIDs), `sv`, `revision`, `created_at`, `updated_at`, `deleted` | to address rows, bind sealed values to them, track changes and tombstones |
//! | `households.unit_code`, `interviews.unit_code`, `classifications.unit_code` | to list a village and check scope without unsealing |
//! | `interviews`: `household_id`, `cycle_id`, `officer_id`, `status`, `form_id`, `form_version`, `submitted_at` | the work queues (inbox, returned, counts per status) read only these |
//! | `cycles`, `cycle_units` | a review cycle is public: year, kind, standard, reference date, units |
//! | `assignments` | who interviews which household: ids only |
//! | `attachments`: `interview_id`, `kind`, `size`, `chunks` | to read chunks back in order; a photo's size says little, and its bytes are sealed |
//! | `users`: `request`, `certificate` | public credentials (display name, role, scope, public keys) needed before unlock for the sign-in list and to verify signatures |
//! | `users`: `failed_attempts`, `locked_until`, `kdf_iterations`, `kdf_salt`, `wrap_void` | needed before unlock |
//! | `recovery`: `key_id`, `public_key`, `created_at`, `recovered_at` | the province's public key and when it was used; `enc` and `sealed_dek` are the HPKE wrap of the data key, which only the province's private key opens |
//! | `certificates` | colleagues' public credentials, learned by provisioning or sync |
//! | `units`, `unit_successions` | public administrative data |
//! | `household_tokens` | blind-index tokens: keyed hashes that leak equality only |
//! | `audit`: `seq`, `at`, `actor`, `action`, `subject`, `detail`, hashes, signature | the chain is verified without unlocking; `detail` holds ids, statuses and content hashes only |
//! | `changes`: `origin`, `seq`, `hlc`, `entity_kind`, `entity`, `actor`, `hash` | delta selection, folding, chaining and which certificates a peer lacks; the change itself is sealed |
//! | `peer_marks`, `packets_seen`, `conflicts` (ids, seq, reason) | sync bookkeeping: device ids, counters, packet ids |
//!
//! Everything else about a household — names, ID numbers, birth dates,
//! address, phone, GPS, notes, answers, scores, categories, comments,
//! attachment bytes, the changes that carry them — is sealed.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};

/// The migrations, in order; a migration's number is its index + 1.
const MIGRATIONS: &[(&str, &str)] = &[
    ("001_init", include_str!("../../sql/migrations/001_init.sql")),
    ("002_workflow", include_str!("../../sql/migrations/002_workflow.sql")),
    ("003_sync", include_str!("../../sql/migrations/003_sync.sql")),
    ("004_chain", include_str!("../../sql/migrations/004_chain.sql")),
    ("005_recovery", include_str!("../../sql/migrations/005_recovery.sql")),
];

/// The schema version this build writes.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's `user_version`.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to [`VERSION`], one transaction per step.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found = version(conn)?;
    if found > i64::from(VERSION) {
        return Err(Error::SchemaTooNew { found, supported: i64::from(VERSION) });
    }
    for (i, (_, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        step(&tx, sql, i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn step(tx: &Transaction<'_>, sql: &str, to: u32) -> Result<()> {
    tx.execute_batch(sql)?;
    tx.pragma_update(None, "user_version", to)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:03}_", i + 1)), "{name} out of order");
        }
    }

    #[test]
    fn migrate_from_empty_reaches_version_and_is_idempotent() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(version(&c).unwrap(), i64::from(VERSION));
        migrate(&mut c).unwrap();
        assert_eq!(version(&c).unwrap(), i64::from(VERSION));
    }

    fn schema_of(c: &Connection) -> Vec<(String, String)> {
        let mut stmt = c
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn upgrading_from_every_older_version_matches_a_fresh_schema_and_keeps_rows() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        for stop in 1..MIGRATIONS.len() {
            let mut old = Connection::open_in_memory().unwrap();
            for (i, (_, sql)) in MIGRATIONS.iter().take(stop).enumerate() {
                let tx = old.transaction().unwrap();
                step(&tx, sql, i as u32 + 1).unwrap();
                tx.commit().unwrap();
            }
            old.execute("INSERT INTO meta (key, value) VALUES ('probe', x'01')", []).unwrap();
            migrate(&mut old).unwrap();
            assert_eq!(version(&old).unwrap(), i64::from(VERSION));
            assert_eq!(
                schema_of(&old),
                schema_of(&fresh),
                "upgrade from v{stop} differs from a fresh schema"
            );
            let kept: Vec<u8> =
                old.query_row("SELECT value FROM meta WHERE key = 'probe'", [], |r| r.get(0)).unwrap();
            assert_eq!(kept, vec![1]);
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version_intact() {
        let mut c = Connection::open_in_memory().unwrap();
        let tx = c.transaction().unwrap();
        step(&tx, MIGRATIONS[0].1, 1).unwrap();
        tx.commit().unwrap();
        // A table the next migration creates already exists: that step fails.
        c.execute_batch("CREATE TABLE cycles (x INTEGER)").unwrap();
        assert!(migrate(&mut c).is_err());
        assert_eq!(version(&c).unwrap(), 1);
    }

    #[test]
    fn newer_schema_is_refused_and_left_untouched() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", VERSION + 1).unwrap();
        let err = migrate(&mut c).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { found, .. } if found == i64::from(VERSION) + 1));
        let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }
}
