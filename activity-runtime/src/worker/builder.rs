//! [`WorkerBuilder`]: every option of a [`Worker`], and its start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use temporalio_client::{Client, ClientInterceptor, ClientOptions, Connection};
use temporalio_common::data_converters::DataConverter;
use temporalio_common::telemetry::TelemetryOptions;
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::{
    CoreRuntime, PollerBehavior, RuntimeOptions, Worker as CoreWorker, WorkerConfig, WorkerTuner,
    WorkerVersioningStrategy, init_worker,
};
use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::oneshot;

#[cfg(feature = "otlp")]
use super::OtlpMetrics;
use super::core_thread;
use super::metrics;
use super::serve::CoreSide;
use super::tuning::{PollerAutoscaling, ResourceBasedSlots, WorkerDeployment};
use super::{Worker, WorkerError};
use crate::activity::ActivitySet;
use crate::connection::{BoxError, ConnectionConfig};
use crate::dispatch::{DispatchOptions, Dispatcher};

/// Configures a [`Worker`].
pub struct WorkerBuilder {
    task_queue: String,
    set: ActivitySet,
    options: DispatchOptions,
    connection: Option<Source>,
    core: CoreSettings,
    /// `None`: as the environment says.
    metrics: Option<metrics::Exporter>,
    /// `None`: a thread of its own on a multi-thread runtime only.
    core_thread: Option<bool>,
    client_interceptors: Vec<Arc<dyn ClientInterceptor>>,
}

/// What Temporal Core takes of the options.
struct CoreSettings {
    identity: Option<String>,
    pollers: Option<PollerBehavior>,
    resource_based_slots: Option<ResourceBasedSlots>,
    versioning: WorkerVersioningStrategy,
    max_worker_activities_per_second: Option<f64>,
    max_task_queue_activities_per_second: Option<f64>,
    max_heartbeat_throttle_interval: Option<Duration>,
    default_heartbeat_throttle_interval: Option<Duration>,
}

/// Where the worker's connection comes from.
enum Source {
    Config(Box<ConnectionConfig>),
    /// A client's, shared.
    Client {
        connection: Connection,
        namespace: String,
    },
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(config) => config.fmt(f),
            Self::Client { namespace, .. } => f
                .debug_struct("Client")
                .field("namespace", namespace)
                .finish_non_exhaustive(),
        }
    }
}

impl std::fmt::Debug for WorkerBuilder {
    /// The connection shows as `ConnectionConfig` does, with its API key redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerBuilder")
            .field("task_queue", &self.task_queue)
            .field("activities", &self.set.names().collect::<Vec<_>>())
            .field("connection", &self.connection)
            .field("identity", &self.core.identity)
            .field("pollers", &self.core.pollers)
            .field("resource_based_slots", &self.core.resource_based_slots)
            .finish_non_exhaustive()
    }
}

impl WorkerBuilder {
    pub(super) fn new(task_queue: String, set: ActivitySet) -> Self {
        Self {
            task_queue,
            set,
            options: DispatchOptions::default(),
            connection: None,
            core: CoreSettings {
                identity: None,
                pollers: None,
                resource_based_slots: None,
                versioning: WorkerVersioningStrategy::None {
                    build_id: String::new(),
                },
                max_worker_activities_per_second: None,
                max_task_queue_activities_per_second: None,
                max_heartbeat_throttle_interval: None,
                default_heartbeat_throttle_interval: None,
            },
            metrics: None,
            core_thread: None,
            client_interceptors: Vec::new(),
        }
    }
}

impl WorkerBuilder {
    crate::dispatch::dispatch_builder_methods!();

    /// The server and namespace; by default, [`ConnectionConfig::from_env`].
    pub fn connection(mut self, connection: ConnectionConfig) -> Self {
        self.connection = Some(Source::Config(Box::new(connection)));
        self
    }

    /// Serves on the connection and namespace of `client`, a client the process already has,
    /// instead of connecting again: one connection, one set of credentials (a key set on it
    /// reaches the worker too), shared with the rest of the code.
    ///
    /// ```no_run
    /// use activity_runtime::{ConnectionConfig, Worker, activity_set};
    ///
    /// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = ConnectionConfig::from_env()?.client().await?;
    /// let worker = Worker::builder("reports", activity_set![])
    ///     .client(&client)
    ///     .build()
    ///     .await?;
    /// // `client` still starts workflows and activities, on the same connection.
    /// # Ok(()) }
    /// ```
    pub fn client(mut self, client: &Client) -> Self {
        self.connection = Some(Source::Client {
            connection: client.connection().clone(),
            namespace: client.options().namespace.clone(),
        });
        self
    }

    /// Runs the calls that activities make through
    /// [`ctx.client()`](crate::ActivityContext::client) (starting, signalling, querying
    /// workflows) through `interceptor`, the official client's `ClientInterceptor`, after those
    /// added before it: the outbound hook for what activities send beside their heartbeats,
    /// which [`ActivityInterceptor::heartbeat`](crate::interceptor::ActivityInterceptor::heartbeat)
    /// sees. With the feature `opentelemetry`, the attempt's trace context is carried onward
    /// in `_tracer-data` before any of them runs. Default: none.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use activity_runtime::interceptor::BoxFuture;
    /// use activity_runtime::{Worker, activity, activity_set};
    /// use temporalio_client::errors::WorkflowStartError;
    /// use temporalio_client::{ClientInterceptor, Next, StartWorkflowInput, StartWorkflowOutput};
    ///
    /// /// Counts the workflows that activities start.
    /// #[derive(Clone, Default)]
    /// struct Starts(Arc<AtomicUsize>);
    ///
    /// impl ClientInterceptor for Starts {
    ///     fn start_workflow<'a>(
    ///         &'a self,
    ///         input: StartWorkflowInput,
    ///         next: Next<'a, StartWorkflowInput, BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>>>,
    ///     ) -> BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
    ///         self.0.fetch_add(1, Ordering::Relaxed);
    ///         next.run(input)
    ///     }
    /// }
    /// # #[activity] async fn fulfil() {}
    ///
    /// let starts = Starts::default();
    /// let builder = Worker::builder("orders", activity_set![fulfil]).client_interceptor(starts.clone());
    /// # let _ = builder;
    /// ```
    pub fn client_interceptor(mut self, interceptor: impl ClientInterceptor) -> Self {
        self.client_interceptors.push(Arc::new(interceptor));
        self
    }

    /// The identity the server shows for this worker; by default `pid@hostname`.
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.core.identity = Some(identity.into());
        self
    }

    /// How many polls for activity tasks may be open at once, fixed. Default: Core's, 5 fixed
    /// polls, or autoscaling when the server's namespace asks workers to enrol in it.
    pub fn pollers(mut self, pollers: usize) -> Self {
        self.core.pollers = Some(PollerBehavior::SimpleMaximum(pollers));
        self
    }

    /// Scales the polls for activity tasks on the server's feedback, instead of a fixed
    /// number: more while tasks wait, fewer while polls come back empty. Replaces
    /// [`pollers`](Self::pollers) (the last one set wins).
    pub fn poller_autoscaling(mut self, autoscaling: PollerAutoscaling) -> Self {
        self.core.pollers = Some(autoscaling.behavior());
        self
    }

    /// Hands activity slots out while the host's memory and CPU use stay under the targets,
    /// instead of a fixed [`max_concurrent_activities`](Self::max_concurrent_activities),
    /// which it replaces. The blocking pool keeps its own size: raise
    /// [`blocking_threads`](Self::blocking_threads) with `max_slots` when blocking
    /// activities should use every slot. Default: fixed slots.
    pub fn resource_based_slots(mut self, slots: ResourceBasedSlots) -> Self {
        self.core.resource_based_slots = Some(slots);
        self
    }

    /// The worker deployment and version this worker belongs to, for Worker Versioning.
    /// Default: none, an unversioned worker.
    pub fn deployment(mut self, deployment: WorkerDeployment) -> Self {
        self.core.versioning = deployment.strategy();
        self
    }

    /// The build this worker runs, shown by the server, without Worker Versioning. Replaces
    /// [`deployment`](Self::deployment) (the last one set wins). Default: none.
    pub fn build_id(mut self, build_id: impl Into<String>) -> Self {
        self.core.versioning = WorkerVersioningStrategy::None {
            build_id: build_id.into(),
        };
        self
    }

    /// The longest Core waits between two heartbeats it sends for one attempt: it sends the
    /// latest details at most once per interval, 80 % of the heartbeat timeout, capped by
    /// this. Default 60 s.
    pub fn max_heartbeat_throttle_interval(mut self, interval: Duration) -> Self {
        self.core.max_heartbeat_throttle_interval = Some(interval);
        self
    }

    /// The interval between two heartbeats Core sends for one attempt when the activity has
    /// no heartbeat timeout. Default 30 s; shorten it when callers read heartbeat details
    /// (progress) while the activity runs.
    pub fn default_heartbeat_throttle_interval(mut self, interval: Duration) -> Self {
        self.core.default_heartbeat_throttle_interval = Some(interval);
        self
    }

    /// The most activities per second this worker starts.
    pub fn max_worker_activities_per_second(mut self, rate: f64) -> Self {
        self.core.max_worker_activities_per_second = Some(rate);
        self
    }

    /// The most activities per second the server hands out on this task queue, across workers.
    pub fn max_task_queue_activities_per_second(mut self, rate: f64) -> Self {
        self.core.max_task_queue_activities_per_second = Some(rate);
        self
    }

    /// Serves Core's metrics (slots, poll and schedule-to-start latencies, executions and
    /// failures by activity type) and the activities' own
    /// ([`ActivityContext::metric_meter`](crate::ActivityContext::metric_meter)) at `address`
    /// for Prometheus to scrape, at `/metrics`. Port 0 picks a free port, which
    /// [`Worker::metrics_address`] reports.
    ///
    /// Default: the address in `TEMPORAL_PROMETHEUS_ADDRESS` (for example `0.0.0.0:9464`), so
    /// that a deployment turns metrics on without a code change; none when it is unset or
    /// empty. A value that is not an address fails [`build`](Self::build), naming it. A worker
    /// has one metrics exporter: this, or (feature `otlp`) `otlp_metrics`, whichever is set
    /// last; the variable is read only when neither is.
    pub fn prometheus(mut self, address: SocketAddr) -> Self {
        self.metrics = Some(metrics::Exporter::Prometheus(address));
        self
    }

    /// Pushes Core's metrics and the activities' own to an OpenTelemetry collector over OTLP
    /// (feature `otlp`), instead of serving them for Prometheus: a worker has one metrics
    /// exporter, the last one set.
    ///
    /// Default: when neither this nor [`prometheus`](Self::prometheus) is called and
    /// `TEMPORAL_PROMETHEUS_ADDRESS` is unset, the collector that the standard variables name
    /// (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`, with
    /// `OTEL_EXPORTER_OTLP_PROTOCOL` `grpc` or `http/protobuf`, and
    /// `OTEL_EXPORTER_OTLP_HEADERS`); none when they are unset.
    ///
    /// ```no_run
    /// use activity_runtime::worker::OtlpMetrics;
    /// use activity_runtime::{Worker, activity_set};
    ///
    /// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    /// let worker = Worker::builder("reports", activity_set![])
    ///     .otlp_metrics(OtlpMetrics::grpc("http://otel-collector:4317")?)
    ///     .build()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "otlp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "otlp")))]
    pub fn otlp_metrics(mut self, collector: OtlpMetrics) -> Self {
        self.metrics = Some(metrics::Exporter::Otlp(collector));
        self
    }

    /// Whether Temporal Core runs on a current-thread runtime of a thread of its own, or on the
    /// runtime that builds the worker, beside the activities. By default, a thread of its own
    /// when the worker is built on a multi-thread runtime, and that runtime when it is built on
    /// a current-thread one, where Core already runs as cheaply and a second thread would only
    /// add a hand-off.
    ///
    /// Either way the activities run on the runtime that calls [`Worker::run`]:
    /// `Handle::current()` in an activity, async or blocking, is that runtime. A thread of its
    /// own, named `temporal-core`, keeps Core's many small tasks off the multi-thread runtime's
    /// work-stealing and cross-thread wake-ups, for one hand-off of each attempt between the two
    /// runtimes; BENCHMARKS.md measures every combination. `false` keeps everything on the
    /// caller's runtime, for a process that must not start threads of its own.
    ///
    /// ```no_run
    /// use activity_runtime::{Worker, activity_set};
    ///
    /// # async fn serve() -> Result<(), activity_runtime::worker::WorkerError> {
    /// // Everything on this runtime, Core included: no `temporal-core` thread.
    /// let worker = Worker::builder("reports", activity_set![])
    ///     .core_thread(false)
    ///     .build()
    ///     .await?;
    /// worker.run().await
    /// # }
    /// ```
    pub fn core_thread(mut self, own_thread: bool) -> Self {
        self.core_thread = Some(own_thread);
        self
    }

    /// Checks the activities, connects, and registers the worker with Temporal Core.
    ///
    /// # Errors
    /// When the set cannot run (named duplicates, missing state), the connection settings are
    /// malformed, the server cannot be reached, or Core refuses the configuration.
    pub async fn build(mut self) -> Result<Worker, WorkerError> {
        let task_queue = self.task_queue;
        let start_error = |source: BoxError| WorkerError::Start {
            task_queue: task_queue.clone(),
            source,
        };
        let tuner = match &self.core.resource_based_slots {
            Some(slots) => {
                // Core decides; the dispatcher's own slots must never be the tighter bound.
                self.options.max_concurrent_activities = slots.max();
                Some(slots.tuner().map_err(|error| start_error(error.into()))?)
            }
            None => None,
        };
        let telemetry = metrics::telemetry(self.metrics).map_err(start_error)?;
        self.options.meter = telemetry.activities;
        let core = CoreStart {
            task_queue: task_queue.clone(),
            source: self.connection,
            identity: self.core.identity.clone().unwrap_or_else(default_identity),
            settings: self.core,
            tuner,
            telemetry: telemetry.core,
            data_converter: self.options.codec.data_converter(),
            client_interceptors: activity_client_interceptors(self.client_interceptors),
            slots: self.options.max_concurrent_activities,
            grace: self.options.graceful_shutdown_period,
        };
        // Before anything connects, so that a set that cannot run says so first.
        let dispatcher = Dispatcher::new(self.set, self.options)?;
        let (started, start) = oneshot::channel();
        let (run, run_requested) = oneshot::channel::<Handle>();
        let own_thread = self
            .core_thread
            .unwrap_or_else(|| Handle::current().runtime_flavor() != RuntimeFlavor::CurrentThread);
        let core_dispatcher = dispatcher.clone();
        // Everything Core owns, its connection's tasks included, is made on the runtime it runs
        // on, so that its work stays there.
        let ended = core_thread::launch(own_thread, &task_queue, async move {
            let side = core.start(core_dispatcher, own_thread).await?;
            if started.send(side.client()).is_err() {
                // `build` was dropped.
                return side.stop_unrun().await;
            }
            match run_requested.await {
                Ok(activities) => side.serve(activities).await,
                Err(_) => side.stop_unrun().await,
            }
        })?;
        let Ok(client) = start.await else {
            return Err(ended.failure().await);
        };
        Ok(Worker {
            metrics: telemetry.endpoint,
            client,
            dispatcher,
            task_queue,
            run,
            ended,
        })
    }
}

/// What Core's side needs to start.
struct CoreStart {
    task_queue: String,
    source: Option<Source>,
    identity: String,
    settings: CoreSettings,
    tuner: Option<Arc<dyn WorkerTuner + Send + Sync>>,
    telemetry: TelemetryOptions,
    data_converter: DataConverter,
    client_interceptors: Vec<Arc<dyn ClientInterceptor>>,
    slots: usize,
    grace: Duration,
}

impl CoreStart {
    /// Connects, and registers the worker with Core, which checks the namespace with the
    /// server; on the runtime Core is to run on.
    async fn start(
        self,
        dispatcher: Dispatcher,
        own_thread: bool,
    ) -> Result<CoreSide, WorkerError> {
        let task_queue = self.task_queue;
        let start_error = |source: BoxError| WorkerError::Start {
            task_queue: task_queue.clone(),
            source,
        };
        let (connection, namespace) = connect(self.source, &self.identity).await?;
        let runtime = core_runtime(self.telemetry).map_err(start_error)?;
        let config = self
            .settings
            .config(
                &task_queue,
                &namespace,
                self.identity,
                self.tuner,
                self.slots,
                self.grace,
            )
            .map_err(start_error)?;
        let core = start_core(&runtime, config, connection.clone())
            .await
            .map_err(start_error)?;
        let client_options = ClientOptions::new(namespace)
            .data_converter(self.data_converter)
            .client_interceptors(self.client_interceptors)
            .build();
        let client =
            Client::new(connection, client_options).map_err(|error| start_error(error.into()))?;
        Ok(CoreSide::new(
            core, runtime, dispatcher, client, task_queue, own_thread,
        ))
    }
}

impl CoreSettings {
    /// Core's configuration of a worker on `task_queue` in `namespace`: the tuner's slots, or
    /// `slots` fixed ones, and a shutdown whose grace period is the dispatcher's.
    fn config(
        self,
        task_queue: &str,
        namespace: &str,
        identity: String,
        tuner: Option<Arc<dyn WorkerTuner + Send + Sync>>,
        slots: usize,
        grace: Duration,
    ) -> Result<WorkerConfig, BoxError> {
        Ok(WorkerConfig::builder()
            .namespace(namespace)
            .task_queue(task_queue)
            .client_identity_override(identity)
            .task_types(WorkerTaskTypes::activity_only())
            .versioning_strategy(self.versioning)
            .maybe_max_outstanding_activities(tuner.is_none().then_some(slots))
            .maybe_tuner(tuner)
            .maybe_activity_task_poller_behavior(self.pollers)
            .maybe_max_worker_activities_per_second(self.max_worker_activities_per_second)
            .maybe_max_task_queue_activities_per_second(self.max_task_queue_activities_per_second)
            .maybe_max_heartbeat_throttle_interval(self.max_heartbeat_throttle_interval)
            .maybe_default_heartbeat_throttle_interval(self.default_heartbeat_throttle_interval)
            .graceful_shutdown_period(grace)
            .build()?)
    }
}

/// `pid@hostname`, as the other SDKs name a worker.
fn default_identity() -> String {
    format!(
        "{}@{}",
        std::process::id(),
        gethostname::gethostname().to_string_lossy()
    )
}

/// The connection, and the namespace to serve: a client's, the configured one, or the one the
/// environment and `temporal.toml` describe.
async fn connect(
    source: Option<Source>,
    identity: &str,
) -> Result<(Connection, String), WorkerError> {
    let config = match source {
        Some(Source::Client {
            connection,
            namespace,
        }) => return Ok((connection, namespace)),
        Some(Source::Config(config)) => *config,
        None => ConnectionConfig::from_env()?,
    };
    Ok((config.connect(identity).await?, config.namespace))
}

fn core_runtime(telemetry: TelemetryOptions) -> Result<CoreRuntime, BoxError> {
    let options = RuntimeOptions::builder()
        .telemetry_options(telemetry)
        .build()?;
    Ok(CoreRuntime::new_assume_tokio(options)?)
}

/// Registers the worker with Core, and has Core check the namespace with the server.
async fn start_core(
    runtime: &CoreRuntime,
    config: WorkerConfig,
    connection: Connection,
) -> Result<CoreWorker, BoxError> {
    let core = init_worker(runtime, config, connection)?;
    core.validate().await?;
    Ok(core)
}

/// What the client that activities get with `ctx.client()` runs its calls through: with the
/// feature `opentelemetry`, the current span's trace context carried onward, outermost, so
/// that the user's interceptors see the header too; then the user's.
fn activity_client_interceptors(
    users: Vec<Arc<dyn ClientInterceptor>>,
) -> Vec<Arc<dyn ClientInterceptor>> {
    #[cfg(feature = "opentelemetry")]
    let ours: Vec<Arc<dyn ClientInterceptor>> =
        vec![Arc::new(crate::interceptor::TraceContextOnward::new())];
    #[cfg(not(feature = "opentelemetry"))]
    let ours = Vec::new();
    ours.into_iter().chain(users).collect()
}
