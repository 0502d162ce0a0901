//! Load: 10,000 activities go to two worker processes on one task queue, and one worker is
//! killed midway. Every result is correct and arrives once; none is lost. The workers' own
//! execution records prove that the kill hit activities in flight, which ran again on the
//! survivor, and count those re-executions: at-least-once delivery, working as designed.
//!
//! It runs against a dev server of its own, so that its load neither slows nor perturbs the
//! timing-sensitive tests that share the other.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::calls::{client_of, options, result_within, start};
use crate::support::deadline::within;
use crate::support::records::{Event, Records};
use crate::support::server;
use crate::support::worker_process::WorkerProcess;
use activity_runtime::dev_server::DevServer;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const ACTIVITIES: u64 = 10_000;
const IN_FLIGHT: usize = 100;
/// How long each activity works, so that the kill finds some in flight on the killed worker.
const WORK_MS: u64 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_activities_on_two_workers_with_one_killed_midway_all_complete_correctly() {
    let own_server = within(
        Duration::from_secs(120),
        "the load's own dev server",
        DevServer::start(),
    )
    .await
    .expect("the load's own dev server starts");
    let queue = server::task_queue("load");
    let records = Records::new("load");
    let first = WorkerProcess::start_with(own_server.address(), &queue, &[records.env()]);
    let second = WorkerProcess::start_with(own_server.address(), &queue, &[records.env()]);
    let (first_pid, second_pid) = (first.pid(), second.pid());
    let client = Arc::new(client_of(own_server.connection()).await);
    let done = Arc::new(AtomicUsize::new(0));
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let started = Instant::now();

    // Kill the first worker in the middle of the run, once its records show an activity at
    // work on it.
    let killer = {
        let done = Arc::clone(&done);
        let records = records.clone();
        tokio::spawn(async move {
            while done.load(Ordering::SeqCst) < (ACTIVITIES / 2) as usize
                || records.unfinished_on(first_pid).is_empty()
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            first.kill();
        })
    };

    let mut calls = JoinSet::new();
    for n in 0..ACTIVITIES {
        let permit = Arc::clone(&slots).acquire_owned().await.unwrap();
        let (client, queue, done) = (Arc::clone(&client), queue.clone(), Arc::clone(&done));
        calls.spawn(async move {
            // A killed worker's attempts time out after 5 s and are retried on the other.
            let activity = start::<u64>(
                &client,
                "square",
                (n, WORK_MS),
                options(&queue, Duration::from_secs(5), None, 0),
            )
            .await;
            let result = result_within(&activity, Duration::from_secs(120)).await;
            done.fetch_add(1, Ordering::SeqCst);
            drop(permit);
            (n, activity.handle().activity_id().to_string(), result)
        });
    }

    let mut answered = BTreeSet::new();
    let mut ids = BTreeMap::new();
    while let Some(call) = calls.join_next().await {
        let (n, id, result) = call.expect("the call task");
        let square = result.unwrap_or_else(|error| panic!("activity {n} was lost: {error}"));
        assert_eq!(square, n * n, "activity {n}");
        assert!(answered.insert(n), "activity {n} answered twice");
        ids.insert(id, n);
    }
    assert_eq!(answered.len() as u64, ACTIVITIES);
    within(Duration::from_secs(10), "the kill", killer)
        .await
        .expect("the first worker was killed midway");
    let elapsed = started.elapsed();

    let all = records.read();
    let finished = all
        .iter()
        .filter(|record| record.event == Event::Finished)
        .map(|record| record.activity_id.as_str())
        .collect::<BTreeSet<_>>();
    assert_eq!(
        finished.len(),
        ids.len(),
        "every activity ran to its end on some worker"
    );
    assert!(finished.iter().all(|id| ids.contains_key(*id)));
    // The kill hit work in flight: attempts that the first worker started and never finished
    // were run again, as later attempts, by the survivor.
    let retried_on_survivor = all
        .iter()
        .filter(|record| {
            record.event == Event::Finished && record.pid == second_pid && record.attempt >= 2
        })
        .map(|record| record.activity_id.as_str())
        .collect::<BTreeSet<_>>();
    let cut_short = records.unfinished_on(first_pid);
    assert!(
        !cut_short.is_empty(),
        "the kill found activities in flight on the first worker"
    );
    for (id, attempt) in &cut_short {
        assert!(
            all.iter().any(|record| record.event == Event::Finished
                && record.pid == second_pid
                && &record.activity_id == id
                && record.attempt > *attempt),
            "{id}, cut short in attempt {attempt}, ran again to its end on the survivor"
        );
    }
    let executions = all
        .iter()
        .filter(|record| record.event == Event::Started)
        .count();
    let re_executions = executions - ids.len();
    println!(
        "load: {ACTIVITIES} activities of {WORK_MS} ms, {IN_FLIGHT} in flight, 2 workers with one \
         killed midway: {} correct, each answered once, 0 lost, in {:.1} s; the kill cut {} \
         attempts short, each run again to its end on the survivor; {} activities ran an attempt 2 \
         or later there; {re_executions} re-executions in all ({executions} attempts started for \
         {} activities)",
        answered.len(),
        elapsed.as_secs_f64(),
        cut_short.len(),
        retried_on_survivor.len(),
        ids.len()
    );
    drop(second);
    own_server.shutdown().await;
}
