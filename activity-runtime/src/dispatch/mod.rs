//! From one activity task to its outcome: the slot, the lookup, the codec, the context, the
//! executor that suits the body, the checks on what comes back, the panic boundary around
//! every step, and the deadline that ends an attempt a shutdown left behind.
//!
//! The worker, the official bridge and the test environment all run each attempt through
//! [`Dispatcher::run`], so that a test of one proves the others.

use std::any::Any;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Either};
use temporalio_common::telemetry::metrics::TemporalMeter;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, Span};

mod auto_heartbeat;
mod blocking;
pub(crate) mod codec;
mod heartbeat;
pub(crate) mod limits;
mod options;
pub(crate) mod registry;
mod settle;
mod slow_poll;

use crate::activity::invocation::{Outcome, Work, panicked, panicked_while};
use crate::activity::{ActivityDefinition, ActivitySet};
use crate::context::{
    ActivityContext, ActivityInfo, Cancellation, CancellationDetails, ContextParts, HeartbeatSink,
    ResultSlot,
};
use crate::error::{ActivityError, BuildError, ErrorKind, RuntimeFailure};
use crate::interceptor::{ActivityInterceptor, ActivityPart, Attempt, Inputs, Next};
use crate::payload::{Payload, PayloadConverter};
use auto_heartbeat::AutoHeartbeat;
use blocking::BlockingPool;
use codec::Codec;
use heartbeat::Heartbeats;
pub(crate) use heartbeat::{DeliverNow, HeartbeatDelivery};
use limits::PayloadLimits;
pub(crate) use options::{DispatchOptions, dispatch_builder_methods};
use registry::Registry;
use settle::settle;
use slow_poll::SlowPollDetector;

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
    auto_heartbeat: bool,
    converter: Option<Arc<dyn PayloadConverter>>,
}

impl Dispatcher {
    pub(crate) fn new(set: ActivitySet, options: DispatchOptions) -> Result<Self, BuildError> {
        let registry = Registry::new(set, options.state)?;
        // So that a panic's failure says where it happened.
        crate::error::note_panic_sites();
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
                auto_heartbeat: options.auto_heartbeat,
                converter: options.converter,
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

    /// The attempt inside the panic boundary, then its report inside it too, both raced
    /// against the shutdown's deadline: a codec that hangs while sealing a failure's messages
    /// must not hold a shutdown either.
    async fn run_unboxed(&self, mut task: Task) -> Outcome {
        let headers = Arc::new(std::mem::take(&mut task.headers));
        let span = attempt_span(&task.info);
        let activity_type = task.info.activity_type.clone();
        let cancellation = task.cancellation.clone();
        let outcome = async {
            // Boxed, so that the boundary's combinators move a pointer rather than the
            // attempt's kilobytes.
            let attempt = Box::pin(self.intercepted(task, headers, &span, &activity_type));
            let outcome = boundary(attempt, |panic| span.in_scope(|| panicked(panic))).await;
            let report = self
                .report(&activity_type, outcome, cancellation.details())
                .instrument(span.clone());
            // A codec that panics on failure messages; it has just failed, so what it was to
            // seal stays unsaid.
            let sealing = format!("sealing the outcome of activity `{activity_type}`");
            boundary(report, |panic| {
                span.in_scope(|| panicked_while(&sealing, panic))
            })
            .await
        };
        tokio::select! {
            biased;
            outcome = outcome => outcome,
            // Its message quotes no user data, so it needs no sealing.
            () = self.shutdown_deadline(&cancellation) => Err(self.abandoned(&activity_type)),
        }
    }

    /// The activity's part inside the interceptors, then the codec and the size limits on what
    /// leaves it.
    async fn intercepted(
        &self,
        task: Task,
        headers: Arc<HashMap<String, Payload>>,
        span: &Span,
        activity_type: &str,
    ) -> Outcome {
        // Interceptors run outside the span, which they may still set a parent on: it is first
        // entered when the activity's part of the attempt starts.
        let outcome = if self.shared.interceptors.is_empty() {
            self.attempt(task, headers, None, span.clone())
                .instrument(span.clone())
                .await
        } else {
            self.intercept(task, headers, span).await
        };
        self.finish(activity_type, outcome)
            .instrument(span.clone())
            .await
    }

    /// Runs the activity's part inside the interceptors, which see its arguments decoded by
    /// the codec. A test environment's result slot keeps the function's own value only while
    /// it is what the interceptors report.
    async fn intercept(
        &self,
        mut task: Task,
        headers: Arc<HashMap<String, Payload>>,
        span: &Span,
    ) -> Outcome {
        let result = task.result.clone();
        let arguments = self
            .shared
            .codec
            .decode("arguments", std::mem::take(&mut task.arguments))
            .await?;
        let attempt = Attempt {
            info: task.info.clone(),
            headers: Arc::clone(&headers),
            span: span.clone(),
        };
        let produced = OnceLock::new();
        let activity: ActivityPart<'_> = Box::new(|inputs: Inputs| {
            self.attempt(task, inputs.headers, Some(inputs.arguments), span.clone())
                .instrument(span.clone())
                .inspect(|outcome| {
                    if let (Some(_), Ok(payload)) = (&result, outcome) {
                        let _ = produced.set(payload.clone());
                    }
                })
                .boxed()
        });
        let inputs = Inputs { arguments, headers };
        let outcome = Next::new(&self.shared.interceptors, &attempt, inputs, activity)
            .run()
            .await;
        if let Some(result) = &result
            && produced.get() != outcome.as_ref().ok()
        {
            result.lock().unwrap_or_else(PoisonError::into_inner).take();
        }
        outcome
    }

    /// The attempt up to the activity's outcome, before the codec: the slot, the lookup, the
    /// decoding, the context, and the call, with the heartbeats' pump beside it.
    async fn attempt(
        &self,
        task: Task,
        headers: Arc<HashMap<String, Payload>>,
        decoded_arguments: Option<Vec<Payload>>,
        span: Span,
    ) -> Outcome {
        let shared = &*self.shared;
        let _slot = shared
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let definition = shared.registry.resolve(&task.info.activity_type)?;
        let arguments = match decoded_arguments {
            Some(arguments) => arguments,
            None => shared.codec.decode("arguments", task.arguments).await?,
        };
        let last_heartbeat_details = shared
            .codec
            .decode("last heartbeat details", task.last_heartbeat_details)
            .await?;
        let heartbeats = task.heartbeats.map(|deliver| {
            Heartbeats::new(definition.name(), deliver, &shared.codec, shared.limits)
        });
        let (sink, auto_heartbeat) = match &heartbeats {
            Some(heartbeats) if shared.auto_heartbeat => {
                let (sink, auto) = AutoHeartbeat::wrap(
                    task.info.heartbeat_timeout,
                    &last_heartbeat_details,
                    Arc::clone(&heartbeats.sink),
                );
                (Some(sink), auto)
            }
            Some(heartbeats) => (Some(Arc::clone(&heartbeats.sink)), None),
            None => (None, None),
        };
        let sink = sink.map(|sink| self.intercepted_heartbeats(&task.info, sink));
        let context = ContextParts {
            info: task.info,
            headers,
            cancellation: task.cancellation,
            worker_shutdown: shared.worker_shutdown.clone(),
            last_heartbeat_details,
            heartbeats: sink,
            state: Arc::clone(shared.registry.state()),
            result: task.result,
            meter: shared.meter.clone(),
            client: task.client,
            converter: shared.converter.clone(),
        }
        .build();
        let call = self.call(definition, &context, arguments, span);
        // An `Either`, not an async block that awaits one or the other: such a block holds
        // the call twice over, and every await copies it (9,000 instructions an activity,
        // counted).
        let call = match auto_heartbeat {
            Some(auto) => Either::Left(Box::pin(auto.beside(call))),
            None => Either::Right(call),
        };
        match heartbeats {
            Some(heartbeats) => heartbeats.alongside(&context, call).await,
            None => call.await,
        }
    }

    /// The payload converter the activities use.
    fn converter(&self) -> &dyn PayloadConverter {
        crate::payload::converter_or_default(self.shared.converter.as_ref())
    }

    /// `sink`, behind the interceptors' heartbeat hooks, when there are any.
    fn intercepted_heartbeats(&self, info: &ActivityInfo, sink: HeartbeatSink) -> HeartbeatSink {
        if self.shared.interceptors.is_empty() {
            return sink;
        }
        let shared = Arc::clone(&self.shared);
        let info = info.clone();
        Arc::new(move |mut details: Vec<Payload>| {
            for interceptor in &shared.interceptors {
                interceptor.heartbeat(&info, &mut details);
            }
            sink(details)
        })
    }

    /// Calls the activity on the executor that suits it: an async one in its context's scope,
    /// watched for slow polls; a blocking one on the pool, inside this runtime. A heartbeat
    /// whose details could not be encoded fails the attempt.
    async fn call(
        &self,
        definition: ActivityDefinition,
        context: &ActivityContext,
        arguments: Vec<Payload>,
        span: Span,
    ) -> Outcome {
        let shared = &*self.shared;
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
                let error = error
                    .with_details_converted(self.converter())
                    .map_err(|error| {
                        RuntimeFailure::encoding(activity, "failure details", error)
                    })?;
                let details = shared
                    .codec
                    .encode("failure details", error.details().to_vec())
                    .await?;
                shared.limits.check(activity, "failure details", &details)?;
                Err(error.replace_details(details))
            }
        }
    }

    /// The outcome as the server receives it: settled (a cancellation as what its reason
    /// calls for, a failure cut to fit), then its messages sealed by the codec when the worker
    /// encodes them.
    async fn report(
        &self,
        activity: &str,
        outcome: Outcome,
        cancellation: Option<CancellationDetails>,
    ) -> Outcome {
        let shared = &*self.shared;
        match settle(activity, outcome, cancellation, &shared.limits) {
            Err(error)
                if shared.encode_failure_messages && error.kind() != ErrorKind::CompleteAsync =>
            {
                Err(shared.codec.seal_failure(error, self.converter()).await)
            }
            outcome => outcome,
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
}

/// The span of one attempt, made before the attempt, not yet entered. The fields and names of
/// Python's activity logger, so that one query finds an activity's lines whichever SDK ran
/// which attempt. `otel.*` stay empty unless an interceptor names the span for OpenTelemetry.
fn attempt_span(info: &ActivityInfo) -> Span {
    let workflow = info.workflow.as_ref();
    tracing::info_span!(
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
    )
}

/// The panic boundary: what `step` returns, or the failure that `on_panic` makes of its panic.
/// A user's `Deserialize`, `Serialize`, codec or interceptor panics as surely as the function
/// itself, and each must still complete the attempt.
async fn boundary(
    step: impl Future<Output = Outcome>,
    on_panic: impl FnOnce(&(dyn Any + Send)) -> ActivityError,
) -> Outcome {
    AssertUnwindSafe(step)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(on_panic(&*panic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokio moves a task's future at every step of its life, so each byte of an attempt's
    /// future is copied several times an activity. Holding the activity's call twice over (an
    /// async block that awaited either the call or the call beside its auto-heartbeat) took the
    /// attempt's future from 3.8 to 7.4 KiB in this profile and cost 9,100 instructions an
    /// activity in `memcpy` (BENCHMARKS.md), which only callgrind saw. The budgets leave room
    /// for a field or two, not for a second copy of the call.
    #[tokio::test]
    async fn the_attempts_future_holds_the_call_once() {
        let dispatcher =
            Dispatcher::new(ActivitySet::default(), DispatchOptions::default()).unwrap();
        let task = || Task {
            info: ActivityInfo::new("sized"),
            headers: HashMap::new(),
            arguments: Vec::new(),
            last_heartbeat_details: Vec::new(),
            heartbeats: None,
            cancellation: Cancellation::default(),
            result: None,
            client: None,
        };
        let span = Span::none();
        let attempt = dispatcher.attempt(task(), Arc::default(), None, span.clone());
        let intercepted = dispatcher.intercepted(task(), Arc::default(), &span, "sized");
        let (attempt, intercepted) = (size_of_val(&attempt), size_of_val(&intercepted));
        assert!(attempt <= 4_600, "the attempt's future is {attempt} bytes");
        assert!(
            intercepted <= 5_400,
            "the intercepted attempt's future is {intercepted} bytes"
        );
    }
}
