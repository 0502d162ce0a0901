//! A blocking activity runs inside the runtime of the worker that runs it: `Handle::current()`
//! there has timers, IO and an executor, so the usual bridge from a sync function to async code
//! works, as it does in `spawn_blocking`. The pool stays bounded and apart from the runtime's own
//! `spawn_blocking` budget. Through the real worker and dev server.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::support::calls::{options, result_within, start};
use crate::support::server::{self, Served};
use activity_runtime::{Worker, activity, activity_set};
use tokio::runtime::Handle;

/// Sleeps on the worker's timer from a blocking activity.
#[activity]
fn bridge_sleep(ms: u64) -> u64 {
    let started = Instant::now();
    Handle::current().block_on(tokio::time::sleep(Duration::from_millis(ms)));
    started.elapsed().as_millis() as u64
}

/// Spawns a task on the worker's executor and waits for it.
#[activity]
fn bridge_spawn(n: u64) -> u64 {
    let runtime = Handle::current();
    let task = runtime.spawn(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        n * 2
    });
    runtime.block_on(task).expect("the spawned task completes")
}

/// Connects over TCP with the worker's IO driver.
#[activity]
fn bridge_io(address: String) -> Result<bool, std::io::Error> {
    let stream = Handle::current().block_on(tokio::net::TcpStream::connect(address))?;
    Ok(stream.peer_addr().is_ok())
}

/// Waits until `parties` blocking activities are in it at once.
#[activity]
fn meet(parties: usize) -> usize {
    static BARRIER: std::sync::OnceLock<Arc<Barrier>> = std::sync::OnceLock::new();
    let barrier = BARRIER.get_or_init(|| Arc::new(Barrier::new(parties)));
    barrier.wait();
    parties
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_activity_bridges_to_the_workers_timers_executor_and_io() {
    let Served {
        queue,
        worker,
        client,
    } = server::serve(
        "bridge",
        activity_set![bridge_sleep, bridge_spawn, bridge_io],
    )
    .await;
    let limit = Duration::from_secs(20);
    let options = || options(&queue, Duration::from_secs(30), None, 1);

    let slept = start::<u64>(&client, "bridge_sleep", (50u64,), options()).await;
    assert!(result_within(&slept, limit).await.unwrap() >= 50);
    let doubled = start::<u64>(&client, "bridge_spawn", (21u64,), options()).await;
    assert_eq!(result_within(&doubled, limit).await.unwrap(), 42);
    let connected = start::<bool>(
        &client,
        "bridge_io",
        (server::address().to_string(),),
        options(),
    )
    .await;
    assert!(result_within(&connected, limit).await.unwrap());
    worker.stop().await;
}

/// The worker's runtime allows one `spawn_blocking` thread; four blocking activities still run
/// at once, on the worker's own pool of four.
#[test]
fn the_blocking_pool_is_apart_from_the_runtimes_spawn_blocking_budget() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let Served {
            queue,
            worker,
            client,
        } = server::serve_with("apart", |queue| {
            Worker::builder(queue, activity_set![meet])
                .blocking_threads(4)
                .max_concurrent_activities(4)
        })
        .await;
        let mut meetings = Vec::new();
        for _ in 0..4 {
            meetings.push(
                start::<usize>(
                    &client,
                    "meet",
                    (4usize,),
                    options(&queue, Duration::from_secs(60), None, 1),
                )
                .await,
            );
        }
        for meeting in &meetings {
            assert_eq!(
                result_within(meeting, Duration::from_secs(20))
                    .await
                    .unwrap(),
                4
            );
        }
        worker.stop().await;
    });
}
