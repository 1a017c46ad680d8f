//! Device secrets for the command-line tool: a 32-byte random secret per
//! database, in a file readable only by its owner. On a phone the platform
//! keystore does this job; on a laptop or server a file under the operator's
//! control is the honest equivalent, and this is the one place that says so.

use std::io::Write;
use std::path::PathBuf;

use hearth_core::store::{KeyProvider, KeyProviderError};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

/// Secrets in `DIR/<store id>.secret`, created on first use.
pub struct FileKeys {
    dir: PathBuf,
}

impl FileKeys {
    pub fn new(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(FileKeys { dir })
    }
}

impl KeyProvider for FileKeys {
    fn device_secret(&self, store_id: &str) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        let fail = |reason: &str| KeyProviderError { reason: reason.to_owned() };
        if !store_id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(fail("unexpected store id"));
        }
        let path = self.dir.join(format!("{store_id}.secret"));
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(Zeroizing::new(bytes));
        }
        let mut secret = Zeroizing::new(vec![0u8; 32]);
        SystemRandom::new().fill(&mut secret).map_err(|_| fail("no random source"))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&path).map_err(|_| fail("cannot create the secret file"))?;
        f.write_all(&secret).map_err(|_| fail("cannot write the secret file"))?;
        Ok(secret)
    }
}
