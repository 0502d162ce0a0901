//! One process, both worlds: an official-SDK Rust workflow and our `#[activity]` functions on
//! the official `temporalio_sdk::Worker`, one task queue, against the dev server. The workflow
//! calls ours typed (`f::ACTIVITY`), as activities and as a local activity, catches a typed
//! non-retryable failure, cancels a heartbeating activity, retries one that panicked and one
//! that resumes from its last heartbeat, and round-trips bytes; its result carries what it saw.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use activity_runtime::client::{RetryPolicy, signal_workflow};
use activity_runtime::definition::MultiArgs3;
use activity_runtime::interceptor::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
use activity_runtime::{ActivityContext, ActivityError, State, activity, activity_set, official};
use serde::{Deserialize, Serialize};
use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};
use temporalio_common::error::IncomingError;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{
    ActivityCancellationType, ActivityExecutionError, ActivityOptions, CancellableFuture,
    LocalActivityOptions, Runtime, SyncWorkflowContext, Worker, WorkerOptions, WorkflowContext,
    WorkflowResult,
};

use crate::support::calls;
use crate::support::deadline::within;
use crate::support::server;

#[activity]
fn compute_total(prices: Vec<u64>) -> u64 {
    prices.iter().sum()
}

#[activity]
async fn label(name: String, count: u32, tags: Vec<String>) -> String {
    format!("{name}×{count} [{}]", tags.join(","))
}

struct Greeter {
    punctuation: &'static str,
}

#[activity]
async fn greet(ctx: ActivityContext, greeter: State<Greeter>, name: String) -> String {
    let info = ctx.info();
    let workflow = info
        .workflow
        .as_ref()
        .map_or("", |w| w.workflow_type.as_str());
    format!(
        "Hello, {name}{} ({} from {workflow})",
        greeter.punctuation, info.activity_type
    )
}

#[activity]
fn refuse(reason: String) -> Result<(), ActivityError> {
    let error = ActivityError::from(
        anyhow::anyhow!("the card is blocked").context(format!("refused: {reason}")),
    );
    Err(error
        .with_type("Refused")
        .non_retryable()
        .with_next_retry_delay(Duration::from_secs(3))
        .with_details(&reason)?)
}

/// Heartbeats `41` and fails on its first attempt; the retry reads the detail through our
/// context and adds one.
#[activity]
async fn resume(ctx: ActivityContext) -> Result<u64, ActivityError> {
    if ctx.info().attempt == 1 {
        // Delivered before the failure leaves, with no wait here.
        ctx.heartbeat(&41u64);
        return Err(ActivityError::new(
            "the first attempt fails after its heartbeat",
        ));
    }
    Ok(ctx.last_heartbeat_details::<u64>()?.unwrap_or(0) + 1)
}

/// Panics on its first attempt; the retry succeeds.
#[activity]
fn panic_once(ctx: ActivityContext) -> u32 {
    if ctx.info().attempt == 1 {
        panic!("the first attempt panics");
    }
    ctx.info().attempt
}

static SAW_CANCELLATION: AtomicBool = AtomicBool::new(false);

/// Tells its workflow, on the official worker's client, that it runs, then heartbeats until
/// cancelled.
#[activity]
async fn wait_for_cancel(ctx: ActivityContext) -> Result<(), ActivityError> {
    let workflow = ctx.info().workflow.clone().expect("called by a workflow");
    signal_workflow(ctx.client()?, &workflow.workflow_id, "cancel_waiting", ()).await?;
    loop {
        ctx.heartbeat(&"waiting");
        tokio::select! {
            () = ctx.cancelled() => {
                SAW_CANCELLATION.store(true, Ordering::SeqCst);
                return Err(ActivityError::cancelled());
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
    }
}

static WAITING_FOR_SHUTDOWN: AtomicBool = AtomicBool::new(false);

#[activity]
async fn until_shutdown(ctx: ActivityContext) -> String {
    WAITING_FOR_SHUTDOWN.store(true, Ordering::SeqCst);
    ctx.worker_shutdown().await;
    "saw the shutdown".to_string()
}

#[workflow]
#[derive(Default)]
pub struct WaitsForShutdown;

#[workflow_methods]
impl WaitsForShutdown {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<String> {
        Ok(ctx
            .execute_activity(
                until_shutdown::ACTIVITY,
                (),
                ActivityOptions::start_to_close_timeout(Duration::from_secs(60)),
            )
            .await?)
    }
}

/// The official worker does not announce its shutdown to activities; our handle does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shutdown_handle_reaches_our_activities_on_the_official_worker() {
    let queue = server::task_queue("official-shutdown");
    let client = calls::client().await;
    let activities = official::Activities::builder(activity_set![until_shutdown])
        .graceful_shutdown_period(Duration::from_secs(30))
        .build()
        .expect("the set is valid");
    let shutdown = activities.shutdown_handle();
    let options = WorkerOptions::new(queue.as_str())
        .register_workflow::<WaitsForShutdown>()
        .expect("the workflow registers")
        .register_activities(activities)
        .build();
    let seen = beside_official_worker(&client, options, async {
        let handle = client
            .start_workflow(
                WaitsForShutdown::run,
                (),
                WorkflowStartOptions::new(queue.as_str(), server::task_queue("waits")).build(),
            )
            .await
            .expect("the workflow starts");
        within(Duration::from_secs(30), "the activity's start", async {
            while !WAITING_FOR_SHUTDOWN.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        shutdown.shutdown();
        within(
            Duration::from_secs(30),
            "the workflow's result",
            handle.get_result(WorkflowGetResultOptions::default()),
        )
        .await
    })
    .await;
    assert_eq!(seen.expect("the workflow completes"), "saw the shutdown");
}

/// Runs `test` beside an official worker with `options`, and stops the worker when it ends.
/// The official worker's future is not `Send`, so both run on this task.
pub(crate) async fn beside_official_worker<T>(
    client: &temporalio_client::Client,
    options: WorkerOptions,
    test: impl Future<Output = T>,
) -> T {
    let runtime = Runtime::from_current_tokio(Default::default()).expect("a Core runtime");
    let mut worker = Worker::new(&runtime, client.clone(), options).expect("the worker starts");
    let stop = worker.shutdown_handle();
    let test = async {
        let result = test.await;
        stop();
        result
    };
    let (ran, result) = tokio::join!(
        within(
            Duration::from_secs(150),
            "the official worker's end",
            worker.run()
        ),
        test
    );
    ran.expect("the worker ran cleanly");
    result
}

#[activity]
fn reverse(bytes: Vec<u8>) -> Vec<u8> {
    bytes.into_iter().rev().collect()
}

/// The failure the workflow caught, as the official SDK decoded it.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    error_type: String,
    non_retryable: bool,
    message: String,
    details: String,
    cause: String,
    next_retry_delay: Option<Duration>,
}

/// What the workflow saw.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    total: u64,
    label: String,
    local_label: String,
    greeting: String,
    refusal: Refusal,
    cancelled: bool,
    reversed: Vec<u8>,
    after_panic: u32,
    resumed: u64,
}

#[workflow]
#[derive(Default)]
pub struct CallsOurs {
    cancel_waiting: bool,
}

#[workflow_methods]
impl CallsOurs {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, prices: Vec<u64>) -> WorkflowResult<Seen> {
        let options = || ActivityOptions::start_to_close_timeout(Duration::from_secs(20));
        let mut seen = Seen {
            total: ctx
                .execute_activity(compute_total::ACTIVITY, prices, options())
                .await?,
            label: ctx
                .execute_activity(
                    label::ACTIVITY,
                    MultiArgs3("tea".to_string(), 3, vec!["green".to_string()]),
                    options(),
                )
                .await?,
            local_label: ctx
                .execute_local_activity(
                    label::ACTIVITY,
                    MultiArgs3("coffee".to_string(), 1, Vec::new()),
                    LocalActivityOptions::builder()
                        .start_to_close_timeout(Duration::from_secs(20))
                        .build(),
                )
                .await?,
            greeting: ctx
                .execute_activity(greet::ACTIVITY, "World".to_string(), options())
                .await?,
            reversed: ctx
                .execute_activity(reverse::ACTIVITY, vec![1u8, 2, 255], options())
                .await?,
            resumed: ctx
                .execute_activity(
                    resume::ACTIVITY,
                    (),
                    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(20))
                        .heartbeat_timeout(Duration::from_secs(10))
                        .retry_policy(
                            RetryPolicy::builder()
                                .initial_interval(Duration::from_millis(100))
                                .maximum_attempts(3)
                                .build(),
                        )
                        .build(),
                )
                .await?,
            after_panic: ctx
                .execute_activity(
                    panic_once::ACTIVITY,
                    (),
                    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(20))
                        .retry_policy(
                            RetryPolicy::builder()
                                .initial_interval(Duration::from_millis(100))
                                .maximum_attempts(3)
                                .build(),
                        )
                        .build(),
                )
                .await?,
            ..Seen::default()
        };
        match ctx
            .execute_activity(refuse::ACTIVITY, "no".to_string(), options())
            .await
        {
            Err(ActivityExecutionError::Failed(failed)) => {
                if let Some(IncomingError::Application(application)) = failed.cause() {
                    seen.refusal = Refusal {
                        error_type: application.type_name().unwrap_or_default().to_string(),
                        non_retryable: application.is_non_retryable(),
                        message: application.source_error().to_string(),
                        details: application
                            .details::<String>()
                            .ok()
                            .flatten()
                            .unwrap_or_default(),
                        cause: match application.cause() {
                            Some(IncomingError::Application(cause)) => {
                                cause.source_error().to_string()
                            }
                            other => format!("{other:?}"),
                        },
                        next_retry_delay: application.next_retry_delay(),
                    };
                }
            }
            other => seen.refusal.message = format!("{other:?}"),
        }
        let waiting = ctx.execute_activity(
            wait_for_cancel::ACTIVITY,
            (),
            ActivityOptions::with_start_to_close_timeout(Duration::from_secs(60))
                .heartbeat_timeout(Duration::from_secs(2))
                .cancellation_type(ActivityCancellationType::WaitCancellationCompleted)
                .build(),
        );
        // Cancelled once it runs, which it says with a signal.
        ctx.wait_condition(|workflow| workflow.cancel_waiting)
            .await
            .expect("the workflow is not cancelled");
        waiting.cancel();
        seen.cancelled = matches!(waiting.await, Err(ActivityExecutionError::Cancelled(_)));
        Ok(seen)
    }

    #[signal]
    fn cancel_waiting(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.cancel_waiting = true;
    }
}

/// Records the activity type of every attempt it wraps, and whether it failed.
struct Wrapped(Arc<Mutex<Vec<String>>>);

impl ActivityInterceptor for Wrapped {
    fn execute<'a>(&'a self, attempt: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let outcome = next.run().await;
            let verdict = if outcome.is_ok() { "ok" } else { "failed" };
            self.0
                .lock()
                .unwrap()
                .push(format!("{} {verdict}", attempt.info().activity_type));
            outcome
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_official_sdk_workflow_calls_our_activities_in_the_same_worker() {
    let queue = server::task_queue("official-sdk");
    let client = calls::client().await;
    let wrapped = Arc::new(Mutex::new(Vec::new()));
    let activities = official::Activities::builder(activity_set![
        compute_total,
        label,
        greet,
        refuse,
        wait_for_cancel,
        reverse,
        panic_once,
        resume
    ])
    .state(Greeter { punctuation: "!" })
    // A codec on our side too: failures still reach the workflow whole, their messages
    // included, since the official worker's converter owns their encoding.
    .codec(crate::heartbeats::SlowCodec::default())
    // Interceptors wrap the official worker's attempts as they do ours.
    .interceptor(Wrapped(Arc::clone(&wrapped)))
    .build()
    .expect("the set is valid");
    let options = WorkerOptions::new(queue.as_str())
        .register_workflow::<CallsOurs>()
        .expect("the workflow registers")
        .register_activities(activities)
        .build();
    let seen = beside_official_worker(&client, options, async {
        let handle = client
            .start_workflow(
                CallsOurs::run,
                vec![100u64, 300],
                WorkflowStartOptions::new(queue.as_str(), server::task_queue("calls-ours")).build(),
            )
            .await
            .expect("the workflow starts");
        within(
            Duration::from_secs(90),
            "the workflow's result",
            handle.get_result(WorkflowGetResultOptions::default()),
        )
        .await
    })
    .await;
    assert_eq!(
        seen.expect("the workflow completes"),
        Seen {
            total: 400,
            label: "tea×3 [green]".into(),
            local_label: "coffee×1 []".into(),
            greeting: "Hello, World! (greet from CallsOurs)".into(),
            refusal: Refusal {
                error_type: "Refused".into(),
                non_retryable: true,
                message: "refused: no".into(),
                details: "no".into(),
                cause: "the card is blocked".into(),
                next_retry_delay: Some(Duration::from_secs(3)),
            },
            cancelled: true,
            reversed: vec![255, 2, 1],
            after_panic: 2,
            resumed: 42,
        }
    );
    assert!(
        SAW_CANCELLATION.load(Ordering::SeqCst),
        "the activity saw its cancellation through our context"
    );
    let wrapped = wrapped.lock().unwrap();
    for attempt in [
        "compute_total ok",
        "refuse failed",
        "panic_once failed",
        "panic_once ok",
    ] {
        assert!(
            wrapped.iter().any(|seen| seen == attempt),
            "{attempt} in {wrapped:?}"
        );
    }
}

#[test]
fn sets_the_official_worker_cannot_run_are_refused_when_built() {
    mod other {
        #[activity_runtime::activity(name = "compute_total")]
        pub fn compute_total_again(prices: Vec<u64>) -> u64 {
            prices.len() as u64
        }
    }
    let error = official::Activities::new(activity_set![compute_total, other::compute_total_again])
        .unwrap_err();
    assert!(error.to_string().contains("compute_total_again"), "{error}");

    #[activity(dynamic)]
    async fn anything(arguments: Vec<activity_runtime::payload::Payload>) -> usize {
        arguments.len()
    }
    let error = official::Activities::new(activity_set![anything]).unwrap_err();
    assert!(
        error.to_string().contains("routes activities by name only"),
        "{error}"
    );
}
