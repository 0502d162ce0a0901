//! Examples and tests of `activity-runtime`; this crate has no code of its own.
