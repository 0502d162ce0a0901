//! What an activity knows about its own execution: [`ActivityContext`], [`ActivityInfo`], its
//! heartbeats, its cancellation, and the worker's shutdown.
//!
//! The context reaches an activity two ways: as an explicit first parameter, or ambiently through
//! [`ActivityContext::current`] for code deep in a call stack (Python's `activity.info()`). The
//! ambient context is a task-local for an async activity and a thread-local for a blocking one.

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::error::ActivityError;
use crate::output::encode_error;
use crate::payload::{self, Payload, PayloadError};
use crate::state::{State, StateMap, missing_state};

/// Where a context sends its heartbeats: the worker's connection to Core, or a test
/// environment's log. It receives the details encoded by the payload converter only; the
/// dispatcher applies the codec on the way.
pub(crate) type HeartbeatSink = Arc<dyn Fn(Vec<Payload>) + Send + Sync>;

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
    cancellation: Cancellation,
    worker_shutdown: CancellationToken,
    last_heartbeat_details: Vec<Payload>,
    heartbeats: Option<HeartbeatSink>,
    /// The first heartbeat whose details could not be encoded, which fails the attempt.
    heartbeat_error: OnceLock<ActivityError>,
    state: Arc<StateMap>,
}

/// Why an activity's cancellation was requested (Temporal's `ActivityCancellationDetails`).
/// More than one can be true at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancellationDetails {
    /// A workflow or client asked for the cancellation.
    pub cancel_requested: bool,
    /// The attempt ran out of time, or missed its heartbeat timeout.
    pub timed_out: bool,
    /// The worker is shutting down and its grace period is over.
    pub worker_shutdown: bool,
    /// The activity was paused.
    pub paused: bool,
    /// The activity was reset.
    pub reset: bool,
    /// The server no longer knows the activity, for example because it completed elsewhere.
    pub not_found: bool,
}

impl CancellationDetails {
    /// Details for a cancellation requested by a caller.
    pub fn requested() -> Self {
        Self {
            cancel_requested: true,
            ..Self::default()
        }
    }

    /// Details for a cancellation caused by the worker's shutdown.
    pub fn worker_shutdown() -> Self {
        Self {
            worker_shutdown: true,
            ..Self::default()
        }
    }

    /// Details for an attempt that timed out.
    pub fn timed_out() -> Self {
        Self {
            timed_out: true,
            ..Self::default()
        }
    }

    /// The reasons, in words, for messages and logs.
    pub fn reason(&self) -> String {
        let reasons = [
            (self.cancel_requested, "cancel requested"),
            (self.timed_out, "timed out"),
            (self.worker_shutdown, "worker shutdown"),
            (self.paused, "paused"),
            (self.reset, "reset"),
            (self.not_found, "not found"),
        ];
        let words = reasons
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, word)| *word)
            .collect::<Vec<_>>();
        if words.is_empty() {
            "cancelled".to_string()
        } else {
            words.join(", ")
        }
    }
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
    /// use activity_runtime::{ActivityContext, ActivityInfo};
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
    /// assert_eq!(env.run::<which_attempt>(()).await.unwrap(), 1);
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
        let Some(sink) = &self.inner.heartbeats else {
            return;
        };
        match payload::encode(details) {
            Ok(payload) => sink(vec![payload]),
            Err(error) => {
                let error =
                    encode_error(&self.inner.info.activity_type, "heartbeat details", error);
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

    /// The failure of the first heartbeat that could not be encoded, if any.
    pub(crate) fn heartbeat_error(&self) -> Option<ActivityError> {
        self.inner.heartbeat_error.get().cloned()
    }

    /// The details of the last heartbeat of the previous attempt, decoded as `T`; `None` on a
    /// first attempt, or when the previous attempt never heartbeated.
    ///
    /// # Errors
    /// When the details do not decode as `T`.
    pub fn last_heartbeat_details<T: DeserializeOwned>(&self) -> Result<Option<T>, PayloadError> {
        self.inner
            .last_heartbeat_details
            .first()
            .map(payload::decode)
            .transpose()
    }

    /// The raw details of the previous attempt's last heartbeat, in order.
    pub fn last_heartbeat_payloads(&self) -> &[Payload] {
        &self.inner.last_heartbeat_details
    }

    /// Whether cancellation of this attempt has been requested. Blocking activities poll it.
    ///
    /// ```
    /// # use activity_runtime::{ActivityContext, ActivityInfo, CancellationDetails};
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
    pub fn cancellation_details(&self) -> Option<CancellationDetails> {
        self.inner.cancellation.details.get().copied()
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
    /// use activity_runtime::{ActivityContext, ActivityInfo};
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

/// The cancellation of one attempt, which its worker holds so that it can cancel the attempt
/// before its context exists.
#[derive(Clone, Default)]
pub(crate) struct Cancellation {
    token: CancellationToken,
    details: Arc<OnceLock<CancellationDetails>>,
}

impl Cancellation {
    /// Requests cancellation; the first request's details are kept.
    pub(crate) fn cancel(&self, details: CancellationDetails) {
        let _ = self.details.set(details);
        self.token.cancel();
    }

    /// Why cancellation was requested, once it has been.
    pub(crate) fn details(&self) -> Option<CancellationDetails> {
        self.details.get().copied()
    }
}

/// What a worker or test environment puts into a context.
pub(crate) struct ContextParts {
    pub(crate) info: ActivityInfo,
    pub(crate) cancellation: Cancellation,
    pub(crate) worker_shutdown: CancellationToken,
    pub(crate) last_heartbeat_details: Vec<Payload>,
    pub(crate) heartbeats: Option<HeartbeatSink>,
    pub(crate) state: Arc<StateMap>,
}

impl ContextParts {
    pub(crate) fn new(info: ActivityInfo) -> Self {
        Self {
            info,
            cancellation: Cancellation::default(),
            worker_shutdown: CancellationToken::new(),
            last_heartbeat_details: Vec::new(),
            heartbeats: None,
            state: Arc::default(),
        }
    }

    pub(crate) fn build(self) -> ActivityContext {
        ActivityContext {
            inner: Arc::new(Inner {
                info: self.info,
                cancellation: self.cancellation,
                worker_shutdown: self.worker_shutdown,
                last_heartbeat_details: self.last_heartbeat_details,
                heartbeats: self.heartbeats,
                heartbeat_error: OnceLock::new(),
                state: self.state,
            }),
        }
    }
}

/// Who and where an activity attempt is, as the server describes it (Python's
/// `activity.info()`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActivityInfo {
    /// The activity's id, unique within its workflow or namespace.
    pub activity_id: String,
    /// The activity type name that the caller asked for.
    pub activity_type: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The calling workflow, or `None` for a standalone activity.
    pub workflow: Option<WorkflowInfo>,
    /// The task queue the activity was scheduled on.
    pub task_queue: String,
    /// The namespace the activity runs in.
    pub namespace: String,
    /// When the activity was first scheduled.
    pub scheduled_time: Option<SystemTime>,
    /// When this attempt started.
    pub started_time: Option<SystemTime>,
    /// When this attempt was scheduled.
    pub current_attempt_scheduled_time: Option<SystemTime>,
    /// The limit on one attempt's run time.
    pub start_to_close_timeout: Option<Duration>,
    /// The limit on the whole activity, retries included.
    pub schedule_to_close_timeout: Option<Duration>,
    /// How often the activity must heartbeat, if it must.
    pub heartbeat_timeout: Option<Duration>,
}

/// The workflow that called an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowInfo {
    /// The workflow's id.
    pub workflow_id: String,
    /// The workflow's run id.
    pub run_id: String,
    /// The workflow's type name.
    pub workflow_type: String,
}

impl ActivityInfo {
    /// The info of a first attempt of a standalone activity of this type, with empty ids.
    ///
    /// ```
    /// let info = activity_runtime::ActivityInfo::new("your_activity");
    /// assert_eq!(info.attempt, 1);
    /// assert!(info.workflow.is_none());
    /// ```
    pub fn new(activity_type: impl Into<String>) -> Self {
        Self {
            activity_id: String::new(),
            activity_type: activity_type.into(),
            attempt: 1,
            workflow: None,
            task_queue: String::new(),
            namespace: "default".to_string(),
            scheduled_time: None,
            started_time: None,
            current_attempt_scheduled_time: None,
            start_to_close_timeout: None,
            schedule_to_close_timeout: None,
            heartbeat_timeout: None,
        }
    }

    /// The deadline of this attempt: the earlier of start-to-close after the start and
    /// schedule-to-close after the first schedule.
    pub fn deadline(&self) -> Option<SystemTime> {
        let attempt = self
            .started_time
            .zip(self.start_to_close_timeout)
            .map(|(start, timeout)| start + timeout);
        let overall = self
            .scheduled_time
            .zip(self.schedule_to_close_timeout)
            .map(|(scheduled, timeout)| scheduled + timeout);
        match (attempt, overall) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}
