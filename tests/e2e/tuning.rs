//! The tuning and versioning Core offers, on the real server: a burst served by
//! resource-based slots and autoscaling pollers, heartbeat details that reach callers as often
//! as the throttle says, a worker that belongs to a deployment version, and one that shares a
//! client the process already has.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use activity_runtime::worker::{PollerAutoscaling, ResourceBasedSlots, WorkerDeployment};
use activity_runtime::{ActivityContext, State, Worker, activity, activity_set};
use temporalio_client::ActivityDescribeOptions;

use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::{cli, server};

/// How many bursty activities run at this moment, and the most that ever did.
#[derive(Default)]
struct Concurrency {
    running: AtomicUsize,
    peak: AtomicUsize,
    executions: Mutex<Vec<u32>>,
}

#[activity]
async fn bursty(concurrency: State<Concurrency>, n: u32) -> u32 {
    let now = concurrency.running.fetch_add(1, Ordering::SeqCst) + 1;
    concurrency.peak.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    concurrency.running.fetch_sub(1, Ordering::SeqCst);
    concurrency.executions.lock().unwrap().push(n);
    n * 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_runs_once_each_within_resource_based_slots_and_autoscaled_pollers() {
    const BURST: u32 = 120;
    const MAX_SLOTS: usize = 16;
    let concurrency = Arc::new(Concurrency::default());
    let queue = server::task_queue("burst");
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![bursty])
            .shared_state(Arc::clone(&concurrency))
            .resource_based_slots(
                ResourceBasedSlots::new(1.0, 1.0)
                    .min_slots(2)
                    .max_slots(MAX_SLOTS)
                    .ramp_throttle(Duration::from_millis(10)),
            )
            .poller_autoscaling(PollerAutoscaling::new().minimum(1).initial(2).maximum(10)),
    )
    .await;
    let client = calls::client().await;
    let mut started = Vec::new();
    for n in 0..BURST {
        started.push(
            start::<u32>(
                &client,
                "bursty",
                (n,),
                options(&queue, Duration::from_secs(60), None, 1),
            )
            .await,
        );
    }
    for (n, activity) in started.iter().enumerate() {
        let result = result_within(activity, Duration::from_secs(120)).await;
        assert_eq!(result.expect("the activity completes"), n as u32 * 2);
    }
    let mut executions = concurrency.executions.lock().unwrap().clone();
    executions.sort_unstable();
    assert_eq!(executions, (0..BURST).collect::<Vec<_>>(), "each ran once");
    let peak = concurrency.peak.load(Ordering::SeqCst);
    println!("burst of {BURST}: at most {peak} at once, of {MAX_SLOTS} slots");
    assert!(peak <= MAX_SLOTS, "{peak} ran at once, over {MAX_SLOTS}");
    assert!(peak > 2, "the slots grew past the minimum: {peak}");
    running.stop().await;
}

#[activity]
async fn progress(ctx: ActivityContext, steps: u32) -> u32 {
    for step in 1..=steps {
        ctx.heartbeat(&step);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    steps
}

/// Without a heartbeat timeout, Core sends a heartbeat at most every 30 s by default: a caller
/// reading the progress would see the first step only. A shorter default interval lets it see
/// the progress as it goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_heartbeat_throttle_interval_sets_how_often_progress_reaches_callers() {
    let queue = server::task_queue("throttle");
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![progress])
            .default_heartbeat_throttle_interval(Duration::from_millis(100))
            .max_heartbeat_throttle_interval(Duration::from_millis(500)),
    )
    .await;
    let client = calls::client().await;
    let activity = start::<u32>(
        &client,
        "progress",
        (150u32,),
        options(&queue, Duration::from_secs(60), None, 1),
    )
    .await;
    let describe = ActivityDescribeOptions::builder()
        .include_heartbeat_details(true)
        .build();
    let mut seen = Vec::new();
    within(
        Duration::from_secs(30),
        "three distinct progress reports",
        async {
            while seen.len() < 3 {
                let description = activity
                    .handle()
                    .describe(describe.clone())
                    .await
                    .expect("describe");
                let step: Option<u32> = description
                    .heartbeat_details()
                    .await
                    .expect("the details decode");
                if let Some(step) = step
                    && seen.last() != Some(&step)
                {
                    seen.push(step);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        },
    )
    .await;
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "{seen:?}");
    assert_eq!(
        result_within(&activity, Duration::from_secs(30))
            .await
            .unwrap(),
        150
    );
    running.stop().await;
}

#[activity]
async fn versioned() -> String {
    "served by v1".to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_versioned_worker_serves_once_its_version_is_the_deployments_current() {
    let queue = server::task_queue("versioned");
    let deployment = format!("billing-{queue}");
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![versioned])
            .deployment(WorkerDeployment::new(&deployment, "v1")),
    )
    .await;
    let described = within(
        Duration::from_secs(60),
        "the server's record of the version",
        async {
            loop {
                let name = deployment.clone();
                let described = tokio::task::spawn_blocking(move || {
                    cli::try_run(&[
                        "worker",
                        "deployment",
                        "describe",
                        "--name",
                        &name,
                        "-o",
                        "json",
                    ])
                })
                .await
                .expect("the CLI ran");
                if let Some(described) = described.filter(|text| text.contains("\"v1\"")) {
                    return described;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        },
    )
    .await;
    println!("{described}");
    let name = deployment.clone();
    tokio::task::spawn_blocking(move || {
        cli::try_run(&[
            "worker",
            "deployment",
            "set-current-version",
            "--deployment-name",
            &name,
            "--build-id",
            "v1",
            "--yes",
        ])
        .expect("the version becomes current")
    })
    .await
    .expect("the CLI ran");
    let client = calls::client().await;
    let activity = start::<String>(
        &client,
        "versioned",
        (),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        result_within(&activity, Duration::from_secs(60))
            .await
            .expect("served"),
        "served by v1"
    );
    running.stop().await;
}

#[activity]
async fn shared() -> String {
    "on the caller's connection".to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_on_a_client_the_process_already_has_serves_on_its_connection() {
    let queue = server::task_queue("shared-client");
    let client = calls::client().await;
    // Connected where the builder says: on the client's connection, and nowhere else.
    let running =
        server::start_worker_on(Worker::builder(&queue, activity_set![shared]).client(&client))
            .await;
    let activity = start::<String>(
        &client,
        "shared",
        (),
        options(&queue, Duration::from_secs(10), None, 1),
    )
    .await;
    assert_eq!(
        result_within(&activity, Duration::from_secs(30))
            .await
            .expect("served"),
        "on the caller's connection".to_string()
    );
    running.stop().await;
}
