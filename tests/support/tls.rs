//! TLS in front of the dev server, which has none: certificates made by rcgen at test time, and
//! a TLS-terminating gRPC proxy on a free loopback port that can require a client certificate
//! (mTLS) and an API key (`authorization: Bearer ...`), as Temporal Cloud does.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use hyper::body::Incoming;
use hyper::{Request, Response};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::RootCertStore;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::{CryptoProvider, ring};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;

use super::grpc_proxy::{self, Forward, ProxyBody};
use super::process::scratch_path;

/// A certificate and its private key.
pub struct Identity {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Identity {
    /// The certificate, PEM-encoded.
    pub fn cert_pem(&self) -> String {
        self.cert.pem()
    }

    /// The private key, PEM-encoded (PKCS #8).
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    fn cert_der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivatePkcs8KeyDer::from(self.key.serialize_der()).into()
    }
}

/// A certificate authority that signs the certificates of one test.
pub struct Authority {
    cert: rcgen::Certificate,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    /// A new self-signed CA called `name`.
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::new()).expect("a CA's parameters");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("a CA key");
        let cert = params.self_signed(&key).expect("a self-signed CA");
        Self {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA's certificate, PEM-encoded: what a peer trusts.
    pub fn cert_pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `names` (DNS names or IP addresses).
    pub fn server(&self, names: &[&str]) -> Identity {
        let names = names
            .iter()
            .map(|name| name.to_string())
            .collect::<Vec<_>>();
        self.sign(CertificateParams::new(names).expect("a server's parameters"))
    }

    /// A client certificate, for mTLS.
    pub fn client(&self, name: &str) -> Identity {
        let mut params = CertificateParams::new(Vec::new()).expect("a client's parameters");
        params.distinguished_name.push(DnType::CommonName, name);
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Identity {
        let key = KeyPair::generate().expect("a key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("a signed certificate");
        Identity { cert, key }
    }

    fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots
            .add(self.cert.der().clone())
            .expect("the CA is a valid root");
        roots
    }
}

/// Writes `contents` to a new file in the scratch dir and returns its path, for the
/// `TEMPORAL_TLS_*_PATH` variables and `temporal.toml` profiles.
pub fn write_file(name: &str, contents: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let path = scratch_path(&format!(
        "{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, contents).expect("a file in the scratch dir");
    path
}

/// What the proxy requires of a client.
#[derive(Default)]
pub struct Requirements {
    /// A client certificate signed by this CA (mTLS).
    pub client_ca: Option<Arc<Authority>>,
    /// `authorization: Bearer <key>` on every request.
    pub api_key: Option<String>,
}

/// The API keys a proxy accepts, and what it saw of each.
#[derive(Default)]
struct Keys {
    /// `None`: no key is required.
    accepted: Option<Vec<String>>,
    /// Requests let through, by the key they carried.
    used: std::collections::HashMap<String, usize>,
    /// Requests refused for their key.
    refused: usize,
}

/// A TLS-terminating gRPC proxy to the dev server, on a free loopback port. It stops when
/// dropped.
pub struct TlsProxy {
    port: u16,
    keys: Arc<Mutex<Keys>>,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsProxy {
    /// Serves TLS with `certificate`, and forwards every request that meets `requirements` to
    /// the plain-text server at `upstream` (`host:port`).
    pub fn start(upstream: &str, certificate: &Identity, requirements: Requirements) -> Self {
        let provider = Arc::new(ring::default_provider());
        let tls = server_config(&provider, certificate, requirements.client_ca.as_deref());
        let keys = Arc::new(Mutex::new(Keys {
            accepted: requirements.api_key.map(|key| vec![key]),
            ..Keys::default()
        }));
        let gate = {
            let keys = Arc::clone(&keys);
            Arc::new(move |request: &Request<Incoming>| {
                (!authorized(&keys, request)).then(unauthenticated)
            })
        };
        let (port, accepting) = grpc_proxy::serve(
            Some(TlsAcceptor::from(Arc::new(tls))),
            Forward::to(upstream).gated(gate),
        );
        Self {
            port,
            keys,
            accepting,
        }
    }

    /// The address to dial: `localhost`, the name on the server certificates tests make.
    pub fn address(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// From now on, accepts these keys and no other, as a server does while a key rotates.
    pub fn accept_api_keys(&self, keys: &[&str]) {
        self.keys().accepted = Some(keys.iter().map(|key| key.to_string()).collect());
    }

    /// How many requests carrying `key` the proxy let through.
    pub fn requests_with(&self, key: &str) -> usize {
        self.keys().used.get(key).copied().unwrap_or(0)
    }

    /// How many requests the proxy refused for their API key.
    pub fn refused(&self) -> usize {
        self.keys().refused
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.keys.lock().expect("the key lock")
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

fn server_config(
    provider: &Arc<CryptoProvider>,
    certificate: &Identity,
    client_ca: Option<&Authority>,
) -> ServerConfig {
    let builder = ServerConfig::builder_with_provider(Arc::clone(provider))
        .with_safe_default_protocol_versions()
        .expect("TLS versions");
    let builder = match client_ca {
        Some(authority) => builder.with_client_cert_verifier(
            WebPkiClientVerifier::builder_with_provider(
                Arc::new(authority.roots()),
                Arc::clone(provider),
            )
            .build()
            .expect("a client verifier"),
        ),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(vec![certificate.cert_der()], certificate.key_der())
        .expect("the server certificate and key match");
    config.alpn_protocols = vec![b"h2".to_vec()];
    config
}

/// Whether `request` carries an accepted key, when keys are required; counts it either way.
fn authorized(keys: &Mutex<Keys>, request: &Request<Incoming>) -> bool {
    let mut keys = keys.lock().expect("the key lock");
    let Some(accepted) = &keys.accepted else {
        return true;
    };
    let carried = request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match carried.filter(|key| accepted.iter().any(|accepted| accepted == key)) {
        Some(key) => {
            *keys.used.entry(key.to_string()).or_default() += 1;
            true
        }
        None => {
            keys.refused += 1;
            false
        }
    }
}

/// A gRPC `UNAUTHENTICATED` status, as a trailers-only response, which is how Temporal Cloud
/// answers a wrong API key.
fn unauthenticated() -> Response<ProxyBody> {
    Response::builder()
        .header("content-type", "application/grpc")
        .header("grpc-status", "16")
        .header("grpc-message", "the API key is not valid")
        .body(grpc_proxy::empty())
        .expect("a gRPC status response")
}
