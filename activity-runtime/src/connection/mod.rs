//! Where a worker connects: an address from code, or Temporal's own environment conventions
//! (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`, and the
//! `temporal.toml` profiles that the Temporal CLI reads).
//!
//! [`ConnectionConfig::from_env`], what a worker uses unless told otherwise, reads the
//! `temporal.toml` profile the Temporal CLI uses (`TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`),
//! overridden by `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY` and `TEMPORAL_TLS_*`
//! (client certificate and key, server CA, server name); with nothing set it is
//! `localhost:7233`, namespace `default`. In code:
//!
//! ```no_run
//! use activity_runtime::ConnectionConfig;
//! use activity_runtime::connection::{ClientTlsOptions, TlsOptions};
//!
//! # fn read(_: &str) -> Vec<u8> { Vec::new() }
//! # fn config() -> Result<ConnectionConfig, Box<dyn std::error::Error>> {
//! let tls = TlsOptions::builder()
//!     .server_root_ca_cert(read("ca.pem"))
//!     .client_tls_options(
//!         ClientTlsOptions::builder()
//!             .client_cert(read("client.pem"))
//!             .client_private_key(read("client.key"))
//!             .build(),
//!     )
//!     .build();
//! let config = ConnectionConfig::new("my-ns.a1b2c.tmprl.cloud:7233")?
//!     .namespace("my-ns.a1b2c")
//!     .tls(tls);
//! # Ok(config) }
//! ```
//!
//! **TLS and mTLS** come from `TEMPORAL_TLS_SERVER_CA_CERT_PATH` (a private CA) and
//! `TEMPORAL_TLS_CLIENT_CERT_PATH` with `TEMPORAL_TLS_CLIENT_KEY_PATH` (mTLS), from a profile's
//! `[profile.default.tls]` (`server_ca_cert_path`, `client_cert_path`, `client_key_path`,
//! `server_name`), or from [`ConnectionConfig::tls`]. A worker connects and registers in
//! `build()`, so a service that says it serves after that never says so falsely. A failed
//! connection says what it most likely means and the setting that fixes it:
//!
//! | What is wrong | What the worker says |
//! |---|---|
//! | the server's certificate is from a CA the worker does not trust | `TLS: the server's certificate is signed by a CA this worker does not trust (UnknownIssuer); name the server's CA with TEMPORAL_TLS_SERVER_CA_CERT_PATH, ...` |
//! | the certificate is for another name | `TLS: the server's certificate is not valid for the host name dialled (...); ... TEMPORAL_TLS_SERVER_NAME ...` |
//! | mTLS without a client certificate | `TLS: the server closed the connection right after the handshake, which usually means it requires a client certificate (mTLS) and none was sent; set TEMPORAL_TLS_CLIENT_CERT_PATH and ...` |
//! | a client certificate from a CA the server does not trust | `... which usually means it refused the client certificate: it must be signed by a CA the server trusts; ...` |
//! | a wrong API key | `the server refused the API key (Unauthenticated: ...); check the key: ...`, at once, not retried |
//! | nothing listens there | `nothing accepts connections at that address (connection refused); ...` |
//!
//! **API keys** come from `TEMPORAL_API_KEY`, a profile's `api_key`, or
//! [`ConnectionConfig::api_key`]; a key implies TLS. To rotate one without a restart, while the
//! server accepts both keys, take the worker's
//! [`api_key_handle`](crate::Worker::api_key_handle) and set the new key: the next call
//! carries it.
//!
//! **Secrets.** The API key, the TLS private key and codec keys appear in no `Debug` output,
//! log line or error, and a `temporal.toml` that does not parse is reported by line and column
//! without the line itself.
//!
//! **Compression** follows a rule read off the configuration: gzip exactly over TLS; see
//! [`Compression`].

mod diagnosis;

use temporalio_client::envconfig::LoadClientConfigProfileOptions;
use temporalio_client::{ClientOptions, Connection, ConnectionOptions, GrpcCompression};

pub use temporalio_client::errors::ClientConnectError;
pub use temporalio_client::{ClientTlsOptions, TlsOptions};
use url::Url;

/// How a worker reaches the Temporal server, and in which namespace it works.
///
/// ```
/// use activity_runtime::ConnectionConfig;
/// use activity_runtime::connection::Compression;
///
/// let config = ConnectionConfig::new("127.0.0.1:7233")
///     .unwrap()
///     .namespace("billing")
///     .compression(Compression::Gzip);
/// assert_eq!(config.namespace_name(), "billing");
/// assert_eq!(config.target(), "http://127.0.0.1:7233/");
/// ```
#[derive(Clone)]
pub struct ConnectionConfig {
    pub(crate) options: ConnectionOptions,
    pub(crate) namespace: String,
    compression: Compression,
}

/// Whether gRPC messages are gzip-compressed.
///
/// Compression trades worker CPU for bytes on the wire. In BENCHMARKS.md's runs, gzip added
/// about a fifth to the worker's CPU per activity (for this worker, the official SDK's and a
/// bare Core loop alike) and 7 MiB of memory, and for the seed's small payloads saved no bytes
/// at all: its headers and dictionary outweigh what a few hundred bytes of protobuf compress
/// by. It pays for large payloads where bytes are slow or billed: across a WAN, to Temporal
/// Cloud, which always takes TLS. Inside a cluster, over plain gRPC or a sidecar, it does not.
///
/// So the default, [`Compression::Auto`], is a rule you can read off your own configuration:
/// gzip exactly when the connection uses TLS ([`ConnectionConfig::tls`],
/// [`ConnectionConfig::api_key`], or a `temporal.toml` profile or `TEMPORAL_TLS*` setting
/// that turns it on), none on plain text. The address plays no part: a DNS name inside a
/// cluster and an IP literal across zones get what their TLS setting says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// gzip over TLS, none on plain text.
    #[default]
    Auto,
    /// Always gzip.
    Gzip,
    /// Never compress.
    None,
}

/// Why the server could not be reached. The message says what the failure most likely means
/// and which setting fixes it, when the client's error tells (an untrusted server certificate,
/// a client certificate that mTLS requires or refused, a refused API key, nothing listening).
/// Its [`source`](std::error::Error::source) is the client's own error
/// ([`ClientConnectError`] for a failed connection).
#[derive(Debug, thiserror::Error)]
#[error(
    "could not connect to the Temporal server at {target}{}",
    .diagnosis.as_ref().map(|diagnosis| format!(": {diagnosis}")).unwrap_or_default()
)]
#[non_exhaustive]
pub struct ConnectError {
    /// The server's address.
    pub target: String,
    /// The likely cause and its fix, when the client's error tells.
    pub diagnosis: Option<String>,
    /// What the client said.
    #[source]
    pub source: BoxError,
}

/// An error from the Temporal crates, kept whole as the `source` of ours.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a connection could not be configured.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionConfigError {
    /// The address is not `host:port` or a URL.
    #[error(
        "`{address}` is not a Temporal server address; expected `host:port`, such as `127.0.0.1:7233`, or a URL: {reason}"
    )]
    InvalidAddress {
        /// What was given.
        address: String,
        /// What the parser said.
        reason: String,
    },
    /// The environment or the `temporal.toml` profile could not be read.
    #[error("the Temporal connection settings in the environment could not be read")]
    Environment(#[source] BoxError),
}

impl ConnectionConfig {
    /// A plain-text connection to `address` (`host:port` or a URL) in namespace `default`.
    ///
    /// # Errors
    /// When the address does not parse.
    pub fn new(address: &str) -> Result<Self, ConnectionConfigError> {
        let url = parse_address(address)?;
        Ok(Self::from_options(
            ConnectionOptions::new(url).build(),
            "default".to_string(),
        ))
    }

    /// The connection that Temporal's tools would make from this environment: the
    /// `temporal.toml` profile (`TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`), overridden by
    /// `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY` and `TEMPORAL_TLS_*`;
    /// `localhost:7233` and namespace `default` when nothing is set.
    ///
    /// # Errors
    /// When a setting is malformed, or a TLS file cannot be read.
    pub fn from_env() -> Result<Self, ConnectionConfigError> {
        let (options, client) =
            ClientOptions::load_from_config(LoadClientConfigProfileOptions::default())
                // The loader's error is a `Box<dyn Error>` that is not `Send`, so only its
                // message can travel in ours.
                .map_err(|error| {
                    ConnectionConfigError::Environment(
                        without_quoted_lines(&error.to_string()).into(),
                    )
                })?;
        Ok(Self::from_options(options, client.namespace))
    }

    /// A connection with these options from `temporalio-client`, for settings this type does
    /// not name (headers, proxies, keep-alive, retries).
    pub fn from_options(options: ConnectionOptions, namespace: String) -> Self {
        Self {
            options,
            namespace,
            compression: Compression::Auto,
        }
    }

    /// Works in `namespace`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Authenticates with a Temporal Cloud API key; it implies TLS when none is set.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = Some(key.into());
        let tls = self.options.tls_options.take().unwrap_or_default();
        self.tls(tls)
    }

    /// Connects over TLS (with client certificates for mTLS) as `temporalio-client` describes.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.options.tls_options = Some(tls);
        if self.options.target.scheme() == "http" {
            let _ = self.options.target.set_scheme("https");
        }
        self
    }

    /// Chooses gRPC compression; see [`Compression`] for the default.
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// The namespace the worker works in.
    pub fn namespace_name(&self) -> &str {
        &self.namespace
    }

    /// The server's URL.
    pub fn target(&self) -> &str {
        self.options.target.as_str()
    }

    /// Connects as `identity`, with compression resolved.
    pub(crate) async fn connect(&self, identity: &str) -> Result<Connection, ConnectError> {
        let options = self.resolved_options(identity);
        Connection::connect(options)
            .await
            .map_err(|error| self.connect_error(error))
    }

    /// A connection failure at this config's target.
    pub(crate) fn connect_error(&self, source: impl Into<BoxError>) -> ConnectError {
        let source = source.into();
        let tls = self.options.tls_options.as_ref();
        let sent = diagnosis::Sent {
            tls: tls.is_some(),
            client_certificate: tls.is_some_and(|tls| tls.client_tls_options.is_some()),
            api_key: self.options.api_key.is_some(),
        };
        ConnectError {
            target: self.options.target.to_string(),
            diagnosis: diagnosis::diagnose(&*source, sent),
            source,
        }
    }

    /// The options as `temporalio-client` will connect with them, compression resolved.
    pub(crate) fn resolved_options(&self, identity: &str) -> ConnectionOptions {
        let mut options = self.options.clone();
        options.identity = identity.to_string();
        options.grpc_compression = match self.compression {
            Compression::Gzip => GrpcCompression::Gzip,
            Compression::None => GrpcCompression::None,
            Compression::Auto if options.tls_options.is_some() => GrpcCompression::Gzip,
            Compression::Auto => GrpcCompression::None,
        };
        options
    }
}

impl std::fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("target", &self.options.target.as_str())
            .field("namespace", &self.namespace)
            .field("tls", &self.options.tls_options.is_some())
            .field(
                "api_key",
                &self.options.api_key.as_ref().map(|_| "<redacted>"),
            )
            .field("compression", &self.compression)
            .finish()
    }
}

/// `message` without the lines of a file that a parser quotes to point at an error, such as
/// TOML's `3 | api_key = "...`: the line of a `temporal.toml` may hold an API key or a private
/// key. The position and the reason stay.
fn without_quoted_lines(message: &str) -> String {
    let is_quote = |line: &str| {
        let gutter = line.trim_start_matches(|c: char| c.is_ascii_digit());
        gutter.trim_start().starts_with('|')
    };
    let (quoted, kept): (Vec<&str>, Vec<&str>) = message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .partition(|line| is_quote(line));
    if quoted.is_empty() {
        return kept.join("; ");
    }
    format!(
        "{} (the line is not shown: it may hold a secret)",
        kept.join("; ")
    )
}

fn parse_address(address: &str) -> Result<Url, ConnectionConfigError> {
    let invalid = |reason: String| ConnectionConfigError::InvalidAddress {
        address: address.to_string(),
        reason,
    };
    // `Url::parse("localhost:7233")` reads `localhost` as a scheme, so a URL must have a host.
    if let Ok(url) = Url::parse(address)
        && url.host().is_some()
    {
        return Ok(url);
    }
    let url =
        Url::parse(&format!("http://{address}")).map_err(|error| invalid(error.to_string()))?;
    if url.port().is_none() {
        return Err(invalid("no port".to_string()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_take_host_port_or_a_url() {
        assert_eq!(
            ConnectionConfig::new("127.0.0.1:7233").unwrap().target(),
            "http://127.0.0.1:7233/"
        );
        assert_eq!(
            ConnectionConfig::new("https://acme.tmprl.cloud:7233")
                .unwrap()
                .target(),
            "https://acme.tmprl.cloud:7233/"
        );
        let error = ConnectionConfig::new("just-a-host")
            .unwrap_err()
            .to_string();
        assert!(error.contains("expected `host:port`"), "{error}");
    }

    #[test]
    fn auto_compression_is_gzip_exactly_over_tls() {
        let resolved = |config: ConnectionConfig| config.resolved_options("me").grpc_compression;
        let plain = |address| ConnectionConfig::new(address).unwrap();
        // Plain text: no gzip, whatever the address says.
        for address in [
            "127.0.0.1:7233",
            "temporal-frontend.temporal.svc.cluster.local:7233",
            "acme.tmprl.cloud:7233",
            "8.8.8.8:7233",
        ] {
            assert_eq!(resolved(plain(address)), GrpcCompression::None, "{address}");
        }
        // TLS, asked for or implied by an API key: gzip, whatever the address says.
        assert_eq!(
            resolved(plain("10.0.0.5:7233").tls(TlsOptions::default())),
            GrpcCompression::Gzip
        );
        assert_eq!(
            resolved(plain("acme.tmprl.cloud:7233").api_key("key")),
            GrpcCompression::Gzip
        );
        // Forced either way.
        assert_eq!(
            resolved(plain("127.0.0.1:7233").compression(Compression::Gzip)),
            GrpcCompression::Gzip
        );
        assert_eq!(
            resolved(
                plain("acme.tmprl.cloud:7233")
                    .api_key("key")
                    .compression(Compression::None)
            ),
            GrpcCompression::None
        );
    }

    #[test]
    fn a_quoted_line_of_a_settings_file_is_left_out_of_the_error() {
        let message = "Configuration loading error: TOML parse error at line 3, column 30\n  |\n3 | \
                       api_key = \"sk-secret\n  |                              ^\ninvalid basic \
                       string, expected `\"`\n";
        assert_eq!(
            without_quoted_lines(message),
            "Configuration loading error: TOML parse error at line 3, column 30; invalid basic \
             string, expected `\"` (the line is not shown: it may hold a secret)"
        );
        assert_eq!(without_quoted_lines("no such profile"), "no such profile");
    }

    #[test]
    fn an_api_key_implies_tls_and_is_not_printed() {
        let config = ConnectionConfig::new("acme.tmprl.cloud:7233")
            .unwrap()
            .api_key("secret");
        assert_eq!(config.target(), "https://acme.tmprl.cloud:7233/");
        assert!(config.options.tls_options.is_some());
        assert!(!format!("{config:?}").contains("secret"));
    }
}
