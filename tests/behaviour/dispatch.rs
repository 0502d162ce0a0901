//! Where activities run: async ones on tokio, blocking ones on a dedicated bounded pool, never
//! more at once than the slots allow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use activity_runtime::definition::{Activity, Typed};
use activity_runtime::testing::ActivityEnvironment;
use activity_runtime::{activity, activity_set};

/// Holds blocking activities until the test opens it.
static GATE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());
static WAITING: AtomicUsize = AtomicUsize::new(0);

#[activity]
fn wait_at_gate() -> String {
    WAITING.fetch_add(1, Ordering::SeqCst);
    let (open, changed) = &GATE;
    let _open = changed
        .wait_while(open.lock().unwrap(), |open| !*open)
        .unwrap();
    std::thread::current().name().unwrap_or("").to_string()
}

#[activity]
async fn quick() -> u8 {
    7
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_blocked_blocking_activities_never_delay_an_async_one() {
    let env = Arc::new(
        ActivityEnvironment::builder(activity_set![wait_at_gate, quick])
            .max_concurrent_activities(101)
            .build()
            .unwrap(),
    );
    let blocked = (0..100)
        .map(|_| {
            let env = Arc::clone(&env);
            tokio::spawn(async move { env.run(wait_at_gate::ACTIVITY, ()).await })
        })
        .collect::<Vec<_>>();
    while WAITING.load(Ordering::SeqCst) < 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Every blocking activity now holds a thread. Had any of them taken one of the two executor
    // threads, this could not finish while they wait; the timeout turns that hang into a failure.
    let answer = tokio::time::timeout(Duration::from_secs(30), env.run(quick::ACTIVITY, ()))
        .await
        .expect("the async activity ran while every blocking one was blocked");
    assert_eq!(answer.unwrap(), 7);
    assert_eq!(WAITING.load(Ordering::SeqCst), 100);

    *GATE.0.lock().unwrap() = true;
    GATE.1.notify_all();
    for activity in blocked {
        assert_eq!(activity.await.unwrap().unwrap(), "activity-blocking");
    }
}

/// How many activities run at once, and the most that ever did.
struct Gauge {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    const fn new() -> Self {
        Self {
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    fn enter(&self) -> usize {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        now
    }

    fn exit(&self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
    }
}

static BLOCKING: Gauge = Gauge::new();
static ASYNC: Gauge = Gauge::new();

#[activity]
fn count_concurrent(ms: u64) -> usize {
    let now = BLOCKING.enter();
    std::thread::sleep(Duration::from_millis(ms));
    BLOCKING.exit();
    now
}

#[activity]
async fn count_concurrent_async(ms: u64) -> usize {
    let now = ASYNC.enter();
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ASYNC.exit();
    now
}

async fn run_many<A>(env: &Arc<ActivityEnvironment>, activity: Typed<A>, count: usize)
where
    A: Activity<Input = (u64,), Output = usize>,
{
    let runs = (0..count)
        .map(|_| {
            let env = Arc::clone(env);
            tokio::spawn(async move { env.run(activity, (50,)).await.unwrap() })
        })
        .collect::<Vec<_>>();
    for run in runs {
        run.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_pool_is_bounded_by_its_size() {
    let env = Arc::new(
        ActivityEnvironment::builder(activity_set![count_concurrent])
            .blocking_threads(3)
            .build()
            .unwrap(),
    );
    run_many(&env, count_concurrent::ACTIVITY, 12).await;
    assert_eq!(BLOCKING.peak.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_activities_run_at_once_than_there_are_slots() {
    let env = Arc::new(
        ActivityEnvironment::builder(activity_set![count_concurrent_async])
            .max_concurrent_activities(4)
            .build()
            .unwrap(),
    );
    run_many(&env, count_concurrent_async::ACTIVITY, 16).await;
    assert_eq!(ASYNC.peak.load(Ordering::SeqCst), 4);
}
