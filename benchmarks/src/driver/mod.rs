//! What the benchmark drivers (`e2e`, `scale`) share: the workflow that schedules their loads,
//! the worker processes under test, and what one load measured on the server's clock.

use std::future::Future;

use activity_runtime::client::Client;
use activity_runtime::connection::Compression;
use activity_runtime::dev_server::DevServer;
use temporalio_sdk::Runtime;

mod load;
mod process;
mod workflow;

pub use load::{Load, Span, deadline, fan_out, waves, within};
pub use process::{COMPARED, Subject, WorkerProcess, select, subjects};
pub use workflow::{
    Kind, Plan, WORKFLOW_QUEUE, Waves, sleep_async, sleep_blocking, workflow_worker, your_activity,
};

/// Starts a dev server and the workflow worker that runs every [`Waves`], runs `body` with
/// the server's address and a client of it, then stops both.
pub async fn on_dev_server<T, F, Fut>(body: F) -> anyhow::Result<T>
where
    F: FnOnce(String, Client) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let server = DevServer::start().await?;
    let client = server
        .connection()
        .compression(Compression::None)
        .client()
        .await?;
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let mut workflows = workflow_worker(&runtime, client.clone())?;
    let stop_workflows = workflows.shutdown_handle();
    let body = async {
        let result = body(server.address().to_string(), client.clone()).await;
        stop_workflows();
        result
    };
    let (ran, result) = tokio::join!(workflows.run(), body);
    ran?;
    let result = result?;
    server.shutdown().await;
    Ok(result)
}

/// A name no earlier run used, for task queues and workflow ids.
pub fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos()
}
