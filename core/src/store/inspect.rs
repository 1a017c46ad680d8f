//! What a database holds, from clear columns only: no PIN needed, nothing
//! personal shown.

use super::Store;
use crate::error::Result;

/// Counts and checks for `hearth inspect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub schema_version: i64,
    pub users: u32,
    pub households: u32,
    pub deleted_households: u32,
    /// Interviews per status name, by name.
    pub interviews: Vec<(String, u32)>,
    pub cycles: u32,
    pub changes: u32,
    pub open_conflicts: u32,
    /// Entries verified, or the error naming the first broken one.
    pub audit: std::result::Result<usize, String>,
}

impl Store {
    /// Counts what the database holds and verifies the audit chain.
    pub fn inspect(&self) -> Result<Inspection> {
        let r = self.reader();
        let count = |sql: &str| -> Result<u32> { Ok(r.query_row(sql, [], |row| row.get(0))?) };
        let mut stmt =
            r.prepare("SELECT status, count(*) FROM interviews GROUP BY status ORDER BY status")?;
        let interviews =
            stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
        let inspection = Inspection {
            schema_version: super::schema::version(&r)?,
            users: count("SELECT count(*) FROM users")?,
            households: count("SELECT count(*) FROM households WHERE deleted = 0")?,
            deleted_households: count("SELECT count(*) FROM households WHERE deleted = 1")?,
            interviews,
            cycles: count("SELECT count(*) FROM cycles")?,
            changes: count("SELECT count(*) FROM changes")?,
            open_conflicts: count("SELECT count(*) FROM conflicts WHERE resolved_by IS NULL")?,
            audit: Ok(0),
        };
        drop(stmt);
        drop(r);
        Ok(Inspection { audit: self.verify_audit().map_err(|e| e.to_string()), ..inspection })
    }
}
