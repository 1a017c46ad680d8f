//! What one PIN unlock costs: the PBKDF2-HMAC-SHA256 run at the app's
//! 600,000 iterations (plus the HKDF that mixes in the device secret), timed
//! on this machine. `docs/security.md` uses the figure for the brute-force
//! argument. Run it in release:
//!
//! ```sh
//! cargo run --release -p hearth-core --example pin_kdf_cost
//! ```

use std::time::Instant;

use hearth_core::store::DEFAULT_KDF_ITERATIONS;
use hearth_core::store::Pin;
use hearth_core::store::keys::{KdfCounter, KdfParams, unlock_key};

fn main() -> Result<(), hearth_core::Error> {
    let pin = Pin::new("482915")?;
    let secret = [7u8; 32];
    let counter = KdfCounter::default();
    let mut runs = Vec::new();
    for _ in 0..7 {
        let params = KdfParams::fresh(DEFAULT_KDF_ITERATIONS)?;
        let t = Instant::now();
        let _key = unlock_key(&secret, &pin, &params, &counter)?;
        runs.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];
    let guesses = 10f64.powi(6);
    println!("PIN KDF: PBKDF2-HMAC-SHA256, {DEFAULT_KDF_ITERATIONS} iterations, {} runs", runs.len());
    println!("  fastest {:.0} ms, median {:.0} ms, slowest {:.0} ms", runs[0], median, runs[runs.len() - 1]);
    println!(
        "  every 6-digit PIN on one core of this machine: {:.1} days",
        guesses * median / 1000.0 / 86_400.0
    );
    Ok(())
}
