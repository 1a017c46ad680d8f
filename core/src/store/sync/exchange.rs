//! Packets in and out: delta selection, export and idempotent import.
//!
//! `export_for(peer)` packs what that peer is not known to hold, by
//! per-origin marks learned from the peer's own packets, as runs (one per
//! stretch of consecutive sequence numbers), with the certificates the peer
//! may lack. `import` verifies everything first (the packet's signature, the
//! certificates, every run's chain and signatures), then in one transaction
//! stores new changes, re-folds every entity they touch, records what the
//! sender holds, and remembers the packet id so a replay is refused.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::ImportSummary;
use crate::error::{Error, Result};
use crate::identity::Certificate;
use crate::store::Session;
use crate::sync::chain::{self, Logged};
use crate::sync::hlc::{Hlc, MAX_DRIFT_MS};
use crate::sync::packet::{self, Opened, PacketError};
use crate::sync::wire::Entity;
use crate::sync::wire2::{Body, Header, Range, assignment_id};
use crate::workflow::Detail;

impl Session {
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
        // What the peer device holds, as its recipients' own packets said.
        let peers: Vec<[u8; 16]> = recipients.iter().map(|u| mark_key(peer.as_bytes(), u)).collect();
        let mut marks: HashMap<[u8; 16], u64> = HashMap::new();
        for key in &peers {
            let mut stmt = r.prepare_cached("SELECT origin, seq FROM peer_marks WHERE peer = ?1")?;
            let rows =
                stmt.query_map([key], |r| Ok((r.get::<_, [u8; 16]>(0)?, r.get::<_, i64>(1)? as u64)))?;
            for row in rows {
                let (origin, seq) = row?;
                let m = marks.entry(origin).or_insert(0);
                *m = (*m).max(seq);
            }
        }
        let mut logged: Vec<Logged> = Vec::new();
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
                if seq as u64 > marks.get(&origin).copied().unwrap_or(0) {
                    logged.push(self.open_change(origin, seq, sv, &sealed)?);
                }
            }
        }
        let hlc_min = logged.iter().map(|l| l.change.hlc).min().unwrap_or(0);
        let hlc_max = logged.iter().map(|l| l.change.hlc).max().unwrap_or(0);
        let mut runs = Vec::new();
        let mut ranges = Vec::new();
        for run in
            logged.chunk_by(|a, b| a.change.origin == b.change.origin && a.change.seq + 1 == b.change.seq)
        {
            let first = &run[0].change;
            // The peer holds the change before the first: it may look its hash up.
            let peer_has_prev = marks.get(&first.origin).copied().unwrap_or(0) + 1 >= first.seq;
            runs.push(chain::to_run(run, hlc_min, !peer_has_prev).map_err(|_| Error::Decode("change log"))?);
            ranges.push(Range { origin: first.origin, first: first.seq, count: run.len() as u64 });
        }
        let mut actors = BTreeSet::from([self.user_id()]);
        actors.extend(logged.iter().map(|l| Uuid::from_bytes(l.change.actor)));
        let mut certificates = Vec::new();
        for a in actors {
            if !peers
                .iter()
                .try_fold(false, |held, key| Ok::<_, Error>(held || peer_holds_work_of(&r, key, a)?))?
                && let Some(cert) = self.store.certificate_of(&r, a)?
            {
                certificates.push(cert.to_bytes()?);
            }
        }
        let header = Header {
            sender_device: self.store.origin()?,
            sender_key: self.certificate().body.signing_key,
            hlc_min,
            hlc_span: hlc_max - hlc_min,
            ranges,
            compression: 0,
            ephemeral: [0; 32],
            wraps: Vec::new(),
        };
        let body = Body { known: self.store.held_marks(&r)?, certificates, runs };
        drop(r);
        #[cfg(feature = "planted-bugs")]
        if crate::sync::planted::active(crate::sync::planted::Bug::EarlyWatermark) {
            let w = self.store.writer();
            for (r, key) in header.ranges.iter().flat_map(|r| peers.iter().map(move |k| (r, k))) {
                w.execute(
                    "INSERT INTO peer_marks (peer, origin, seq) VALUES (?1, ?2, ?3)
                     ON CONFLICT (peer, origin) DO UPDATE SET seq = max(seq, ?3)",
                    params![key, r.origin, (r.first + r.count - 1) as i64],
                )?;
            }
        }
        packet::v2::seal(header, &body, &keys, |m| self.sign(m))
    }

    /// Imports a packet. Everything is verified before anything is written;
    /// a refused packet changes nothing.
    pub fn import(&self, bytes: &[u8]) -> Result<ImportSummary> {
        let parsed = packet::parse(bytes)?;
        if self.seen(&self.store.reader(), &parsed.packet_id)? {
            return Err(PacketError::Replayed.into());
        }
        let opened = parsed.open(self.keys().agreement_seed())?;
        let now = self.store.inner.options.clock.now();
        if parsed.hlc_max > (now.timestamp_millis().max(0) as u64 + MAX_DRIFT_MS) << 16 {
            return Err(PacketError::FromTheFuture.into());
        }
        // Certificates must come from our authority. An actor's may have
        // expired since their changes were made; the sender's must be valid now.
        let mut certs: HashMap<Uuid, Certificate> = HashMap::new();
        for c in opened.certificates() {
            let cert = Certificate::from_bytes(c).map_err(|_| PacketError::UnknownSender)?;
            let issued = chrono::DateTime::from_timestamp(cert.body.valid_from, 0).unwrap_or(now);
            self.store.authority().verify(&cert, issued).map_err(|_| PacketError::UnknownSender)?;
            certs.insert(cert.body.user_id, cert);
        }
        let reader = self.store.reader();
        let key_of = |user: Uuid| -> Result<Option<[u8; 32]>> {
            if let Some(c) = certs.get(&user) {
                return Ok(Some(c.body.signing_key));
            }
            Ok(self.store.certificate_of(&reader, user)?.map(|c| c.body.signing_key))
        };
        let sender = match parsed.sender_user {
            Some(u) => Uuid::from_bytes(u),
            None => {
                self.user_with_key(&reader, &certs, &parsed.sender_key)?.ok_or(PacketError::UnknownSender)?
            }
        };
        // The sender's certificate, carried or already known, must be valid now.
        let sender_cert = match certs.get(&sender) {
            Some(c) => c.clone(),
            None => self.store.certificate_of(&reader, sender)?.ok_or(PacketError::UnknownSender)?,
        };
        self.store.authority().verify(&sender_cert, now).map_err(|_| PacketError::UnknownSender)?;
        if sender_cert.body.signing_key != parsed.sender_key {
            return Err(PacketError::UnknownSender.into());
        }
        let runs = self.runs_of(&reader, &parsed, &opened)?;
        let mut actor_keys = HashMap::new();
        for l in runs.iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(e) = actor_keys.entry(l.change.actor) {
                e.insert(key_of(Uuid::from_bytes(l.change.actor))?);
            }
        }
        for run in &runs {
            chain::verify(run, |a| actor_keys.get(a).copied().flatten())?;
        }
        drop(reader);

        let mut w = self.store.writer();
        let tx = w.transaction()?;
        if self.seen(&tx, &parsed.packet_id)? {
            return Err(PacketError::Replayed.into());
        }
        for (id, cert) in &certs {
            let local: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)", [id.as_bytes()], |r| {
                    r.get(0)
                })?;
            // A carried certificate replaces a known one only if it was issued
            // later: an old certificate cannot bring back an old role or key.
            let newer = match self.store.certificate_of(&tx, *id)? {
                Some(known) => cert.body.valid_from > known.body.valid_from,
                None => true,
            };
            if !local && newer {
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
        for l in runs.iter().flatten() {
            let c = &l.change;
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM changes WHERE origin = ?1 AND seq = ?2)",
                params![c.origin, c.seq as i64],
                |r| r.get(0),
            )?;
            #[cfg(feature = "planted-bugs")]
            let exists = exists && !crate::sync::planted::active(crate::sync::planted::Bug::NoDedup);
            if exists {
                // The same slot must hold the same change: a different one is
                // a forked history (someone signed into another's sequence),
                // refused whole rather than silently counted as held.
                if self.chain_hash(&tx, c.origin, c.seq)? != l.hash() {
                    return Err(PacketError::BadChange.into());
                }
                summary.already_had += 1;
                continue;
            }
            self.check_links(&tx, l)?;
            self.insert_change(&tx, l)?;
            summary.applied += 1;
            touched.insert(c.entity);
            max_hlc = max_hlc.max(Hlc(c.hlc));
        }
        if let Some(next) = self.read_hlc(&tx)?.receive(max_hlc, now.timestamp_millis().max(0) as u64) {
            self.write_hlc(&tx, next)?;
        }
        // Entities fold in a fixed order: cycles before the interviews in them,
        // assignments last. An assignment that arrived before its household or
        // cycle is folded again when they arrive.
        let cycles: Vec<[u8; 16]> = {
            let mut stmt = tx.prepare_cached("SELECT id FROM cycles")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut waiting = BTreeSet::new();
        for e in &touched {
            match e {
                Entity::Household(h) => {
                    waiting.extend(cycles.iter().map(|c| Entity::Assignment(assignment_id(c, h))))
                }
                Entity::Cycle(_) => {
                    let mut stmt =
                        tx.prepare_cached("SELECT DISTINCT entity FROM changes WHERE entity_kind = 4")?;
                    let rows = stmt.query_map([], |r| r.get::<_, [u8; 16]>(0))?;
                    for id in rows {
                        waiting.insert(Entity::Assignment(id?));
                    }
                }
                _ => {}
            }
        }
        touched.extend(waiting);
        for entity in &touched {
            summary.conflicts += self.refold(&tx, *entity)?;
        }
        for m in opened.known() {
            tx.execute(
                "INSERT INTO peer_marks (peer, origin, seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (peer, origin) DO UPDATE SET seq = max(seq, ?3)",
                params![mark_key(&parsed.sender_device, &sender), m.origin, m.seq as i64],
            )?;
        }
        tx.execute(
            "INSERT INTO packets_seen (packet_id, imported_at) VALUES (?1, ?2)",
            params![parsed.packet_id, self.store.now_ms()],
        )?;
        let detail =
            Detail { related: vec![sender, Uuid::from_bytes(parsed.sender_device)], ..Detail::default() };
        self.audit(&tx, "sync.import", Uuid::from_bytes(parsed.packet_id), &detail)?;
        tx.commit()?;
        Ok(summary)
    }

    /// The user whose certificate holds `key`: among the packet's
    /// certificates, then those this store knows.
    fn user_with_key(
        &self,
        conn: &Connection,
        certs: &HashMap<Uuid, Certificate>,
        key: &[u8; 32],
    ) -> Result<Option<Uuid>> {
        if let Some(c) = certs.values().find(|c| c.body.signing_key == *key) {
            return Ok(Some(c.body.user_id));
        }
        let mut stmt = conn.prepare_cached(
            "SELECT certificate FROM users WHERE certificate IS NOT NULL UNION ALL SELECT certificate FROM certificates",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        for row in rows {
            if let Ok(c) = Certificate::from_bytes(&row?)
                && c.body.signing_key == *key
            {
                return Ok(Some(c.body.user_id));
            }
        }
        Ok(None)
    }

    /// The packet's changes as chained runs, each change's clock inside the
    /// signed range. A v1 change is a run of its own.
    fn runs_of(
        &self,
        conn: &Connection,
        parsed: &packet::Parsed,
        opened: &Opened,
    ) -> Result<Vec<Vec<Logged>>> {
        let (lo, hi) = (parsed.hlc_min, parsed.hlc_max);
        match opened {
            Opened::V1 { body, .. } => body
                .changes
                .iter()
                .map(|c| {
                    let base_ok = c.base_hlc == 0 || c.base_hlc < c.hlc;
                    if c.hlc < lo
                        || c.hlc > hi
                        || c.hlc >= 1 << 63
                        || c.seq >= 1 << 63
                        || c.seq == 0
                        || !base_ok
                    {
                        return Err(PacketError::Malformed.into());
                    }
                    Ok(vec![Logged { change: c.clone(), prev: [0; 32], chain_sig: Vec::new() }])
                })
                .collect(),
            Opened::V2(body) => {
                let mut runs = Vec::with_capacity(body.runs.len());
                for run in &body.runs {
                    let announced = parsed.ranges.iter().any(|r| {
                        r.origin == run.origin
                            && r.first == run.first
                            && r.last.checked_sub(r.first).and_then(|d| d.checked_add(1))
                                == Some(run.items.len() as u64)
                    });
                    if !announced || run.first == 0 {
                        return Err(PacketError::Malformed.into());
                    }
                    let held =
                        if run.first > 1 { self.held_hash(conn, run.origin, run.first - 1)? } else { None };
                    let prev = match (run.prev, held) {
                        (Some(p), Some(h)) if p != h => return Err(PacketError::BadChange.into()),
                        (Some(p), _) => p,
                        (None, Some(h)) => h,
                        // An origin's first change, or a v1 change, links to nothing.
                        (None, None) if run.first == 1 || starts_single(run) => [0; 32],
                        (None, None) => return Err(PacketError::Malformed.into()),
                    };
                    runs.push(chain::from_run(run, lo, hi, prev)?);
                }
                Ok(runs)
            }
        }
    }

    /// A new change must link to the change before it and be linked to by
    /// the change after it, where this store holds them: otherwise two
    /// histories of one origin have met (someone signed into another's
    /// sequence), and the packet is refused.
    fn check_links(&self, conn: &Connection, l: &Logged) -> Result<()> {
        let c = &l.change;
        if !l.is_v1() && c.seq > 1 && self.held_hash(conn, c.origin, c.seq - 1)?.is_some_and(|h| h != l.prev)
        {
            return Err(PacketError::BadChange.into());
        }
        let next: Option<(u32, Vec<u8>)> = conn
            .query_row(
                "SELECT sv, change FROM changes WHERE origin = ?1 AND seq = ?2",
                params![c.origin, (c.seq + 1) as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((sv, sealed)) = next {
            let after = self.open_change(c.origin, (c.seq + 1) as i64, sv, &sealed)?;
            if !after.is_v1() && after.prev != l.hash() {
                return Err(PacketError::BadChange.into());
            }
        }
        Ok(())
    }

    /// The chain hash of a change, if this store holds it.
    fn held_hash(&self, conn: &Connection, origin: [u8; 16], seq: u64) -> Result<Option<[u8; 32]>> {
        match self.chain_hash(conn, origin, seq) {
            Ok(h) => Ok(Some(h)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn starts_single(run: &crate::sync::wire2::Run) -> bool {
    run.items.first().is_some_and(|i| matches!(i.sig, crate::sync::wire2::Sig::Single(_)))
}

/// Where what a device holds is recorded: per device *and* the user who
/// said so. The sending device named in a header is not certified, so a user
/// can only ever speak for marks filed under their own name; another user's
/// claim about a device cannot stop packets to that device.
fn mark_key(device: &[u8; 16], user: &Uuid) -> [u8; 16] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"hearth/peer-marks");
    ctx.update(device);
    ctx.update(user.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&ctx.finish().as_ref()[..16]);
    key
}

/// Whether the peer whose marks are filed under `peer` holds a change by
/// `user`, and so `user`'s certificate.
fn peer_holds_work_of(conn: &Connection, peer: &[u8; 16], user: Uuid) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM changes c JOIN peer_marks m ON m.peer = ?1 AND m.origin = c.origin
             WHERE c.actor = ?2 AND c.seq <= m.seq LIMIT 1",
            params![peer, user.as_bytes()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
