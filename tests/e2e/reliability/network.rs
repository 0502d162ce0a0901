//! The network between the worker and the server misbehaves, as it does every day in
//! production: a partition or a silent load balancer (a blackhole), a load balancer that
//! restarts (connections reset), a slow link (latency), an outage longer than Core's grace for
//! failing polls. A fault-injecting TCP proxy stands between the worker and the dev server;
//! the caller reaches the server directly. Every activity completes with the right result,
//! nothing is lost, and the worker's own records count the re-executions.
//!
//! What happens to a completion sent while the network is down, from Temporal Core 0.10's
//! code: its client retries a call that fails with a retryable status (`Unavailable` among
//! them) for up to 10 s, and gives each call a 30 s deadline, whose expiry it does not retry;
//! a completion that still fails is dropped with a warning ("Network error while completing
//! activity"), and the server retries the activity once its timeout expires. So a completion
//! held by a blackhole shorter than 30 s reaches the server when the network heals, and one
//! refused for longer than 10 s is replaced by a retry.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use activity_runtime::client::{Client, StartedActivity};
use activity_runtime::{ActivityContext, ConnectionConfig, State, Worker, activity, activity_set};
use tokio::task::JoinSet;

use crate::support::calls::{self, options, result_within, start};
use crate::support::deadline::within;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::server::{self, RunningWorker};

/// Every attempt the worker started and finished, by activity id.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<BTreeMap<String, Attempts>>>);

#[derive(Debug, Default, Clone)]
struct Attempts {
    started: u32,
    finished: Vec<Instant>,
}

impl Runs {
    fn started(&self, ctx: &ActivityContext) {
        let mut runs = self.0.lock().unwrap();
        runs.entry(ctx.info().activity_id.clone())
            .or_default()
            .started += 1;
    }

    fn finished(&self, ctx: &ActivityContext) {
        let mut runs = self.0.lock().unwrap();
        let attempts = runs.entry(ctx.info().activity_id.clone()).or_default();
        attempts.finished.push(Instant::now());
    }

    fn attempts(&self) -> BTreeMap<String, Attempts> {
        self.0.lock().unwrap().clone()
    }

    /// How many attempts started, across every activity.
    fn starts(&self) -> u32 {
        self.attempts()
            .values()
            .map(|attempts| attempts.started)
            .sum()
    }

    /// Starts beyond the first of each activity: the re-executions.
    fn re_executions(&self) -> u32 {
        self.attempts()
            .values()
            .map(|attempts| attempts.started.saturating_sub(1))
            .sum()
    }

    /// Waits until `count` attempts have started; fails the test after `limit`.
    async fn until_started(&self, count: u32, limit: Duration) {
        within(limit, "the attempts' start", async {
            while self.starts() < count {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    }
}

/// Works `millis`, then doubles `n`.
#[activity]
async fn double_later(ctx: ActivityContext, runs: State<Runs>, n: u64, millis: u64) -> u64 {
    runs.started(&ctx);
    tokio::time::sleep(Duration::from_millis(millis)).await;
    runs.finished(&ctx);
    n * 2
}

/// A worker for `double_later` that reaches the server through `proxy`.
async fn worker_behind(proxy: &FaultProxy, queue: &str, runs: &Runs) -> RunningWorker {
    let connection = ConnectionConfig::new(&proxy.address()).expect("the proxy's address parses");
    server::start_worker_on(
        Worker::builder(queue, activity_set![double_later])
            .state(runs.clone())
            .connection(connection),
    )
    .await
}

/// Starts `double_later(n, millis)` for each `n`, from a client that reaches the server
/// directly.
async fn start_each(
    client: &Client,
    queue: &str,
    numbers: std::ops::Range<u64>,
    millis: u64,
    start_to_close: Duration,
) -> Vec<(u64, StartedActivity<u64>)> {
    let mut started = Vec::new();
    for n in numbers {
        let activity = start::<u64>(
            client,
            "double_later",
            (n, millis),
            options(queue, start_to_close, None, 5),
        )
        .await;
        started.push((n, activity));
    }
    started
}

/// Every activity's result, each checked against its input, within `limit` of each other.
async fn assert_all_doubled(activities: Vec<(u64, StartedActivity<u64>)>, limit: Duration) {
    let mut results = JoinSet::new();
    for (n, activity) in activities {
        results.spawn(async move {
            let result = result_within(&activity, limit).await;
            (n, result)
        });
    }
    while let Some(joined) = results.join_next().await {
        let (n, result) = joined.expect("the result's task");
        assert_eq!(
            result.expect("the activity completes"),
            n * 2,
            "activity {n}"
        );
    }
}

/// 50 activities in flight when the network goes silent for 20 s: each finishes during the
/// outage, its completion is held, and it reaches the server when the network heals, so each
/// completes on its first attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_s_blackhole_with_50_in_flight_loses_nothing_and_the_completions_arrive_after_it() {
    const IN_FLIGHT: u64 = 50;
    const OUTAGE: Duration = Duration::from_secs(20);
    let proxy = FaultProxy::start(server::address()).await;
    let queue = server::task_queue("blackhole");
    let runs = Runs::default();
    let worker = worker_behind(&proxy, &queue, &runs).await;
    let client = calls::client().await;
    // Each works 3 s, well inside the outage; the attempt's own timeout is far beyond it.
    let activities = start_each(
        &client,
        &queue,
        0..IN_FLIGHT,
        3_000,
        Duration::from_secs(120),
    )
    .await;
    runs.until_started(IN_FLIGHT as u32, Duration::from_secs(60))
        .await;

    proxy.set(Fault::Blackhole);
    let outage_began = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    proxy.set(Fault::Pass);
    let outage_ended = Instant::now();

    assert_all_doubled(activities, Duration::from_secs(60)).await;
    let attempts = runs.attempts();
    let during_outage = attempts
        .values()
        .flat_map(|attempts| &attempts.finished)
        .filter(|at| (outage_began..outage_ended).contains(*at))
        .count();
    println!(
        "network: blackhole of {OUTAGE:?} with {IN_FLIGHT} in flight: {during_outage} finished \
         during it, {} re-executions",
        runs.re_executions()
    );
    assert_eq!(
        during_outage, IN_FLIGHT as usize,
        "every attempt finished while the network was silent: {attempts:?}"
    );
    assert_eq!(
        runs.re_executions(),
        0,
        "each completion held by the blackhole reached the server: {attempts:?}"
    );
    worker.stop().await;
}

/// The connections are reset every 3 s for 30 s while activities keep coming: the worker keeps
/// serving without a restart, and every activity completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_reset_every_3_s_for_30_s_and_the_worker_keeps_serving() {
    let proxy = FaultProxy::start(server::address()).await;
    let queue = server::task_queue("resets");
    let runs = Runs::default();
    let worker = worker_behind(&proxy, &queue, &runs).await;
    let client = calls::client().await;
    let mut activities = Vec::new();
    for round in 0..10 {
        activities.extend(
            start_each(
                &client,
                &queue,
                round * 5..round * 5 + 5,
                500,
                Duration::from_secs(10),
            )
            .await,
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.reset_connections();
    }
    // A task lost on a reset connection is retried after its 10 s start-to-close timeout.
    assert_all_doubled(activities, Duration::from_secs(90)).await;
    assert!(worker.is_running(), "the worker never stopped");
    let (accepted, reset) = proxy.connections();
    println!(
        "network: connections reset every 3 s for 30 s: 50 activities completed, {} \
         re-executions, {accepted} connections accepted and {reset} reset",
        runs.re_executions()
    );
    assert!(reset >= 10, "the resets hit open connections: {reset}");
    worker.stop().await;
}

/// 200 ms more each way on every byte: every activity completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_200_ms_of_latency_each_way_every_activity_completes() {
    const COUNT: u64 = 50;
    let proxy = FaultProxy::start(server::address()).await;
    proxy.set(Fault::Latency(Duration::from_millis(200)));
    let queue = server::task_queue("latency");
    let runs = Runs::default();
    let worker = worker_behind(&proxy, &queue, &runs).await;
    let client = calls::client().await;
    let began = Instant::now();
    let activities = start_each(&client, &queue, 0..COUNT, 100, Duration::from_secs(60)).await;
    assert_all_doubled(activities, Duration::from_secs(120)).await;
    let elapsed = began.elapsed();
    println!(
        "network: 200 ms added each way: {COUNT} activities in {elapsed:.1?}, {:.1} per second, \
         {} re-executions",
        COUNT as f64 / elapsed.as_secs_f64(),
        runs.re_executions()
    );
    assert_eq!(runs.re_executions(), 0);
    worker.stop().await;
}

/// The server is out of reach for 70 s, longer than the 60 s Core allows polls to fail with a
/// status it does not retry: the worker neither exits nor needs a restart, since an outage
/// fails its calls with `Unavailable`, which Core retries for as long as it lasts. The
/// activity in flight completes: its completion was refused and dropped, and the server
/// retried it after its timeout, once the worker could poll again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_longer_than_cores_poll_grace_ends_with_the_worker_serving_again() {
    let proxy = FaultProxy::start(server::address()).await;
    let queue = server::task_queue("outage");
    let runs = Runs::default();
    let worker = worker_behind(&proxy, &queue, &runs).await;
    let client = calls::client().await;
    let in_flight = start_each(&client, &queue, 0..1, 2_000, Duration::from_secs(15)).await;
    runs.until_started(1, Duration::from_secs(30)).await;
    let in_flight_id = runs.attempts().into_keys().next().expect("its id");

    proxy.set(Fault::Refuse);
    tokio::time::sleep(Duration::from_secs(70)).await;
    assert!(worker.is_running(), "the worker outlived the outage");
    proxy.set(Fault::Pass);

    let after = start_each(&client, &queue, 1..2, 0, Duration::from_secs(15)).await;
    assert_all_doubled(after, Duration::from_secs(60)).await;
    assert_all_doubled(in_flight, Duration::from_secs(60)).await;
    let attempts = runs.attempts();
    let first = &attempts[&in_flight_id];
    println!(
        "network: an outage of 70 s: the worker served again; the activity in flight ran {} \
         times",
        first.started
    );
    assert_eq!(
        first.started, 2,
        "its completion was dropped during the outage, and it ran again after: {attempts:?}"
    );
    worker.stop().await;
}
