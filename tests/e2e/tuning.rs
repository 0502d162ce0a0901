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

/// What Core's gauges showed of the activity worker during a burst, scraped from its
/// Prometheus endpoint.
#[derive(Debug, Default)]
struct Gauges {
    /// Every distinct value of `temporal_num_pollers` for activity polls (the polls open at
    /// that moment), in order.
    pollers: Vec<f64>,
    /// The highest `temporal_worker_task_slots_used`.
    most_slots_used: f64,
    /// Whether `temporal_worker_task_slots_available` appeared: Core reports it for fixed
    /// slots only, since a resource-based supplier has no fixed number left.
    slots_available_reported: bool,
}

impl Gauges {
    fn read(&mut self, scraped: &str, queue: &str) {
        let queue = format!("task_queue=\"{queue}\"");
        let activity_polls = [queue.clone(), "poller_type=\"activity_task\"".to_string()];
        if let Some(pollers) =
            crate::metrics::sample(scraped, "temporal_num_pollers", &activity_polls)
            && self.pollers.last() != Some(&pollers)
        {
            self.pollers.push(pollers);
        }
        let activity_worker = [queue, "worker_type=\"ActivityWorker\"".to_string()];
        if let Some(used) =
            crate::metrics::sample(scraped, "temporal_worker_task_slots_used", &activity_worker)
        {
            self.most_slots_used = self.most_slots_used.max(used);
        }
        self.slots_available_reported |= crate::metrics::sample(
            scraped,
            "temporal_worker_task_slots_available",
            &activity_worker,
        )
        .is_some();
    }
}

const MAX_SLOTS: usize = 16;

/// How a burst ran: the most activities at once, and Core's gauges.
struct Burst {
    peak: usize,
    gauges: Gauges,
}

/// Runs a burst of `burst` activities at once on a worker built by `tuned` from a builder
/// with the activity and a Prometheus endpoint, sampling Core's gauges every 50 ms; each must
/// run once.
async fn burst(
    name: &str,
    burst: u32,
    tuned: impl FnOnce(
        activity_runtime::worker::WorkerBuilder,
    ) -> activity_runtime::worker::WorkerBuilder,
) -> Burst {
    let concurrency = Arc::new(Concurrency::default());
    let queue = server::task_queue(name);
    let running = server::start_worker_with(tuned(
        Worker::builder(&queue, activity_set![bursty])
            .shared_state(Arc::clone(&concurrency))
            .prometheus(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
    ))
    .await;
    let endpoint = running.metrics_address();
    let done = Arc::new(tokio::sync::Notify::new());
    let sampling = tokio::spawn({
        let (queue, done) = (queue.clone(), Arc::clone(&done));
        async move {
            let mut gauges = Gauges::default();
            loop {
                gauges.read(&crate::metrics::scrape(endpoint).await, &queue);
                tokio::select! {
                    () = done.notified() => return gauges,
                    () = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        }
    });
    let client = calls::client().await;
    // Started all at once, so that the queue fills faster than the polls drain it however
    // slow the machine.
    let started = futures::future::join_all((0..burst).map(|n| {
        start::<u32>(
            &client,
            "bursty",
            (n,),
            options(&queue, Duration::from_secs(60), None, 1),
        )
    }))
    .await;
    for (n, activity) in started.iter().enumerate() {
        let result = result_within(activity, Duration::from_secs(120)).await;
        assert_eq!(result.expect("the activity completes"), n as u32 * 2);
    }
    done.notify_one();
    let gauges = sampling.await.expect("the sampler");
    let mut executions = concurrency.executions.lock().unwrap().clone();
    executions.sort_unstable();
    assert_eq!(executions, (0..burst).collect::<Vec<_>>(), "each ran once");
    running.stop().await;
    let peak = concurrency.peak.load(Ordering::SeqCst);
    println!("{name}: a burst of {burst}, at most {peak} at once; Core's gauges: {gauges:?}");
    Burst { peak, gauges }
}

/// A burst under resource-based slots: each runs once, never more at once than the slots'
/// maximum, and Core's own gauges show that the slots are the tuner's (no fixed number of them
/// left). The tuner hands out slots while the machine's CPU stays under its target, so how
/// many it reaches depends on the load beside the test (2 to 16 here, and the minimum under a
/// release build): growth is not asserted, the bound and the tuner's ownership are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_runs_once_each_within_resource_based_slots() {
    let Burst { peak, gauges } = burst("resource-slots", 120, |builder| {
        builder.resource_based_slots(
            ResourceBasedSlots::new(1.0, 1.0)
                .min_slots(2)
                .max_slots(MAX_SLOTS)
                .ramp_throttle(Duration::from_millis(10)),
        )
    })
    .await;
    assert!(peak <= MAX_SLOTS, "{peak} ran at once, over {MAX_SLOTS}");
    assert!(
        !gauges.slots_available_reported,
        "a fixed number of slots was reported, so the slots are not the tuner's: {gauges:?}"
    );
    assert!(
        gauges.most_slots_used >= 1.0 && gauges.most_slots_used <= MAX_SLOTS as f64,
        "Core counted the slots in use: {gauges:?}"
    );
}

/// A burst under autoscaled pollers, on fixed slots so that a loaded machine cannot hold the
/// polls back: more polls open at once than the initial 2, and than the 5 fixed ones Core
/// polls with by default; only scaling opens them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_scales_the_pollers_past_the_fixed_default() {
    const FIXED_POLLERS: usize = 5;
    let Burst { peak, gauges } = burst("autoscaled-pollers", 240, |builder| {
        builder
            .max_concurrent_activities(MAX_SLOTS)
            .poller_autoscaling(PollerAutoscaling::new().minimum(1).initial(2).maximum(10))
    })
    .await;
    assert!(peak <= MAX_SLOTS, "{peak} ran at once, over {MAX_SLOTS}");
    assert!(
        gauges
            .pollers
            .iter()
            .any(|pollers| *pollers > FIXED_POLLERS as f64),
        "the pollers scaled up past {FIXED_POLLERS}: {gauges:?}"
    );
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

/// How many times `versioned` ran.
#[derive(Default)]
struct Served(AtomicUsize);

#[activity]
async fn versioned(served: State<Served>) -> String {
    served.0.fetch_add(1, Ordering::SeqCst);
    "served by v1".to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_versioned_worker_serves_once_its_version_is_the_deployments_current() {
    let queue = server::task_queue("versioned");
    let deployment = format!("billing-{queue}");
    let served = Arc::new(Served::default());
    let running = server::start_worker_with(
        Worker::builder(&queue, activity_set![versioned])
            .shared_state(Arc::clone(&served))
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
    // Started while v1 is not yet the deployment's current version: nothing serves it. The
    // worker polls all the while, so a task the server would hand it arrives within
    // milliseconds; three seconds of nothing is the proof.
    let client = calls::client().await;
    let activity = start::<String>(
        &client,
        "versioned",
        (),
        options(&queue, Duration::from_secs(30), None, 1),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        served.0.load(Ordering::SeqCst),
        0,
        "nothing is served before the version is current"
    );
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
    assert_eq!(
        result_within(&activity, Duration::from_secs(60))
            .await
            .expect("served once its version is current"),
        "served by v1"
    );
    assert_eq!(served.0.load(Ordering::SeqCst), 1);
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
