//! The store's side of sync: the change log.
//!
//! Every local change appends a [`Change`] to the log (sealed, with the
//! entity's whole state) under this device's origin id and the next sequence
//! number, stamped by the hybrid logical clock, linked to the origin's
//! previous change and signed by its actor over the chain hash (`sync::chain`).
//! Packets are made and taken in `exchange`; folding changes into state is
//! `fold`.

mod answers;
mod conflicts;
mod convert;
mod exchange;
mod fold;

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::schema::VERSION;
use super::seal::Binding;
use super::{Session, Store};
use crate::error::{Error, Result};
use crate::identity::Certificate;
use crate::sync::chain::Logged;
use crate::sync::hlc::Hlc;
use crate::sync::wire::{Change, Entity, Op, SeqMark};

pub use conflicts::Conflict;
pub(crate) use convert::{cycle_to_wire, household_to_wire, interview_to_wire};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    /// Changes new to this store.
    pub applied: usize,
    /// Changes it already held.
    pub already_had: usize,
    /// Changes that lost to another (kept as conflict records).
    pub conflicts: usize,
}

fn kind_code(e: &Entity) -> i64 {
    match e {
        Entity::Cycle(_) => 1,
        Entity::Household(_) => 2,
        Entity::Interview(_) => 3,
        Entity::Assignment(_) => 4,
    }
}

fn change_row(origin: &[u8; 16], seq: u64) -> [u8; 24] {
    let mut row = [0u8; 24];
    row[..16].copy_from_slice(origin);
    row[16..].copy_from_slice(&seq.to_be_bytes());
    row
}

impl Store {
    /// This database's origin id in the change log.
    pub fn origin(&self) -> Result<[u8; 16]> {
        Uuid::parse_str(self.store_id()).map(|u| *u.as_bytes()).map_err(|_| Error::Decode("store id"))
    }

    /// Adds a colleague's certificate (signed by the pinned authority), so
    /// packets can be addressed to them and their changes verified.
    pub fn add_certificate(&self, bytes: &[u8]) -> Result<Uuid> {
        let cert = Certificate::from_bytes(bytes)?;
        self.authority().verify(&cert, self.inner.options.clock.now())?;
        self.writer().execute(
            "INSERT INTO certificates (user_id, certificate) VALUES (?1, ?2)
             ON CONFLICT (user_id) DO UPDATE SET certificate = ?2",
            params![cert.body.user_id.as_bytes(), bytes],
        )?;
        Ok(cert.body.user_id)
    }

    /// A known user's certificate: enrolled here, or added / learned by sync.
    pub(crate) fn certificate_of(&self, conn: &Connection, user: Uuid) -> Result<Option<Certificate>> {
        let bytes: Option<Vec<u8>> = conn
            .query_row(
                "SELECT certificate FROM users WHERE id = ?1 AND certificate IS NOT NULL
                 UNION ALL SELECT certificate FROM certificates WHERE user_id = ?1 LIMIT 1",
                [user.as_bytes()],
                |r| r.get(0),
            )
            .optional()?;
        bytes.map(|b| Certificate::from_bytes(&b).map_err(Error::from)).transpose()
    }

    /// Per origin, the longest run `1..=seq` this store holds.
    pub fn held(&self) -> Result<Vec<SeqMark>> {
        self.held_marks(&self.reader())
    }

    /// Per origin, the longest run `1..=seq` this store holds.
    pub(crate) fn held_marks(&self, conn: &Connection) -> Result<Vec<SeqMark>> {
        let mut stmt = conn.prepare_cached("SELECT origin, seq FROM changes ORDER BY origin, seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, [u8; 16]>(0)?, r.get::<_, i64>(1)?)))?;
        let mut marks: BTreeMap<[u8; 16], u64> = BTreeMap::new();
        let mut broken = BTreeSet::new();
        for row in rows {
            let (origin, seq) = row?;
            let mark = marks.entry(origin).or_insert(0);
            if !broken.contains(&origin) && seq as u64 == *mark + 1 {
                *mark += 1;
            } else {
                broken.insert(origin);
            }
        }
        Ok(marks.into_iter().map(|(origin, seq)| SeqMark { origin, seq }).collect())
    }
}

impl Session {
    /// Appends a local change to the log inside `tx`.
    pub(crate) fn record_change(
        &self,
        tx: &Transaction<'_>,
        entity: Entity,
        op: Op,
        payload: Vec<u8>,
    ) -> Result<()> {
        let origin = self.store.origin()?;
        let now = self.store.now_ms().max(0) as u64;
        let hlc = self.read_hlc(tx)?.tick(now);
        #[cfg(feature = "planted-bugs")]
        let hlc = if crate::sync::planted::active(crate::sync::planted::Bug::WallClock) {
            Hlc::new(now, 0)
        } else {
            hlc
        };
        self.write_hlc(tx, hlc)?;
        let base_hlc: i64 = tx.query_row(
            "SELECT coalesce(max(hlc), 0) FROM changes WHERE entity_kind = ?1 AND entity = ?2",
            params![kind_code(&entity), entity.id()],
            |r| r.get(0),
        )?;
        let seq: i64 =
            tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM changes WHERE origin = ?1", [origin], |r| {
                r.get(0)
            })?;
        let change = Change {
            origin,
            seq: seq as u64,
            hlc: hlc.0,
            base_hlc: base_hlc as u64,
            actor: *self.user_id().as_bytes(),
            entity,
            op,
            payload,
            signature: Vec::new(),
        };
        let prev = if seq > 1 { self.chain_hash(tx, origin, seq as u64 - 1)? } else { [0; 32] };
        let mut logged = Logged { change, prev, chain_sig: Vec::new() };
        logged.chain_sig = self.sign(&logged.hash());
        self.insert_change(tx, &logged)
    }

    /// The chain hash of a held change.
    pub(crate) fn chain_hash(&self, conn: &Connection, origin: [u8; 16], seq: u64) -> Result<[u8; 32]> {
        let (hash, sv, sealed): (Option<Vec<u8>>, u32, Vec<u8>) = conn
            .query_row(
                "SELECT hash, sv, change FROM changes WHERE origin = ?1 AND seq = ?2",
                params![origin, seq as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(Error::NotFound { kind: "change" })?;
        match hash.and_then(|h| <[u8; 32]>::try_from(h).ok()) {
            Some(h) => Ok(h),
            // Logged before schema 4: work it out.
            None => Ok(self.open_change(origin, seq as i64, sv, &sealed)?.hash()),
        }
    }

    pub(crate) fn insert_change(&self, tx: &Transaction<'_>, logged: &Logged) -> Result<()> {
        let change = &logged.change;
        let row = change_row(&change.origin, change.seq);
        let plain =
            zeroize::Zeroizing::new(postcard::to_stdvec(logged).map_err(|_| Error::Decode("change"))?);
        let sealed = self
            .records
            .seal(Binding { table: "changes", row: &row, column: "change", schema: VERSION }, &plain)?;
        #[cfg(not(feature = "planted-bugs"))]
        let verb = "INSERT";
        #[cfg(feature = "planted-bugs")]
        let verb = if crate::sync::planted::active(crate::sync::planted::Bug::NoDedup) {
            "INSERT OR REPLACE"
        } else {
            "INSERT"
        };
        tx.execute(
            &format!(
                "{verb} INTO changes (origin, seq, hlc, entity_kind, entity, sv, change, hash, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ),
            params![
                change.origin,
                change.seq as i64,
                change.hlc as i64,
                kind_code(&change.entity),
                change.entity.id(),
                VERSION,
                sealed,
                logged.hash(),
                change.actor
            ],
        )?;
        Ok(())
    }

    /// A logged change. Rows sealed before schema 4 hold a bare v1 change.
    pub(crate) fn open_change(&self, origin: [u8; 16], seq: i64, sv: u32, sealed: &[u8]) -> Result<Logged> {
        let row = change_row(&origin, seq as u64);
        let plain = self
            .records
            .open(Binding { table: "changes", row: &row, column: "change", schema: sv }, sealed)?;
        if sv < 4 {
            let change: Change = postcard::from_bytes(&plain).map_err(|_| Error::Decode("change"))?;
            return Ok(Logged { change, prev: [0; 32], chain_sig: Vec::new() });
        }
        postcard::from_bytes(&plain).map_err(|_| Error::Decode("change"))
    }

    pub(super) fn seen(&self, conn: &Connection, packet_id: &[u8; 16]) -> Result<bool> {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM packets_seen WHERE packet_id = ?1)",
            [packet_id],
            |r| r.get(0),
        )?)
    }

    pub(super) fn read_hlc(&self, conn: &Connection) -> Result<Hlc> {
        let v: Option<Vec<u8>> =
            conn.query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0)).optional()?;
        Ok(Hlc(v.and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes)))
    }

    pub(super) fn write_hlc(&self, tx: &Transaction<'_>, hlc: Hlc) -> Result<()> {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('hlc', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
            [hlc.0.to_be_bytes().to_vec()],
        )?;
        Ok(())
    }
}
