//! Appending to and reading the audit log. Every append happens inside the
//! transaction of the change it records, so a change and its entry commit or
//! vanish together.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::{Session, Store};
use crate::error::{Error, Result};
use crate::identity::Certificate;
use crate::workflow::audit::{self, AuditEntry, Detail};

impl Session {
    /// Appends a signed entry inside `tx`.
    pub(crate) fn audit(
        &self,
        tx: &Transaction<'_>,
        action: &str,
        subject: Uuid,
        detail: &Detail,
    ) -> Result<()> {
        let (seq, prev): (i64, [u8; 32]) = tx
            .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((0, [0u8; 32]));
        let seq = seq + 1;
        let at = self.store.now_ms();
        let detail = postcard::to_stdvec(detail).map_err(|_| Error::Decode("audit detail"))?;
        let actor = self.user_id();
        let hash = audit::entry_hash(seq as u64, at, actor, action, subject, &detail, &prev);
        let signature = self.sign(&audit::signed_message(&hash));
        tx.execute(
            "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![seq, at, actor.as_bytes(), action, subject.as_bytes(), detail, prev, hash, signature],
        )?;
        Ok(())
    }
}

impl Store {
    /// The whole audit log, in order.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        let r = self.reader();
        let mut stmt = r.prepare(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, signature FROM audit ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AuditEntry {
                seq: r.get::<_, i64>(0)? as u64,
                at_ms: r.get(1)?,
                actor: Uuid::from_bytes(r.get(2)?),
                action: r.get(3)?,
                subject: Uuid::from_bytes(r.get(4)?),
                detail: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
                signature: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Verifies the audit chain against the signing keys in the certificates
    /// of this phone's users. Returns the number of entries, or
    /// [`Error::Audit`] naming the first broken one.
    pub fn verify_audit(&self) -> Result<usize> {
        let mut keys = HashMap::new();
        {
            let r = self.reader();
            let mut stmt = r.prepare("SELECT certificate FROM users WHERE certificate IS NOT NULL")?;
            for cert in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))? {
                let cert = Certificate::from_bytes(&cert?)?;
                keys.insert(cert.body.user_id, cert.body.signing_key);
            }
        }
        let entries = self.audit_entries()?;
        Ok(audit::verify(&entries, |actor| keys.get(&actor).copied())?)
    }
}
