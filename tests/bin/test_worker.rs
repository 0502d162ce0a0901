//! A worker process for the reliability tests, which kill, signal and restart it.
//!
//! `test-worker ADDRESS TASK_QUEUE` serves the activities below until SIGINT or SIGTERM,
//! printing `ready` once it polls. `TEST_WORKER_GRACE_MS` sets the graceful shutdown period.

use std::time::Duration;

use activity_runtime::payload::ByteBuf;
use activity_runtime::{
    ActivityContext, ActivityError, Compression, ConnectionConfig, Worker, activity, activity_set,
};
use serde::{Deserialize, Serialize};

/// What a resumable activity reports: where it started and who finished it.
#[derive(Serialize, Deserialize)]
struct Resumed {
    resumed_from: u64,
    attempt: u32,
    worker_pid: u32,
}

/// Works through `steps` steps of `step_ms`, heartbeating the next step after each, and
/// resumes from the last heartbeat on a retry.
#[activity]
async fn resumable(
    ctx: ActivityContext,
    steps: u64,
    step_ms: u64,
) -> Result<Resumed, ActivityError> {
    let resumed_from = ctx.last_heartbeat_details::<u64>()?.unwrap_or(0);
    for step in resumed_from..steps {
        tokio::select! {
            _ = ctx.cancelled() => return Err(ActivityError::cancelled()),
            _ = tokio::time::sleep(Duration::from_millis(step_ms)) => {}
        }
        ctx.heartbeat(&(step + 1));
    }
    Ok(Resumed {
        resumed_from,
        attempt: ctx.info().attempt,
        worker_pid: std::process::id(),
    })
}

/// The load test's unit of work.
#[activity]
async fn square(n: u64) -> u64 {
    n * n
}

/// Sleeps, then answers; the graceful-shutdown test sends many of these.
#[activity]
async fn nap(id: u64, ms: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    id
}

/// Panics on the first attempt, succeeds on the next.
#[activity]
async fn panic_once_async(ctx: ActivityContext) -> u32 {
    if ctx.info().attempt == 1 {
        panic!("async activity panicked on purpose");
    }
    ctx.info().attempt
}

/// Panics on the first attempt, succeeds on the next.
#[activity]
fn panic_once_blocking(ctx: ActivityContext) -> u32 {
    if ctx.info().attempt == 1 {
        panic!("blocking activity panicked on purpose");
    }
    ctx.info().attempt
}

/// Heartbeats until cancelled, and acknowledges the cancellation (async: at an `await`).
#[activity]
async fn until_cancelled_async(ctx: ActivityContext) -> Result<(), ActivityError> {
    loop {
        ctx.heartbeat(&"alive");
        tokio::select! {
            _ = ctx.cancelled() => return Err(ActivityError::cancelled()),
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}

/// Heartbeats until cancelled, and acknowledges the cancellation (blocking: by polling).
#[activity]
fn until_cancelled_blocking(ctx: ActivityContext) -> Result<(), ActivityError> {
    while !ctx.is_cancelled() {
        ctx.heartbeat(&"alive");
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(ActivityError::cancelled())
}

/// The first attempt heartbeats `7` and then goes silent past its heartbeat timeout; the retry
/// returns the details it finds.
#[activity]
async fn goes_silent(ctx: ActivityContext) -> Result<u64, ActivityError> {
    if let Some(last) = ctx.last_heartbeat_details::<u64>()? {
        return Ok(last);
    }
    ctx.heartbeat(&7u64);
    tokio::select! {
        _ = ctx.cancelled() => Err(ActivityError::cancelled()),
        _ = tokio::time::sleep(Duration::from_secs(60)) => Ok(0),
    }
}

/// A result of `bytes` bytes.
#[activity]
fn blob(bytes: usize) -> ByteBuf {
    ByteBuf::from(vec![b'x'; bytes])
}

/// Typed arguments, for the bad-input tests.
#[activity]
async fn typed(count: u32, label: String) -> String {
    format!("{label}:{count}")
}

/// `TEST_WORKER_COMPRESSION`: `gzip`, `none`, or unset for the default.
fn compression() -> Compression {
    match std::env::var("TEST_WORKER_COMPRESSION").as_deref() {
        Ok("gzip") => Compression::Gzip,
        Ok("none") => Compression::None,
        _ => Compression::Auto,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(address), Some(task_queue)) = (args.next(), args.next()) else {
        return Err("usage: test-worker ADDRESS TASK_QUEUE".into());
    };
    let grace = std::env::var("TEST_WORKER_GRACE_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(10), Duration::from_millis);
    let worker = Worker::builder(
        task_queue,
        activity_set![
            resumable,
            square,
            nap,
            panic_once_async,
            panic_once_blocking,
            until_cancelled_async,
            until_cancelled_blocking,
            goes_silent,
            blob,
            typed
        ],
    )
    .connection(ConnectionConfig::new(&address)?.compression(compression()))
    .max_concurrent_activities(200)
    .graceful_shutdown_period(grace)
    .build()
    .await?;
    println!("ready");
    worker.run_until_signal().await?;
    println!("stopped");
    Ok(())
}
