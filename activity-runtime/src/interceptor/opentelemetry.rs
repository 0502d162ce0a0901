//! (feature `opentelemetry`) The trace context that a caller's tracing interceptor sends,
//! made the parent of the attempt's span.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use opentelemetry::Context;
use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use temporalio_client::errors::{WorkflowInteractionError, WorkflowStartError};
use temporalio_client::{
    ClientInterceptor, Next as ClientNext, SignalWithStartWorkflowInput, SignalWorkflowInput,
    StartWorkflowInput, StartWorkflowOutput,
};
use temporalio_common::protos::temporal::api::common::v1::Header;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::{ActivityInterceptor, Attempt, BoxFuture, Next, Outcome};
use crate::payload;

/// The header the other SDKs' tracing interceptors write the trace context into.
const TRACER_HEADER: &str = "_tracer-data";

/// Continues the caller's trace in the activity, as the other SDKs' tracing interceptors do
/// (Python's `temporalio.contrib.opentelemetry.TracingInterceptor`, Go's and TypeScript's):
/// the attempt's span becomes a child of the span that scheduled the activity, and is named
/// `RunActivity:<activity type>` for OpenTelemetry, so that a trace shows the workflow, the
/// activity and everything the activity logs, whichever languages they ran in.
///
/// It reads the W3C trace context (and baggage) that those interceptors write into the
/// `_tracer-data` header. The span reaches an OpenTelemetry exporter through a
/// `tracing-opentelemetry` layer in the process's subscriber; without one it does nothing.
///
/// ```no_run
/// use activity_runtime::interceptor::TracingInterceptor;
/// use activity_runtime::{Worker, activity, activity_set};
/// use tracing_subscriber::layer::SubscriberExt;
///
/// #[activity]
/// async fn charge(cents: u64) -> u64 {
///     tracing::info!(cents, "charging"); // an event of the caller's trace
///     cents
/// }
///
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # fn tracer() -> opentelemetry_sdk::trace::SdkTracer { unimplemented!() }
/// // `tracer()` is your OpenTelemetry tracer, for example an OTLP exporter's.
/// tracing::subscriber::set_global_default(
///     tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer())),
/// )?;
/// let worker = Worker::builder("payments", activity_set![charge])
///     .interceptor(TracingInterceptor::new())
///     .build()
///     .await?;
/// worker.run_until_signal().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TracingInterceptor {
    header: Cow<'static, str>,
    propagator: Arc<dyn TextMapPropagator + Send + Sync>,
}

impl TracingInterceptor {
    /// Reads `_tracer-data` with the W3C trace-context and baggage propagators, as the other
    /// SDKs write it by default.
    pub fn new() -> Self {
        Self {
            header: Cow::Borrowed(TRACER_HEADER),
            propagator: Arc::new(TextMapCompositePropagator::new(vec![
                Box::new(TraceContextPropagator::new()),
                Box::new(BaggagePropagator::new()),
            ])),
        }
    }

    /// Reads the context from the header `name`, for callers whose interceptor was configured
    /// with another.
    #[must_use]
    pub fn header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.header = name.into();
        self
    }

    /// Reads the context with `propagator`, for callers that propagate another format (B3,
    /// Jaeger).
    #[must_use]
    pub fn propagator(
        mut self,
        propagator: impl TextMapPropagator + Send + Sync + 'static,
    ) -> Self {
        self.propagator = Arc::new(propagator);
        self
    }

    /// The caller's context, when its header is there and decodes.
    fn remote_context(&self, attempt: &Attempt) -> Option<Context> {
        let header = attempt.headers().get(self.header.as_ref())?;
        match payload::decode::<HashMap<String, String>>(header) {
            Ok(carrier) => Some(self.propagator.extract(&carrier)),
            Err(error) => {
                tracing::warn!(
                    header = %self.header,
                    "the trace context header does not decode, so the attempt starts a trace of \
                     its own: {error}"
                );
                None
            }
        }
    }
}

impl Default for TracingInterceptor {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for TracingInterceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracingInterceptor")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl ActivityInterceptor for TracingInterceptor {
    fn execute<'a>(&'a self, attempt: &'a Attempt, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        let span = attempt.span();
        // The other SDKs' name and kind for this span.
        span.record(
            "otel.name",
            format!("RunActivity:{}", attempt.info().activity_type),
        );
        span.record("otel.kind", "server");
        if let Some(context) = self.remote_context(attempt)
            && let Err(error) = span.set_parent(context)
        {
            // No OpenTelemetry layer in the subscriber: there is no trace to continue.
            tracing::trace!("the attempt's span keeps its own trace: {error}");
        }
        Box::pin(next.run())
    }
}

/// Carries the current span's trace context onward in the `_tracer-data` header of the
/// workflows that activities start or signal through
/// [`ctx.client()`](crate::ActivityContext::client), as the other SDKs' tracing interceptors
/// write it: a workflow an activity starts continues the activity's trace, in whatever
/// language it runs. Inside an attempt the current span is the attempt's, made a child of the
/// caller's by [`TracingInterceptor`]. Without an OpenTelemetry layer in the subscriber there
/// is no context, and no header is written.
pub(crate) struct TraceContextOnward {
    propagator: TextMapCompositePropagator,
}

impl TraceContextOnward {
    pub(crate) fn new() -> Self {
        Self {
            propagator: TextMapCompositePropagator::new(vec![
                Box::new(TraceContextPropagator::new()),
                Box::new(BaggagePropagator::new()),
            ]),
        }
    }

    /// Writes the current span's context into `header`, unless there is none.
    fn inject(&self, header: &mut Option<Header>) {
        let context = tracing::Span::current().context();
        if !context.span().span_context().is_valid() {
            return;
        }
        let mut carrier = HashMap::new();
        self.propagator.inject_context(&context, &mut carrier);
        match payload::encode(&carrier) {
            Ok(encoded) => {
                header
                    .get_or_insert_default()
                    .fields
                    .insert(TRACER_HEADER.to_string(), encoded);
            }
            // A map of strings always encodes; were it not to, the call goes on untraced.
            Err(error) => tracing::warn!("the trace context was not sent on: {error}"),
        }
    }
}

impl ClientInterceptor for TraceContextOnward {
    fn start_workflow<'a>(
        &'a self,
        mut input: StartWorkflowInput,
        next: ClientNext<
            'a,
            StartWorkflowInput,
            BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>>,
        >,
    ) -> BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
        self.inject(&mut input.options.header);
        next.run(input)
    }

    fn signal_with_start_workflow<'a>(
        &'a self,
        mut input: SignalWithStartWorkflowInput,
        next: ClientNext<
            'a,
            SignalWithStartWorkflowInput,
            BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>>,
        >,
    ) -> BoxFuture<'a, Result<StartWorkflowOutput, WorkflowStartError>> {
        self.inject(&mut input.options.header);
        next.run(input)
    }

    fn signal_workflow<'a>(
        &'a self,
        mut input: SignalWorkflowInput,
        next: ClientNext<
            'a,
            SignalWorkflowInput,
            BoxFuture<'a, Result<(), WorkflowInteractionError>>,
        >,
    ) -> BoxFuture<'a, Result<(), WorkflowInteractionError>> {
        self.inject(&mut input.options.header);
        next.run(input)
    }
}
