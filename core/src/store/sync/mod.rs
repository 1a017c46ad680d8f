//! The store's side of sync: the change log, delta selection, packet export
//! and idempotent import.
//!
//! Every local change appends a signed [`Change`] to the log (sealed, with the
//! entity's whole state) under this device's origin id and the next sequence
//! number, stamped by the hybrid logical clock. `export_for(peer)` packs what
//! that peer does not hold yet, by per-origin marks learned from the peer's
//! own packets. `import` verifies everything first, then in one transaction
//! stores new changes, re-folds every entity they touch (`fold`), records
//! what the sender holds, and remembers the packet id so a replay is refused.

mod conflicts;
mod convert;
mod fold;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::schema::VERSION;
use super::seal::Binding;
use super::{Session, Store};
use crate::error::{Error, Result};
use crate::identity::Certificate;
use crate::sync::hlc::{Hlc, MAX_DRIFT_MS};
use crate::sync::packet::{self, PacketError};
use crate::sync::wire::{Body, Change, Entity, Header, Op, SeqMark, SeqRange};
use crate::workflow::Detail;

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
        let mut change = Change {
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
        change.signature = self.sign(&change.signed_bytes());
        self.insert_change(tx, &change)
    }

    fn insert_change(&self, tx: &Transaction<'_>, change: &Change) -> Result<()> {
        let row = change_row(&change.origin, change.seq);
        let plain =
            zeroize::Zeroizing::new(postcard::to_stdvec(change).map_err(|_| Error::Decode("change"))?);
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
            &format!("{verb} INTO changes (origin, seq, hlc, entity_kind, entity, sv, change) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                change.origin,
                change.seq as i64,
                change.hlc as i64,
                kind_code(&change.entity),
                change.entity.id(),
                VERSION,
                sealed
            ],
        )?;
        Ok(())
    }

    pub(crate) fn open_change(&self, origin: [u8; 16], seq: i64, sv: u32, sealed: &[u8]) -> Result<Change> {
        let row = change_row(&origin, seq as u64);
        let plain = self
            .records
            .open(Binding { table: "changes", row: &row, column: "change", schema: sv }, sealed)?;
        postcard::from_bytes(&plain).map_err(|_| Error::Decode("change"))
    }

    fn seen(&self, conn: &Connection, packet_id: &[u8; 16]) -> Result<bool> {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM packets_seen WHERE packet_id = ?1)",
            [packet_id],
            |r| r.get(0),
        )?)
    }

    fn read_hlc(&self, conn: &Connection) -> Result<Hlc> {
        let v: Option<Vec<u8>> =
            conn.query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0)).optional()?;
        Ok(Hlc(v.and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes)))
    }

    fn write_hlc(&self, tx: &Transaction<'_>, hlc: Hlc) -> Result<()> {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('hlc', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
            [hlc.0.to_be_bytes().to_vec()],
        )?;
        Ok(())
    }

    /// A packet for the device `peer`, sealed to `recipients` (users of that
    /// device, by id), holding every change the peer is not known to hold.
    pub fn export_for(&self, peer: Uuid, recipients: &[Uuid]) -> Result<Vec<u8>> {
        if recipients.is_empty() {
            return Err(Error::invalid("recipients", "name at least one user"));
        }
        let r = self.store.reader();
        let mut keys = Vec::with_capacity(recipients.len());
        for u in recipients {
            let cert = self
                .store
                .certificate_of(&r, *u)?
                .ok_or(Error::NotFound { kind: "recipient certificate" })?;
            keys.push(cert.body.agreement_key);
        }
        let peer_marks: HashMap<[u8; 16], i64> = {
            let mut stmt = r.prepare_cached("SELECT origin, seq FROM peer_marks WHERE peer = ?1")?;
            let rows = stmt.query_map([peer.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut changes = Vec::new();
        {
            let mut stmt =
                r.prepare_cached("SELECT origin, seq, sv, change FROM changes ORDER BY origin, seq")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, [u8; 16]>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })?;
            for row in rows {
                let (origin, seq, sv, sealed) = row?;
                if seq > peer_marks.get(&origin).copied().unwrap_or(0) {
                    changes.push(self.open_change(origin, seq, sv, &sealed)?);
                }
            }
        }
        let mut ranges: BTreeMap<[u8; 16], (u64, u64)> = BTreeMap::new();
        let mut actors = BTreeSet::from([self.user_id()]);
        for c in &changes {
            let e = ranges.entry(c.origin).or_insert((c.seq, c.seq));
            e.0 = e.0.min(c.seq);
            e.1 = e.1.max(c.seq);
            actors.insert(Uuid::from_bytes(c.actor));
        }
        let mut certificates = Vec::new();
        for a in actors {
            if let Some(cert) = self.store.certificate_of(&r, a)? {
                certificates.push(cert.to_bytes()?);
            }
        }
        let header = Header {
            packet_id: *Uuid::now_v7().as_bytes(),
            created_ms: self.store.now_ms().max(0) as u64,
            sender_device: self.store.origin()?,
            sender_user: *self.user_id().as_bytes(),
            sender_key: self.certificate().body.signing_key,
            recipients: Vec::new(),
            hlc_min: changes.iter().map(|c| c.hlc).min().unwrap_or(0),
            hlc_max: changes.iter().map(|c| c.hlc).max().unwrap_or(0),
            ranges: ranges
                .into_iter()
                .map(|(origin, (first, last))| SeqRange { origin, first, last })
                .collect(),
            known: self.store.held_marks(&r)?,
            compression: 0,
            body_hash: [0u8; 32],
        };
        drop(r);
        #[cfg(feature = "planted-bugs")]
        if crate::sync::planted::active(crate::sync::planted::Bug::EarlyWatermark) {
            let w = self.store.writer();
            for r in &header.ranges {
                w.execute(
                    "INSERT INTO peer_marks (peer, origin, seq) VALUES (?1, ?2, ?3)
                     ON CONFLICT (peer, origin) DO UPDATE SET seq = max(seq, ?3)",
                    params![peer.as_bytes(), r.origin, r.last as i64],
                )?;
            }
        }
        packet::seal(header, &Body { certificates, changes }, &keys, |m| self.sign(m))
    }

    /// Imports a packet. Everything is verified before anything is written;
    /// a refused packet changes nothing.
    pub fn import(&self, bytes: &[u8]) -> Result<ImportSummary> {
        let parsed = packet::parse(bytes)?;
        if self.seen(&self.store.reader(), &parsed.header.packet_id)? {
            return Err(PacketError::Replayed.into());
        }
        let body = parsed.open(self.keys().agreement_seed())?;
        let now = self.store.inner.options.clock.now();
        if parsed.header.hlc_max > (now.timestamp_millis().max(0) as u64 + MAX_DRIFT_MS) << 16 {
            return Err(PacketError::FromTheFuture.into());
        }
        // Certificates first: they must come from our authority.
        // Certificates must come from our authority. An actor's may have
        // expired since their changes were made; the sender's must be valid now.
        let mut certs: HashMap<Uuid, Certificate> = HashMap::new();
        for c in &body.certificates {
            let cert = Certificate::from_bytes(c).map_err(|_| PacketError::UnknownSender)?;
            let issued = chrono::DateTime::from_timestamp(cert.body.valid_from, 0).unwrap_or(now);
            self.store.authority().verify(&cert, issued).map_err(|_| PacketError::UnknownSender)?;
            certs.insert(cert.body.user_id, cert);
        }
        if let Some(sender) = certs.get(&Uuid::from_bytes(parsed.header.sender_user)) {
            self.store.authority().verify(sender, now).map_err(|_| PacketError::UnknownSender)?;
        }
        let key_of = |user: Uuid| -> Result<Option<[u8; 32]>> {
            if let Some(c) = certs.get(&user) {
                return Ok(Some(c.body.signing_key));
            }
            Ok(self.store.certificate_of(&self.store.reader(), user)?.map(|c| c.body.signing_key))
        };
        let sender = Uuid::from_bytes(parsed.header.sender_user);
        if key_of(sender)? != Some(parsed.header.sender_key) {
            return Err(PacketError::UnknownSender.into());
        }
        for c in &body.changes {
            if c.hlc < parsed.header.hlc_min
                || c.hlc > parsed.header.hlc_max
                || c.hlc >= 1 << 63
                || c.seq >= 1 << 63
            {
                return Err(PacketError::Malformed.into());
            }
            let key = key_of(Uuid::from_bytes(c.actor))?.ok_or(PacketError::BadChange)?;
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key)
                .verify(&c.signed_bytes(), &c.signature)
                .map_err(|_| PacketError::BadChange)?;
        }

        let mut w = self.store.writer();
        let tx = w.transaction()?;
        if self.seen(&tx, &parsed.header.packet_id)? {
            return Err(PacketError::Replayed.into());
        }
        for (id, cert) in &certs {
            let local: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)", [id.as_bytes()], |r| {
                    r.get(0)
                })?;
            if !local {
                tx.execute(
                    "INSERT INTO certificates (user_id, certificate) VALUES (?1, ?2)
                     ON CONFLICT (user_id) DO UPDATE SET certificate = ?2",
                    params![id.as_bytes(), cert.to_bytes()?],
                )?;
            }
        }
        let mut summary = ImportSummary::default();
        let mut touched = BTreeSet::new();
        let mut max_hlc = Hlc(0);
        for c in &body.changes {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE origin = ?1 AND seq = ?2)",
                params![c.origin, c.seq as i64],
                |r| r.get(0),
            )?;
            #[cfg(feature = "planted-bugs")]
            let exists = exists && !crate::sync::planted::active(crate::sync::planted::Bug::NoDedup);
            if exists {
                summary.already_had += 1;
                continue;
            }
            self.insert_change(&tx, c)?;
            summary.applied += 1;
            touched.insert(c.entity);
            max_hlc = max_hlc.max(Hlc(c.hlc));
        }
        if let Some(next) = self.read_hlc(&tx)?.receive(max_hlc, now.timestamp_millis().max(0) as u64) {
            self.write_hlc(&tx, next)?;
        }
        // Entities fold in a fixed order: cycles before the interviews in them.
        for entity in &touched {
            summary.conflicts += self.refold(&tx, *entity)?;
        }
        let sender_device = parsed.header.sender_device;
        for m in &parsed.header.known {
            tx.execute(
                "INSERT INTO peer_marks (peer, origin, seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (peer, origin) DO UPDATE SET seq = max(seq, ?3)",
                params![sender_device, m.origin, m.seq as i64],
            )?;
        }
        tx.execute(
            "INSERT INTO packets_seen (packet_id, imported_at) VALUES (?1, ?2)",
            params![parsed.header.packet_id, self.store.now_ms()],
        )?;
        let detail = Detail { related: vec![sender, Uuid::from_bytes(sender_device)], ..Detail::default() };
        self.audit(&tx, "sync.import", Uuid::from_bytes(parsed.header.packet_id), &detail)?;
        tx.commit()?;
        Ok(summary)
    }
}
