//! The seed's activity, served by a worker and executed once.
//!
//! `cargo run --example hello` starts a local Temporal dev server (the Temporal CLI from
//! `TEMPORAL_CLI`, `PATH` or the project's `.venv`, downloaded when none is found), runs a
//! worker, executes `your_activity` as a standalone activity, prints `Hello, World!`, and shuts
//! everything down. `--keep-running` leaves the server and its Web UI up to look at the
//! activity's history.
//!
//! With `TEMPORAL_ADDRESS` set, or with `--serve`, it serves the server that Temporal's
//! environment names instead (the `TEMPORAL_*` variables over the `temporal.toml` profile, TLS,
//! mTLS and the API key included), on the task queue
//! named by `TEMPORAL_TASK_QUEUE` (default `hello-activities`), until Ctrl-C, with its metrics
//! for Prometheus at `TEMPORAL_PROMETHEUS_ADDRESS` if that is set. It says "Serving" once the
//! worker has connected and registered, and otherwise exits with the reason and its fix:
//!
//! ```sh
//! temporal activity execute --type your_activity --task-queue hello-activities \
//!     --activity-id hello-1 --start-to-close-timeout 10s \
//!     --input '{"greeting":"Hello","name":"World"}'
//! ```

use std::time::Duration;

use activity_runtime::client::execute_activity;
use activity_runtime::client::{ActivityCloseTimeouts, ActivityStartOptions};
use activity_runtime::dev_server::{DevServer, DevServerOptions};
use activity_runtime::{ConnectionConfig, Worker, activity, activity_set};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct YourParams {
    pub greeting: String,
    pub name: String,
}

#[activity(name = "your_activity")]
pub async fn your_activity(input: YourParams) -> String {
    format!("{}, {}!", input.greeting, input.name)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let task_queue =
        std::env::var("TEMPORAL_TASK_QUEUE").unwrap_or_else(|_| "hello-activities".to_string());
    if std::env::var_os("TEMPORAL_ADDRESS").is_some()
        || std::env::args().any(|arg| arg == "--serve")
    {
        return serve(task_queue).await;
    }
    let keep_running = std::env::args().any(|arg| arg == "--keep-running");

    let server =
        DevServer::start_with(DevServerOptions::builder().ui(keep_running).build()).await?;
    let worker = Worker::builder(&task_queue, activity_set![your_activity])
        .connection(server.connection())
        .build()
        .await?;
    let shutdown = worker.shutdown_handle();
    let serving = tokio::spawn(worker.run());

    let client = server.connection().client().await?;
    let options = ActivityStartOptions::new(
        task_queue,
        format!("hello-{}", std::process::id()),
        ActivityCloseTimeouts::StartToClose(Duration::from_secs(10)),
    )
    .build();
    let input = YourParams {
        greeting: "Hello".into(),
        name: "World".into(),
    };
    let greeting = execute_activity(&client, your_activity::ACTIVITY, input, options).await?;
    println!("{greeting}");

    shutdown.shutdown();
    serving.await??;
    if keep_running {
        println!(
            "The dev server is still up: gRPC at {}, Web UI at {}. Press Ctrl-C to stop it.",
            server.address(),
            server.ui_url().unwrap_or("(none)")
        );
        tokio::signal::ctrl_c().await?;
    }
    server.shutdown().await;
    Ok(())
}

/// Serves the server that Temporal's environment (variables and profile) names.
async fn serve(task_queue: String) -> anyhow::Result<()> {
    let connection = ConnectionConfig::from_env()?;
    let (target, namespace) = (
        connection.target().to_string(),
        connection.namespace_name().to_string(),
    );
    let worker = Worker::builder(&task_queue, activity_set![your_activity])
        .connection(connection)
        .build()
        .await?;
    println!(
        "Serving `your_activity` on task queue `{task_queue}` at {target} (namespace `{namespace}`); Ctrl-C stops."
    );
    // On when `TEMPORAL_PROMETHEUS_ADDRESS` names an address.
    if let Some(address) = worker.metrics_address() {
        println!("Metrics for Prometheus at http://{address}/metrics");
    }
    worker.run_until_signal().await?;
    Ok(())
}
