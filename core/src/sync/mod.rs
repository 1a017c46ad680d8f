//! Sync: packets that move changes between phones and servers over any
//! transport.
//!
//! - [`wire`]: the frozen wire types (append-only, golden-tested).
//! - [`hlc`]: hybrid logical clocks ordering every change.
//! - [`packet`]: sealing to recipients (HPKE), signing (Ed25519), parsing.
//! - [`frames`]: cutting a packet into frames for QR codes or BLE, and
//!   reassembling them in any order.
//!
//! The store side (the change log, delta selection, idempotent apply and
//! conflicts) lives in `store::sync`, since it is the store's state that
//! changes; nothing here touches SQLite.

pub mod frames;
pub mod hlc;
pub mod packet;
#[cfg(feature = "planted-bugs")]
pub mod planted;
pub mod wire;

pub use hlc::Hlc;
pub use packet::PacketError;
