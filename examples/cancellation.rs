//! Cancellation: a long activity heartbeats, a caller cancels it, and the activity sees the
//! request at its next `await` and acknowledges it.
//!
//! `cargo run --example cancellation`

mod common;

use std::time::Duration;

use activity_runtime::client::start_activity;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};

/// Works until cancelled, heartbeating so that the cancellation reaches it.
#[activity]
async fn long_job(ctx: ActivityContext) -> Result<u64, ActivityError> {
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
    let worker = Worker::builder("cancellation-example", activity_set![long_job]);
    let local = common::Local::start("cancellation-example", worker).await?;
    let job = start_activity(
        &local.client,
        long_job::ACTIVITY,
        (),
        local.options("long-job", Some(Duration::from_secs(2))),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    job.cancel("no longer needed").await?;
    match job.result().await {
        Ok(ticks) => println!("caller: finished after {ticks} ticks"),
        Err(error) => println!("caller: {error}"),
    }
    local.stop().await
}
