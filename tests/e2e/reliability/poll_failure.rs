//! Polling fails for good (here: the worker's namespace is deleted under it). The worker stops
//! polling, and still cancels its attempts in flight and ends them within the same bounds as a
//! shutdown, so `run` returns the poll error instead of waiting forever for an activity that
//! ignores its cancellation.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::calls::options;
use crate::support::deadline::within;
use crate::support::{cli, server};
use activity_runtime::worker::WorkerError;
use activity_runtime::{ActivityContext, ConnectionConfig, Worker, activity, activity_set};

static STARTED: AtomicBool = AtomicBool::new(false);
static SAW_CANCELLATION: AtomicBool = AtomicBool::new(false);
static DROPPED: AtomicBool = AtomicBool::new(false);

/// Sets `DROPPED` when the activity's future is dropped.
struct DropFlag;

impl Drop for DropFlag {
    fn drop(&mut self) {
        DROPPED.store(true, Ordering::SeqCst);
    }
}

/// Notes its cancellation, but goes on regardless for ten minutes.
#[activity]
async fn stubborn(ctx: ActivityContext) {
    let _flag = DropFlag;
    STARTED.store(true, Ordering::SeqCst);
    for _ in 0..6_000 {
        if ctx.is_cancelled() {
            SAW_CANCELLATION.store(true, Ordering::SeqCst);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs the Temporal CLI's `operator namespace` with `args` against the dev server.
fn namespace(args: &[&str]) {
    cli::run(&[&["operator", "namespace"], args].concat());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_polling_fails_the_worker_still_ends_its_attempts_and_returns_the_error() {
    let name = server::task_queue("doomed");
    let create = name.clone();
    tokio::task::spawn_blocking(move || namespace(&["create", "--namespace", &create]))
        .await
        .unwrap();
    let connection = ConnectionConfig::new(server::address())
        .unwrap()
        .namespace(name.clone());
    let (grace, abandon) = (Duration::from_secs(1), Duration::from_secs(1));
    let worker = server::start_worker_on(
        Worker::builder(&name, activity_set![stubborn])
            .connection(connection.clone())
            .graceful_shutdown_period(grace)
            .shutdown_abandon_period(abandon),
    )
    .await;
    let client = crate::support::calls::client_of(connection).await;
    let _activity = crate::support::calls::start::<()>(
        &client,
        "stubborn",
        (),
        options(&name, Duration::from_secs(600), None, 1),
    )
    .await;
    within(Duration::from_secs(30), "the activity's start", async {
        while !STARTED.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;

    let deleted = Instant::now();
    let delete = name.clone();
    tokio::task::spawn_blocking(move || namespace(&["delete", "--namespace", &delete, "--yes"]))
        .await
        .unwrap();
    // The deletion takes effect within a minute or so, and Core then tolerates fatal poll
    // errors for another minute before it gives up: about two minutes here.
    let error = worker
        .finished_within(Duration::from_secs(240))
        .await
        .expect_err("run returns the poll error");
    assert!(matches!(error, WorkerError::Poll { .. }), "{error:?}");
    assert!(
        SAW_CANCELLATION.load(Ordering::SeqCst),
        "the attempt was cancelled after the grace period"
    );
    assert!(
        DROPPED.load(Ordering::SeqCst),
        "the attempt was dropped after the abandon period"
    );
    println!(
        "poll failure: the namespace was deleted; run returned {:.1} s later: {error}",
        deleted.elapsed().as_secs_f64()
    );
}
