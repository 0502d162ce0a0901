//! What every example except hello shares: a local dev server, a worker on it, and a client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use activity_runtime::client::{ActivityCloseTimeouts, ActivityStartOptions, Client, RetryPolicy};
use activity_runtime::dev_server::DevServer;
use activity_runtime::worker::{ShutdownHandle, WorkerBuilder, WorkerError};
use tokio::task::JoinHandle;

/// A dev server, a worker serving it, and a client of it.
pub struct Local {
    pub client: Client,
    pub task_queue: String,
    /// Where the worker serves its metrics, when it was built with an endpoint.
    pub metrics_address: Option<SocketAddr>,
    server: DevServer,
    worker: ShutdownHandle,
    serving: JoinHandle<Result<(), WorkerError>>,
}

impl Local {
    /// Starts a dev server and the worker that `worker` describes on `task_queue`.
    pub async fn start(
        task_queue: &str,
        worker: WorkerBuilder,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let server = DevServer::start().await?;
        let worker = worker.connection(server.connection()).build().await?;
        let shutdown = worker.shutdown_handle();
        let metrics_address = worker.metrics_address();
        let serving = tokio::spawn(worker.run());
        let client = server.connection().client().await?;
        Ok(Self {
            client,
            task_queue: task_queue.to_string(),
            metrics_address,
            server,
            worker: shutdown,
            serving,
        })
    }

    /// Options for one standalone activity: a 30 s attempt, retried quickly.
    pub fn options(&self, id: &str, heartbeat_timeout: Option<Duration>) -> ActivityStartOptions {
        ActivityStartOptions::new(
            self.task_queue.clone(),
            format!("{id}-{}", std::process::id()),
            ActivityCloseTimeouts::StartToClose(Duration::from_secs(30)),
        )
        .maybe_heartbeat_timeout(heartbeat_timeout)
        .retry_policy(
            RetryPolicy::builder()
                .initial_interval(Duration::from_millis(200))
                .maximum_attempts(5)
                .build(),
        )
        .build()
    }

    /// The dev server's gRPC address.
    pub fn address(&self) -> &str {
        self.server.address()
    }

    /// Shuts the worker down gracefully, then the server.
    pub async fn stop(self) -> Result<(), Box<dyn std::error::Error>> {
        self.worker.shutdown();
        self.serving.await??;
        self.server.shutdown().await;
        Ok(())
    }
}
