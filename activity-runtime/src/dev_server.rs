//! A local Temporal dev server, `temporal server start-dev`, for tests and examples.
//!
//! The process management is Temporal Core's (`temporalio-sdk-core`'s `ephemeral-server`); this
//! module finds the CLI and picks the options.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use temporalio_sdk_core::ephemeral_server::{
    EphemeralExe, EphemeralExeVersion, EphemeralServer, TemporalDevServerConfig,
};

use crate::connection::ConnectionConfig;

/// A running dev server on a free loopback port, in memory unless a database file is given.
/// It is killed when dropped, or by [`shutdown`](Self::shutdown).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = activity_runtime::dev_server::DevServer::start().await?;
/// println!("Temporal at {}", server.address());
/// # Ok(()) }
/// ```
pub struct DevServer {
    server: EphemeralServer,
    ui_url: Option<String>,
}

impl std::fmt::Debug for DevServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevServer")
            .field("address", &self.address())
            .field("ui_url", &self.ui_url)
            .finish_non_exhaustive()
    }
}

/// How to start a [`DevServer`]: `DevServerOptions::builder().ui(true).build()`.
#[derive(Debug, Clone, Default, bon::Builder)]
#[non_exhaustive]
pub struct DevServerOptions {
    /// Serve the Web UI too (on the gRPC port + 1000).
    #[builder(default)]
    pub ui: bool,
    /// Keep the server's state in this SQLite file, so that it survives a restart.
    pub db_filename: Option<PathBuf>,
    /// Listen on this port rather than a free one.
    pub port: Option<u16>,
}

/// Why the dev server did not start.
#[derive(Debug, thiserror::Error)]
#[error("the Temporal dev server did not start ({cli})")]
pub struct DevServerError {
    cli: String,
    #[source]
    source: crate::connection::BoxError,
}

impl DevServer {
    /// Starts a headless, in-memory dev server.
    ///
    /// # Errors
    /// When the CLI cannot be found or downloaded, or the server does not answer.
    pub async fn start() -> Result<Self, DevServerError> {
        Self::start_with(DevServerOptions::default()).await
    }

    /// Starts a dev server with `options`.
    ///
    /// # Errors
    /// When the CLI cannot be found or downloaded, or the server does not answer.
    pub async fn start_with(options: DevServerOptions) -> Result<Self, DevServerError> {
        let (exe, cli) = match find_cli() {
            Some(path) => {
                let shown = path.display().to_string();
                (EphemeralExe::ExistingPath(shown.clone()), shown)
            }
            // No CLI on this machine: Core downloads one and caches it.
            None => (
                EphemeralExe::CachedDownload {
                    version: EphemeralExeVersion::SDKDefault {
                        sdk_name: "sdk-rust".to_string(),
                        sdk_version: "1.1.1".to_string(),
                    },
                    dest_dir: None,
                    ttl: None,
                },
                "downloaded Temporal CLI".to_string(),
            ),
        };
        let config = TemporalDevServerConfig::builder()
            .exe(exe)
            .ip("127.0.0.1".to_string())
            .maybe_port(options.port)
            .maybe_db_filename(options.db_filename.map(|path| path.display().to_string()))
            .ui(options.ui)
            .log(("pretty".to_string(), "error".to_string()))
            .build();
        let server = config
            .start_server_with_output(Stdio::null(), Stdio::inherit())
            .await
            .map_err(|error| DevServerError {
                cli,
                source: error.into(),
            })?;
        let ui_url = options.ui.then(|| {
            let port = server
                .target
                .rsplit(':')
                .next()
                .and_then(|port| port.parse::<u16>().ok())
                .unwrap_or_default();
            format!("http://127.0.0.1:{}", port.saturating_add(1000))
        });
        Ok(Self { server, ui_url })
    }

    /// The gRPC address, `127.0.0.1:PORT`.
    pub fn address(&self) -> &str {
        &self.server.target
    }

    /// The Web UI's address, when it was started with one.
    pub fn ui_url(&self) -> Option<&str> {
        self.ui_url.as_deref()
    }

    /// A connection to this server, in namespace `default`.
    pub fn connection(&self) -> ConnectionConfig {
        ConnectionConfig::new(self.address()).expect("the dev server's address is host:port")
    }

    /// The server process's id, while it runs.
    pub fn process_id(&self) -> Option<u32> {
        self.server.child_process_id()
    }

    /// Stops the server.
    pub async fn shutdown(mut self) {
        let _ = self.server.shutdown().await;
    }
}

/// The Temporal CLI: `TEMPORAL_CLI`, else `temporal` on `PATH`, else the project-local
/// `.venv/bin/temporal` that `scripts/setup` installs, looked for upward from the current
/// directory.
pub fn find_cli() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TEMPORAL_CLI").map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("temporal"))
            .find(|candidate| is_executable(candidate))
    });
    on_path.or_else(|| {
        let start = std::env::current_dir().ok()?;
        start
            .ancestors()
            .map(|dir| dir.join(".venv/bin/temporal"))
            .find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
