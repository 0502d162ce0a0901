//! What an activity knows about its own execution: [`ActivityContext`], [`ActivityInfo`], its
//! heartbeats, its cancellation, and the worker's shutdown.
//!
//! The context reaches an activity two ways: as an explicit first parameter, or ambiently through
//! [`ActivityContext::current`] for code deep in a call stack (Python's `activity.info()`). The
//! ambient context is a task-local for an async activity and a thread-local for a blocking one.

mod cancellation;
mod info;
pub(crate) mod state;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use temporalio_client::Client;
use temporalio_common::telemetry::metrics::TemporalMeter;

use crate::error::{ActivityError, RuntimeFailure};
use crate::metrics::MetricMeter;
use crate::payload::{ArgumentList, Payload, PayloadConverter, PayloadError, PayloadList};

pub(crate) use cancellation::Cancellation;
pub use cancellation::CancellationDetails;
pub use info::{ActivityInfo, TaskToken, WorkflowInfo};
pub use state::State;
pub use state::StateRequirement;
use state::{StateMap, missing_state};

/// Where a context sends its heartbeats: the dispatcher's heartbeat path, which applies the
/// codec and the size limit on the way to the worker. It receives the details encoded by the
/// payload converter only, and answers with the failure when it dropped them at once.
pub(crate) type HeartbeatSink =
    Arc<dyn Fn(Vec<Payload>) -> Result<(), ActivityError> + Send + Sync>;

/// The metric that counts heartbeats dropped, labelled like the activity's own metrics and
/// with the `reason` (the failure type: `PayloadTooLarge`, `PayloadCodecError`).
const HEARTBEATS_DROPPED: &str = "temporal_activity_heartbeats_dropped";

/// Where a test environment receives the value an activity returned, before it is encoded, so
/// that `ActivityEnvironment::run` hands back that value without decoding it again (a result
/// type need not implement `Deserialize` to be tested). Workers leave it out.
pub(crate) type ResultSlot = Arc<std::sync::Mutex<Option<Box<dyn std::any::Any + Send>>>>;

/// Whether this process has made a [`ResultSlot`]. Set before the attempt that fills it is
/// spawned, which orders the store before that attempt's load.
static RESULT_SLOTS_MADE: AtomicBool = AtomicBool::new(false);

/// A slot for the typed result of one attempt, which the test environment hands back.
pub(crate) fn result_slot() -> ResultSlot {
    RESULT_SLOTS_MADE.store(true, Ordering::Relaxed);
    ResultSlot::default()
}

/// A handle on the running activity: its [`ActivityInfo`], heartbeats, cancellation, the
/// worker's shutdown, and the state the worker provides.
///
/// Take it as the first parameter of an `#[activity]` function, or reach it from anywhere inside
/// the activity with [`ActivityContext::current`]. It is cheap to clone.
///
/// ```
/// use activity_runtime::{ActivityContext, ActivityError, activity};
///
/// #[activity]
/// async fn wait_for_cancel(ctx: ActivityContext) -> Result<(), ActivityError> {
///     ctx.cancelled().await;
///     Err(ActivityError::cancelled())
/// }
/// ```
#[derive(Clone)]
pub struct ActivityContext {
    inner: Arc<Inner>,
}

struct Inner {
    info: ActivityInfo,
    headers: Arc<HashMap<String, Payload>>,
    cancellation: Cancellation,
    worker_shutdown: CancellationToken,
    last_heartbeat_details: Vec<Payload>,
    heartbeats: Option<HeartbeatSink>,
    /// The first heartbeat whose details could not be encoded, which fails the attempt.
    heartbeat_error: OnceLock<ActivityError>,
    state: Arc<StateMap>,
    result: Option<ResultSlot>,
    meter: TemporalMeter,
    /// Made on first use: most activities record no metrics of their own.
    metric_meter: OnceLock<MetricMeter>,
    client: Option<Client>,
    /// `None`: the default converter.
    converter: Option<Arc<dyn PayloadConverter>>,
}

tokio::task_local! {
    static CURRENT_TASK: ActivityContext;
}

thread_local! {
    static CURRENT_THREAD: RefCell<Option<ActivityContext>> = const { RefCell::new(None) };
}

impl ActivityContext {
    /// A context for an activity with this info, not cancelled, without heartbeat delivery or
    /// state. Workers and the test environment make richer ones; this one is for driving an
    /// activity's companion directly.
    ///
    /// ```
    /// use activity_runtime::ActivityContext;
    /// use activity_runtime::context::ActivityInfo;
    ///
    /// let ctx = ActivityContext::new(ActivityInfo::new("your_activity"));
    /// assert_eq!(ctx.info().activity_type, "your_activity");
    /// ```
    pub fn new(info: ActivityInfo) -> Self {
        ContextParts::new(info).build()
    }

    /// The context of the activity running on this task or thread, if any: Python's
    /// `activity.info()` for code that is not handed the context.
    ///
    /// Async activities see it on their own task, and blocking ones on their own thread. A
    /// task spawned by the activity, or a thread it starts, does not inherit it: clone the
    /// context into those.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity_set, activity, testing::ActivityEnvironment};
    ///
    /// fn deep_in_a_library() -> u32 {
    ///     ActivityContext::current().map_or(0, |ctx| ctx.info().attempt)
    /// }
    ///
    /// #[activity]
    /// fn which_attempt() -> u32 {
    ///     deep_in_a_library()
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// assert!(ActivityContext::current().is_none());
    /// let env = ActivityEnvironment::new(activity_set![which_attempt]).unwrap();
    /// assert_eq!(env.run(which_attempt::ACTIVITY, ()).await.unwrap(), 1);
    /// # }
    /// ```
    pub fn current() -> Option<Self> {
        CURRENT_TASK
            .try_with(Clone::clone)
            .ok()
            .or_else(|| CURRENT_THREAD.with(|current| current.borrow().clone()))
    }

    /// Who and where this activity is.
    pub fn info(&self) -> &ActivityInfo {
        &self.inner.info
    }

    /// The headers the caller sent with this activity, by name: the payload converter's
    /// encoding, which codecs leave alone. Tracing interceptors carry their context in one
    /// (`_tracer-data`), and callers may add their own, such as a tenant or a request id.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity};
    ///
    /// #[activity]
    /// async fn tenant_of_caller(ctx: ActivityContext) -> Option<String> {
    ///     let header = ctx.headers().get("tenant")?;
    ///     activity_runtime::payload::decode(header).ok()
    /// }
    /// ```
    pub fn headers(&self) -> &HashMap<String, Payload> {
        &self.inner.headers
    }

    /// Records a heartbeat with `details`, which the next attempt reads with
    /// [`last_heartbeat_details`](Self::last_heartbeat_details) if this one fails.
    ///
    /// It never blocks: the worker sends heartbeats in the background, and Temporal Core
    /// throttles them to a fraction of the heartbeat timeout, so calling it in a tight loop is
    /// cheap.
    ///
    /// Details that cannot be encoded (a NaN, which JSON cannot hold, or a failing `Serialize`)
    /// are not sent, and the attempt fails with that error when it ends, as Python's SDK does:
    /// a retry would otherwise resume from older details than the activity meant to save.
    ///
    /// Details over the payload limit (2 MiB by default, see
    /// [`PayloadLimits`](crate::worker::PayloadLimits)), or that the payload codec refuses, are
    /// dropped instead: logged as a warning that names the size and the limit, and counted on
    /// the metric `temporal_activity_heartbeats_dropped` with the failure type as its `reason`.
    /// The attempt goes on, and the next heartbeat that fits goes out: a heartbeat reports
    /// progress, and progress that outgrew the limit once should not cost the work done.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity};
    ///
    /// #[activity]
    /// fn count_to(ctx: ActivityContext, n: u64) -> u64 {
    ///     let start = ctx.last_heartbeat_details::<u64>().ok().flatten().unwrap_or(0);
    ///     for i in start..n {
    ///         ctx.heartbeat(&i);
    ///     }
    ///     n
    /// }
    /// ```
    pub fn heartbeat<T: Serialize + ?Sized>(&self, details: &T) {
        if self.inner.heartbeats.is_some() {
            let encoded = self.payload_converter().encode(details);
            self.send_heartbeat(encoded.map(|payload| vec![payload]));
        }
    }

    /// Heartbeats with several details, one payload per element of the tuple `details`, in
    /// order: Python's `activity.heartbeat(step, cursor)`, Go's `RecordHeartbeat(ctx, step,
    /// cursor)`. A later attempt reads them back with
    /// [`last_heartbeat_tuple`](Self::last_heartbeat_tuple), and an activity of another SDK
    /// as its own several details. Otherwise as [`heartbeat`](Self::heartbeat).
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity};
    ///
    /// #[activity]
    /// fn export(ctx: ActivityContext, rows: Vec<String>) -> usize {
    ///     let (start, _file) = ctx
    ///         .last_heartbeat_tuple::<(usize, String)>()
    ///         .ok()
    ///         .flatten()
    ///         .unwrap_or((0, String::new()));
    ///     for (done, _row) in rows.iter().enumerate().skip(start) {
    ///         ctx.heartbeat_tuple((done + 1, "export-3.csv"));
    ///     }
    ///     rows.len()
    /// }
    /// ```
    pub fn heartbeat_tuple(&self, details: impl ArgumentList) {
        if self.inner.heartbeats.is_some() {
            self.send_heartbeat(details.encode_with(self.payload_converter()));
        }
    }

    /// Sends encoded heartbeat details, or fails the attempt when they did not encode.
    fn send_heartbeat(&self, encoded: Result<Vec<Payload>, PayloadError>) {
        let Some(sink) = &self.inner.heartbeats else {
            return;
        };
        match encoded {
            Ok(payloads) => {
                if let Err(dropped) = sink(payloads) {
                    self.heartbeat_dropped(&dropped);
                }
            }
            Err(error) => {
                let error = RuntimeFailure::encoding(
                    &self.inner.info.activity_type,
                    "heartbeat details",
                    error,
                );
                tracing::error!(
                    activity_type = %self.inner.info.activity_type,
                    activity_id = %self.inner.info.activity_id,
                    "heartbeat not sent; the attempt will fail: {}",
                    error.message()
                );
                let _ = self.inner.heartbeat_error.set(error);
            }
        }
    }

    /// Logs and counts a heartbeat that was dropped, for `why`.
    pub(crate) fn heartbeat_dropped(&self, why: &ActivityError) {
        let info = &self.inner.info;
        tracing::warn!(
            activity_type = %info.activity_type,
            activity_id = %info.activity_id,
            "heartbeat dropped: {}",
            why.message()
        );
        self.metric_meter()
            .with_labels([("reason", why.error_type())])
            .counter(HEARTBEATS_DROPPED)
            .add(1);
    }

    /// The failure of the first heartbeat that could not be encoded, if any.
    pub(crate) fn heartbeat_error(&self) -> Option<ActivityError> {
        self.inner.heartbeat_error.get().cloned()
    }

    /// The details of the last heartbeat of the previous attempt, decoded as `T`; `None` on a
    /// first attempt, or when the previous attempt never heartbeated.
    ///
    /// # Errors
    /// When the details do not decode as `T`, most likely because another version of the
    /// activity recorded them: a retryable `HeartbeatDetailsDecodeError` that names `T` and
    /// what did not fit. Returned with `?`, it fails the attempt, and a retry may land on a
    /// worker that still runs that version; to start over instead, read them with
    /// `.unwrap_or_default()`.
    pub fn last_heartbeat_details<T: DeserializeOwned>(&self) -> Result<Option<T>, ActivityError> {
        let Some(details) = self.inner.last_heartbeat_details.first() else {
            return Ok(None);
        };
        self.payload_converter()
            .decode(details)
            .map(Some)
            .map_err(|error| self.undecodable_heartbeat_details(&error))
    }

    fn undecodable_heartbeat_details(&self, error: &PayloadError) -> ActivityError {
        RuntimeFailure::HeartbeatDetailsDecode.with_message(format!(
            "activity `{}` could not read the last heartbeat details: {error}; another version \
             of the activity may have recorded them",
            self.inner.info.activity_type
        ))
    }

    /// The previous attempt's last heartbeat details as a tuple, one element per detail, in
    /// order: what [`heartbeat_tuple`](Self::heartbeat_tuple) sent, or Python's
    /// `activity.heartbeat(step, cursor)`. `None` on a first attempt, or when the previous
    /// attempt never heartbeated; a detail missing at the end reads as `None` for an `Option`
    /// element.
    ///
    /// # Errors
    /// As [`last_heartbeat_details`](Self::last_heartbeat_details), when a detail does not
    /// decode, naming its position, or the count does not fit the tuple.
    pub fn last_heartbeat_tuple<T: PayloadList>(&self) -> Result<Option<T>, ActivityError> {
        let details = &self.inner.last_heartbeat_details;
        if details.is_empty() {
            return Ok(None);
        }
        T::decode_with(details, self.payload_converter())
            .map(Some)
            .map_err(|error| self.undecodable_heartbeat_details(&error))
    }

    /// The raw details of the previous attempt's last heartbeat, in order.
    pub fn last_heartbeat_payloads(&self) -> &[Payload] {
        &self.inner.last_heartbeat_details
    }

    /// Whether cancellation of this attempt has been requested. Blocking activities poll it.
    ///
    /// ```
    /// # use activity_runtime::ActivityContext;
    /// # use activity_runtime::context::{ActivityInfo, CancellationDetails};
    /// let ctx = ActivityContext::new(ActivityInfo::new("t"));
    /// assert!(!ctx.is_cancelled());
    /// assert_eq!(ctx.cancellation_details(), None);
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancellation.token.is_cancelled()
    }

    /// Completes when cancellation of this attempt is requested. Async activities await it,
    /// usually in a `tokio::select!` beside their work.
    pub async fn cancelled(&self) {
        self.inner.cancellation.token.cancelled().await;
    }

    /// Why cancellation was requested, once it has been.
    ///
    /// # Pause and reset
    ///
    /// An operator's pause (`temporal activity pause`, the Web UI's Pause button) or reset
    /// (`temporal activity reset`) reaches a running attempt as a cancellation, learnt from the
    /// server's answer to its next heartbeat; these details say which it was. An activity that
    /// returns [`ActivityError::cancelled`] then fails with a retryable `ActivityPause` or
    /// `ActivityReset` failure, as in every SDK: the server holds a paused activity until it is
    /// unpaused, and starts a reset one again. To keep the work done so far, heartbeat it before
    /// returning, and read it back on the next attempt (a reset with `--clear-heartbeat-details`
    /// discards it):
    ///
    /// ```
    /// use std::time::Duration;
    /// use activity_runtime::context::CancellationDetails;
    /// use activity_runtime::testing::ActivityEnvironment;
    /// use activity_runtime::{ActivityContext, ActivityError, activity, activity_set};
    ///
    /// #[activity]
    /// async fn transcode(ctx: ActivityContext, chunks: u32) -> Result<u32, ActivityError> {
    ///     let mut done = ctx.last_heartbeat_details::<u32>()?.unwrap_or(0);
    ///     while done < chunks {
    ///         tokio::select! {
    ///             () = ctx.cancelled() => {
    ///                 if ctx.cancellation_details().is_some_and(|why| why.paused) {
    ///                     // Checkpoint, then give up: the next attempt resumes here.
    ///                     ctx.heartbeat(&done);
    ///                 }
    ///                 return Err(ActivityError::cancelled());
    ///             }
    ///             () = tokio::time::sleep(Duration::from_millis(1)) => done += 1,
    ///         }
    ///     }
    ///     Ok(done)
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let env = ActivityEnvironment::new(activity_set![transcode]).unwrap();
    /// let pause = async {
    ///     tokio::time::sleep(Duration::from_millis(20)).await;
    ///     env.cancel(CancellationDetails::paused());
    /// };
    /// let (outcome, ()) = tokio::join!(env.run(transcode::ACTIVITY, 1_000_000), pause);
    /// assert_eq!(outcome.unwrap_err().error_type(), "ActivityPause");
    /// let checkpoint = env.heartbeat_details::<u32>().await.unwrap();
    /// assert!(checkpoint[0] > 0);
    /// # }
    /// ```
    pub fn cancellation_details(&self) -> Option<CancellationDetails> {
        self.inner.cancellation.details()
    }

    /// Whether the worker has begun to shut down. In-flight activities may still finish
    /// within the grace period; long ones should save progress with a heartbeat and return.
    pub fn is_worker_shutdown(&self) -> bool {
        self.inner.worker_shutdown.is_cancelled()
    }

    /// Completes when the worker begins to shut down (Python's
    /// `activity.wait_for_worker_shutdown()`).
    pub async fn worker_shutdown(&self) {
        self.inner.worker_shutdown.cancelled().await;
    }

    /// The worker's shared value of type `T`, for code that does not take a [`State<T>`]
    /// parameter.
    ///
    /// # Errors
    /// When the worker was given no value of type `T`: an error that names the type.
    ///
    /// ```
    /// use activity_runtime::ActivityContext;
    /// use activity_runtime::context::ActivityInfo;
    ///
    /// let ctx = ActivityContext::new(ActivityInfo::new("report"));
    /// let error = ctx.state::<String>().unwrap_err();
    /// assert!(error.message().contains("state of type `alloc::string::String`"));
    /// ```
    pub fn state<T: Send + Sync + 'static>(&self) -> Result<State<T>, ActivityError> {
        self.inner.state.get::<T>().ok_or_else(|| {
            missing_state(&self.inner.info.activity_type, std::any::type_name::<T>())
        })
    }

    /// A meter for this activity's own metrics, labelled with its `activity_type`,
    /// `task_queue` and `namespace` (Python's `activity.metric_meter()`). On a worker its
    /// metrics go wherever Core's go, for example to
    /// [`WorkerBuilder::prometheus`](crate::worker::WorkerBuilder::prometheus), and nowhere when
    /// the worker exports no metrics; in a test environment,
    /// [`ActivityEnvironment::metrics`](crate::testing::ActivityEnvironment::metrics) reads them.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, activity};
    ///
    /// #[activity]
    /// fn import(ctx: ActivityContext, rows: Vec<String>) -> usize {
    ///     let rejected = ctx.metric_meter().counter("rows_rejected");
    ///     for row in &rows {
    ///         if row.is_empty() {
    ///             rejected.add(1);
    ///         }
    ///     }
    ///     rows.len()
    /// }
    /// ```
    pub fn metric_meter(&self) -> &MetricMeter {
        self.inner.metric_meter.get_or_init(|| {
            let info = &self.inner.info;
            MetricMeter::new(
                self.inner.meter.clone(),
                [
                    ("activity_type", info.activity_type.as_str()),
                    ("task_queue", info.task_queue.as_str()),
                    ("namespace", info.namespace.as_str()),
                ],
            )
        })
    }

    /// A Temporal client on the worker's own connection and namespace, with its payload codec
    /// (Python's `activity.client()`): to signal or start a workflow, start another activity, or
    /// complete one that handed its completion off. It is the worker's, shared: cloning it is
    /// cheap, and it adds no connection.
    ///
    /// In a blocking activity, run its calls with `tokio::runtime::Handle::current().block_on`:
    /// blocking activities run inside the worker's runtime.
    ///
    /// # Errors
    /// In a test environment that was given no client
    /// ([`ActivityEnvironmentBuilder::client`](crate::testing::ActivityEnvironmentBuilder::client)),
    /// or on a context made by hand: a `MissingClient` failure that says so.
    ///
    /// ```
    /// use activity_runtime::client::signal_workflow;
    /// use activity_runtime::{ActivityContext, ActivityError, activity};
    ///
    /// #[activity]
    /// async fn approve(ctx: ActivityContext, workflow_id: String) -> Result<(), ActivityError> {
    ///     signal_workflow(ctx.client()?, &workflow_id, "approved", (true,)).await?;
    ///     Ok(())
    /// }
    /// ```
    pub fn client(&self) -> Result<&Client, ActivityError> {
        self.inner.client.as_ref().ok_or_else(|| {
            RuntimeFailure::MissingClient.with_message(format!(
                "activity `{}` asked for a Temporal client, but it runs without one; in a test, \
                 give the environment one with `.client(client)` on its builder",
                self.inner.info.activity_type
            ))
        })
    }

    /// The payload converter that decodes this activity's arguments and encodes its result and
    /// heartbeat details (Python's `activity.payload_converter()`): the one set on the worker
    /// or test environment, or the [default](crate::payload::DefaultPayloadConverter). For
    /// values the activity sends or reads itself in the same encoding as its callers.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, ActivityError, activity};
    ///
    /// #[activity]
    /// fn snapshot(ctx: ActivityContext, rows: Vec<String>) -> Result<usize, ActivityError> {
    ///     // Encoded as the callers encode, so that any of them reads it back.
    ///     let encoded = ctx.payload_converter().encode(&rows)?;
    ///     // ... store `encoded` ...
    ///     Ok(encoded.data.len())
    /// }
    /// ```
    pub fn payload_converter(&self) -> &dyn PayloadConverter {
        crate::payload::converter_or_default(self.inner.converter.as_ref())
    }

    /// The converter set on the worker, if it is not the default, for the arguments.
    pub(crate) fn custom_converter(&self) -> Option<&Arc<dyn PayloadConverter>> {
        self.inner.converter.as_ref()
    }

    /// Runs `future` with this context as the task's ambient context.
    pub(crate) async fn scope<F: Future>(self, future: F) -> F::Output {
        CURRENT_TASK.scope(self, future).await
    }

    /// Makes this context the thread's ambient context until the guard drops.
    pub(crate) fn enter_thread(&self) -> ThreadScope {
        let previous = CURRENT_THREAD.with(|current| current.replace(Some(self.clone())));
        ThreadScope { previous }
    }
}

/// Restores the thread's previous ambient context when dropped.
pub(crate) struct ThreadScope {
    previous: Option<ActivityContext>,
}

impl Drop for ThreadScope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT_THREAD.with(|current| *current.borrow_mut() = previous);
    }
}

impl fmt::Debug for ActivityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivityContext")
            .field("info", &self.inner.info)
            .field("cancelled", &self.is_cancelled())
            .field("worker_shutdown", &self.is_worker_shutdown())
            .finish_non_exhaustive()
    }
}
/// Hands `value`, the result the current activity returned, to the test environment that runs
/// it, if one asked for it.
pub(crate) fn keep_result<T: Send + 'static>(value: T) {
    // A worker's contexts have no slot: until a test environment has made one, the two
    // lookups below are skipped, which saves a worker a quarter of what the generated code
    // costs over hand-written serde_json (BENCHMARKS.md, "Dispatch overhead").
    if !RESULT_SLOTS_MADE.load(Ordering::Relaxed) {
        return;
    }
    let slot = CURRENT_TASK
        .try_with(|ctx| ctx.inner.result.clone())
        .ok()
        .flatten()
        .or_else(|| {
            CURRENT_THREAD.with(|current| {
                current
                    .borrow()
                    .as_ref()
                    .and_then(|ctx| ctx.inner.result.clone())
            })
        });
    if let Some(slot) = slot {
        *slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Box::new(value));
    }
}

/// What a worker or test environment puts into a context.
pub(crate) struct ContextParts {
    pub(crate) info: ActivityInfo,
    pub(crate) headers: Arc<HashMap<String, Payload>>,
    pub(crate) cancellation: Cancellation,
    pub(crate) worker_shutdown: CancellationToken,
    pub(crate) last_heartbeat_details: Vec<Payload>,
    pub(crate) heartbeats: Option<HeartbeatSink>,
    pub(crate) state: Arc<StateMap>,
    pub(crate) result: Option<ResultSlot>,
    pub(crate) meter: TemporalMeter,
    pub(crate) client: Option<Client>,
    pub(crate) converter: Option<Arc<dyn PayloadConverter>>,
}

impl ContextParts {
    pub(crate) fn new(info: ActivityInfo) -> Self {
        Self {
            info,
            headers: Arc::default(),
            cancellation: Cancellation::default(),
            worker_shutdown: CancellationToken::new(),
            last_heartbeat_details: Vec::new(),
            heartbeats: None,
            state: Arc::default(),
            result: None,
            meter: TemporalMeter::no_op(),
            client: None,
            converter: None,
        }
    }

    pub(crate) fn build(self) -> ActivityContext {
        ActivityContext {
            inner: Arc::new(Inner {
                info: self.info,
                headers: self.headers,
                cancellation: self.cancellation,
                worker_shutdown: self.worker_shutdown,
                last_heartbeat_details: self.last_heartbeat_details,
                heartbeats: self.heartbeats,
                heartbeat_error: OnceLock::new(),
                state: self.state,
                result: self.result,
                meter: self.meter,
                metric_meter: OnceLock::new(),
                client: self.client,
                converter: self.converter,
            }),
        }
    }
}
