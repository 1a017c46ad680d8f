//! Creating and opening the database file: pragmas, migrations, the meta
//! record, and quarantine of a file that is not a readable database.
//!
//! A corrupt file is renamed aside (with its `-wal` and `-shm`) and reported,
//! never deleted: unsynced interviews in it are irreplaceable, and a damaged
//! file can still be read by hand or repaired. A lost device secret is not
//! corruption: the province's recovery key opens such a file (`recovery`).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use uuid::Uuid;

use super::keys::{KdfCounter, KeyProvider, device_fingerprint, fetch_device_secret};
use super::seal::{Binding, Cipher, Sealer, SecretKey};
use super::{Inner, Meta, Store, StoreOptions, schema, units};
use crate::error::{Error, Result};
use crate::identity::AuthorityKey;

const CANARY: &[u8] = b"hearth canary v1";

pub(crate) fn canary_binding() -> Binding<'static> {
    Binding { table: "meta", row: b"canary", column: "value", schema: 1 }
}

/// The sealer for records, derived from the data key.
pub(crate) fn record_sealer(dek: &SecretKey, cipher: Cipher) -> Result<Sealer> {
    Sealer::new(dek, b"records", cipher)
}

impl Store {
    /// Creates a new database at `path` (which must not exist), pinned to
    /// `authority`. The returned handle holds the new data key for
    /// provisioning — enrolling the first users — until
    /// [`Store::finish_provisioning`] or until it is dropped.
    pub fn create(
        path: &Path,
        provider: Arc<dyn KeyProvider>,
        authority: AuthorityKey,
        options: StoreOptions,
    ) -> Result<Store> {
        if path.exists() {
            return Err(Error::AlreadyExists { kind: "database" });
        }
        let store_id = Uuid::now_v7().to_string();
        let secret = fetch_device_secret(provider.as_ref(), &store_id)?;
        let dek = SecretKey::random()?;
        let meta = Meta {
            device_fingerprint: device_fingerprint(&secret, &store_id)?,
            canary: record_sealer(&dek, options.cipher)?.seal(canary_binding(), CANARY)?,
            cipher: options.cipher,
            authority,
            store_id,
        };
        // A database half-made by a failure here holds nothing yet: remove it,
        // so that creating again works (an existing file is never touched).
        let made = (|| {
            let mut conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
            schema::migrate(&mut conn)?;
            write_meta(&mut conn, &meta)?;
            Ok(conn)
        })();
        let conn = match made {
            Ok(conn) => conn,
            Err(e) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.as_os_str().to_os_string();
                    p.push(suffix);
                    let _ = fs::remove_file(PathBuf::from(p));
                }
                return Err(e);
            }
        };
        let store = finish(path, conn, provider, options, meta)?;
        *super::lock(&store.inner.provisioning) = Some(Arc::new(dek));
        Ok(store)
    }

    /// Opens an existing database. A file that is not a readable SQLite
    /// database is quarantined ([`Error::Corrupt`]); one from a newer schema
    /// is refused untouched ([`Error::SchemaTooNew`]). Opening needs no PIN:
    /// users unlock with [`Store::unlock`].
    pub fn open(path: &Path, provider: Arc<dyn KeyProvider>, options: StoreOptions) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::NotFound { kind: "database" });
        }
        let mut conn = match check_readable(path) {
            Ok(conn) => conn,
            Err(e) if is_corruption(&e) => return Err(quarantine(path)?),
            Err(e) => return Err(e),
        };
        schema::migrate(&mut conn)?;
        let meta = read_meta(&conn)?;
        finish(path, conn, provider, options, meta)
    }
}

fn write_meta(conn: &mut Connection, meta: &Meta) -> Result<()> {
    let tx = conn.transaction()?;
    for (k, v) in [
        ("store_id", meta.store_id.as_bytes().to_vec()),
        ("cipher", vec![meta.cipher.version_byte()]),
        ("device_fingerprint", meta.device_fingerprint.to_vec()),
        ("authority", meta.authority.0.to_vec()),
        ("canary", meta.canary.clone()),
    ] {
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
    }
    tx.commit()?;
    Ok(())
}

fn finish(
    path: &Path,
    writer: Connection,
    provider: Arc<dyn KeyProvider>,
    options: StoreOptions,
    meta: Meta,
) -> Result<Store> {
    let reader = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let registry = units::load(&reader)?;
    Ok(Store {
        inner: Arc::new(Inner {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            provider,
            options,
            meta,
            units: RwLock::new(registry),
            provisioning: Mutex::new(None),
            kdf_runs: KdfCounter::default(),
        }),
    })
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if !flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY) {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            return Err(Error::invalid("database", "could not enter WAL mode"));
        }
        conn.pragma_update(None, "secure_delete", true)?;
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

/// Opens the writer and proves the file is a sound SQLite database.
fn check_readable(path: &Path) -> Result<Connection> {
    let mut header = [0u8; 16];
    let mut f = fs::File::open(path)?;
    if f.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
        return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
            None,
        )));
    }
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        )));
    }
    Ok(conn)
}

fn is_corruption(e: &Error) -> bool {
    matches!(e, Error::Sqlite(s) if matches!(
        s.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    ))
}

/// Renames the file (and its WAL and shared-memory files) aside.
fn quarantine(path: &Path) -> Result<Error> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let aside = |p: &Path| -> PathBuf {
        let mut name = p.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".corrupt-{stamp}"));
        p.with_file_name(name)
    };
    let to = aside(path);
    fs::rename(path, &to)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_os_string();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            fs::rename(&side, aside(&side))?;
        }
    }
    Ok(Error::Corrupt { quarantined_to: to })
}

fn read_meta(conn: &Connection) -> Result<Meta> {
    let get = |k: &str| -> Result<Vec<u8>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .optional()?
            .ok_or(Error::Decode("meta"))
    };
    Ok(Meta {
        store_id: String::from_utf8(get("store_id")?).map_err(|_| Error::Decode("meta"))?,
        cipher: get("cipher")?
            .first()
            .and_then(|b| Cipher::from_version_byte(*b))
            .ok_or(Error::Decode("meta"))?,
        device_fingerprint: get("device_fingerprint")?.try_into().map_err(|_| Error::Decode("meta"))?,
        authority: AuthorityKey(get("authority")?.try_into().map_err(|_| Error::Decode("meta"))?),
        canary: get("canary")?,
    })
}
