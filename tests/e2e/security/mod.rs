//! Production security against the real dev server behind a TLS-terminating proxy: TLS, mTLS
//! and API keys, from code, from `TEMPORAL_*` variables and from a `temporal.toml` profile; and
//! the encryption codec beside the Python SDK with the codec of Temporal's sample.

mod encryption;
mod secrets;
mod transport;
