//! Sync: packets that move changes between phones and servers over any
//! transport.
//!
//! - [`wire`], [`wire2`]: the frozen wire types of v1 and v2 (append-only,
//!   golden-tested).
//! - [`chain`]: the per-origin hash chain that lets one signature cover an
//!   actor's consecutive changes.
//! - [`hlc`]: hybrid logical clocks ordering every change.
//! - [`packet`]: sealing to recipients (HPKE), signing (Ed25519), parsing.
//! - [`frames`]: cutting a packet into frames for QR codes or BLE, and
//!   reassembling them in any order.
//!
//! The store side (the change log, delta selection, idempotent apply and
//! conflicts) lives in `store::sync`, since it is the store's state that
//! changes; nothing here touches SQLite.

pub mod chain;
pub mod frames;
pub mod hlc;
pub mod packet;
#[cfg(feature = "planted-bugs")]
pub mod planted;
pub mod wire;
pub mod wire2;

pub use hlc::Hlc;
pub use packet::PacketError;
