//! Production security against the real dev server behind a TLS-terminating proxy: TLS, mTLS
//! and API keys, from code, from `TEMPORAL_*` variables and from a `temporal.toml` profile.

mod transport;
