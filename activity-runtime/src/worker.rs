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
use crate::error::ErrorKind;

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
    graceful_shutdown_period: Duration,
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
            graceful_shutdown_period: Duration::from_secs(10),
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
    /// activities get the grace period to finish, and the rest are cancelled with the reason
    /// "worker shutdown". The server retries whatever did not complete, so nothing is lost.
    ///
    /// # Errors
    /// As [`run`](Self::run).
    pub async fn run_until_signal(self) -> Result<(), WorkerError> {
        let handle = self.shutdown_handle();
        let task_queue = self.task_queue.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!(task_queue, "signal received; shutting down the worker");
            handle.shutdown();
        });
        self.run().await
    }

    /// Serves until [`ShutdownHandle::shutdown`] is called and every in-flight activity has
    /// completed, been cancelled, or been handed back.
    ///
    /// # Errors
    /// When polling fails in a way that Temporal Core does not retry, for example because the
    /// namespace was deleted.
    pub async fn run(self) -> Result<(), WorkerError> {
        let running = Arc::new(Mutex::new(HashMap::<Vec<u8>, Cancellation>::new()));
        let mut tasks = JoinSet::new();
        let result = loop {
            while tasks.try_join_next().is_some() {}
            let task = match self.core.poll_activity_task().await {
                Ok(task) => task,
                Err(PollError::ShutDown) => break Ok(()),
                Err(PollError::TonicError(status)) => {
                    self.shutdown_handle().shutdown();
                    break Err(WorkerError::Poll {
                        task_queue: self.task_queue.clone(),
                        reason: status.to_string(),
                    });
                }
            };
            self.accept(task, &running, &mut tasks);
        };
        while tasks.join_next().await.is_some() {}
        self.core.shutdown().await;
        if let Ok(core) = Arc::try_unwrap(self.core) {
            core.finalize_shutdown().await;
        }
        result
    }

    fn accept(
        &self,
        task: ActivityTask,
        running: &Arc<Mutex<HashMap<Vec<u8>, Cancellation>>>,
        tasks: &mut JoinSet<()>,
    ) {
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
                tasks.spawn(async move {
                    let result = match dispatcher.run(task).await {
                        Ok(payload) => ActivityExecutionResult::ok(payload),
                        Err(error) if error.kind() == ErrorKind::Cancelled => {
                            ActivityExecutionResult::cancel(error.to_failure())
                        }
                        Err(error) => ActivityExecutionResult::fail(error.to_failure()),
                    };
                    lock(&running).remove(&token);
                    let completion = ActivityTaskCompletion {
                        task_token: token,
                        result: Some(result),
                    };
                    if let Err(error) = core.complete_activity_task(completion).await {
                        tracing::error!(
                            "an activity's completion was refused by Temporal Core: {error}"
                        );
                    }
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

impl ShutdownHandle {
    /// Begins a graceful shutdown: polling stops, activities see
    /// [`ActivityContext::worker_shutdown`](crate::ActivityContext::worker_shutdown), and those
    /// still running after the grace period are cancelled. [`Worker::run`] returns when it is
    /// done.
    pub fn shutdown(&self) {
        self.dispatcher.begin_shutdown();
        self.core.initiate_shutdown();
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

    /// How long in-flight activities may run after a shutdown begins before they are
    /// cancelled. Default 10 s.
    pub fn graceful_shutdown_period(mut self, period: Duration) -> Self {
        self.graceful_shutdown_period = period;
        self
    }

    /// Checks the activities, connects, and registers the worker with Temporal Core.
    ///
    /// # Errors
    /// When the set cannot run (named duplicates, missing state), the connection settings are
    /// malformed, the server cannot be reached, or Core refuses the configuration.
    pub async fn build(self) -> Result<Worker, WorkerError> {
        let max_outstanding = self.options.max_concurrent_activities;
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
            .graceful_shutdown_period(self.graceful_shutdown_period)
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

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
