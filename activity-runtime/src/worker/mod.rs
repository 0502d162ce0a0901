//! The activity worker on Temporal Core: poll, dispatch, heartbeat, complete, shut down.
//!
//! ```no_run
//! use activity_runtime::{Worker, activity, activity_set};
//!
//! struct Db;
//!
//! #[activity]
//! async fn charge(db: activity_runtime::State<Db>, cents: u64) -> String {
//!     format!("charged {cents}")
//! }
//!
//! # #[tokio::main] async fn main() -> Result<(), activity_runtime::worker::WorkerError> {
//! Worker::builder("payments", activity_set![charge])
//!     .state(Db)                       // for State<Db> parameters
//!     .build()                         // checks the set, connects, registers with the server
//!     .await?
//!     .run_until_signal()              // SIGINT/SIGTERM: a graceful shutdown that always ends
//!     .await
//! # }
//! ```
//!
//! # Configuration
//!
//! The connection comes from Temporal's own conventions unless
//! [`connection`](WorkerBuilder::connection) gives one: see [`crate::connection`]. Every other
//! option is a method of [`WorkerBuilder`]:
//!
//! | Option | Default | |
//! |---|---|---|
//! | [`max_concurrent_activities`](WorkerBuilder::max_concurrent_activities) | 100 | slots: Core polls no more, and the dispatcher runs no more |
//! | [`blocking_threads`](WorkerBuilder::blocking_threads) | 100 | the dedicated pool for plain-`fn` activities, apart from the runtime's own `spawn_blocking` threads |
//! | [`pollers`](WorkerBuilder::pollers) | Core's: 5, or autoscaling when the namespace enrols workers in it | concurrent polls of the task queue, fixed |
//! | [`poller_autoscaling`](WorkerBuilder::poller_autoscaling) | off | polls scaled on the server's feedback ([`PollerAutoscaling`]) |
//! | [`resource_based_slots`](WorkerBuilder::resource_based_slots) | off | slots handed out while memory and CPU stay under targets ([`ResourceBasedSlots`]); replaces `max_concurrent_activities` |
//! | [`deployment`](WorkerBuilder::deployment), [`build_id`](WorkerBuilder::build_id) | none (unversioned) | the worker deployment and version ([`WorkerDeployment`], Worker Versioning), or a build id alone |
//! | [`default_heartbeat_throttle_interval`](WorkerBuilder::default_heartbeat_throttle_interval), [`max_heartbeat_throttle_interval`](WorkerBuilder::max_heartbeat_throttle_interval) | 30 s, 60 s | how often Core sends an attempt's latest heartbeat: without a heartbeat timeout, and at most (80 % of the timeout otherwise) |
//! | [`auto_heartbeat`](WorkerBuilder::auto_heartbeat) | off | heartbeat for activities with a heartbeat timeout while they run silent, with their latest details |
//! | [`client`](WorkerBuilder::client) | none | serve on the connection and namespace of a client the process already has |
//! | [`interceptor`](WorkerBuilder::interceptor) | none | wrap every attempt: [`crate::interceptor`] |
//! | [`max_worker_activities_per_second`](WorkerBuilder::max_worker_activities_per_second), [`max_task_queue_activities_per_second`](WorkerBuilder::max_task_queue_activities_per_second) | none | rate limits, per worker and across the task queue |
//! | [`graceful_shutdown_period`](WorkerBuilder::graceful_shutdown_period) | 10 s | how long in-flight activities may finish after a shutdown begins |
//! | [`shutdown_abandon_period`](WorkerBuilder::shutdown_abandon_period) | 5 s | how long activities cancelled at the end of the grace period have to stop |
//! | [`slow_poll_threshold`](WorkerBuilder::slow_poll_threshold) | 100 ms | the blocking detector; `None` turns it off |
//! | [`payload_limits`](WorkerBuilder::payload_limits) | 2 MiB error, 512 KiB warning | [`PayloadLimits`] |
//! | [`codec`](WorkerBuilder::codec) | none | a payload codec on every payload path: [`crate::payload::codec`] |
//! | [`encode_failure_messages`](WorkerBuilder::encode_failure_messages) | on with a codec | failure messages travel encoded, as `encode_common_attributes` does |
//! | [`prometheus`](WorkerBuilder::prometheus) | `TEMPORAL_PROMETHEUS_ADDRESS`, else none | serve Core's metrics and the activities' own at `/metrics` |
//! | `otlp_metrics` (feature `otlp`) | the `OTEL_EXPORTER_OTLP_*` variables, else none | push them to an OpenTelemetry collector instead |
//! | [`state`](WorkerBuilder::state), [`instance`](WorkerBuilder::instance) | none | values for `State<T>` parameters; the methods of an `#[activities]` block |
//! | [`identity`](WorkerBuilder::identity) | `pid@hostname` | |
//! | [`core_thread`](WorkerBuilder::core_thread) | on, when built on a multi-thread runtime | Temporal Core on a current-thread runtime of a thread of its own; off, on the runtime that builds the worker: see [Runtimes](#runtimes) |
//!
//! **Sizing.** `max_concurrent_activities` bounds what one worker runs at once; size it to what
//! its memory and downstream services take, and run more workers for more. Plain-`fn`
//! activities run on `blocking_threads` of their own, one thread per running blocking
//! activity, so keep it at or above the slots that blocking activities may fill. Async
//! activities share the tokio runtime, which the blocking detector guards: an async activity
//! that holds its thread for more than 100 ms in one poll is reported once, with the fix.
//!
//! # Runtimes
//!
//! The activities run on the tokio runtime that calls [`Worker::run`] (with Core on the
//! caller's runtime, the one that built the worker: the same one, unless a program moves the
//! worker between runtimes), whatever its flavour: `tokio::runtime::Handle::current()` inside
//! an activity is that runtime, an async activity runs on its threads, and a blocking one, on
//! the worker's own pool, enters it. A current-thread
//! `#[tokio::main(flavor = "current_thread")]` works as well as the default.
//!
//! Temporal Core, which polls, completes, heartbeats and holds the gRPC connection, runs by
//! default on a current-thread runtime of a thread of its own, named `temporal-core`, one per
//! worker, when the worker is built on a multi-thread runtime; on a current-thread runtime it
//! runs there, beside the activities, since it already runs as cheaply there and a second
//! thread would only add a hand-off. [`core_thread`](WorkerBuilder::core_thread) chooses
//! either way; `false` suits a process that must not start threads of its own.
//! BENCHMARKS.md (in the repository) measures every combination.
//!
//! A panic on Core's thread (in Core, or in a tracing subscriber called there) stops the worker:
//! [`run`](Worker::run) returns [`WorkerError::CoreStopped`] after shutting the attempts in
//! flight down, and the server retries them elsewhere. Dropping the future of `run` begins a
//! graceful shutdown, as [`ShutdownHandle::shutdown`] does, so Core's thread never outlives the
//! worker.
//!
//! # Shutdown
//!
//! [`Worker::run_until_signal`] stops polling on SIGINT or SIGTERM and lets in-flight
//! activities finish within the grace period (they see
//! [`ActivityContext::worker_shutdown`](crate::ActivityContext::worker_shutdown)). Then it
//! cancels the rest with the reason "worker shutdown", and after the abandon period it drops the
//! async ones and leaves the blocking ones to finish on their threads, reporting each as a
//! retryable `WorkerShutdown` failure, so that another worker retries it at once rather than
//! after its timeout. So a shutdown always ends: [`Worker::run`] returns within the grace and
//! abandon periods and a few seconds, even when an activity ignores its cancellation. A second
//! SIGINT or SIGTERM exits the process at once (status 130 or 143). A [`ShutdownHandle`] begins
//! the same shutdown from code.
//!
//! # Failures the worker reports itself
//!
//! Every one is in [`RuntimeFailure`](crate::error::RuntimeFailure), with its type name and
//! whether the server retries it. A panic anywhere in an attempt (the function, a parameter's
//! `Deserialize`, the result's `Serialize`, the codec, an interceptor) is a retryable `Panic`
//! failure; a panic while the codec seals a failure's messages is one that quotes nothing. A
//! type the worker does not know is a retryable `NotFoundError` listing the registered names. A
//! task whose fields no Rust type holds is a non-retryable `MalformedActivityTask` naming the
//! field. An operator's pause or reset that the activity returns as its cancellation is a
//! retryable `ActivityPause` or `ActivityReset`
//! ([`cancellation_details`](crate::ActivityContext::cancellation_details)). Failure messages
//! are cut to 16 KiB and cause chains to 32 links, so that a failure always fits what the
//! server accepts.
//!
//! # Metrics
//!
//! A worker exports Temporal Core's metrics and the activities' own
//! ([`crate::metrics`]) through one exporter: [`prometheus`](WorkerBuilder::prometheus), or
//! `otlp_metrics` with the feature `otlp`; without code, `TEMPORAL_PROMETHEUS_ADDRESS` or the
//! standard `OTEL_EXPORTER_OTLP_*` variables turn them on. Those an activity operator watches,
//! each labelled with `namespace` and `task_queue` (and `activity_type` where it applies):
//!
//! | Metric | Kind | What it says |
//! |---|---|---|
//! | `temporal_worker_task_slots_available`, `temporal_worker_task_slots_used` | gauge | free and busy slots (`worker_type="ActivityWorker"`; only the second under resource-based slots): saturation |
//! | `temporal_activity_schedule_to_start_latency` | histogram | how long tasks waited for a worker: too few workers or slots |
//! | `temporal_activity_execution_latency` | histogram | how long attempts ran, by `activity_type` |
//! | `temporal_activity_execution_failed` | counter | failed attempts, by `activity_type` and `failure_reason` |
//! | `temporal_activity_succeed_endtoend_latency` | histogram | schedule to success, by `activity_type` |
//! | `temporal_num_pollers`, `temporal_activity_poll_no_task` | gauge, counter | polling: the polls open, idle polls |
//! | `temporal_activity_heartbeats_dropped` | counter | heartbeats over the payload limit or refused by the codec, by `reason` |
//!
//! # Tracing
//!
//! Each attempt runs in a span, `activity`, with the fields of Python's activity logger:
//! `activity_type`, `activity_id`, `attempt`, `workflow_id`, `workflow_run_id`,
//! `workflow_type`, `task_queue`, `namespace`; everything the activity logs, async or
//! blocking, is inside it. With the feature `opentelemetry`, the interceptor
//! `TracingInterceptor` continues the caller's trace from the `_tracer-data` header the other
//! SDKs write: see [`crate::interceptor`].

mod builder;
mod core_thread;
mod metrics;
mod serve;
mod signals;
mod translate;
mod tuning;

pub use crate::dispatch::limits::PayloadLimits;
pub use builder::WorkerBuilder;
#[cfg(feature = "otlp")]
#[cfg_attr(docsrs, doc(cfg(feature = "otlp")))]
pub use metrics::{OtlpEndpointError, OtlpMetrics};
pub use tuning::{PollerAutoscaling, ResourceBasedSlots, VersioningBehavior, WorkerDeployment};

use std::net::SocketAddr;

use temporalio_client::{Client, Connection};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::activity::ActivitySet;
use crate::connection::{BoxError, ConnectError, ConnectionConfigError};
use crate::dispatch::Dispatcher;
use crate::error::BuildError;
use core_thread::CoreEnded;
use metrics::MetricsEndpoint;
use signals::Signals;

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
/// # #[tokio::main] async fn main() -> Result<(), activity_runtime::worker::WorkerError> {
/// // Connects as `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`... or `temporal.toml` say.
/// let worker = Worker::builder("greetings", activity_set![greet]).build().await?;
/// worker.run_until_signal().await
/// # }
/// ```
pub struct Worker {
    metrics: Option<MetricsEndpoint>,
    /// On the connection Core polls on, so that a new API key set on it is sent on Core's next
    /// call; activities get it from `ActivityContext::client`, with the worker's codec.
    client: Client,
    dispatcher: Dispatcher,
    task_queue: String,
    /// Tells Core's side, waiting on its runtime, where the activities run; dropped unsent, it
    /// shuts Core down.
    run: oneshot::Sender<Handle>,
    ended: CoreEnded,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("task_queue", &self.task_queue)
            .field("namespace", &self.client.options().namespace)
            .finish_non_exhaustive()
    }
}

/// Stops a running [`Worker`] from another task.
#[derive(Clone)]
pub struct ShutdownHandle {
    dispatcher: Dispatcher,
}

impl std::fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShutdownHandle").finish_non_exhaustive()
    }
}

/// Replaces the API key of a running [`Worker`], for key rotation without a restart: the
/// next call to the server, a poll or a completion, carries the new key.
///
/// ```no_run
/// # async fn rotate(worker: &activity_runtime::Worker) {
/// let api_key = worker.api_key_handle();
/// // When the secret store hands out a new key, while both keys are valid:
/// api_key.set("the-new-key");
/// # }
/// ```
#[derive(Clone)]
pub struct ApiKeyHandle {
    connection: Connection,
}

impl ApiKeyHandle {
    /// Sends `key` from the next call on.
    pub fn set(&self, key: impl Into<String>) {
        self.connection.set_api_key(Some(key.into()));
    }
}

impl std::fmt::Debug for ApiKeyHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyHandle").finish_non_exhaustive()
    }
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
    #[error("the worker for task queue `{task_queue}` could not start")]
    Start {
        /// The task queue.
        task_queue: String,
        /// What Core said.
        #[source]
        source: BoxError,
    },
    /// Polling failed in a way Core does not retry. The source is the server's
    /// `tonic::Status`, with its code.
    #[error("polling task queue `{task_queue}` failed")]
    Poll {
        /// The task queue.
        task_queue: String,
        /// What the server said.
        #[source]
        source: BoxError,
    },
    /// Temporal Core's side of the worker stopped unexpectedly: it panicked (a panic on
    /// Core's thread, in Core or in a tracing subscriber called there), or the runtime it ran
    /// on shut down. The activities in flight are shut down as after
    /// [`ShutdownHandle::shutdown`]; the server retries those that did not complete.
    #[error("Temporal Core stopped unexpectedly for task queue `{task_queue}`: {reason}")]
    CoreStopped {
        /// The task queue.
        task_queue: String,
        /// What stopped it, with the panic's message.
        reason: String,
    },
}

impl Worker {
    /// A builder for a worker that serves `task_queue` with the activities of `set`.
    pub fn builder(task_queue: impl Into<String>, set: ActivitySet) -> WorkerBuilder {
        WorkerBuilder::new(task_queue.into(), set)
    }

    /// A handle that stops this worker, for use from another task.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            dispatcher: self.dispatcher.clone(),
        }
    }

    /// A handle that replaces the API key this worker sends, for use from another task.
    pub fn api_key_handle(&self) -> ApiKeyHandle {
        ApiKeyHandle {
            connection: self.client.connection().clone(),
        }
    }

    /// Where the Prometheus endpoint listens, when [`WorkerBuilder::prometheus`] asked for one:
    /// the port it bound, when it was asked for port 0.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|metrics| metrics.address)
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
    /// # When the network fails
    ///
    /// Temporal Core retries through it, and `run` goes on:
    /// - polls, through any outage, for as long as it lasts (backing off to one try every
    ///   10 s), so the worker serves again once the network heals, with no restart;
    /// - completions and heartbeats that fail with `Unavailable`, for up to 10 s, each call
    ///   within a 30 s deadline. A completion held up by a network that heals within that
    ///   reaches the server; one that does not is dropped with a warning ("Network error while
    ///   completing activity"), and the server retries the activity once its start-to-close or
    ///   heartbeat timeout expires. Nothing is lost; the activity may run twice.
    ///
    /// Only a server that answers polls with a status Core never retries (a deleted namespace,
    /// a refused credential) for more than a minute ends `run`, with [`WorkerError::Poll`].
    ///
    /// Dropping the future before it finishes begins the same graceful shutdown, which then
    /// goes on without it: the activities keep running on this runtime until they end.
    ///
    /// # Errors
    /// When polling fails in a way that Temporal Core does not retry, for example because the
    /// namespace was deleted, or when Core's side stops unexpectedly
    /// ([`WorkerError::CoreStopped`]). The attempts in flight are then shut down as above.
    pub async fn run(self) -> Result<(), WorkerError> {
        let _shutdown_when_dropped = ShutdownWhenDropped(self.shutdown_handle());
        // Refused only when Core's side has already ended, which `ended` then says.
        let _ = self.run.send(Handle::current());
        let outcome = self.ended.outcome().await;
        if outcome.is_err() {
            // Core's side may have gone without its attempts: they stop as in a shutdown.
            self.dispatcher.begin_shutdown();
        }
        outcome
    }
}

/// Begins a shutdown when the future of [`Worker::run`] is dropped before it finishes, so that
/// Core's side, on a thread of its own, never outlives its worker.
struct ShutdownWhenDropped(ShutdownHandle);

impl Drop for ShutdownWhenDropped {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}

impl ShutdownHandle {
    /// Begins a graceful shutdown: polling stops, activities see
    /// [`ActivityContext::worker_shutdown`](crate::ActivityContext::worker_shutdown), those
    /// still running after the grace period are cancelled, and those still running after the
    /// abandon period are abandoned. [`Worker::run`] returns when it is done.
    pub fn shutdown(&self) {
        self.dispatcher.begin_shutdown();
    }

    /// Whether a shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.dispatcher.is_shutting_down()
    }
}
