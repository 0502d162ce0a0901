//! A shutdown always ends. Worker processes against the real dev server: SIGTERM while one
//! async activity ignores its cancellation and one blocking activity sleeps for a minute; the
//! process exits within its grace and abandon periods, and the other worker completes both at
//! once, because they were reported as failed (`WorkerShutdown`) instead of left to time out.
//! A second signal during the graceful shutdown exits at once, with the usual status.

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::support::calls::{client, options, result_within, start};
use crate::support::deadline::within;
use crate::support::records::{Event, Records};
use crate::support::server;
use crate::support::worker_process::WorkerProcess;
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{ActivityContext, activity, activity_set};

/// Waits until the workers' records show that each of `activities` has started.
async fn until_started(records: &Records, activities: &[&str]) {
    within(Duration::from_secs(60), "the activities' start", async {
        while records.count_by_activity(Event::Started).len() < activities.len() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_a_worker_whose_activities_ignore_it_and_the_other_worker_completes_them() {
    let queue = server::task_queue("shutdown-bounded");
    let records = Records::new("shutdown-bounded");
    let (grace, abandon) = (Duration::from_secs(1), Duration::from_secs(1));
    let mut first = WorkerProcess::start_with(
        server::address(),
        &queue,
        &[
            ("TEST_WORKER_GRACE_MS", "1000"),
            ("TEST_WORKER_ABANDON_MS", "1000"),
            records.env(),
        ],
    );
    let client = client().await;
    // Two minutes per attempt: a retry that waited for the timeout would fail this test.
    let per_attempt = Duration::from_secs(120);
    let careless = start::<u32>(
        &client,
        "ignores_cancellation",
        (),
        options(&queue, per_attempt, None, 3),
    )
    .await;
    let sleeper = start::<u32>(
        &client,
        "sleeps_blocking",
        (),
        options(&queue, per_attempt, None, 3),
    )
    .await;
    until_started(&records, &["ignores_cancellation", "sleeps_blocking"]).await;
    let second = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);

    let signalled = Instant::now();
    first.signal(libc::SIGTERM);
    let status = first.wait_within(grace + abandon + Duration::from_secs(5));
    let exited_after = signalled.elapsed();
    assert!(status.success(), "the worker exits cleanly: {status}");

    for (name, activity) in [
        ("ignores_cancellation", &careless),
        ("sleeps_blocking", &sleeper),
    ] {
        let pid = result_within(activity, Duration::from_secs(20))
            .await
            .unwrap_or_else(|error| panic!("{name} completes: {error}"));
        assert_eq!(
            pid,
            second.pid(),
            "{name} was completed by the other worker"
        );
    }
    let records = records.read();
    assert!(
        records
            .iter()
            .all(|record| record.pid != first.pid() || record.event != Event::Finished),
        "nothing ran to its end on the first worker: {records:?}"
    );
    println!(
        "shutdown: SIGTERM with an async activity that ignores cancellation and a blocking one \
         asleep for 60 s; grace {grace:?}, abandon {abandon:?}: the worker exited after {:.1} s, \
         and the other worker completed both",
        exited_after.as_secs_f64()
    );
}

/// Sends `first`, waits until an activity in flight has seen the shutdown begin, sends
/// `second`, and returns the exit status.
async fn signalled_twice(test: &str, first: libc::c_int, second: libc::c_int) -> ExitStatus {
    let queue = server::task_queue(test);
    let records = Records::new(test);
    let mut worker = WorkerProcess::start_with(
        server::address(),
        &queue,
        &[("TEST_WORKER_GRACE_MS", "60000"), records.env()],
    );
    let client = client().await;
    let _careless = start::<u32>(
        &client,
        "ignores_cancellation",
        (),
        options(&queue, Duration::from_secs(120), None, 1),
    )
    .await;
    until_started(&records, &["ignores_cancellation"]).await;

    worker.signal(first);
    records.until(Event::Shutdown, 1).await;
    assert!(
        worker.is_running(),
        "the first signal begins a graceful shutdown of a minute"
    );
    worker.signal(second);
    worker.wait_within(Duration::from_secs(5))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_during_the_graceful_shutdown_exits_at_once() {
    let status = signalled_twice("shutdown-twice", libc::SIGINT, libc::SIGTERM).await;
    assert_eq!(status.code(), Some(143), "128 + SIGTERM: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sigint_exits_at_once_with_130() {
    let status = signalled_twice("shutdown-sigint-twice", libc::SIGINT, libc::SIGINT).await;
    assert_eq!(status.code(), Some(130), "128 + SIGINT: {status}");
}

/// Ignores everything for a minute, on the async executor.
#[activity]
async fn deaf_async(ctx: ActivityContext) {
    ctx.heartbeat(&"started");
    tokio::time::sleep(Duration::from_secs(60)).await;
}

/// Ignores everything for a minute, on its thread.
#[activity]
fn deaf_blocking(ctx: ActivityContext) {
    ctx.heartbeat(&"started");
    std::thread::sleep(Duration::from_secs(60));
}

/// The same deadline in the test environment, which runs the worker's own attempt code.
#[tokio::test]
async fn the_environment_abandons_attempts_that_outlive_the_shutdown_periods() {
    let env = ActivityEnvironment::builder(activity_set![deaf_async, deaf_blocking])
        .graceful_shutdown_period(Duration::from_millis(200))
        .shutdown_abandon_period(Duration::from_millis(200))
        .build()
        .unwrap();
    let shut_down = async {
        env.heartbeated(2).await;
        env.shutdown_worker();
    };
    let (deaf_async, deaf_blocking, ()) = within(
        Duration::from_secs(5),
        "the abandoned attempts' outcomes",
        async {
            tokio::join!(
                env.run(deaf_async::ACTIVITY, ()),
                env.run(deaf_blocking::ACTIVITY, ()),
                shut_down
            )
        },
    )
    .await;
    for error in [deaf_async.unwrap_err(), deaf_blocking.unwrap_err()] {
        assert_eq!(error.error_type(), "WorkerShutdown");
        assert!(!error.is_non_retryable());
        assert!(
            error
                .message()
                .contains("was abandoned by a worker that shut down"),
            "{}",
            error.message()
        );
    }
}
