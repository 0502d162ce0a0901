//! Cancellation: a long activity heartbeats, a caller cancels it, and the activity sees the
//! request at its next `await` and acknowledges it.
//!
//! `cargo run --example cancellation`

mod common;

use std::sync::Arc;
use std::time::Duration;

use activity_runtime::client::start_activity;
use activity_runtime::{ActivityContext, ActivityError, State, Worker, activity, activity_set};
use tokio::sync::Notify;

/// Tells `main` that the job runs, so that it cancels a running attempt rather than one the
/// server has not started yet.
#[derive(Default)]
struct Running(Notify);

/// Works until cancelled, heartbeating so that the cancellation reaches it.
#[activity]
async fn long_job(ctx: ActivityContext, running: State<Running>) -> Result<u64, ActivityError> {
    running.0.notify_one();
    let mut ticks = 0u64;
    loop {
        tokio::select! {
            _ = ctx.cancelled() => {
                let reason = ctx.cancellation_details().map(|d| d.reason()).unwrap_or_default();
                println!("activity: cancelled after {ticks} ticks ({reason})");
                return Err(ActivityError::cancelled());
            }
            _ = tokio::time::sleep(Duration::from_millis(50)) => {
                ticks += 1;
                ctx.heartbeat(&ticks);
            }
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let running = Arc::new(Running::default());
    let worker = Worker::builder("cancellation-example", activity_set![long_job])
        .shared_state(Arc::clone(&running));
    let local = common::Local::start("cancellation-example", worker).await?;
    let job = start_activity(
        &local.client,
        long_job::ACTIVITY,
        (),
        local.options("long-job", Some(Duration::from_secs(2))),
    )
    .await?;
    tokio::time::timeout(Duration::from_secs(30), running.0.notified()).await?;
    job.cancel("no longer needed").await?;
    match job.result().await {
        Ok(ticks) => println!("caller: finished after {ticks} ticks"),
        Err(error) => println!("caller: {error}"),
    }
    local.stop().await
}
