//! An operator's pause, unpause and reset, from the Temporal CLI and from Rust
//! (`client::ActivityOperator`), of an activity that a workflow runs and that is written the
//! natural way: it returns `ActivityError::cancelled()` when its context is cancelled. The attempt ends within one heartbeat interval as a retryable
//! `ActivityPause` or `ActivityReset` failure, as every SDK reports them, so the server holds a
//! paused activity and starts a reset one again; a workflow's cancellation still arrives as a
//! cancellation. On our worker and on the official SDK's, async and blocking.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use activity_runtime::client::{
    ActivityOperator, OperatorError, OptionsUpdate, Reset, RetryPolicy, StartedActivity,
    signal_workflow,
};
use activity_runtime::context::CancellationDetails;
use activity_runtime::{ActivityContext, ActivityError, State, Worker, activity, activity_set};
use activity_runtime::{ActivitySet, official};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use temporalio_client::{
    ActivityDescribeOptions, ActivityExecutionDescription, PendingActivityState,
    WorkflowGetResultOptions, WorkflowStartOptions,
};
use temporalio_common::UntypedActivity;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::workflows::select;
use temporalio_sdk::{
    ActivityCancellationType, ActivityExecutionError, ActivityOptions, CancellableFuture,
    SyncWorkflowContext, WorkerOptions, WorkflowContext, WorkflowResult,
};
use tokio::sync::Notify;

use crate::official_sdk::beside_official_worker;
use crate::support::calls;
use crate::support::cli::{temporal, temporal_json};
use crate::support::deadline::within;
use crate::support::server;

/// The longest Core waits between two heartbeats it sends; a pause or reset is learnt from the
/// answer to one.
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(1);
/// Long, so that an attempt left open by a refused cancellation outlives every deadline here
/// rather than ending by a timeout that looks like success.
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(60);
/// What the server, the CLI and a loaded machine may add to one heartbeat interval.
const SLACK: Duration = Duration::from_secs(4);
const ACTIVITY_ID: &str = "operated";
const STEP: Duration = Duration::from_millis(50);

/// What the attempts saw, for the test to wait on: each start, and how each first attempt
/// stopped.
#[derive(Clone, Default)]
struct Journal(Arc<(Mutex<Entries>, Notify)>);

#[derive(Default)]
struct Entries {
    starts: u32,
    stopped: Option<Stopped>,
}

#[derive(Debug, Clone, Copy)]
struct Stopped {
    details: Option<CancellationDetails>,
    at: Instant,
}

impl Journal {
    /// Records a start; true for the first, which works until it is stopped.
    fn first_start(&self) -> bool {
        let mut entries = self.0.0.lock().unwrap();
        entries.starts += 1;
        self.0.1.notify_waiters();
        entries.starts == 1
    }

    /// Records why the first attempt stopped, and returns the cancellation it returns.
    fn stop(&self, ctx: &ActivityContext) -> ActivityError {
        self.0.0.lock().unwrap().stopped = Some(Stopped {
            details: ctx.cancellation_details(),
            at: Instant::now(),
        });
        self.0.1.notify_waiters();
        ActivityError::cancelled()
    }

    fn starts(&self) -> u32 {
        self.0.0.lock().unwrap().starts
    }

    /// How the first attempt stopped, once it has; fails the test after `limit`.
    async fn stopped_within(&self, limit: Duration) -> Stopped {
        within(limit, "the first attempt's end", async {
            loop {
                let notified = self.0.1.notified();
                if let Some(stopped) = self.0.0.lock().unwrap().stopped {
                    return stopped;
                }
                notified.await;
            }
        })
        .await
    }
}

/// What the attempt that completed saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finished {
    attempt: u32,
    resumed_from: Option<u64>,
}

/// The first attempt counts, heartbeating each step, until it is cancelled; a later one
/// returns what it resumed from.
#[activity]
async fn count_async(
    ctx: ActivityContext,
    journal: State<Journal>,
) -> Result<Finished, ActivityError> {
    let resumed_from = ctx.last_heartbeat_details::<u64>()?;
    if !journal.first_start() {
        return Ok(finished(&ctx, resumed_from));
    }
    for step in 1u64.. {
        ctx.heartbeat(&step);
        tokio::select! {
            () = ctx.cancelled() => return Err(journal.stop(&ctx)),
            () = tokio::time::sleep(STEP) => {}
        }
    }
    unreachable!("counts until cancelled")
}

/// The same on a blocking thread, which polls its cancellation.
#[activity]
fn count_blocking(
    ctx: ActivityContext,
    journal: State<Journal>,
) -> Result<Finished, ActivityError> {
    let resumed_from = ctx.last_heartbeat_details::<u64>()?;
    if !journal.first_start() {
        return Ok(finished(&ctx, resumed_from));
    }
    for step in 1u64.. {
        ctx.heartbeat(&step);
        if ctx.is_cancelled() {
            return Err(journal.stop(&ctx));
        }
        std::thread::sleep(STEP);
    }
    unreachable!("counts until cancelled")
}

fn finished(ctx: &ActivityContext, resumed_from: Option<u64>) -> Finished {
    Finished {
        attempt: ctx.info().attempt,
        resumed_from,
    }
}

fn operated_activities() -> ActivitySet {
    activity_set![count_async, count_blocking]
}

/// Which of the two the workflow runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Body {
    Async,
    Blocking,
}

/// What the workflow runs, and where.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    queue: String,
    body: Body,
}

/// What the workflow saw of its activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Report {
    Completed(Finished),
    Cancelled,
    Failed(String),
}

#[workflow]
#[derive(Default)]
pub struct Operated {
    cancel: bool,
}

#[workflow_methods]
impl Operated {
    /// Runs the plan's activity; when signalled `cancel`, cancels it and waits for it to stop.
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, plan: Plan) -> WorkflowResult<Report> {
        let options = ActivityOptions::with_start_to_close_timeout(Duration::from_secs(300))
            .activity_id(ACTIVITY_ID.to_string())
            .task_queue(plan.queue.clone())
            .heartbeat_timeout(HEARTBEAT_TIMEOUT)
            .cancellation_type(ActivityCancellationType::WaitCancellationCompleted)
            .retry_policy(
                RetryPolicy::builder()
                    .initial_interval(Duration::from_millis(200))
                    .backoff_coefficient(1.0)
                    .maximum_attempts(5)
                    .build(),
            )
            .build();
        macro_rules! report {
            ($activity:expr) => {{
                let mut running = std::pin::pin!(ctx.execute_activity($activity, (), options));
                let ended = select! {
                    outcome = running.as_mut() => Some(outcome),
                    _ = ctx.wait_condition(|workflow| workflow.cancel) => None,
                };
                match ended {
                    Some(outcome) => outcome,
                    None => {
                        running.cancel();
                        running.await
                    }
                }
            }};
        }
        let outcome = match plan.body {
            Body::Async => report!(count_async::ACTIVITY),
            Body::Blocking => report!(count_blocking::ACTIVITY),
        };
        Ok(match outcome {
            Ok(finished) => Report::Completed(finished),
            Err(ActivityExecutionError::Cancelled(_)) => Report::Cancelled,
            Err(other) => Report::Failed(format!("{other:?}")),
        })
    }

    #[signal]
    fn cancel(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.cancel = true;
    }
}

/// Which worker runs the activities.
#[derive(Debug, Clone, Copy)]
enum Host {
    Ours,
    Official,
}

/// Who gives the operator's commands.
#[derive(Debug, Clone, Copy)]
enum By {
    /// `temporal activity <command> --workflow-id .. --activity-id ..`.
    Cli,
    /// `ActivityOperator::of_workflow`.
    Rust,
}

/// An operator's command.
#[derive(Debug, Clone, Copy)]
enum Command {
    Pause,
    Unpause,
    Reset { clear_heartbeat_details: bool },
}

/// One workflow of [`Operated`] on a worker of its own, its activity on `host`.
struct Operation {
    workflow_id: String,
    journal: Journal,
    client: temporalio_client::Client,
    by: By,
}

/// How a workflow of [`Operated`] ended.
struct Ended {
    report: Report,
    /// How long after the operator's command the first attempt stopped.
    stopped_after: Duration,
    /// The failure of the attempt before the last, as the history records it where the last
    /// one started.
    failure_before_last: Value,
}

/// Runs `test` on a new workflow whose activity (`body`) runs on `host`, with commands given
/// `by` the CLI or Rust, and returns how the workflow ended.
async fn operate(
    host: Host,
    body: Body,
    by: By,
    test: impl AsyncFnOnce(&Operation) -> Duration,
) -> Ended {
    let journal = Journal::default();
    let queue = server::task_queue("operated");
    let workflow_id = server::task_queue("operated-workflow");
    let client = calls::client().await;
    let workflows = WorkerOptions::new(queue.as_str())
        .max_heartbeat_throttle_interval(HEARTBEAT_INTERVAL)
        .register_workflow::<Operated>()
        .expect("the workflow registers");
    let (options, ours) = match host {
        Host::Ours => {
            let activities = server::task_queue("operated-activities");
            let worker = server::start_worker_with(
                Worker::builder(&activities, operated_activities())
                    .state(journal.clone())
                    .max_heartbeat_throttle_interval(HEARTBEAT_INTERVAL),
            )
            .await;
            (workflows.build(), Some((worker, activities)))
        }
        Host::Official => {
            let activities = official::Activities::builder(operated_activities())
                .state(journal.clone())
                .build()
                .expect("the set is valid");
            (workflows.register_activities(activities).build(), None)
        }
    };
    let plan = Plan {
        queue: ours.as_ref().map_or(&queue, |(_, queue)| queue).clone(),
        body,
    };
    let operation = Operation {
        workflow_id: workflow_id.clone(),
        journal,
        client: client.clone(),
        by,
    };
    let (report, stopped_after) = beside_official_worker(&client, options, async {
        let handle = client
            .start_workflow(
                Operated::run,
                plan,
                WorkflowStartOptions::new(queue.as_str(), workflow_id.as_str()).build(),
            )
            .await
            .expect("the workflow starts");
        let stopped_after = test(&operation).await;
        let report = within(
            Duration::from_secs(30),
            "the workflow's result",
            handle.get_result(WorkflowGetResultOptions::default()),
        )
        .await
        .expect("the workflow completes");
        (report, stopped_after)
    })
    .await;
    if let Some((worker, _)) = ours {
        worker.stop().await;
    }
    Ended {
        report,
        stopped_after,
        failure_before_last: operation.failure_before_last_start().await,
    }
}

impl Operation {
    /// Gives `command`, from the CLI or from Rust.
    async fn command(&self, command: Command) {
        match self.by {
            By::Cli => {
                let (action, flags): (&str, &[&str]) = match command {
                    Command::Pause => ("pause", &[]),
                    Command::Unpause => ("unpause", &[]),
                    Command::Reset {
                        clear_heartbeat_details: false,
                    } => ("reset", &[]),
                    Command::Reset {
                        clear_heartbeat_details: true,
                    } => ("reset", &["--clear-heartbeat-details"]),
                };
                let mut args = vec![
                    "activity",
                    action,
                    "--workflow-id",
                    &self.workflow_id,
                    "--activity-id",
                    ACTIVITY_ID,
                ];
                args.extend(flags);
                temporal(&args).await;
            }
            By::Rust => {
                let operator =
                    ActivityOperator::of_workflow(&self.client, &self.workflow_id, "", ACTIVITY_ID);
                let done = match command {
                    Command::Pause => operator.pause("operated from Rust").await,
                    Command::Unpause => operator.unpause().await,
                    Command::Reset {
                        clear_heartbeat_details,
                    } => {
                        let reset = Reset::new();
                        let reset = if clear_heartbeat_details {
                            reset.clear_heartbeat_details()
                        } else {
                            reset
                        };
                        operator.reset(reset).await
                    }
                };
                done.unwrap_or_else(|error| panic!("{command:?} from Rust: {error}"));
            }
        }
    }

    /// The workflow's pending activity as `temporal workflow describe` shows it, once
    /// `condition` holds of it; fails the test after `limit`, showing the last one seen.
    async fn pending_until(
        &self,
        limit: Duration,
        what: &str,
        condition: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let described =
                temporal_json(&["workflow", "describe", "--workflow-id", &self.workflow_id]).await;
            let pending = described["pendingActivities"][0].clone();
            if condition(&pending) {
                return pending;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within {limit:?}; the workflow: {described:#}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Once the first attempt heartbeats, gives `command`, and returns why the attempt stopped
    /// and how long after the command, which must be within one heartbeat interval and the
    /// slack.
    async fn interrupt(&self, command: Command) -> (CancellationDetails, Duration) {
        self.heartbeating().await;
        let commanded = Instant::now();
        self.command(command).await;
        let stopped = self
            .journal
            .stopped_within(HEARTBEAT_INTERVAL + SLACK)
            .await;
        let after = stopped.at - commanded;
        assert!(
            after <= HEARTBEAT_INTERVAL + SLACK,
            "the attempt stopped {after:?} after {command:?} by {:?}",
            self.by
        );
        (stopped.details.expect("cancelled with details"), after)
    }

    /// Waits until the server holds a heartbeat of the first attempt.
    async fn heartbeating(&self) {
        self.pending_until(Duration::from_secs(30), "a heartbeat", |pending| {
            !pending["heartbeatDetails"].is_null()
        })
        .await;
    }

    /// The failure of the attempt before the last, from the workflow's history.
    async fn failure_before_last_start(&self) -> Value {
        let history =
            temporal_json(&["workflow", "show", "--workflow-id", &self.workflow_id]).await;
        let started = history["events"]
            .as_array()
            .expect("events")
            .iter()
            .find_map(|event| event.get("activityTaskStartedEventAttributes"))
            .expect("the activity started")
            .clone();
        started["lastFailure"].clone()
    }
}

/// The type and retryability of an application failure as the CLI prints it.
fn application_failure(failure: &Value) -> (String, bool) {
    let info = &failure["applicationFailureInfo"];
    (
        info["type"].as_str().unwrap_or_default().to_string(),
        info["nonRetryable"].as_bool().unwrap_or(false),
    )
}

/// Pauses the running attempt: it stops within one heartbeat interval, the server holds the
/// activity paused on attempt 2 with a retryable `ActivityPause` failure, and nothing runs
/// until it is unpaused; then attempt 2 completes, resuming from the first's heartbeats.
async fn paused_then_unpaused(host: Host, body: Body, by: By) {
    let ended = operate(host, body, by, async |operation| {
        let (details, stopped_after) = operation.interrupt(Command::Pause).await;
        assert!(details.paused && !details.cancel_requested, "{details:?}");
        let pending = operation
            .pending_until(
                HEARTBEAT_INTERVAL + SLACK,
                "the activity held paused on attempt 2",
                |pending| {
                    pending["state"] == "PENDING_ACTIVITY_STATE_PAUSED" && pending["attempt"] == 2
                },
            )
            .await;
        assert_eq!(
            application_failure(&pending["lastFailure"]),
            ("ActivityPause".to_string(), false),
            "{host:?} {body:?}: {pending:#}"
        );
        assert_eq!(operation.journal.starts(), 1, "nothing runs while paused");
        operation.command(Command::Unpause).await;
        stopped_after
    })
    .await;
    let Report::Completed(finished) = ended.report else {
        panic!(
            "{host:?} {body:?}: the workflow completes after the unpause: {:?}",
            ended.report
        );
    };
    assert_eq!(finished.attempt, 2, "{host:?} {body:?}");
    assert!(
        finished.resumed_from.is_some_and(|step| step > 0),
        "{host:?} {body:?}: attempt 2 resumes from the first's heartbeats: {finished:?}"
    );
    println!(
        "operator: {host:?} worker, {body:?}: paused by {by:?}, the attempt stopped {:.1} s after \
         the pause (Core heartbeats every {HEARTBEAT_INTERVAL:?}), the activity held PAUSED on \
         attempt 2 with a retryable ActivityPause; unpaused, it completed on attempt 2 from step \
         {}",
        ended.stopped_after.as_secs_f64(),
        finished.resumed_from.unwrap_or_default()
    );
}

/// Resets the running attempt: it stops as a retryable `ActivityReset` failure, and the
/// activity runs again; when the reset clears the heartbeat details, the next attempt sees none.
async fn reset(host: Host, body: Body, by: By, clear_heartbeat_details: bool) {
    let ended = operate(host, body, by, async |operation| {
        let (details, stopped_after) = operation
            .interrupt(Command::Reset {
                clear_heartbeat_details,
            })
            .await;
        assert!(details.reset && !details.cancel_requested, "{details:?}");
        stopped_after
    })
    .await;
    let Report::Completed(finished) = ended.report else {
        panic!(
            "{host:?} {body:?}: the workflow completes after the reset: {:?}",
            ended.report
        );
    };
    assert_eq!(
        application_failure(&ended.failure_before_last),
        ("ActivityReset".to_string(), false),
        "{host:?} {body:?}: {:#}",
        ended.failure_before_last
    );
    if clear_heartbeat_details {
        assert_eq!(finished.resumed_from, None, "{host:?} {body:?}: cleared");
    } else {
        assert!(
            finished.resumed_from.is_some_and(|step| step > 0),
            "{host:?} {body:?}: the next attempt resumes from the heartbeats: {finished:?}"
        );
    }
    println!(
        "operator: {host:?} worker, {body:?}: reset by {by:?}{}, the attempt stopped {:.1} s \
         after the reset as a retryable ActivityReset; attempt {} completed, resuming from {:?}",
        if clear_heartbeat_details {
            ", clearing the heartbeat details"
        } else {
            ""
        },
        ended.stopped_after.as_secs_f64(),
        finished.attempt,
        finished.resumed_from
    );
}

/// The workflow cancels the running attempt: the activity sees a requested cancellation, and
/// the workflow a cancelled activity.
async fn cancelled_by_the_workflow(host: Host, body: Body) {
    let ended = operate(host, body, By::Cli, async |operation| {
        operation.heartbeating().await;
        signal_workflow(&operation.client, &operation.workflow_id, "cancel", ())
            .await
            .expect("the signal is delivered");
        let stopped = operation
            .journal
            .stopped_within(HEARTBEAT_INTERVAL + SLACK)
            .await;
        let details = stopped.details.expect("cancelled with details");
        assert!(
            details.cancel_requested && !details.paused && !details.reset,
            "{details:?}"
        );
        Duration::ZERO
    })
    .await;
    assert_eq!(ended.report, Report::Cancelled, "{host:?} {body:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_attempt_fails_as_activity_pause_and_unpausing_completes_it_on_attempt_2() {
    paused_then_unpaused(Host::Ours, Body::Async, By::Cli).await;
    paused_then_unpaused(Host::Ours, Body::Blocking, By::Cli).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_attempt_fails_as_activity_reset_and_runs_again_with_its_heartbeats() {
    reset(Host::Ours, Body::Async, By::Cli, false).await;
    reset(Host::Ours, Body::Blocking, By::Cli, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_that_clears_heartbeat_details_runs_again_without_them() {
    reset(Host::Ours, Body::Async, By::Cli, true).await;
    reset(Host::Ours, Body::Blocking, By::Cli, true).await;
}

/// The same commands from Rust, through `ActivityOperator`, as the server's own requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_rust_pause_unpause_and_both_resets_of_a_workflows_activity() {
    paused_then_unpaused(Host::Ours, Body::Async, By::Rust).await;
    reset(Host::Ours, Body::Blocking, By::Rust, false).await;
    reset(Host::Ours, Body::Async, By::Rust, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflows_cancellation_still_arrives_as_a_cancellation() {
    cancelled_by_the_workflow(Host::Ours, Body::Async).await;
    cancelled_by_the_workflow(Host::Ours, Body::Blocking).await;
}

/// The official worker drops Core's reasons for a cancellation; the bridge asks the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_official_worker_pause_reset_and_cancellation_are_told_apart() {
    paused_then_unpaused(Host::Official, Body::Async, By::Cli).await;
    reset(Host::Official, Body::Blocking, By::Cli, false).await;
    cancelled_by_the_workflow(Host::Official, Body::Async).await;
}

/// The describe of a standalone activity, once `condition` holds of it; fails the test after
/// `limit`.
async fn described_until<T>(
    activity: &StartedActivity<T>,
    limit: Duration,
    what: &str,
    condition: impl Fn(&ActivityExecutionDescription<UntypedActivity>) -> bool,
) -> ActivityExecutionDescription<UntypedActivity> {
    within(limit, what, async {
        loop {
            let described = activity
                .handle()
                .describe(ActivityDescribeOptions::default())
                .await
                .expect("describe");
            if condition(&described) {
                return described;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
}

/// A standalone activity on our worker, operated through its `StartedActivity`: paused, it
/// stops within a heartbeat interval and the server holds it; its options updated while
/// paused, the server shows them; unpaused, it completes on attempt 2 from its heartbeats.
/// Commands the server refuses are errors that name the activity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_standalone_activity_is_paused_updated_and_unpaused_from_rust() {
    let journal = Journal::default();
    let queue = server::task_queue("operated-standalone");
    let worker = server::start_worker_with(
        Worker::builder(&queue, operated_activities())
            .state(journal.clone())
            .max_heartbeat_throttle_interval(HEARTBEAT_INTERVAL),
    )
    .await;
    let client = calls::client().await;
    let options = calls::options(&queue, Duration::from_secs(300), Some(HEARTBEAT_TIMEOUT), 5);
    let counting: StartedActivity<Finished> =
        calls::start(&client, count_async::ACTIVITY.name(), (), options).await;
    calls::until_heartbeated(&counting).await;

    let unchanged = counting.update_options(OptionsUpdate::new()).await;
    assert!(
        matches!(unchanged, Err(OperatorError::NothingToUpdate { .. })),
        "{unchanged:?}"
    );
    let paused_at = Instant::now();
    counting.pause("operated from Rust").await.expect("paused");
    let stopped = journal.stopped_within(HEARTBEAT_INTERVAL + SLACK).await;
    let details = stopped.details.expect("cancelled with details");
    assert!(details.paused && !details.cancel_requested, "{details:?}");
    described_until(
        &counting,
        HEARTBEAT_INTERVAL + SLACK,
        "the activity held paused",
        |described| described.run_state() == PendingActivityState::Paused,
    )
    .await;

    let in_force = counting
        .update_options(
            OptionsUpdate::new()
                .start_to_close_timeout(Duration::from_secs(120))
                .heartbeat_timeout(Duration::from_secs(45)),
        )
        .await
        .expect("the options are updated");
    assert_eq!(
        (
            in_force
                .heartbeat_timeout
                .as_ref()
                .map(|timeout| timeout.seconds),
            in_force
                .start_to_close_timeout
                .as_ref()
                .map(|timeout| timeout.seconds),
        ),
        (Some(45), Some(120)),
        "the options in force, as the server answered: {in_force:?}"
    );
    let updated = described_until(
        &counting,
        Duration::from_secs(10),
        "the updated options",
        |described| described.heartbeat_timeout() == Some(Duration::from_secs(45)),
    )
    .await;
    assert_eq!(
        updated.start_to_close_timeout(),
        Some(Duration::from_secs(120))
    );
    assert_eq!(journal.starts(), 1, "nothing runs while paused");

    counting.unpause().await.expect("unpaused");
    let finished = calls::result_within(&counting, Duration::from_secs(30))
        .await
        .expect("completes after the unpause");
    assert_eq!(finished.attempt, 2, "{finished:?}");
    assert!(
        finished.resumed_from.is_some_and(|step| step > 0),
        "attempt 2 resumes from the first's heartbeats: {finished:?}"
    );

    let refused = counting.unpause().await.expect_err("it completed");
    let message = refused.to_string();
    assert!(
        message.contains(&format!(
            "standalone activity `{}`",
            counting.handle().activity_id()
        )),
        "{message}"
    );
    println!(
        "operator: from Rust, a standalone activity paused (stopped {:.1} s after), its \
         options updated while paused, unpaused and completed on attempt 2 from step {}; an \
         unpause after it completed: {message}",
        (stopped.at - paused_at).as_secs_f64(),
        finished.resumed_from.unwrap_or_default()
    );
    worker.stop().await;
}
