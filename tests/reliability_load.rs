//! Load: 10,000 activities go to two worker processes on one task queue, and one worker is
//! killed midway. Every result is correct; none is lost.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::calls::{client, options, start};
use support::server;
use support::worker_process::WorkerProcess;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const ACTIVITIES: u64 = 10_000;
const IN_FLIGHT: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_activities_on_two_workers_with_one_killed_midway_all_complete_correctly() {
    let queue = server::task_queue("load");
    let first = WorkerProcess::start(server::address(), &queue);
    let second = WorkerProcess::start(server::address(), &queue);
    let client = Arc::new(client().await);
    let done = Arc::new(AtomicUsize::new(0));
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let started = Instant::now();

    // Kill the first worker in the middle of the run, with tasks in flight on it.
    let killer = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            while done.load(Ordering::SeqCst) < (ACTIVITIES / 2) as usize {
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
                (n,),
                options(&queue, Duration::from_secs(5), None, 0),
            )
            .await;
            let result = activity.result().await;
            done.fetch_add(1, Ordering::SeqCst);
            drop(permit);
            (n, result)
        });
    }

    let mut correct = 0u64;
    while let Some(call) = calls.join_next().await {
        let (n, result) = call.expect("the call task");
        let square = result.unwrap_or_else(|error| panic!("activity {n} was lost: {error}"));
        assert_eq!(square, n * n, "activity {n}");
        correct += 1;
    }
    assert_eq!(correct, ACTIVITIES);
    killer.await.expect("the first worker was killed midway");
    let elapsed = started.elapsed();
    println!(
        "load: {ACTIVITIES} activities, {IN_FLIGHT} in flight, 2 workers with one killed midway: \
         {correct} correct, 0 lost, in {:.1} s",
        elapsed.as_secs_f64()
    );
    drop(second);
}
