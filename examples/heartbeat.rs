//! Heartbeating with resume: the activity records its progress, the first attempt dies halfway,
//! and the retry starts from the last heartbeat's details instead of from zero.
//!
//! `cargo run --example heartbeat`

mod common;

use std::time::Duration;

use activity_runtime::client::execute_activity;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Progress {
    next_item: u64,
}

/// Processes items `0..count`, heartbeating after each; returns where this attempt started.
#[activity]
async fn process_items(ctx: ActivityContext, count: u64) -> Result<String, ActivityError> {
    let start = ctx
        .last_heartbeat_details::<Progress>()?
        .map_or(0, |progress| progress.next_item);
    for item in start..count {
        tokio::time::sleep(Duration::from_millis(20)).await;
        ctx.heartbeat(&Progress {
            next_item: item + 1,
        });
        if ctx.info().attempt == 1 && item == count / 2 {
            return Err(ActivityError::new("the first attempt crashes halfway"));
        }
    }
    Ok(format!(
        "attempt {} processed items {start}..{count}",
        ctx.info().attempt
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let worker = Worker::builder("heartbeat-example", activity_set![process_items]);
    let local = common::Local::start("heartbeat-example", worker).await?;
    let summary = execute_activity(
        &local.client,
        process_items::ACTIVITY,
        (10,),
        local.options("process-items", Some(Duration::from_secs(10))),
    )
    .await?;
    println!("{summary}");
    local.stop().await
}
