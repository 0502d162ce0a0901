//! The behaviour tests: in-process, no server, one binary with a module per feature (as
//! `tests/e2e` is), so that the Temporal crates are linked into one test binary, not one per
//! file. `cargo test --test behaviour` runs them all; `cargo test --test behaviour codec::` one
//! module.

#[path = "../support/mod.rs"]
mod support;

mod arguments;
mod async_completion;
mod blocking_detector;
mod codec;
mod connection;
mod context;
mod dispatch;
mod encryption;
mod errors;
mod fuzz_payloads;
mod golden_payloads;
mod impl_blocks;
mod interceptors;
mod metrics;
mod official_payloads;
mod payload_converter;
mod payload_limits;
mod payload_properties;
mod payloads;
mod registry;
mod state;
mod testing_environment;
