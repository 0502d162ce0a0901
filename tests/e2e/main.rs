//! The end-to-end tests: one binary with a module per feature, sharing one Temporal dev server
//! (started on first use, on a free loopback port) and giving each test its own task queue.
//! Peers are real: the Temporal CLI, the Python SDK, worker processes that the reliability
//! tests kill and signal. `cargo test --test e2e` runs them all; `cargo test --test e2e
//! reliability::` runs one module.

#[path = "../support/mod.rs"]
mod support;

mod activity_client;
mod activity_info;
mod async_completion;
mod blocking_runtime;
mod cli;
mod examples;
mod failure_bounds;
mod heartbeats;
mod metrics;
mod non_finite_floats;
mod official_sdk;
mod operator;
mod panics;
mod payload_converter;
mod python;
mod reliability;
mod runtimes;
mod rust_client;
mod security;
mod trace_propagation;
mod tuning;
mod typescript;
