//! What a failed connection most likely means, in words that name the setting that fixes it.
//!
//! The Temporal client reports TLS and credential problems deep inside a chain of transport
//! errors, and a server that refuses a client certificate under TLS 1.3 often shows only as
//! "broken pipe" or "connection closed": the handshake had already succeeded on the client's
//! side when the server hung up. So the chain is read once, here, with what the connection was
//! configured to send.

use std::error::Error;
use std::io;

use rustls::{AlertDescription, CertificateError};
use temporalio_client::errors::ClientConnectError;
use temporalio_client::tonic::{Code, Status};

/// What the connection sent, which decides what a failure most likely means.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent {
    pub(crate) tls: bool,
    pub(crate) client_certificate: bool,
    pub(crate) api_key: bool,
}

const SERVER_CA: &str = "name the server's CA with `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, \
    `server_ca_cert_path` in the `temporal.toml` profile's `[profile.<name>.tls]`, or \
    `TlsOptions::server_root_ca_cert`";

const CLIENT_CERTIFICATE: &str = "set `TEMPORAL_TLS_CLIENT_CERT_PATH` and \
    `TEMPORAL_TLS_CLIENT_KEY_PATH`, `client_cert_path` and `client_key_path` in the \
    `temporal.toml` profile's `[profile.<name>.tls]`, or `TlsOptions::client_tls_options`";

const API_KEY: &str = "set it with `TEMPORAL_API_KEY`, `api_key` in the `temporal.toml` profile, or \
    `ConnectionConfig::api_key`; a running worker takes a rotated key through \
    `Worker::api_key_handle`";

/// The likely cause of `error` and its fix, when the chain says enough to tell.
pub(crate) fn diagnose(error: &(dyn Error + 'static), sent: Sent) -> Option<String> {
    let mut errors: Vec<&(dyn Error + 'static)> = chain(error).collect();
    // The connection, and with it any TLS handshake, was made; the first call failed. The
    // client keeps that call's status out of its chain.
    let first_call = errors.iter().find_map(|error| match error.downcast_ref() {
        Some(ClientConnectError::SystemInfoCallError(status)) => Some(status),
        _ => None,
    });
    let after_handshake = first_call.is_some();
    if let Some(status) = first_call {
        errors.extend(chain(status));
    }
    for error in &errors {
        if let Some(rustls) = rustls_error(*error) {
            return Some(tls_error(rustls, sent));
        }
        if let Some(status) = error.downcast_ref::<Status>()
            && let Some(refused) = refused_credentials(status, sent)
        {
            return Some(refused);
        }
    }
    if after_handshake && sent.tls {
        return Some(closed_after_handshake(sent));
    }
    let refused = errors.iter().any(|error| {
        error
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused)
    });
    refused.then(|| {
        "nothing accepts connections at that address (connection refused); check that the \
         server runs and that the address and port are right"
            .to_string()
    })
}

fn chain<'a>(error: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&error| error.source())
}

/// rustls's error, as itself or inside an `io::Error`, whose `source` skips the error it wraps.
fn rustls_error<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a rustls::Error> {
    error
        .downcast_ref()
        .or_else(|| error.downcast_ref::<io::Error>()?.get_ref()?.downcast_ref())
}

fn tls_error(error: &rustls::Error, sent: Sent) -> String {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => format!(
            "TLS: the server's certificate is signed by a CA this worker does not trust \
             (UnknownIssuer); {SERVER_CA}"
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => format!(
            "TLS: the server's certificate is not valid for the host name dialled ({error}); \
             dial a name the certificate carries, or set the name to expect with \
             `TEMPORAL_TLS_SERVER_NAME`, `server_name` in the profile, or `TlsOptions::domain`"
        ),
        rustls::Error::InvalidCertificate(_) => {
            format!("TLS: the server's certificate was refused ({error}); {SERVER_CA}")
        }
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => format!(
            "TLS: the server requires a client certificate (mTLS) and none was sent; \
             {CLIENT_CERTIFICATE}"
        ),
        rustls::Error::AlertReceived(
            alert @ (AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::AccessDenied),
        ) if sent.client_certificate => format!(
            "TLS: the server refused the client certificate ({alert:?}); it must be signed by \
             a CA the server trusts, and unexpired; {CLIENT_CERTIFICATE}"
        ),
        other => format!(
            "TLS: the handshake failed ({other}); check that the server speaks TLS at this \
             address and trusts this client"
        ),
    }
}

fn refused_credentials(status: &Status, sent: Sent) -> Option<String> {
    if !matches!(
        status.code(),
        Code::Unauthenticated | Code::PermissionDenied
    ) {
        return None;
    }
    let said = status.message();
    Some(if sent.api_key {
        format!(
            "the server refused the API key ({:?}: {said}); check the key: {API_KEY}",
            status.code()
        )
    } else {
        format!(
            "the server requires credentials ({:?}: {said}) and none were sent: an API key \
             ({API_KEY}) or a client certificate ({CLIENT_CERTIFICATE})",
            status.code()
        )
    })
}

fn closed_after_handshake(sent: Sent) -> String {
    if sent.client_certificate {
        format!(
            "TLS: the server closed the connection right after the handshake, which usually \
             means it refused the client certificate: it must be signed by a CA the server \
             trusts; {CLIENT_CERTIFICATE}"
        )
    } else {
        format!(
            "TLS: the server closed the connection right after the handshake, which usually \
             means it requires a client certificate (mTLS) and none was sent; \
             {CLIENT_CERTIFICATE}"
        )
    }
}
