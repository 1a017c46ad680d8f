//! Sync: the frozen wire format, hybrid logical clocks, packets, delta selection and idempotent apply.
