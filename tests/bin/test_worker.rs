//! A worker process for the reliability tests, which kill, signal and restart it.
//!
//! `test-worker ADDRESS TASK_QUEUE` serves the activities below until SIGINT or SIGTERM,
//! printing `ready` once it polls; ADDRESS `-` connects as Temporal's environment says
//! (`TEMPORAL_*`, `temporal.toml`), TLS and API key included. `TEST_WORKER_ENCRYPTION_KEY`
//! (32 bytes) encrypts every payload with the encryption codec, key id `test-worker`, and
//! `TEST_WORKER_TRACE` logs everything, the Temporal crates' too, at trace level to stderr.
//! `TEST_WORKER_GRACE_MS` and `TEST_WORKER_ABANDON_MS` set the graceful shutdown and abandon
//! periods; with `TEST_WORKER_RECORDS` set to a directory, each attempt's start and finish are
//! recorded there (`tests/support/records.rs` reads them). `TEST_WORKER_CORE_THREAD=off` keeps
//! Temporal Core on the process's runtime; `TEST_WORKER_DROP_ONE_FIRST` builds a worker and
//! drops it unrun before the one that serves; `TEST_WORKER_PANIC_ON_CORE_THREAD` installs a
//! tracing layer that panics on the first event the worker logs on Core's thread, as a buggy
//! subscriber or exporter would. It prints `stopped`, or `stopped: ERROR` and exits with 1.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use activity_runtime::connection::Compression;
use activity_runtime::payload::ByteBuf;
use activity_runtime::payload::codec::EncryptionCodec;
use activity_runtime::worker::WorkerBuilder;
use activity_runtime::{
    ActivityContext, ActivityError, ConnectionConfig, Worker, activity, activity_set,
};
use serde::{Deserialize, Serialize};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// What a resumable activity reports: where it started and who finished it.
#[derive(Serialize, Deserialize)]
struct Resumed {
    resumed_from: u64,
    attempt: u32,
    worker_pid: u32,
}

/// Appends `event` of the current attempt to this process's record file, when records are on.
/// One `write` per line, in append mode, so that lines never interleave.
fn record(ctx: &ActivityContext, event: &str) {
    record_with(ctx, event, "");
}

/// Records that the attempt saw its cancellation, with the reason, and returns the
/// cancellation it acknowledges.
fn cancelled(ctx: &ActivityContext) -> ActivityError {
    let reason = ctx
        .cancellation_details()
        .map(|details| details.reason())
        .unwrap_or_default();
    record_with(ctx, "cancelled", &reason);
    ActivityError::cancelled()
}

/// As [`record`], with `detail` at the end of the line.
fn record_with(ctx: &ActivityContext, event: &str, detail: &str) {
    let Some(dir) = std::env::var_os("TEST_WORKER_RECORDS") else {
        return;
    };
    let path = PathBuf::from(dir).join(format!("{}.log", std::process::id()));
    let line = format!(
        "{event} {} {} {} {detail}\n",
        ctx.info().activity_id,
        ctx.info().attempt,
        std::process::id()
    );
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .expect("the record file is writable");
}

/// Works through `steps` steps of `step_ms`, heartbeating the next step after each, and
/// resumes from the last heartbeat on a retry.
#[activity]
async fn resumable(
    ctx: ActivityContext,
    steps: u64,
    step_ms: u64,
) -> Result<Resumed, ActivityError> {
    record(&ctx, "started");
    let resumed_from = ctx.last_heartbeat_details::<u64>()?.unwrap_or(0);
    for step in resumed_from..steps {
        tokio::select! {
            _ = ctx.cancelled() => return Err(cancelled(&ctx)),
            _ = tokio::time::sleep(Duration::from_millis(step_ms)) => {}
        }
        ctx.heartbeat(&(step + 1));
    }
    record(&ctx, "finished");
    Ok(Resumed {
        resumed_from,
        attempt: ctx.info().attempt,
        worker_pid: std::process::id(),
    })
}

/// The load test's unit of work: it takes `ms`, so that a kill finds some in flight.
#[activity]
async fn square(ctx: ActivityContext, n: u64, ms: u64) -> u64 {
    record(&ctx, "started");
    tokio::time::sleep(Duration::from_millis(ms)).await;
    record(&ctx, "finished");
    n * n
}

/// Waits until the file `gate` exists, then answers with its process id; the server-restart
/// test opens the gate only once it has seen every activity start, the SIGTERM test once each
/// has seen the worker's shutdown begin, which it records.
#[activity]
async fn gated(ctx: ActivityContext, gate: String) -> Result<u32, ActivityError> {
    record(&ctx, "started");
    let mut saw_shutdown = false;
    while !std::path::Path::new(&gate).exists() {
        tokio::select! {
            _ = ctx.cancelled() => return Err(cancelled(&ctx)),
            () = ctx.worker_shutdown(), if !saw_shutdown => {
                record(&ctx, "shutdown");
                saw_shutdown = true;
            }
            _ = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
    record(&ctx, "finished");
    Ok(std::process::id())
}

/// On its first attempt, heartbeats once and then ignores its cancellation for a minute, as a
/// careless async activity does, though it records when it sees the worker's shutdown begin; a
/// later attempt answers at once with its process id.
#[activity]
async fn ignores_cancellation(ctx: ActivityContext) -> u32 {
    record(&ctx, "started");
    if ctx.info().attempt == 1 {
        ctx.heartbeat(&"started");
        let deaf = tokio::time::sleep(Duration::from_secs(60));
        tokio::pin!(deaf);
        tokio::select! {
            () = &mut deaf => {}
            () = ctx.worker_shutdown() => {
                record(&ctx, "shutdown");
                deaf.await;
            }
        }
    }
    record(&ctx, "finished");
    std::process::id()
}

/// On its first attempt, heartbeats once and then sleeps for a minute on its thread, deaf to
/// everything; a later attempt answers at once with its process id.
#[activity]
fn sleeps_blocking(ctx: ActivityContext) -> u32 {
    record(&ctx, "started");
    if ctx.info().attempt == 1 {
        ctx.heartbeat(&"started");
        std::thread::sleep(Duration::from_secs(60));
    }
    record(&ctx, "finished");
    std::process::id()
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
            _ = ctx.cancelled() => return Err(cancelled(&ctx)),
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
    Err(cancelled(&ctx))
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

/// Arrays within arrays, as deep as the caller nests them.
#[derive(serde::Deserialize)]
struct Nested(Vec<Nested>);

impl Nested {
    fn depth(&self) -> u32 {
        1 + self.0.iter().map(Nested::depth).max().unwrap_or(0)
    }
}

#[activity]
fn depth_of(tree: Nested) -> u32 {
    tree.depth()
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

/// Panics on the first event that the worker logs on Temporal Core's thread.
struct PanicOnCoreThread(std::sync::atomic::AtomicBool);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for PanicOnCoreThread {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let on_core_thread = std::thread::current().name() == Some("temporal-core");
        if on_core_thread
            && event.metadata().target().starts_with("activity_runtime")
            && !self.0.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            panic!("a tracing layer panicked on Temporal Core's thread, on purpose");
        }
    }
}

/// `TEST_WORKER_COMPRESSION`: `gzip`, `none`, or unset for the default.
fn compression() -> Compression {
    match std::env::var("TEST_WORKER_COMPRESSION").as_deref() {
        Ok("gzip") => Compression::Gzip,
        Ok("none") => Compression::None,
        _ => Compression::Auto,
    }
}

/// A duration in milliseconds from the environment variable `name`.
fn milliseconds(name: &str) -> Option<Duration> {
    let ms = std::env::var(name).ok()?;
    Some(Duration::from_millis(
        ms.parse().expect("a number of milliseconds"),
    ))
}

/// On a multi-thread runtime, or a current-thread one with `TEST_WORKER_RUNTIME=current`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = match std::env::var("TEST_WORKER_RUNTIME").as_deref() {
        Ok("current") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()?;
    runtime.block_on(serve())
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(address), Some(task_queue)) = (args.next(), args.next()) else {
        return Err("usage: test-worker ADDRESS TASK_QUEUE".into());
    };
    if std::env::var_os("TEST_WORKER_TRACE").is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
    } else if std::env::var_os("TEST_WORKER_PANIC_ON_CORE_THREAD").is_some() {
        tracing_subscriber::registry()
            .with(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with(PanicOnCoreThread(Default::default()))
            .init();
    }
    let grace = milliseconds("TEST_WORKER_GRACE_MS").unwrap_or(Duration::from_secs(10));
    let abandon = milliseconds("TEST_WORKER_ABANDON_MS").unwrap_or(Duration::from_secs(5));
    let connection = match address.as_str() {
        "-" => ConnectionConfig::from_env()?,
        address => ConnectionConfig::new(address)?,
    };
    // Unset: the builder's default, which depends on the runtime.
    let core_thread = match std::env::var("TEST_WORKER_CORE_THREAD").as_deref() {
        Ok("on") => Some(true),
        Ok("off") => Some(false),
        _ => None,
    };
    let with_core_thread = |builder: WorkerBuilder| match core_thread {
        Some(own_thread) => builder.core_thread(own_thread),
        None => builder,
    };
    if std::env::var_os("TEST_WORKER_DROP_ONE_FIRST").is_some() {
        let unrun = with_core_thread(
            Worker::builder(&task_queue, activity_set![nap]).connection(connection.clone()),
        )
        .build()
        .await?;
        drop(unrun);
    }
    let mut worker = with_core_thread(Worker::builder(
        task_queue,
        activity_set![
            resumable,
            square,
            gated,
            ignores_cancellation,
            sleeps_blocking,
            nap,
            panic_once_async,
            panic_once_blocking,
            until_cancelled_async,
            until_cancelled_blocking,
            goes_silent,
            blob,
            depth_of,
            typed
        ],
    ))
    .connection(connection.compression(compression()))
    .max_concurrent_activities(200)
    .graceful_shutdown_period(grace)
    .shutdown_abandon_period(abandon);
    if let Ok(key) = std::env::var("TEST_WORKER_ENCRYPTION_KEY") {
        worker = worker.codec(EncryptionCodec::new("test-worker", key.as_bytes())?);
    }
    let worker = worker.build().await?;
    println!("ready");
    if let Err(error) = worker.run_until_signal().await {
        println!("stopped: {error}");
        std::process::exit(1);
    }
    println!("stopped");
    Ok(())
}
