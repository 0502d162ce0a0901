//! Faults a production worker meets, each against the real dev server with real worker
//! processes: a crash mid-activity, panics, a silent activity, cancellation by a workflow, and
//! SIGTERM during in-flight work. Nothing may be lost.

use std::time::Duration;

use crate::support::calls::{self, client, options, result_within, start};
use crate::support::process::scratch_path;
use crate::support::records::{Event, Records};
use crate::support::server;
use crate::support::worker_process::WorkerProcess;
use activity_runtime::client::StartedActivity;
use serde::Deserialize;

/// Long enough for any retry here; a result that takes longer is a failure, not a hang.
const RESULT_LIMIT: Duration = Duration::from_secs(90);

#[derive(Debug, Deserialize)]
struct Resumed {
    resumed_from: u64,
    attempt: u32,
    worker_pid: u32,
}

/// A kill while the activity is in flight, by its records: it has 10 s of work, which no start
/// of the second worker outlasts, and the records show it started and unfinished on the killed
/// worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_activity_hands_it_to_the_other_which_resumes_from_the_last_heartbeat()
{
    let queue = server::task_queue("killed");
    let records = Records::new("killed");
    let first = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);
    let first_pid = first.pid();
    let client = client().await;
    let activity = start::<Resumed>(
        &client,
        "resumable",
        (100u64, 100u64),
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
    let second = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);
    first.kill();
    let id = activity.handle().activity_id().to_string();
    assert_eq!(
        records.unfinished_on(first_pid),
        [(id, 1)],
        "the kill cut the first attempt short"
    );

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

/// A Python workflow cancels each; the workflow sees the cancellation, and so did the activity,
/// by its record, with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_cancels_heartbeating_activities_async_and_blocking() {
    let queue = server::task_queue("cancel");
    let records = Records::new("cancel");
    let _worker = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);
    for (n, activity) in ["until_cancelled_async", "until_cancelled_blocking"]
        .into_iter()
        .enumerate()
    {
        let report: CancelReport =
            crate::support::peers::python("cancel_rust_activity.py", &[&queue, activity]).await;
        assert_eq!(
            report,
            CancelReport {
                cancelled: true,
                cause: "CancelledError".into()
            },
            "{activity}"
        );
        let seen = records.until(Event::Cancelled, n + 1).await;
        assert_eq!(
            seen.last().map(|record| record.detail.trim()),
            Some("cancel requested"),
            "{activity} saw its cancellation: {seen:?}"
        );
    }
}

/// SIGTERM with 50 activities provably in flight, by the worker's records: 25 wait at a gate
/// that opens only once each has seen the shutdown begin, and so finish within the grace
/// period; 25 work for 8 s, outlast the 3 s grace period, see their cancellation with the
/// reason "worker shutdown", and are handed back to a second worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_fifty_in_flight_activities_loses_none_and_completes_each_once() {
    const EACH: usize = 25;
    let queue = server::task_queue("sigterm");
    let records = Records::new("sigterm");
    let gate = scratch_path(&format!("sigterm-gate-{}", std::process::id()));
    let _ = std::fs::remove_file(&gate);
    let gate_path = gate.to_str().expect("a UTF-8 scratch dir").to_string();
    let mut first = WorkerProcess::start_with(
        server::address(),
        &queue,
        &[("TEST_WORKER_GRACE_MS", "3000"), records.env()],
    );
    let first_pid = first.pid();
    let client = client().await;
    let mut short = Vec::new();
    let mut long = Vec::new();
    for _ in 0..EACH {
        let per_attempt = Duration::from_secs(60);
        short.push(
            start::<u32>(
                &client,
                "gated",
                (gate_path.clone(),),
                options(&queue, per_attempt, None, 10),
            )
            .await,
        );
        long.push(
            start::<Resumed>(
                &client,
                "resumable",
                (80u64, 100u64),
                options(&queue, per_attempt, Some(Duration::from_secs(5)), 10),
            )
            .await,
        );
    }
    records.until(Event::Started, 2 * EACH).await;
    first.signal(libc::SIGTERM);
    // The gated ones see the shutdown begin, and only then may they finish.
    records.until(Event::Shutdown, EACH).await;
    std::fs::write(&gate, "").expect("the gate opens");
    let status = first.wait_within(Duration::from_secs(30));
    assert!(
        status.success(),
        "the worker shuts down cleanly on SIGTERM: {status}"
    );
    let second = WorkerProcess::start_with(server::address(), &queue, &[records.env()]);

    for activity in &short {
        let pid = result_within(activity, RESULT_LIMIT)
            .await
            .expect("every gated activity completes");
        assert_eq!(pid, first_pid, "finished within the grace period");
    }
    for activity in &long {
        let resumed = result_within(activity, RESULT_LIMIT)
            .await
            .expect("every long activity completes");
        assert_eq!(resumed.worker_pid, second.pid(), "handed back: {resumed:?}");
        assert!(
            resumed.resumed_from > 0,
            "resumed from its heartbeats: {resumed:?}"
        );
    }
    // What ran, by the workers' own records: every activity ran to its end exactly once, and
    // each long one saw its cancellation on the first worker, for the shutdown.
    let (short, long) = (ids(&short), ids(&long));
    let finished = records.count_by_activity(Event::Finished);
    for id in short.iter().chain(&long) {
        assert_eq!(finished.get(id), Some(&1), "{id} ran to its end once");
    }
    let cancellations = records.of(Event::Cancelled);
    for id in long {
        let cancelled = cancellations
            .iter()
            .filter(|record| record.activity_id == id)
            .collect::<Vec<_>>();
        assert!(
            matches!(&cancelled[..], [record] if record.pid == first_pid && record.detail.trim() == "worker shutdown"),
            "{id} was cancelled once, on the first worker, for its shutdown: {cancelled:?}"
        );
    }
    println!(
        "sigterm: 50 in flight: {EACH} finished within the 3 s grace period, {EACH} cancelled \
         with \"worker shutdown\" and completed on the other worker, 0 lost, 0 run to their end \
         twice (by execution records)"
    );
}

/// The activity ids of `activities`.
fn ids<T>(activities: &[StartedActivity<T>]) -> Vec<String> {
    activities
        .iter()
        .map(|activity| activity.handle().activity_id().to_string())
        .collect()
}
