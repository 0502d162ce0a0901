//! Where a worker runs what: Temporal Core on a current-thread runtime of a thread of its own
//! (by default) or on the caller's runtime, and the activities, async and blocking, on the
//! runtime that called `run`, whatever its flavour. Through the real worker and dev server, and
//! through worker processes whose threads the tests count.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::calls::{options, result_within, start};
use crate::support::deadline::within;
use crate::support::server::{self, RunningWorker};
use crate::support::worker_process::WorkerProcess;
use activity_runtime::{ActivityContext, Worker, activity, activity_set};
use tokio::runtime::{Handle, RuntimeFlavor};

/// The name of Core's thread, as `top -H` shows it.
const CORE_THREAD: &str = "temporal-core";

fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string()
}

/// The thread the async activity runs on.
#[activity]
async fn where_async() -> String {
    thread_name()
}

/// The flavour of the runtime a blocking activity is inside, and the thread a task spawned on
/// it runs on.
#[activity]
fn where_blocking() -> (String, String) {
    let runtime = Handle::current();
    let flavour = match runtime.runtime_flavor() {
        RuntimeFlavor::CurrentThread => "current_thread",
        _ => "multi_thread",
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    runtime.spawn(async move { sender.send(thread_name()) });
    let spawned_on = receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("the task spawned on the worker's runtime runs");
    (flavour.to_string(), spawned_on)
}

/// Where the activities of a worker that this runtime runs went: the async one's thread, the
/// blocking one's runtime flavour, and the thread of a task the blocking one spawned.
async fn where_activities_run(core_thread: bool) -> (String, String, String) {
    let served = server::serve_with("where", |queue| {
        Worker::builder(queue, activity_set![where_async, where_blocking]).core_thread(core_thread)
    })
    .await;
    let options = || options(&served.queue, Duration::from_secs(30), None, 1);
    let limit = Duration::from_secs(30);
    let async_thread = start::<String>(&served.client, "where_async", (), options()).await;
    let async_thread = result_within(&async_thread, limit).await.unwrap();
    let blocking = start::<(String, String)>(&served.client, "where_blocking", (), options()).await;
    let (flavour, spawned_on) = result_within(&blocking, limit).await.unwrap();
    served.worker.stop().await;
    (async_thread, flavour, spawned_on)
}

#[tokio::test]
async fn on_a_current_thread_runtime_the_activities_run_on_its_thread_wherever_core_runs() {
    let here = thread_name();
    for core_thread in [true, false] {
        let (async_thread, flavour, spawned_on) = where_activities_run(core_thread).await;
        assert_eq!(async_thread, here, "core_thread({core_thread})");
        assert_eq!(flavour, "current_thread", "core_thread({core_thread})");
        assert_eq!(spawned_on, here, "core_thread({core_thread})");
    }
}

/// The name this test gives its multi-thread runtime's workers, so that a thread of Core's or
/// of some other runtime cannot pass for one of them.
const USER_WORKER: &str = "user-runtime";

#[test]
fn on_a_multi_thread_runtime_the_activities_run_on_its_workers_not_on_cores_thread() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(USER_WORKER)
        .enable_all()
        .build()
        .unwrap();
    for core_thread in [true, false] {
        let (async_thread, flavour, spawned_on) =
            runtime.block_on(where_activities_run(core_thread));
        assert_eq!(async_thread, USER_WORKER, "core_thread({core_thread})");
        assert_eq!(flavour, "multi_thread", "core_thread({core_thread})");
        assert_eq!(spawned_on, USER_WORKER, "core_thread({core_thread})");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_built_on_one_task_serves_when_run_on_another() {
    let queue = server::task_queue("handed-over");
    let builder =
        Worker::builder(&queue, activity_set![where_async]).connection(server::connection());
    let worker = tokio::spawn(builder.build())
        .await
        .unwrap()
        .expect("the worker starts");
    let running = RunningWorker::run(worker);
    let client = crate::support::calls::client().await;
    let served = start::<String>(
        &client,
        "where_async",
        (),
        options(&queue, Duration::from_secs(30), None, 1),
    )
    .await;
    result_within(&served, Duration::from_secs(30))
        .await
        .unwrap();
    running.stop().await;
}

/// Answers `n` after a moment, so that the workers' attempts overlap.
#[activity]
async fn echo_later(n: u32) -> u32 {
    tokio::time::sleep(Duration::from_millis(20)).await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_workers_serve_side_by_side_in_one_process() {
    let mut workers = Vec::new();
    for core_thread in [true, true, false] {
        workers.push(
            server::serve_with("side-by-side", |queue| {
                Worker::builder(queue, activity_set![echo_later]).core_thread(core_thread)
            })
            .await,
        );
    }
    let mut results = Vec::new();
    for served in &workers {
        for n in 0..20u32 {
            let options = options(&served.queue, Duration::from_secs(30), None, 1);
            results.push((
                n,
                start::<u32>(&served.client, "echo_later", (n,), options).await,
            ));
        }
    }
    for (n, activity) in &results {
        assert_eq!(
            result_within(activity, Duration::from_secs(60))
                .await
                .unwrap(),
            *n
        );
    }
    for served in workers {
        served.worker.stop().await;
    }
}

static WAITING_FOR_SHUTDOWN: AtomicBool = AtomicBool::new(false);

/// Waits for the worker's shutdown, then says it saw it.
#[activity]
async fn until_worker_shutdown(ctx: ActivityContext) -> String {
    WAITING_FOR_SHUTDOWN.store(true, Ordering::SeqCst);
    ctx.worker_shutdown().await;
    "saw the worker's shutdown".to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_future_of_run_shuts_the_worker_down_gracefully() {
    let queue = server::task_queue("dropped-run");
    let worker = Worker::builder(&queue, activity_set![until_worker_shutdown])
        .connection(server::connection())
        .build()
        .await
        .expect("the worker starts");
    let run = tokio::spawn(worker.run());
    let client = crate::support::calls::client().await;
    let activity = start::<String>(
        &client,
        "until_worker_shutdown",
        (),
        options(&queue, Duration::from_secs(120), None, 1),
    )
    .await;
    within(Duration::from_secs(30), "the activity's start", async {
        while !WAITING_FOR_SHUTDOWN.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;

    run.abort();
    // Within the grace period, well before the attempt's timeout of two minutes.
    let result = result_within(&activity, Duration::from_secs(20)).await;
    assert_eq!(result.unwrap(), "saw the worker's shutdown");
}

/// Waits until the worker process has `count` threads named after Core's, or fails the test.
fn until_core_threads(worker: &WorkerProcess, count: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = worker.threads_named(CORE_THREAD);
        if found == count {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the worker process has {found} threads named {CORE_THREAD}, not {count}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_runs_on_one_thread_per_worker_and_a_worker_dropped_unrun_ends_its_thread() {
    // "default": by default, Core has a thread of its own on a multi-thread runtime only.
    for (setting, runtime, threads) in [
        ("on", "multi", 1),
        ("off", "multi", 0),
        ("default", "multi", 1),
        ("default", "current", 0),
        ("on", "current", 1),
    ] {
        let queue = server::task_queue("core-thread");
        let env = [
            ("TEST_WORKER_CORE_THREAD", setting),
            ("TEST_WORKER_RUNTIME", runtime),
            ("TEST_WORKER_DROP_ONE_FIRST", "1"),
        ];
        let worker = tokio::task::spawn_blocking({
            let queue = queue.clone();
            move || WorkerProcess::start_with(server::address(), &queue, &env)
        })
        .await
        .unwrap();
        // Two workers were built; the one dropped before it ran has let its thread go.
        let worker = tokio::task::spawn_blocking(move || {
            until_core_threads(&worker, threads);
            worker
        })
        .await
        .unwrap();
        let client = crate::support::calls::client().await;
        let napped = start::<u64>(
            &client,
            "nap",
            (5u64, 10u64),
            options(&queue, Duration::from_secs(30), None, 1),
        )
        .await;
        assert_eq!(
            result_within(&napped, Duration::from_secs(30))
                .await
                .unwrap(),
            5,
            "core_thread {setting} on a {runtime}-thread runtime"
        );
        worker.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_on_cores_thread_stops_the_worker_with_an_error_and_loses_nothing() {
    let queue = server::task_queue("core-panic");
    let env = [("TEST_WORKER_PANIC_ON_CORE_THREAD", "1")];
    let mut panicking = tokio::task::spawn_blocking({
        let queue = queue.clone();
        move || WorkerProcess::start_with(server::address(), &queue, &env)
    })
    .await
    .unwrap();
    let client = crate::support::calls::client().await;
    let napped = start::<u64>(
        &client,
        "nap",
        (7u64, 10u64),
        options(&queue, Duration::from_secs(3), None, 3),
    )
    .await;

    // The task that reached Core's thread never reached an activity; the worker says why
    // and exits, rather than hanging or dying without a word.
    let (status, panicking) = tokio::task::spawn_blocking(move || {
        let status = panicking.wait_within(Duration::from_secs(30));
        (status, panicking)
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(1), "{:?}", panicking.printed());
    let stopped = panicking.printed().join("\n");
    assert!(
        stopped.contains(&format!(
            "stopped: Temporal Core stopped unexpectedly for task queue `{queue}`: it panicked: \
             a tracing layer panicked on Temporal Core's thread, on purpose"
        )),
        "{stopped}"
    );

    // The server retries the attempt after its timeout, on a worker that serves.
    let healthy = tokio::task::spawn_blocking({
        let queue = queue.clone();
        move || WorkerProcess::start(server::address(), &queue)
    })
    .await
    .unwrap();
    assert_eq!(
        result_within(&napped, Duration::from_secs(60))
            .await
            .unwrap(),
        7
    );
    healthy.kill();
}
