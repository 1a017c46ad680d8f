//! hearth-ffi: the thin foreign-function layer over `hearth-core`.
//!
//! It will own the UniFFI objects (`Hearth`, `Session`), the one public error
//! and the foreign traits. It holds no logic of its own; until the bindings
//! land it only re-exports the core so the workspace shape is fixed.

pub use hearth_core as core;
