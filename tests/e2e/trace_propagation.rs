//! Trace propagation with the other SDKs: a Python caller traced by Temporal's own
//! `TracingInterceptor`, from a client and from a workflow, sees our activity's span as a
//! child of the span that scheduled it, and what the activity does inside is a child of ours;
//! a Python workflow that our activity starts with `ctx.client()` continues the trace, a child
//! of our span. Both sides export their spans in memory: Python prints its own, and ours are
//! read here.

use std::time::Duration;

use activity_runtime::interceptor::TracingInterceptor;
use activity_runtime::{ActivityContext, ActivityError, Worker, activity, activity_set, payload};
use opentelemetry::trace::{SpanId, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde::Deserialize;
use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};
use temporalio_common::UntypedWorkflow;
use temporalio_common::data_converters::RawValue;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

use crate::support::deadline::within;
use crate::support::peers;
use crate::support::server;

#[activity]
async fn traced(from: String) -> String {
    async { tracing::info!("looked the caller up") }
        .instrument(tracing::info_span!("lookup"))
        .await;
    format!("traced {from}")
}

/// Starts the Python workflow `Downstream` on `queue` through `ctx.client()`, and returns its
/// result.
#[activity]
async fn traced_onward(ctx: ActivityContext, queue: String) -> Result<String, ActivityError> {
    let started = ctx
        .client()?
        .start_workflow(
            UntypedWorkflow::new("Downstream"),
            RawValue::new(Vec::new()),
            WorkflowStartOptions::new(queue.as_str(), format!("downstream-{queue}")).build(),
        )
        .await?;
    let result = started
        .get_result(WorkflowGetResultOptions::default())
        .await?;
    Ok(payload::decode(result.payloads.first().ok_or_else(
        || ActivityError::new("the downstream workflow returned nothing"),
    )?)?)
}

#[derive(Deserialize)]
struct Caller {
    result: String,
    spans: Vec<PythonSpan>,
}

#[derive(Deserialize, Debug)]
struct PythonSpan {
    name: String,
    trace_id: String,
    span_id: String,
    parent_id: Option<String>,
}

/// Our finished span called `name` in trace `trace_id`, once it is exported.
async fn exported(exporter: &InMemorySpanExporter, name: &str, trace_id: &str) -> SpanData {
    within(Duration::from_secs(10), "our span's export", async {
        loop {
            let spans = exporter.get_finished_spans().expect("the exporter reads");
            if let Some(span) = spans.into_iter().find(|span| {
                span.name == name && span.span_context.trace_id().to_string() == trace_id
            }) {
                return span;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

#[test]
fn a_python_callers_trace_continues_into_our_activity_and_what_it_does() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    // The process's other tests keep no subscriber: this one is the thread's, and the worker
    // runs on this thread, so every span of the attempt reaches it.
    let _subscriber = tracing::subscriber::set_default(
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("e2e"))),
    );
    // With one dispatcher alive, tracing-core computes the interest of a callsite first hit
    // on another thread from that thread's default alone: another test's worker reaching
    // `activity` first would disable it for this thread too. A second dispatcher makes it
    // ask every live one.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let queue = server::task_queue("tracing");
        let running = server::start_worker_with(
            Worker::builder(&queue, activity_set![traced, traced_onward])
                .interceptor(TracingInterceptor::new()),
        )
        .await;
        for (mode, from) in [
            ("standalone", "from a client"),
            ("workflow", "from a workflow"),
        ] {
            let caller: Caller = peers::python("traced_caller.py", &[&queue, mode]).await;
            assert_eq!(caller.result, format!("traced {from}"));
            let scheduled = caller
                .spans
                .iter()
                .find(|span| span.name == "StartActivity:traced")
                .unwrap_or_else(|| panic!("{mode}: Python's spans: {:?}", caller.spans));
            let ours = exported(&exporter, "RunActivity:traced", &scheduled.trace_id).await;
            assert_eq!(
                ours.parent_span_id.to_string(),
                scheduled.span_id,
                "{mode}: our span is a child of Python's"
            );
            let inside = exported(&exporter, "lookup", &scheduled.trace_id).await;
            assert_eq!(
                inside.parent_span_id,
                ours.span_context.span_id(),
                "{mode}: the activity's own span is a child of ours"
            );
            assert_ne!(ours.span_context.span_id(), SpanId::INVALID);
            assert!(
                ours.attributes
                    .iter()
                    .any(|kv| kv.key.as_str() == "activity_type" && kv.value.as_str() == "traced"),
                "{:?}",
                ours.attributes
            );
        }
        let caller: Caller = peers::python("traced_caller.py", &[&queue, "onward"]).await;
        assert_eq!(caller.result, "downstream");
        let span = |name: &str| {
            caller
                .spans
                .iter()
                .find(|span| span.name == name)
                .unwrap_or_else(|| panic!("no {name} in Python's spans: {:?}", caller.spans))
        };
        let scheduled = span("StartActivity:traced_onward");
        let ours = exported(&exporter, "RunActivity:traced_onward", &scheduled.trace_id).await;
        let downstream = span("RunWorkflow:Downstream");
        assert_eq!(
            downstream.trace_id, scheduled.trace_id,
            "the workflow our activity started continues the caller's trace: {:?}",
            caller.spans
        );
        assert_eq!(
            downstream.parent_id.as_deref(),
            Some(ours.span_context.span_id().to_string().as_str()),
            "a child of our activity's span: {:?}",
            caller.spans
        );
        running.stop().await;
    });
}
