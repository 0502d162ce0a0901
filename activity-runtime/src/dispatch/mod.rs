//! From one activity task to its outcome: the slot, the lookup, the codec, the context, the
//! executor that suits the body, the checks on what comes back, the one boundary that turns
//! every panic into a failure, and the deadline that ends an attempt a shutdown left behind.
//!
//! The worker and the test environment both run each attempt through [`Dispatcher::run`], so
//! a test of one proves the other.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use temporalio_common::telemetry::metrics::TemporalMeter;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

mod blocking;
pub(crate) mod codec;
mod heartbeat;
pub(crate) mod limits;
pub(crate) mod registry;
mod slow_poll;

use crate::activity::ActivitySet;
use crate::activity::invocation::{Outcome, Work, panicked};
use crate::context::state::StateMap;
use crate::context::{ActivityInfo, Cancellation, CancellationDetails, ContextParts, ResultSlot};
use crate::error::{ActivityError, BuildError, ErrorKind, RuntimeFailure};
use crate::interceptor::{ActivityInterceptor, Attempt, Next};
use crate::payload::Payload;
use blocking::BlockingPool;
use codec::Codec;
pub(crate) use heartbeat::HeartbeatDelivery;
use heartbeat::Heartbeats;
use limits::PayloadLimits;
use registry::{NameList, Registry};
use slow_poll::SlowPollDetector;

/// How a worker or test environment runs activities. Every builder that runs activities sets
/// these.
#[derive(Clone)]
pub(crate) struct DispatchOptions {
    pub(crate) max_concurrent_activities: usize,
    pub(crate) blocking_threads: usize,
    pub(crate) slow_poll_threshold: Option<Duration>,
    pub(crate) payload_limits: PayloadLimits,
    pub(crate) codec: Codec,
    /// `None`: when there is a codec.
    pub(crate) encode_failure_messages: Option<bool>,
    pub(crate) state: StateMap,
    pub(crate) graceful_shutdown_period: Duration,
    pub(crate) shutdown_abandon_period: Duration,
    /// Where activities' own metrics go: the worker's exporter, or a test's recording.
    pub(crate) meter: TemporalMeter,
    /// The first is the outermost.
    pub(crate) interceptors: Vec<Arc<dyn ActivityInterceptor>>,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        Self {
            // Python's and Core's default.
            max_concurrent_activities: 100,
            // As many threads as slots, so a blocking activity that holds a slot never waits
            // for a thread; idle threads stop after ten seconds.
            blocking_threads: 100,
            slow_poll_threshold: Some(Duration::from_millis(100)),
            payload_limits: PayloadLimits::default(),
            codec: Codec::default(),
            encode_failure_messages: None,
            state: StateMap::default(),
            graceful_shutdown_period: Duration::from_secs(10),
            shutdown_abandon_period: Duration::from_secs(5),
            meter: TemporalMeter::no_op(),
            interceptors: Vec::new(),
        }
    }
}

/// The settings every builder that runs activities shares, on a builder with an `options:
/// DispatchOptions` field: the worker's and the test environment's, so that a test runs the
/// way production does.
macro_rules! dispatch_builder_methods {
    () => {
        /// Provides a shared value of type `T` to activities that take `State<T>`.
        pub fn state<T: Send + Sync + 'static>(self, value: T) -> Self {
            self.shared_state(::std::sync::Arc::new(value))
        }

        /// Provides a value that is already shared, as `State<T>`; the caller keeps its handle.
        pub fn shared_state<T: Send + Sync + 'static>(
            mut self,
            value: ::std::sync::Arc<T>,
        ) -> Self {
            self.options.state.insert::<T>(value);
            self
        }

        /// The payload codec (encryption, compression) applied to every payload that enters or
        /// leaves the activities: arguments, results, heartbeat details, failure details.
        pub fn codec(
            mut self,
            codec: impl $crate::payload::codec::PayloadCodec + Send + Sync + 'static,
        ) -> Self {
            self.options.codec = $crate::dispatch::codec::Codec::new(::std::sync::Arc::new(codec));
            self
        }

        /// Whether each failure's message (and its causes') travels encoded: replaced by
        /// "Encoded failure", and moved into an attribute payload that the codec encodes, as
        /// Python's and Go's `encode_common_attributes` do, so that a codec that encrypts
        /// covers what a failure says too. Callers with the same codec read the message as
        /// usual. Default: on when a [`codec`](Self::codec) is set. On the official SDK's
        /// worker its own failure converter decides, and this has no effect.
        pub fn encode_failure_messages(mut self, encode: bool) -> Self {
            self.options.encode_failure_messages = Some(encode);
            self
        }

        /// Wraps every attempt in `interceptor`, after those added before it: see
        /// [`interceptor`]($crate::interceptor). Default: none.
        pub fn interceptor(
            mut self,
            interceptor: impl $crate::interceptor::ActivityInterceptor,
        ) -> Self {
            self.options
                .interceptors
                .push(::std::sync::Arc::new(interceptor));
            self
        }

        /// The most activities that run at once; more wait for a slot. Default 100.
        pub fn max_concurrent_activities(mut self, slots: usize) -> Self {
            self.options.max_concurrent_activities = slots;
            self
        }

        /// The threads of the blocking pool, which runs plain-`fn` activities. Default 100.
        pub fn blocking_threads(mut self, threads: usize) -> Self {
            self.options.blocking_threads = threads;
            self
        }

        /// The longest one poll of an async activity may hold its thread before the blocking
        /// detector warns; `None` turns the detector off. Default 100 ms.
        pub fn slow_poll_threshold(mut self, threshold: Option<::std::time::Duration>) -> Self {
            self.options.slow_poll_threshold = threshold;
            self
        }

        /// The payload size limits. Default 2 MiB, with a warning above 512 KiB.
        pub fn payload_limits(mut self, limits: $crate::dispatch::limits::PayloadLimits) -> Self {
            self.options.payload_limits = limits;
            self
        }

        /// How long running activities may go on after a shutdown begins, seeing
        /// `ActivityContext::worker_shutdown`, before they are cancelled. Default 10 s.
        pub fn graceful_shutdown_period(mut self, period: ::std::time::Duration) -> Self {
            self.options.graceful_shutdown_period = period;
            self
        }

        /// How long activities still running after the grace period have, once cancelled, to
        /// stop. Then an async activity is dropped, a blocking one is left to finish on its
        /// thread, and both are reported as failed with the type `WorkerShutdown`, so that the
        /// server retries them elsewhere at once. Default 5 s.
        pub fn shutdown_abandon_period(mut self, period: ::std::time::Duration) -> Self {
            self.options.shutdown_abandon_period = period;
            self
        }
    };
}

pub(crate) use dispatch_builder_methods;

/// One task for the dispatcher, from Core or from a test environment.
pub(crate) struct Task {
    pub(crate) info: ActivityInfo,
    /// As the caller sent them; codecs leave headers alone.
    pub(crate) headers: HashMap<String, Payload>,
    pub(crate) arguments: Vec<Payload>,
    /// As the server sent them: still codec-encoded.
    pub(crate) last_heartbeat_details: Vec<Payload>,
    /// Receives codec-encoded heartbeat details.
    pub(crate) heartbeats: Option<HeartbeatDelivery>,
    pub(crate) cancellation: Cancellation,
    /// Receives the value the activity returned (test environments only).
    pub(crate) result: Option<ResultSlot>,
    /// What `ActivityContext::client` returns: the worker's, or a test's.
    pub(crate) client: Option<temporalio_client::Client>,
}

/// Runs activity tasks. Cheap to clone; clones share the slots and the blocking pool.
#[derive(Clone)]
pub(crate) struct Dispatcher {
    shared: Arc<Shared>,
}

struct Shared {
    registry: Registry,
    slots: Semaphore,
    blocking: BlockingPool,
    slow_polls: SlowPollDetector,
    codec: Codec,
    encode_failure_messages: bool,
    limits: PayloadLimits,
    worker_shutdown: CancellationToken,
    graceful_shutdown_period: Duration,
    shutdown_abandon_period: Duration,
    meter: TemporalMeter,
    interceptors: Vec<Arc<dyn ActivityInterceptor>>,
}

impl Dispatcher {
    pub(crate) fn new(set: ActivitySet, options: DispatchOptions) -> Result<Self, BuildError> {
        let registry = Registry::new(set, options.state)?;
        Ok(Self {
            shared: Arc::new(Shared {
                registry,
                slots: Semaphore::new(options.max_concurrent_activities.max(1)),
                blocking: BlockingPool::new(options.blocking_threads)
                    .map_err(BuildError::BlockingPool)?,
                slow_polls: SlowPollDetector::new(options.slow_poll_threshold),
                encode_failure_messages: options
                    .encode_failure_messages
                    .unwrap_or(options.codec.is_some()),
                codec: options.codec,
                limits: options.payload_limits,
                worker_shutdown: CancellationToken::new(),
                graceful_shutdown_period: options.graceful_shutdown_period,
                shutdown_abandon_period: options.shutdown_abandon_period,
                meter: options.meter,
                interceptors: options.interceptors,
            }),
        })
    }

    /// Tells every running and future activity that the worker is shutting down, and starts
    /// the grace period.
    pub(crate) fn begin_shutdown(&self) {
        self.shared.worker_shutdown.cancel();
    }

    /// Whether a shutdown has begun.
    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shared.worker_shutdown.is_cancelled()
    }

    /// Completes once a shutdown has begun.
    pub(crate) async fn shutdown_begun(&self) {
        self.shared.worker_shutdown.cancelled().await;
    }

    /// The grace period plus the abandon period: the longest an attempt outlives the start of
    /// a shutdown.
    pub(crate) fn shutdown_periods(&self) -> Duration {
        self.shared.graceful_shutdown_period + self.shared.shutdown_abandon_period
    }

    /// Runs one task to the outcome the server receives: codec-encoded payloads within the size
    /// limits, or a bounded failure, its messages encoded when the worker says so. It never
    /// panics, and it ends by the shutdown's deadline.
    ///
    /// Boxed: a whole attempt's future is about 10 KiB, and held inline in the task that
    /// awaits it, it was copied at every move of that task (spawning, storing, finishing),
    /// which made the worker's instructions per activity 1.43 times a bare Core loop's
    /// (BENCHMARKS.md).
    pub(crate) fn run(&self, task: Task) -> BoxFuture<'_, Outcome> {
        Box::pin(self.run_unboxed(task))
    }

    async fn run_unboxed(&self, mut task: Task) -> Outcome {
        let headers = Arc::new(std::mem::take(&mut task.headers));
        let info = &task.info;
        let workflow = info.workflow.as_ref();
        // The fields and names of Python's activity logger, so that one query finds an
        // activity's lines whichever SDK ran which attempt. `otel.*` stay empty unless an
        // interceptor names the span for OpenTelemetry.
        let span = tracing::info_span!(
            "activity",
            activity_type = %info.activity_type,
            activity_id = %info.activity_id,
            attempt = info.attempt,
            workflow_id = workflow.map(|workflow| workflow.workflow_id.as_str()),
            workflow_run_id = workflow.map(|workflow| workflow.run_id.as_str()),
            workflow_type = workflow.map(|workflow| workflow.workflow_type.as_str()),
            task_queue = %info.task_queue,
            namespace = %info.namespace,
            otel.name = tracing::field::Empty,
            otel.kind = tracing::field::Empty,
        );
        let activity_type = info.activity_type.clone();
        let cancellation = task.cancellation.clone();
        let result = task.result.clone();
        // Made only for interceptors: it clones the info.
        let intercepted = (!self.shared.interceptors.is_empty()).then(|| Attempt {
            info: info.clone(),
            headers: Arc::clone(&headers),
            span: span.clone(),
        });
        // Interceptors run outside the span, which they may still set a parent on: it is first
        // entered when the activity's part of the attempt starts. Boxed, so that the
        // combinators below move a pointer rather than the attempt's kilobytes.
        let attempt = Box::pin(async {
            let activity = self
                .attempt(task, headers, span.clone())
                .instrument(span.clone());
            let outcome = match &intercepted {
                None => activity.await,
                Some(attempt) => self.intercept(attempt, activity, result.as_ref()).await,
            };
            self.finish(&activity_type, outcome)
                .instrument(span.clone())
                .await
        });
        // The one panic boundary: a user's `Deserialize`, `Serialize`, codec or interceptor
        // panics as surely as the function itself, and each must still complete the attempt.
        let attempt = AssertUnwindSafe(attempt)
            .catch_unwind()
            .map(|caught| caught.unwrap_or_else(|panic| span.in_scope(|| Err(panicked(&*panic)))));
        // Settled and sealed under the attempt's deadline: a codec that hangs while sealing a
        // failure's messages must not hold a shutdown either.
        let outcome = async {
            let outcome = attempt.await;
            let outcome =
                span.in_scope(|| self.settle(&activity_type, outcome, cancellation.details()));
            match outcome {
                Err(error)
                    if self.shared.encode_failure_messages
                        && error.kind() != ErrorKind::CompleteAsync =>
                {
                    Err(self
                        .shared
                        .codec
                        .seal_failure(error)
                        .instrument(span.clone())
                        .await)
                }
                outcome => outcome,
            }
        };
        tokio::select! {
            biased;
            outcome = outcome => outcome,
            // Its message quotes no user data, so it needs no sealing.
            () = self.shutdown_deadline(&cancellation) => Err(self.abandoned(&activity_type)),
        }
    }

    /// Runs `activity` inside the interceptors. A test environment's `result` keeps the
    /// function's own value only while it is what the interceptors report.
    async fn intercept(
        &self,
        attempt: &Attempt,
        activity: impl Future<Output = Outcome> + Send,
        result: Option<&ResultSlot>,
    ) -> Outcome {
        let produced = OnceLock::new();
        let activity = activity.inspect(|outcome| {
            if let (Some(_), Ok(payload)) = (result, outcome) {
                let _ = produced.set(payload.clone());
            }
        });
        let outcome = Next::new(&self.shared.interceptors, attempt, activity.boxed())
            .run()
            .await;
        if let Some(result) = result
            && produced.get() != outcome.as_ref().ok()
        {
            result.lock().unwrap_or_else(PoisonError::into_inner).take();
        }
        outcome
    }

    /// The attempt up to the activity's outcome, before the codec: the slot, the lookup, the
    /// decoding, the context, and the call on the executor that suits it.
    async fn attempt(
        &self,
        task: Task,
        headers: Arc<HashMap<String, Payload>>,
        span: tracing::Span,
    ) -> Outcome {
        let shared = &*self.shared;
        let _slot = shared
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let Some(definition) = shared.registry.resolve(&task.info.activity_type).copied() else {
            return Err(RuntimeFailure::NotFound.with_message(format!(
                "activity type `{}` is not registered on this worker; registered: {}",
                task.info.activity_type,
                NameList(&shared.registry.names())
            )));
        };
        let arguments = shared.codec.decode("arguments", task.arguments).await?;
        let last_heartbeat_details = shared
            .codec
            .decode("last heartbeat details", task.last_heartbeat_details)
            .await?;
        let heartbeats = task.heartbeats.map(|deliver| {
            Heartbeats::new(definition.name(), deliver, &shared.codec, shared.limits)
        });
        let context = ContextParts {
            info: task.info,
            headers,
            cancellation: task.cancellation,
            worker_shutdown: shared.worker_shutdown.clone(),
            last_heartbeat_details,
            heartbeats: heartbeats
                .as_ref()
                .map(|heartbeats| Arc::clone(&heartbeats.sink)),
            state: Arc::clone(shared.registry.state()),
            result: task.result,
            meter: shared.meter.clone(),
            client: task.client,
        }
        .build();
        let call = async {
            let invocation = definition.start(context.clone(), arguments)?;
            let outcome = match invocation.work {
                Work::Async(future) => {
                    let watched =
                        shared
                            .slow_polls
                            .watch(definition.name(), definition.function(), future);
                    context.clone().scope(watched).await
                }
                Work::Blocking(call) => {
                    let runtime = tokio::runtime::Handle::current();
                    shared
                        .blocking
                        .run(runtime, context.clone(), span, call)
                        .await
                }
            };
            match context.heartbeat_error() {
                Some(error) => Err(error),
                None => outcome,
            }
        };
        match heartbeats {
            Some(heartbeats) => heartbeats.alongside(call).await,
            None => call.await,
        }
    }

    /// Codec-encodes what leaves the activity, and holds it to the size limits.
    async fn finish(&self, activity: &str, outcome: Outcome) -> Outcome {
        let shared = &*self.shared;
        match outcome {
            Ok(result) => {
                let encoded = shared.codec.encode("result", vec![result]).await?;
                shared.limits.check(activity, "result", &encoded)?;
                Ok(encoded
                    .into_iter()
                    .next()
                    .expect("the codec kept the count"))
            }
            Err(error) => {
                let details = shared
                    .codec
                    .encode("failure details", error.details().to_vec())
                    .await?;
                shared.limits.check(activity, "failure details", &details)?;
                Err(error.replace_details(details))
            }
        }
    }

    /// Completes once a shutdown has begun, the grace period has passed and the attempt, then
    /// cancelled, has had the abandon period to stop: the attempt is abandoned then.
    async fn shutdown_deadline(&self, cancellation: &Cancellation) {
        let shared = &*self.shared;
        self.shutdown_begun().await;
        tokio::time::sleep(shared.graceful_shutdown_period).await;
        cancellation.cancel(CancellationDetails::worker_shutdown());
        tokio::time::sleep(shared.shutdown_abandon_period).await;
    }

    fn abandoned(&self, activity: &str) -> ActivityError {
        let shared = &*self.shared;
        let error = RuntimeFailure::WorkerShutdown.with_message(format!(
            "activity `{activity}` was abandoned by a worker that shut down: it neither finished \
             within the {:?} grace period nor stopped within {:?} of its cancellation",
            shared.graceful_shutdown_period, shared.shutdown_abandon_period
        ));
        tracing::warn!("{}", error.message());
        error
    }

    /// The outcome as the server must receive it: a cancellation that the server did not ask
    /// for becomes a retryable failure (the server would otherwise record the activity as
    /// cancelled, and never retry it), and a failure is cut to fit.
    fn settle(
        &self,
        activity: &str,
        outcome: Outcome,
        cancellation: Option<CancellationDetails>,
    ) -> Outcome {
        let error = match outcome {
            Ok(result) => return Ok(result),
            // Not a failure: nothing to bound or seal.
            Err(error) if error.kind() == ErrorKind::CompleteAsync => return Err(error),
            Err(error) => error,
        };
        let error = match (error.kind(), cancellation) {
            (ErrorKind::Cancelled, None) => {
                RuntimeFailure::UnrequestedCancellation.with_message(format!(
                    "activity `{activity}` returned a cancellation that nobody requested; it is \
                     reported as a failure, so that it is retried"
                ))
            }
            (ErrorKind::Cancelled, Some(details))
                if details.worker_shutdown && !details.cancel_requested =>
            {
                RuntimeFailure::WorkerShutdown.with_message(format!(
                    "activity `{activity}` stopped because its worker is shutting down; it is \
                     reported as a failure, so that another worker retries it at once"
                ))
            }
            _ => error,
        };
        Err(self.shared.limits.fit_failure(activity, error.bounded()))
    }
}
