//! Faults a production worker meets, each against the real dev server with real worker
//! processes: a crash mid-activity, panics, a silent activity, cancellation by a workflow, and
//! SIGTERM during in-flight work. Nothing may be lost.

use std::time::Duration;

use crate::support::calls::{self, client, options, result_within, start};
use crate::support::records::{Event, Records};
use crate::support::server;
use crate::support::worker_process::WorkerProcess;
use serde::Deserialize;

/// Long enough for any retry here; a result that takes longer is a failure, not a hang.
const RESULT_LIMIT: Duration = Duration::from_secs(90);

#[derive(Debug, Deserialize)]
struct Resumed {
    resumed_from: u64,
    attempt: u32,
    worker_pid: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_activity_hands_it_to_the_other_which_resumes_from_the_last_heartbeat()
{
    let queue = server::task_queue("killed");
    let first = WorkerProcess::start(server::address(), &queue);
    let client = client().await;
    let activity = start::<Resumed>(
        &client,
        "resumable",
        (30u64, 100u64),
        options(
            &queue,
            Duration::from_secs(60),
            Some(Duration::from_secs(2)),
            5,
        ),
    )
    .await;
    // Running on the only worker, with progress on record at the server.
    calls::until_heartbeated(&activity).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = WorkerProcess::start(server::address(), &queue);
    first.kill();

    let resumed = result_within(&activity, RESULT_LIMIT)
        .await
        .expect("the activity completes on the other worker");
    assert_eq!(resumed.worker_pid, second.pid());
    assert_eq!(resumed.attempt, 2, "retried after the heartbeat timeout");
    assert!(
        resumed.resumed_from > 0,
        "resumed from the last heartbeat, not from zero: {resumed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_a_retryable_failure_and_the_next_attempt_succeeds() {
    let queue = server::task_queue("panics");
    let _worker = WorkerProcess::start(server::address(), &queue);
    let client = client().await;
    for name in ["panic_once_async", "panic_once_blocking"] {
        let activity = start::<u32>(
            &client,
            name,
            (),
            options(&queue, Duration::from_secs(10), None, 3),
        )
        .await;
        assert_eq!(
            result_within(&activity, RESULT_LIMIT)
                .await
                .expect("the second attempt succeeds"),
            2,
            "{name}"
        );
    }
    // The same worker process is still serving.
    let square = start::<u64>(
        &client,
        "square",
        (12u64, 0u64),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(result_within(&square, RESULT_LIMIT).await.unwrap(), 144);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_that_stops_heartbeating_is_timed_out_and_retried_with_its_last_details() {
    let queue = server::task_queue("silent");
    let _worker = WorkerProcess::start(server::address(), &queue);
    let client = client().await;
    let activity = start::<u64>(
        &client,
        "goes_silent",
        (),
        options(
            &queue,
            Duration::from_secs(60),
            Some(Duration::from_secs(1)),
            3,
        ),
    )
    .await;
    assert_eq!(
        result_within(&activity, RESULT_LIMIT)
            .await
            .expect("the retry completes"),
        7
    );
}

#[derive(Debug, Deserialize, PartialEq)]
struct CancelReport {
    cancelled: bool,
    cause: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_cancels_heartbeating_activities_async_and_blocking() {
    let queue = server::task_queue("cancel");
    let _worker = WorkerProcess::start(server::address(), &queue);
    for activity in ["until_cancelled_async", "until_cancelled_blocking"] {
        let report: CancelReport =
            crate::support::python::run("cancel_rust_activity.py", &[&queue, activity]).await;
        assert_eq!(
            report,
            CancelReport {
                cancelled: true,
                cause: "CancelledError".into()
            },
            "{activity}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_fifty_in_flight_activities_loses_none_and_completes_each_once() {
    let queue = server::task_queue("sigterm");
    let records = Records::new("sigterm");
    // A short grace period, so that some activities finish in it and the rest are handed back.
    let first = WorkerProcess::start_with(
        server::address(),
        &queue,
        &[("TEST_WORKER_GRACE_MS", "1000"), records.env()],
    );
    let client = client().await;
    let mut activities = Vec::new();
    for id in 0..50u64 {
        // Half finish within the grace period; half outlast it and must be handed back.
        let (steps, step_ms) = if id % 2 == 0 {
            (5u64, 100u64)
        } else {
            (40, 100)
        };
        let activity = start::<Resumed>(
            &client,
            "resumable",
            (steps, step_ms),
            options(
                &queue,
                Duration::from_secs(60),
                Some(Duration::from_secs(5)),
                10,
            ),
        )
        .await;
        activities.push(activity);
    }
    for activity in &activities {
        calls::until_heartbeated(activity).await;
    }
    let first_pid = first.pid();
    let status = first.terminate_within(Duration::from_secs(30));
    assert!(
        status.success(),
        "the worker shuts down cleanly on SIGTERM: {status}"
    );
    let second = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);

    let mut handed_back = 0;
    for activity in &activities {
        let resumed = result_within(activity, RESULT_LIMIT)
            .await
            .expect("every activity completes");
        if resumed.worker_pid == second.pid() {
            handed_back += 1;
        }
    }
    // What ran, by the workers' own records: every activity started on the first worker, and
    // ran to its end exactly once, on one worker or the other.
    let records = records.read();
    let ids = activities
        .iter()
        .map(|activity| activity.handle().activity_id().to_string())
        .collect::<Vec<_>>();
    for id in &ids {
        let of_id = records.iter().filter(|record| &record.activity_id == id);
        let finished = of_id
            .clone()
            .filter(|record| record.event == Event::Finished)
            .collect::<Vec<_>>();
        assert_eq!(finished.len(), 1, "{id} ran to its end once: {finished:?}");
        assert!(
            of_id
                .clone()
                .any(|record| record.event == Event::Started && record.pid == first_pid),
            "{id} was in flight on the first worker"
        );
    }
    let retried_on_second = records
        .iter()
        .filter(|record| record.event == Event::Finished && record.pid == second.pid())
        .count();
    assert_eq!(
        retried_on_second, handed_back,
        "the callers and the records agree"
    );
    println!(
        "sigterm: 50 in flight, {} finished within the 1 s grace period, {handed_back} handed back \
         and completed on the other worker, 0 lost, 0 run to their end twice (by execution records)",
        50 - handed_back
    );
    assert!(
        handed_back > 0,
        "some outlasted the grace period and were retried elsewhere"
    );
    assert!(handed_back < 50, "some finished within the grace period");
}
