//! Attachments: house photos and other files carried with an interview,
//! sealed like records in chunks of 64 KiB. Deleting or replacing one leaves
//! no orphaned chunk (foreign keys cascade, and replacement rewrites every
//! chunk in one transaction).

use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use super::Session;
use super::schema::VERSION;
use super::seal::Binding;
use crate::error::{Error, Result};
use crate::workflow::{Detail, Interview};

/// The largest attachment accepted; apps downsize photos before saving.
pub const MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;
/// Bytes per sealed chunk.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Photo,
    Document,
}

impl AttachmentKind {
    fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "photo",
            AttachmentKind::Document => "document",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "photo" => Some(AttachmentKind::Photo),
            "document" => Some(AttachmentKind::Document),
            _ => None,
        }
    }
}

/// An attachment's clear facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub interview_id: Uuid,
    pub kind: AttachmentKind,
    pub size: usize,
}

fn chunk_row(id: &Uuid, n: u32) -> [u8; 20] {
    let mut row = [0u8; 20];
    row[..16].copy_from_slice(id.as_bytes());
    row[16..].copy_from_slice(&n.to_be_bytes());
    row
}

impl Session {
    /// Attaches bytes to an interview the user may edit. Returns the id to
    /// reference from the answers (a photo question's value).
    pub fn attach(&self, interview_id: Uuid, kind: AttachmentKind, bytes: &[u8]) -> Result<Uuid> {
        check_size(bytes)?;
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        self.editable_interview(&tx, interview_id)?;
        let id = Uuid::now_v7();
        tx.execute(
            "INSERT INTO attachments (id, interview_id, kind, size, chunks, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
            params![id.as_bytes(), interview_id.as_bytes(), kind.as_str(), bytes.len() as i64, self.store.now_ms()],
        )?;
        self.write_chunks(&tx, id, bytes)?;
        self.audit(&tx, "attachment.add", id, &Detail { related: vec![interview_id], ..Detail::default() })?;
        tx.commit()?;
        Ok(id)
    }

    /// Replaces an attachment's bytes, keeping its id.
    pub fn replace_attachment(&self, id: Uuid, bytes: &[u8]) -> Result<()> {
        check_size(bytes)?;
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let info = self.attachment_row(&tx, id)?;
        self.editable_interview(&tx, info.interview_id)?;
        tx.execute("DELETE FROM attachment_chunks WHERE attachment_id = ?1", [id.as_bytes()])?;
        tx.execute(
            "UPDATE attachments SET size = ?2 WHERE id = ?1",
            params![id.as_bytes(), bytes.len() as i64],
        )?;
        self.write_chunks(&tx, id, bytes)?;
        self.audit(
            &tx,
            "attachment.replace",
            id,
            &Detail { related: vec![info.interview_id], ..Detail::default() },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes an attachment and every chunk of it.
    pub fn delete_attachment(&self, id: Uuid) -> Result<()> {
        let mut w = self.store.writer();
        let tx = w.transaction()?;
        let info = self.attachment_row(&tx, id)?;
        self.editable_interview(&tx, info.interview_id)?;
        tx.execute("DELETE FROM attachments WHERE id = ?1", [id.as_bytes()])?;
        self.audit(
            &tx,
            "attachment.delete",
            id,
            &Detail { related: vec![info.interview_id], ..Detail::default() },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// An attachment's bytes (readers in scope of its interview).
    pub fn attachment(&self, id: Uuid) -> Result<Vec<u8>> {
        let info = self.attachment_row(&self.store.reader(), id)?;
        self.interview(info.interview_id)?;
        let r = self.store.reader();
        let mut stmt = r.prepare_cached(
            "SELECT n, sv, chunk FROM attachment_chunks WHERE attachment_id = ?1 ORDER BY n",
        )?;
        let rows = stmt.query_map([id.as_bytes()], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, Vec<u8>>(2)?))
        })?;
        let mut out = Vec::with_capacity(info.size);
        for (expected, row) in rows.enumerate() {
            let (n, sv, chunk) = row?;
            if n as usize != expected {
                return Err(Error::Decode("attachment"));
            }
            let row = chunk_row(&id, n);
            out.extend_from_slice(&self.records.open(
                Binding { table: "attachment_chunks", row: &row, column: "chunk", schema: sv },
                &chunk,
            )?);
        }
        if out.len() != info.size {
            return Err(Error::Decode("attachment"));
        }
        Ok(out)
    }

    /// The attachments of an interview in scope.
    pub fn attachments(&self, interview_id: Uuid) -> Result<Vec<AttachmentInfo>> {
        self.interview(interview_id)?;
        let r = self.store.reader();
        let mut stmt = r.prepare_cached("SELECT id FROM attachments WHERE interview_id = ?1 ORDER BY id")?;
        let ids = stmt
            .query_map([interview_id.as_bytes()], |r| r.get::<_, [u8; 16]>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.into_iter().map(|id| self.attachment_row(&r, Uuid::from_bytes(id))).collect()
    }

    fn write_chunks(&self, tx: &Transaction<'_>, id: Uuid, bytes: &[u8]) -> Result<()> {
        let mut n = 0u32;
        for chunk in bytes.chunks(CHUNK_BYTES) {
            let row = chunk_row(&id, n);
            let sealed = self.records.seal(
                Binding { table: "attachment_chunks", row: &row, column: "chunk", schema: VERSION },
                chunk,
            )?;
            tx.execute(
                "INSERT INTO attachment_chunks (attachment_id, n, sv, chunk) VALUES (?1, ?2, ?3, ?4)",
                params![id.as_bytes(), n, VERSION, sealed],
            )?;
            n += 1;
        }
        tx.execute("UPDATE attachments SET chunks = ?2 WHERE id = ?1", params![id.as_bytes(), n])?;
        Ok(())
    }

    fn attachment_row(&self, conn: &rusqlite::Connection, id: Uuid) -> Result<AttachmentInfo> {
        let (iv, kind, size): ([u8; 16], String, i64) = conn
            .query_row(
                "SELECT interview_id, kind, size FROM attachments WHERE id = ?1",
                [id.as_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(Error::NotFound { kind: "attachment" })?;
        Ok(AttachmentInfo {
            id,
            interview_id: Uuid::from_bytes(iv),
            kind: AttachmentKind::parse(&kind).ok_or(Error::Decode("attachment"))?,
            size: size as usize,
        })
    }

    /// The interview, if the signed-in user owns it and it is still editable.
    fn editable_interview(&self, tx: &Transaction<'_>, id: Uuid) -> Result<Interview> {
        let iv = self.read_interview(tx, id)?;
        if !self.in_scope(&iv.village) {
            return Err(Error::NotFound { kind: "interview" });
        }
        if iv.officer_id != self.user_id() {
            return Err(Error::NotPermitted { reason: "only the interview's owner may change it" });
        }
        if !iv.status.editable() {
            return Err(Error::IllegalTransition { from: iv.status.as_str(), act: "attachment.change" });
        }
        Ok(iv)
    }
}

fn check_size(bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::TooLarge { what: "attachment", limit: MAX_ATTACHMENT_BYTES });
    }
    if bytes.is_empty() {
        return Err(Error::invalid("attachment", "is empty"));
    }
    Ok(())
}
