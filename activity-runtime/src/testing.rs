//! Running activities in-process, without a server: [`ActivityEnvironment`], the twin of
//! Python's `temporalio.testing.ActivityEnvironment`, with no feature flag.
//!
//! It runs activities through the worker's own dispatcher: the same decoding, codec, blocking
//! pool, slots, panic boundary, size limits, shutdown deadline and failure reporting, so a test
//! of an activity in it proves what a worker would do.
//!
//! ```
//! use activity_runtime::context::{ActivityInfo, CancellationDetails};
//! use activity_runtime::error::ErrorKind;
//! use activity_runtime::testing::ActivityEnvironment;
//! use activity_runtime::{ActivityContext, ActivityError, State, activity, activity_set};
//!
//! struct Rates { percent: u64 }
//!
//! #[activity]
//! async fn with_tax(ctx: ActivityContext, rates: State<Rates>, cents: u64) -> u64 {
//!     let resumed = ctx.last_heartbeat_details::<u64>().unwrap_or_default().unwrap_or(0);
//!     ctx.heartbeat(&cents);
//!     resumed + cents * (100 + rates.percent) / 100
//! }
//!
//! #[activity]
//! async fn wait_for_approval(ctx: ActivityContext, order: u64) -> Result<u64, ActivityError> {
//!     ctx.heartbeat(&order);
//!     ctx.cancelled().await;
//!     Err(ActivityError::cancelled())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let env = ActivityEnvironment::builder(activity_set![with_tax, wait_for_approval])
//!     .state(Rates { percent: 20 })
//!     .info(ActivityInfo::builder("with_tax").attempt(2).build()) // attempt, ids, timeouts...
//!     .last_heartbeat_details(&1u64)?          // as if a previous attempt had heartbeated
//!     .build()?;
//! assert_eq!(env.run(with_tax::ACTIVITY, 100).await?, 121); // one argument, or a tuple
//! assert_eq!(env.heartbeat_details::<u64>().await?, [100]); // every heartbeat, decoded
//!
//! // Cancel an activity while it runs, once it has heartbeated:
//! let (outcome, ()) = tokio::join!(env.run(wait_for_approval::ACTIVITY, 7), async {
//!     env.heartbeated(2).await;
//!     env.cancel(CancellationDetails::requested());
//! });
//! assert_eq!(outcome.unwrap_err().kind(), ErrorKind::Cancelled);
//! # Ok(()) }
//! ```
//!
//! [`run`](ActivityEnvironment::run) returns the value the function returned, after the
//! worker's whole path has run on it, so a result type needs `Serialize` only;
//! [`run_payloads`](ActivityEnvironment::run_payloads) takes and returns payloads as a worker
//! does. [`shutdown_worker`](ActivityEnvironment::shutdown_worker) begins a worker's shutdown,
//! with its grace and abandon periods; [`metrics`](ActivityEnvironment::metrics) reads back what
//! the activities recorded. The function itself stays callable: pass `State::new(value)` for a
//! `State<T>` parameter.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use temporalio_client::Client;

use tokio::sync::watch;

use crate::activity::{Activity, ActivitySet, Outcome, Typed};
use crate::context::{ActivityInfo, Cancellation, CancellationDetails, ResultSlot, result_slot};
use crate::dispatch::codec::Codec;
use crate::dispatch::{DeliverNow, DispatchOptions, Dispatcher, HeartbeatDelivery, Task};
use crate::error::{ActivityError, BuildError, RuntimeFailure};
pub use crate::metrics::RecordedMetrics;
use crate::metrics::recording_meter;
use crate::payload::{
    ArgumentList, FromPayload, IntoArguments, Payload, PayloadConverter, PayloadError, ToPayload,
};

/// Runs registered activities in-process, through the same dispatcher, codec, blocking pool and
/// checks as a worker: typed arguments in, typed result out. It can set the info, capture
/// heartbeats, cancel a running activity, and simulate a worker shutdown.
///
/// ```
/// use activity_runtime::{activity_set, activity, testing::ActivityEnvironment};
///
/// #[activity]
/// fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
///     prices.iter().sum::<u64>() * (100 - discount_percent) / 100
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let env = ActivityEnvironment::new(activity_set![compute_total]).unwrap();
/// let total = env.run(compute_total::ACTIVITY, (vec![100, 300], 10)).await.unwrap();
/// assert_eq!(total, 360);
/// # }
/// ```
///
/// [`run`](Self::run) hands back the value the function returned, after the worker's whole
/// path (encoding, codec, size checks) has run on it, as Python's `ActivityEnvironment.run`
/// returns the function's own value: a result type needs `Serialize`, never `Deserialize`.
pub struct ActivityEnvironment {
    dispatcher: Dispatcher,
    codec: Codec,
    info: ActivityInfo,
    headers: HashMap<String, Payload>,
    last_heartbeat_details: Vec<Payload>,
    /// Every heartbeat so far; a change wakes [`heartbeated`](Self::heartbeated).
    heartbeats: Arc<watch::Sender<Vec<Vec<Payload>>>>,
    on_heartbeat: Option<DeliverNow>,
    running: Mutex<HashMap<u64, Cancellation>>,
    next_run: AtomicU64,
    metrics: RecordedMetrics,
    client: Option<Client>,
    converter: Option<Arc<dyn PayloadConverter>>,
}

/// Configures an [`ActivityEnvironment`].
pub struct ActivityEnvironmentBuilder {
    set: ActivitySet,
    options: DispatchOptions,
    info: ActivityInfo,
    headers: HashMap<String, Payload>,
    last_heartbeat_details: Vec<Payload>,
    on_heartbeat: Option<DeliverNow>,
    client: Option<Client>,
}

impl ActivityEnvironment {
    /// An environment that runs the activities of `set` with the default options.
    ///
    /// # Errors
    /// When the set cannot run: two activities with one name, two dynamic activities, or an
    /// activity that takes state that was not given.
    pub fn new(set: ActivitySet) -> Result<Self, BuildError> {
        Self::builder(set).build()
    }

    /// A builder for an environment that runs the activities of `set`.
    pub fn builder(set: ActivitySet) -> ActivityEnvironmentBuilder {
        ActivityEnvironmentBuilder {
            set,
            options: DispatchOptions::default(),
            info: default_info(),
            headers: HashMap::new(),
            last_heartbeat_details: Vec::new(),
            on_heartbeat: None,
            client: None,
        }
    }

    /// Runs `activity` (`f::ACTIVITY` for a function, `Type::METHOD` for a method of an
    /// `#[activities]` block) with `input`: its arguments as a tuple, or the one argument of an
    /// activity that takes one, and returns what the function returned.
    ///
    /// ```
    /// use activity_runtime::{activity, activity_set, testing::ActivityEnvironment};
    ///
    /// // A result type that only encodes: `run` never decodes it.
    /// #[derive(serde::Serialize, Debug, PartialEq)]
    /// struct Greeting(String);
    ///
    /// #[activity]
    /// async fn greet(name: String) -> Greeting {
    ///     Greeting(format!("Hello, {name}!"))
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let env = ActivityEnvironment::new(activity_set![greet]).unwrap();
    /// let greeting = env.run(greet::ACTIVITY, "Temporal".to_string()).await.unwrap();
    /// assert_eq!(greeting, Greeting("Hello, Temporal!".into()));
    /// # }
    /// ```
    ///
    /// # Errors
    /// The activity's failure, exactly as a worker would report it.
    pub async fn run<A>(
        &self,
        activity: Typed<A>,
        input: impl IntoArguments<A::Input>,
    ) -> Result<A::Output, ActivityError>
    where
        A: Activity,
        A::Input: ArgumentList,
        A::Output: Send + 'static,
    {
        let arguments = input
            .into_arguments()
            .encode_with(self.payload_converter())
            .map_err(encode_error)?;
        let arguments = self.codec.encode("arguments", arguments).await?;
        let slot = result_slot();
        if let Err(error) = self
            .run_task(activity.name(), arguments, Some(Arc::clone(&slot)))
            .await
        {
            return Err(self
                .codec
                .open_failure(error, self.payload_converter())
                .await?);
        }
        let returned = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        match returned.map(|value| value.downcast::<A::Output>()) {
            Some(Ok(value)) => Ok(*value),
            // The set has no `A`, and its dynamic activity ran in its place; or an interceptor
            // reported another result than the function's.
            _ => Err(ActivityError::new(format!(
                "`run` of `{name}` has no `{}` to return: either this environment's set has no \
                 `{name}`, so its dynamic activity took the task (add `{name}` to the set), or \
                 an interceptor replaced the function's result; `run_payloads` returns the \
                 result as a worker reports it",
                std::any::type_name::<A::Output>(),
                name = activity.name(),
            ))),
        }
    }

    /// Runs the activity registered as `activity_type` (or the dynamic activity) with raw
    /// argument payloads, as a worker receives them from the server: codec-encoded, if there is
    /// a codec. The outcome is what the server would receive.
    ///
    /// # Errors
    /// The activity's failure, exactly as a worker would report it.
    pub async fn run_payloads(
        &self,
        activity_type: &str,
        arguments: Vec<Payload>,
    ) -> Result<Payload, ActivityError> {
        self.run_task(activity_type, arguments, None).await
    }

    async fn run_task(
        &self,
        activity_type: &str,
        arguments: Vec<Payload>,
        result: Option<ResultSlot>,
    ) -> Outcome {
        let last_heartbeat_details = self
            .codec
            .encode(
                "last heartbeat details",
                self.last_heartbeat_details.clone(),
            )
            .await?;
        let id = self.next_run.fetch_add(1, Ordering::Relaxed);
        let cancellation = Cancellation::default();
        self.lock_running().insert(id, cancellation.clone());
        let heartbeats = Arc::clone(&self.heartbeats);
        let on_heartbeat = self.on_heartbeat.clone();
        let task = Task {
            info: ActivityInfo {
                activity_type: activity_type.to_string(),
                ..self.info.clone()
            },
            headers: self.headers.clone(),
            arguments,
            last_heartbeat_details,
            heartbeats: Some(HeartbeatDelivery::Immediate(Arc::new(
                move |details: Vec<Payload>| {
                    if let Some(callback) = &on_heartbeat {
                        callback(details.clone());
                    }
                    heartbeats.send_modify(|heartbeats| heartbeats.push(details));
                },
            ))),
            cancellation,
            result,
            client: self.client.clone(),
        };
        // Spawned, as a worker spawns each attempt, so the activity runs as it does in
        // production, through the same `Dispatcher::run`, which catches every panic itself.
        let dispatcher = self.dispatcher.clone();
        let outcome = tokio::spawn(async move { dispatcher.run(task).await }).await;
        self.lock_running().remove(&id);
        match outcome {
            Ok(outcome) => outcome,
            // A panic that escaped the dispatcher would escape a worker's attempt too: a bug
            // that a test must see, not a failure to report.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }

    /// Requests cancellation of every activity running in this environment, with `details`.
    pub fn cancel(&self, details: CancellationDetails) {
        for cancellation in self.lock_running().values() {
            cancellation.cancel(details);
        }
    }

    /// Begins a worker shutdown, as a worker's does: every running and later activity sees
    /// `ActivityContext::worker_shutdown`; after the grace period, those still running are
    /// cancelled, and after the abandon period they are abandoned and fail with the type
    /// `WorkerShutdown`.
    pub fn shutdown_worker(&self) {
        self.dispatcher.begin_shutdown();
    }

    /// Every heartbeat recorded so far, as the server would receive it: codec-encoded, if there
    /// is a codec.
    pub fn heartbeats(&self) -> Vec<Vec<Payload>> {
        self.heartbeats.borrow().clone()
    }

    /// Completes once `count` heartbeats have been recorded, counting those before the call,
    /// and returns them all: a test waits on it for an activity to be at work, rather than
    /// polling.
    ///
    /// ```
    /// use activity_runtime::context::CancellationDetails;
    /// use activity_runtime::testing::ActivityEnvironment;
    /// use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
    ///
    /// #[activity]
    /// async fn wait_for_cancel(ctx: ActivityContext) -> Result<(), ActivityError> {
    ///     ctx.heartbeat(&"started");
    ///     ctx.cancelled().await;
    ///     Err(ActivityError::cancelled())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let env = ActivityEnvironment::new(activity_set![wait_for_cancel]).unwrap();
    /// let cancel_once_started = async {
    ///     env.heartbeated(1).await;
    ///     env.cancel(CancellationDetails::requested());
    /// };
    /// let (outcome, ()) = tokio::join!(env.run(wait_for_cancel::ACTIVITY, ()), cancel_once_started);
    /// assert_eq!(outcome.unwrap_err().error_type(), "CancelledError");
    /// # }
    /// ```
    pub async fn heartbeated(&self, count: usize) -> Vec<Vec<Payload>> {
        let mut heartbeats = self.heartbeats.subscribe();
        let recorded = heartbeats
            .wait_for(|heartbeats| heartbeats.len() >= count)
            .await
            .expect("the environment holds the sender");
        recorded.clone()
    }

    /// The first detail of every heartbeat so far, through the codec and decoded as `T` by the
    /// environment's payload converter.
    ///
    /// # Errors
    /// When the codec fails, or a detail does not decode as `T`.
    pub async fn heartbeat_details<T: FromPayload>(&self) -> Result<Vec<T>, ActivityError> {
        let mut decoded = Vec::new();
        for details in self.heartbeats() {
            let details = self.codec.decode("heartbeat details", details).await?;
            if let Some(first) = details.first() {
                decoded.push(self.payload_converter().decode(first).map_err(|error| {
                    ActivityError::new(format!("a heartbeat detail does not decode: {error}"))
                })?);
            }
        }
        Ok(decoded)
    }

    /// What the activities recorded on their
    /// [`metric_meter`](crate::ActivityContext::metric_meter) so far.
    pub fn metrics(&self) -> &RecordedMetrics {
        &self.metrics
    }

    /// The info that each run starts from; its activity type is set per run.
    pub fn info(&self) -> &ActivityInfo {
        &self.info
    }

    /// The payload converter the activities use, which [`run`](Self::run) encodes the
    /// arguments with, as a worker's callers would.
    pub fn payload_converter(&self) -> &dyn PayloadConverter {
        crate::payload::converter_or_default(self.converter.as_ref())
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Cancellation>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for ActivityEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityEnvironment")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ActivityEnvironmentBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityEnvironmentBuilder")
            .field("activities", &self.set.names().collect::<Vec<_>>())
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl ActivityEnvironmentBuilder {
    crate::dispatch::dispatch_builder_methods!();

    /// The info of every run; the activity type is set per run. The default is a first attempt
    /// of a standalone activity with id `test` on task queue `test`.
    pub fn info(mut self, info: ActivityInfo) -> Self {
        self.info = info;
        self
    }

    /// A header that every run receives, as if its caller had sent it: what
    /// `ActivityContext::headers` and interceptors see.
    ///
    /// # Errors
    /// When the value cannot be encoded.
    pub fn header<T: ToPayload + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Result<Self, PayloadError> {
        self.headers.insert(name.into(), value.to_payload()?);
        Ok(self)
    }

    /// The details that `ActivityContext::last_heartbeat_details` returns, as if a previous
    /// attempt had heartbeated them: encoded by the payload converter set so far, so set
    /// [`payload_converter`](Self::payload_converter) first.
    ///
    /// # Errors
    /// When the details cannot be encoded.
    pub fn last_heartbeat_details<T: ToPayload + ?Sized>(
        mut self,
        details: &T,
    ) -> Result<Self, PayloadError> {
        self.last_heartbeat_details = vec![self.options.converter().encode(details)?];
        Ok(self)
    }

    /// The details that `ActivityContext::last_heartbeat_tuple` returns, one per element of
    /// the tuple, as if a previous attempt had heartbeated them with `heartbeat_tuple` (or a
    /// Python one with `activity.heartbeat(a, b)`), encoded as
    /// [`last_heartbeat_details`](Self::last_heartbeat_details) says.
    ///
    /// # Errors
    /// When a detail cannot be encoded.
    pub fn last_heartbeat_tuple(
        mut self,
        details: impl ArgumentList,
    ) -> Result<Self, PayloadError> {
        self.last_heartbeat_details = details.encode_with(self.options.converter())?;
        Ok(self)
    }

    /// Called with each heartbeat's details as it is recorded (Python's `on_heartbeat`).
    pub fn on_heartbeat(mut self, callback: impl Fn(Vec<Payload>) + Send + Sync + 'static) -> Self {
        self.on_heartbeat = Some(Arc::new(callback));
        self
    }

    /// The client that `ActivityContext::client` returns, as a worker's activities get the
    /// worker's: a client of a test server, for an activity that signals a workflow or
    /// completes another activity. Without it, `client()` fails with `MissingClient`. It is used
    /// as given, with its own codec.
    ///
    /// ```no_run
    /// use activity_runtime::{ActivityContext, ActivityError, ConnectionConfig, activity_set, activity};
    /// use activity_runtime::testing::ActivityEnvironment;
    ///
    /// #[activity]
    /// async fn namespace_of_client(ctx: ActivityContext) -> Result<String, ActivityError> {
    ///     Ok(ctx.client()?.options().namespace.clone())
    /// }
    ///
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = ConnectionConfig::new("127.0.0.1:7233")?.client().await?;
    /// let env = ActivityEnvironment::builder(activity_set![namespace_of_client])
    ///     .client(client)
    ///     .build()?;
    /// assert_eq!(env.run(namespace_of_client::ACTIVITY, ()).await.unwrap(), "default");
    /// # Ok(()) }
    /// ```
    pub fn client(mut self, client: Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The environment.
    ///
    /// # Errors
    /// When the set cannot run: two activities with one name, two dynamic activities, or an
    /// activity that takes state that was not given.
    pub fn build(mut self) -> Result<ActivityEnvironment, BuildError> {
        let metrics = RecordedMetrics::default();
        self.options.meter = recording_meter(&metrics);
        Ok(ActivityEnvironment {
            codec: self.options.codec.clone(),
            converter: self.options.converter.clone(),
            dispatcher: Dispatcher::new(self.set, self.options)?,
            metrics,
            info: self.info,
            headers: self.headers,
            last_heartbeat_details: self.last_heartbeat_details,
            heartbeats: Arc::new(watch::channel(Vec::new()).0),
            on_heartbeat: self.on_heartbeat,
            running: Mutex::default(),
            next_run: AtomicU64::new(0),
            client: self.client,
        })
    }
}

fn default_info() -> ActivityInfo {
    let now = SystemTime::now();
    ActivityInfo {
        activity_id: "test".to_string(),
        task_queue: "test".to_string(),
        scheduled_time: Some(now),
        started_time: Some(now),
        current_attempt_scheduled_time: Some(now),
        ..ActivityInfo::new("test")
    }
}

fn encode_error(error: PayloadError) -> ActivityError {
    RuntimeFailure::PayloadEncode.with_message(format!("an argument could not be encoded: {error}"))
}
