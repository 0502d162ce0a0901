//! The activity worker on Temporal Core: poll, dispatch, heartbeat, complete, shut down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use temporalio_common::protos::coresdk::activity_result::ActivityExecutionResult;
use temporalio_common::protos::coresdk::activity_task::{
    ActivityCancelReason, ActivityTask, Cancel, Start, activity_task,
};
use temporalio_common::protos::coresdk::{ActivityHeartbeat, ActivityTaskCompletion};
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::{
    CoreRuntime, PollError, PollerBehavior, RuntimeOptions, Worker as CoreWorker, WorkerConfig,
    WorkerVersioningStrategy, init_worker,
};
use tokio::task::JoinSet;

use crate::connection::{ConnectError, ConnectionConfig, ConnectionConfigError};
use crate::context::{ActivityInfo, Cancellation, CancellationDetails, WorkflowInfo};
use crate::definition::ActivitySet;
use crate::dispatch::{BuildError, DispatchOptions, Dispatcher, Task};
use crate::error::{ActivityError, ErrorKind};
use crate::invocation::Outcome;

/// How long, after the last attempt was abandoned, the worker waits for Temporal Core to report
/// the outcomes and finish its own shutdown before it stops without it.
const CORE_SHUTDOWN_MARGIN: Duration = Duration::from_secs(5);

/// The attempts in flight, by task token, so that Core's cancellations reach them.
type Running = Arc<Mutex<HashMap<Vec<u8>, Cancellation>>>;

/// A worker that runs activities for one task queue, on the Temporal Core engine.
///
/// ```no_run
/// use activity_runtime::{Worker, activity, activity_set};
///
/// #[activity]
/// async fn greet(name: String) -> String {
///     format!("Hello, {name}!")
/// }
///
/// # #[tokio::main] async fn main() -> Result<(), activity_runtime::WorkerError> {
/// // Connects as `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`... or `temporal.toml` say.
/// let worker = Worker::builder("greetings", activity_set![greet]).build().await?;
/// worker.run_until_signal().await
/// # }
/// ```
pub struct Worker {
    core: Arc<CoreWorker>,
    // Core's runtime must outlive its worker.
    _runtime: CoreRuntime,
    dispatcher: Dispatcher,
    task_queue: String,
    namespace: String,
}

/// Configures a [`Worker`].
pub struct WorkerBuilder {
    task_queue: String,
    set: ActivitySet,
    options: DispatchOptions,
    connection: Option<ConnectionConfig>,
    identity: Option<String>,
    pollers: Option<usize>,
    max_worker_activities_per_second: Option<f64>,
    max_task_queue_activities_per_second: Option<f64>,
}

/// Stops a running [`Worker`] from another task.
#[derive(Clone)]
pub struct ShutdownHandle {
    core: Arc<CoreWorker>,
    dispatcher: Dispatcher,
}

/// Why a worker could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The set of activities cannot run, or the blocking pool could not start.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The connection settings are malformed.
    #[error(transparent)]
    Connection(#[from] ConnectionConfigError),
    /// The server could not be reached.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// Temporal Core refused the worker's configuration, or the namespace.
    #[error("the worker for task queue `{task_queue}` could not start: {reason}")]
    Start {
        /// The task queue.
        task_queue: String,
        /// What Core said.
        reason: String,
    },
    /// Polling failed in a way Core does not retry.
    #[error("polling task queue `{task_queue}` failed: {reason}")]
    Poll {
        /// The task queue.
        task_queue: String,
        /// What Core said.
        reason: String,
    },
}

impl Worker {
    /// A builder for a worker that serves `task_queue` with the activities of `set`.
    pub fn builder(task_queue: impl Into<String>, set: ActivitySet) -> WorkerBuilder {
        WorkerBuilder {
            task_queue: task_queue.into(),
            set,
            options: DispatchOptions::default(),
            connection: None,
            identity: None,
            pollers: None,
            max_worker_activities_per_second: None,
            max_task_queue_activities_per_second: None,
        }
    }

    /// A handle that stops this worker, for use from another task.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            core: Arc::clone(&self.core),
            dispatcher: self.dispatcher.clone(),
        }
    }

    /// The task queue this worker serves.
    pub fn task_queue(&self) -> &str {
        &self.task_queue
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully: polling stops, in-flight
    /// activities get the grace period to finish, the rest are cancelled with the reason
    /// "worker shutdown", and those that do not stop within the abandon period are abandoned.
    /// The server retries whatever did not complete, so nothing is lost.
    ///
    /// A second SIGINT or SIGTERM, during the shutdown or after, exits the process at once
    /// with the usual status (130 or 143), as most servers do.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub async fn run_until_signal(self) -> Result<(), WorkerError> {
        let handle = self.shutdown_handle();
        let task_queue = self.task_queue.clone();
        let mut signals = Signals::listen();
        // Left running after `run` returns: the handlers stay installed, so a later signal
        // must still end the process rather than be swallowed.
        tokio::spawn(async move {
            loop {
                let signal = signals.next().await;
                if handle.is_shutting_down() {
                    tracing::warn!(task_queue, "{signal} again: exiting at once");
                    std::process::exit(signal.exit_status());
                }
                tracing::info!(
                    task_queue,
                    "{signal} received: shutting down gracefully; send it again to exit at once"
                );
                handle.shutdown();
            }
        });
        self.run().await
    }

    /// Serves until [`ShutdownHandle::shutdown`] is called, or polling fails, and every
    /// attempt in flight has completed, been cancelled, or been abandoned: after a shutdown
    /// begins, it returns within the grace period plus the abandon period plus a few seconds.
    ///
    /// # Errors
    /// When polling fails in a way that Temporal Core does not retry, for example because the
    /// namespace was deleted. The attempts in flight are then shut down as above.
    pub async fn run(self) -> Result<(), WorkerError> {
        let running = Running::default();
        let mut attempts = JoinSet::new();
        let mut failure = None;
        let overdue = overdue(self.dispatcher.clone());
        tokio::pin!(overdue);
        let core_finished = loop {
            while attempts.try_join_next().is_some() {}
            let polled = tokio::select! {
                polled = self.core.poll_activity_task() => polled,
                () = &mut overdue => break false,
            };
            match polled {
                Ok(task) => self.accept(task, &running, &mut attempts),
                Err(PollError::ShutDown) => break true,
                Err(PollError::TonicError(status)) => {
                    if failure.is_none() {
                        tracing::error!(
                            task_queue = self.task_queue,
                            "polling failed, so the worker shuts down: {status}"
                        );
                        failure = Some(WorkerError::Poll {
                            task_queue: self.task_queue.clone(),
                            reason: status.to_string(),
                        });
                        self.shutdown_handle().shutdown();
                    }
                    // Polls go on: Core returns `ShutDown` from them once every attempt has
                    // completed, and its shutdown waits for that.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        // Bounded: the dispatcher abandons whatever outlives the shutdown's deadline.
        while attempts.join_next().await.is_some() {}
        if core_finished {
            let finished = tokio::time::timeout(CORE_SHUTDOWN_MARGIN, async {
                self.core.shutdown().await;
                if let Ok(core) = Arc::try_unwrap(self.core) {
                    core.finalize_shutdown().await;
                }
            });
            if finished.await.is_err() {
                tracing::warn!(
                    task_queue = self.task_queue,
                    "Temporal Core did not finish its shutdown in time; the worker stops anyway"
                );
            }
        } else {
            tracing::warn!(
                task_queue = self.task_queue,
                "Temporal Core still had work after the shutdown's deadline; the worker stops \
                 without waiting for it"
            );
        }
        failure.map_or(Ok(()), Err)
    }

    fn accept(&self, task: ActivityTask, running: &Running, attempts: &mut JoinSet<()>) {
        let token = task.task_token;
        match task.variant {
            Some(activity_task::Variant::Start(start)) => {
                let cancellation = Cancellation::default();
                lock(running).insert(token.clone(), cancellation.clone());
                let core = Arc::clone(&self.core);
                let heartbeat_token = token.clone();
                let heartbeats = Arc::new(move |details| {
                    core.record_activity_heartbeat(ActivityHeartbeat {
                        task_token: heartbeat_token.clone(),
                        details,
                    });
                });
                let task = Task {
                    info: info_from(&start, &self.task_queue, &self.namespace),
                    arguments: start.input,
                    last_heartbeat_details: start.heartbeat_details,
                    heartbeats: Some(heartbeats),
                    cancellation,
                };
                let dispatcher = self.dispatcher.clone();
                let core = Arc::clone(&self.core);
                let running = Arc::clone(running);
                attempts.spawn(async move {
                    // Never panics, and ends by the shutdown's deadline.
                    let outcome = dispatcher.run(task).await;
                    lock(&running).remove(&token);
                    complete(&core, token, outcome).await;
                });
            }
            Some(activity_task::Variant::Cancel(cancel)) => {
                if let Some(cancellation) = lock(running).get(&token) {
                    cancellation.cancel(cancellation_details(&cancel));
                }
            }
            None => tracing::warn!("Temporal Core sent an activity task with no variant"),
        }
    }
}

/// Completes once a shutdown has begun and the worker has had all the time it gets to end:
/// the grace period, the abandon period, and a margin for Core to report the outcomes.
async fn overdue(dispatcher: Dispatcher) {
    dispatcher.shutdown_begun().await;
    tokio::time::sleep(dispatcher.shutdown_periods() + CORE_SHUTDOWN_MARGIN).await;
}

/// Reports an attempt's outcome to Core.
///
/// Core refuses a completion only when it is malformed (a success without a result payload) or
/// the worker does not run activities: neither passes on a retry. It retries transient network
/// errors itself, inside its client, and turns a result over the namespace's payload limit into
/// a `PayloadsTooLarge` failure. So a refused completion is replaced once by a failure, which is
/// never malformed, naming the cause, so that the caller learns what happened instead of
/// waiting for a timeout.
async fn complete(core: &CoreWorker, task_token: Vec<u8>, outcome: Outcome) {
    let completion = ActivityTaskCompletion {
        task_token: task_token.clone(),
        result: Some(execution_result(outcome)),
    };
    let Err(refused) = core.complete_activity_task(completion).await else {
        return;
    };
    tracing::error!("Temporal Core refused an activity's completion: {refused}");
    let replacement = ActivityTaskCompletion {
        task_token,
        result: Some(execution_result(Err(refused_completion(&refused)))),
    };
    if let Err(error) = core.complete_activity_task(replacement).await {
        tracing::error!("Temporal Core refused the failure that replaced a completion: {error}");
    }
}

/// What Core receives for an outcome.
fn execution_result(outcome: Outcome) -> ActivityExecutionResult {
    match outcome {
        Ok(payload) => ActivityExecutionResult::ok(payload),
        Err(error) if error.kind() == ErrorKind::Cancelled => {
            ActivityExecutionResult::cancel(error.to_failure())
        }
        Err(error) => ActivityExecutionResult::fail(error.to_failure()),
    }
}

/// The failure that replaces a completion Core refused.
fn refused_completion(refused: &impl std::fmt::Display) -> ActivityError {
    ActivityError::new(format!(
        "the worker could not report this attempt's outcome, because Temporal Core refused it: \
         {refused}"
    ))
    .with_type("CompletionRefused")
    .bounded()
}

impl ShutdownHandle {
    /// Begins a graceful shutdown: polling stops, activities see
    /// [`ActivityContext::worker_shutdown`](crate::ActivityContext::worker_shutdown), those
    /// still running after the grace period are cancelled, and those still running after the
    /// abandon period are abandoned. [`Worker::run`] returns when it is done.
    pub fn shutdown(&self) {
        self.dispatcher.begin_shutdown();
        self.core.initiate_shutdown();
    }

    /// Whether a shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.dispatcher.is_shutting_down()
    }
}

impl WorkerBuilder {
    crate::dispatch::dispatch_builder_methods!();

    /// The server and namespace; by default, [`ConnectionConfig::from_env`].
    pub fn connection(mut self, connection: ConnectionConfig) -> Self {
        self.connection = Some(connection);
        self
    }

    /// The identity the server shows for this worker; by default `pid@hostname`.
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// How many polls for activity tasks may be open at once; Core's default otherwise.
    pub fn pollers(mut self, pollers: usize) -> Self {
        self.pollers = Some(pollers);
        self
    }

    /// The most activities per second this worker starts.
    pub fn max_worker_activities_per_second(mut self, rate: f64) -> Self {
        self.max_worker_activities_per_second = Some(rate);
        self
    }

    /// The most activities per second the server hands out on this task queue, across workers.
    pub fn max_task_queue_activities_per_second(mut self, rate: f64) -> Self {
        self.max_task_queue_activities_per_second = Some(rate);
        self
    }

    /// Checks the activities, connects, and registers the worker with Temporal Core.
    ///
    /// # Errors
    /// When the set cannot run (named duplicates, missing state), the connection settings are
    /// malformed, the server cannot be reached, or Core refuses the configuration.
    pub async fn build(self) -> Result<Worker, WorkerError> {
        let max_outstanding = self.options.max_concurrent_activities;
        let graceful_shutdown_period = self.options.graceful_shutdown_period;
        let dispatcher = Dispatcher::new(self.set, self.options)?;
        let connection = match self.connection {
            Some(connection) => connection,
            None => ConnectionConfig::from_env()?,
        };
        let identity = self.identity.unwrap_or_else(|| {
            format!(
                "{}@{}",
                std::process::id(),
                gethostname::gethostname().to_string_lossy()
            )
        });
        let client = connection.connect(&identity).await?;
        let start_error = |reason: String| WorkerError::Start {
            task_queue: self.task_queue.clone(),
            reason,
        };
        let runtime = CoreRuntime::new_assume_tokio(RuntimeOptions::default())
            .map_err(|error| start_error(error.to_string()))?;
        let config = WorkerConfig::builder()
            .namespace(connection.namespace.clone())
            .task_queue(self.task_queue.clone())
            .client_identity_override(identity)
            .task_types(WorkerTaskTypes::activity_only())
            .versioning_strategy(WorkerVersioningStrategy::None {
                build_id: String::new(),
            })
            .max_outstanding_activities(max_outstanding)
            .maybe_activity_task_poller_behavior(self.pollers.map(PollerBehavior::SimpleMaximum))
            .maybe_max_worker_activities_per_second(self.max_worker_activities_per_second)
            .maybe_max_task_queue_activities_per_second(self.max_task_queue_activities_per_second)
            .graceful_shutdown_period(graceful_shutdown_period)
            .build()
            .map_err(start_error)?;
        let core = init_worker(&runtime, config, client)
            .map_err(|error| start_error(error.to_string()))?;
        core.validate()
            .await
            .map_err(|error| start_error(error.to_string()))?;
        Ok(Worker {
            core: Arc::new(core),
            _runtime: runtime,
            dispatcher,
            task_queue: self.task_queue,
            namespace: connection.namespace,
        })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Python's `activity.info()` from Core's start task.
fn info_from(start: &Start, task_queue: &str, namespace: &str) -> ActivityInfo {
    let workflow = start
        .workflow_execution
        .as_ref()
        .filter(|execution| !execution.workflow_id.is_empty())
        .map(|execution| WorkflowInfo {
            workflow_id: execution.workflow_id.clone(),
            run_id: execution.run_id.clone(),
            workflow_type: start.workflow_type.clone(),
        });
    ActivityInfo {
        activity_id: start.activity_id.clone(),
        attempt: start.attempt,
        workflow,
        task_queue: task_queue.to_string(),
        namespace: if start.workflow_namespace.is_empty() {
            namespace.to_string()
        } else {
            start.workflow_namespace.clone()
        },
        scheduled_time: start
            .scheduled_time
            .as_ref()
            .map(|t| time(t.seconds, t.nanos)),
        started_time: start
            .started_time
            .as_ref()
            .map(|t| time(t.seconds, t.nanos)),
        current_attempt_scheduled_time: start
            .current_attempt_scheduled_time
            .as_ref()
            .map(|t| time(t.seconds, t.nanos)),
        start_to_close_timeout: start
            .start_to_close_timeout
            .as_ref()
            .map(|d| duration(d.seconds, d.nanos)),
        schedule_to_close_timeout: start
            .schedule_to_close_timeout
            .as_ref()
            .map(|d| duration(d.seconds, d.nanos)),
        heartbeat_timeout: start
            .heartbeat_timeout
            .as_ref()
            .map(|d| duration(d.seconds, d.nanos)),
        ..ActivityInfo::new(start.activity_type.clone())
    }
}

fn duration(seconds: i64, nanos: i32) -> Duration {
    Duration::new(seconds.max(0) as u64, nanos.max(0) as u32)
}

fn time(seconds: i64, nanos: i32) -> SystemTime {
    UNIX_EPOCH + duration(seconds, nanos)
}

fn cancellation_details(cancel: &Cancel) -> CancellationDetails {
    match &cancel.details {
        Some(details) => CancellationDetails {
            cancel_requested: details.is_cancelled,
            timed_out: details.is_timed_out,
            worker_shutdown: details.is_worker_shutdown,
            paused: details.is_paused,
            reset: details.is_reset,
            not_found: details.is_not_found,
        },
        None => {
            let mut details = CancellationDetails::default();
            match ActivityCancelReason::try_from(cancel.reason) {
                Ok(ActivityCancelReason::NotFound) => details.not_found = true,
                Ok(ActivityCancelReason::TimedOut) => details.timed_out = true,
                Ok(ActivityCancelReason::WorkerShutdown) => details.worker_shutdown = true,
                Ok(ActivityCancelReason::Paused) => details.paused = true,
                Ok(ActivityCancelReason::Reset) => details.reset = true,
                Ok(ActivityCancelReason::Cancelled) | Err(_) => details.cancel_requested = true,
            }
            details
        }
    }
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere), listened for from the moment the worker serves.
struct Signals {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

/// A signal that stops the worker.
#[derive(Debug, Clone, Copy)]
enum StopSignal {
    Interrupt,
    Terminate,
}

impl std::fmt::Display for StopSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
        })
    }
}

impl StopSignal {
    /// The status of a process that a signal ended: 128 plus the signal's number.
    fn exit_status(self) -> i32 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
        }
    }
}

impl Signals {
    fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                unix: signal(SignalKind::interrupt())
                    .and_then(|interrupt| Ok((interrupt, signal(SignalKind::terminate())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn next(&mut self) -> StopSignal {
        #[cfg(unix)]
        if let Some((interrupt, terminate)) = &mut self.unix {
            return tokio::select! {
                _ = interrupt.recv() => StopSignal::Interrupt,
                _ = terminate.recv() => StopSignal::Terminate,
            };
        }
        let _ = tokio::signal::ctrl_c().await;
        StopSignal::Interrupt
    }
}

#[cfg(test)]
mod tests {
    use temporalio_common::protos::coresdk::activity_result::activity_execution_result::Status;
    use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
    use temporalio_sdk_core::CompleteActivityError;

    use super::*;

    #[test]
    fn a_refused_completion_is_replaced_by_a_failure_naming_the_refusal() {
        let refused = CompleteActivityError::MalformedActivityCompletion {
            reason: "Activity completions must contain a `result` payload".to_string(),
            completion: None,
        };
        let result = execution_result(Err(refused_completion(&refused)));
        let Some(Status::Failed(failed)) = result.status else {
            panic!("a failure: {result:?}");
        };
        let failure = failed.failure.expect("the failure");
        assert!(
            failure.message.starts_with(
                "the worker could not report this attempt's outcome, because Temporal Core \
                 refused it: Lang SDK sent us a malformed activity completion (Activity \
                 completions must contain a `result` payload)"
            ),
            "{}",
            failure.message
        );
        let Some(FailureInfo::ApplicationFailureInfo(info)) = failure.failure_info else {
            panic!("an application failure");
        };
        assert_eq!(info.r#type, "CompletionRefused");
        assert!(!info.non_retryable);
    }

    #[test]
    fn cancellations_are_reported_as_cancellations_and_the_rest_as_failures() {
        let cancelled = execution_result(Err(ActivityError::cancelled()));
        assert!(matches!(cancelled.status, Some(Status::Cancelled(_))));
        let failed = execution_result(Err(ActivityError::new("no")));
        assert!(matches!(failed.status, Some(Status::Failed(_))));
        let completed = execution_result(Ok(crate::payload::encode(&1).unwrap()));
        assert!(matches!(completed.status, Some(Status::Completed(_))));
    }
}
