//! Our activities on the official Rust SDK's worker, beside its workflows (feature
//! `temporalio-sdk`): one process serves official-SDK workflows and `#[activity]` functions on
//! one task queue, and those workflows can run ours as local activities too.
//!
//! ```no_run
//! use activity_runtime::{activity, activity_set, official};
//! use temporalio_sdk::{Runtime, Worker, WorkerOptions};
//!
//! #[activity]
//! fn compute_total(prices: Vec<u64>) -> u64 {
//!     prices.iter().sum()
//! }
//!
//! # async fn serve(client: temporalio_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::from_current_tokio(Default::default())?;
//! let options = WorkerOptions::new("orders")
//!     .register_activities(official::Activities::new(activity_set![compute_total])?)
//!     .build();
//! Worker::new(&runtime, client, options)?.run().await?;
//! # Ok(()) }
//! ```
//!
//! Their workflows call ours typed, checked against the functions' signatures, as activities
//! or local activities: `ctx.execute_activity(compute_total::ACTIVITY, prices, options)`, and
//! [`MultiArgs2`](crate::definition::MultiArgs2) to `MultiArgs6` for two to six arguments. The
//! repository's `examples/official_sdk.rs` runs a workflow and our activities on one official
//! worker.
//!
//! Each task runs through the same dispatcher as on our own worker: blocking functions on the
//! bounded pool, `ActivityContext` (info, heartbeats, the last attempt's details, cancellation,
//! state), `State<T>`, errors with their type, retryability, details, retry delay and causes,
//! panics caught as failures, and a set with two activities of one name refused when it is
//! built. The official worker applies its data converter's codec to every payload, so leave
//! [`codec`](ActivitiesBuilder::codec) unset here.
//!
//! The official worker cancels an attempt without saying why: it drops the reasons Temporal
//! Core gives. So when it cancels one of ours, the bridge asks the server, with one heartbeat
//! of the details the attempt last recorded, as Core itself learns of a cancellation. Then
//! [`ActivityContext::cancellation_details`](crate::ActivityContext::cancellation_details)
//! tells an operator's pause or reset from a caller's cancellation, and an attempt that returns
//! the cancellation fails as `ActivityPause` or `ActivityReset`, as on our own worker and in
//! every SDK.

use std::sync::{Arc, OnceLock};

use futures::FutureExt;
use futures::future::BoxFuture;
use temporalio_client::Client;
use temporalio_common::data_converters::RawValue;
use temporalio_sdk::activities::{
    ActivityContext as OfficialContext, ActivityError as OfficialError,
};

use tokio::sync::Mutex as AsyncMutex;

use crate::activity::{ActivitySet, OfficialExecutor};
use crate::client::{AsyncCompletion, CompletionError, HeartbeatResponse};
use crate::context::{ActivityInfo, Cancellation, CancellationDetails, TaskToken, WorkflowInfo};
use crate::dispatch::{DispatchOptions, Dispatcher, HeartbeatDelivery, Task};
use crate::error::{ActivityError, BuildError, ErrorKind};
use crate::payload::Payload;

pub use crate::activity::OfficialActivities as Activities;

/// Configures [`Activities`] for the official worker.
pub struct ActivitiesBuilder {
    set: ActivitySet,
    options: DispatchOptions,
}

impl std::fmt::Debug for ActivitiesBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivitiesBuilder")
            .field("activities", &self.set.names().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Activities {
    /// The activities of `set`, with the default options, for
    /// `temporalio_sdk::WorkerOptions::register_activities`.
    ///
    /// # Errors
    /// As a worker's build: two activities of one name, state that was not given; and a
    /// dynamic activity, which the official worker cannot route.
    pub fn new(set: ActivitySet) -> Result<Self, BuildError> {
        Self::builder(set).build()
    }

    /// A builder for the activities of `set`: state, slots, the blocking pool.
    pub fn builder(set: ActivitySet) -> ActivitiesBuilder {
        ActivitiesBuilder {
            set,
            options: DispatchOptions::default(),
        }
    }
}

impl Activities {
    /// A handle that tells these activities that the official worker is shutting down, which
    /// that worker does not do itself: `ctx.worker_shutdown()` turns true, and after the grace
    /// period the activities still running are cancelled, then abandoned as retryable
    /// `WorkerShutdown` failures, as on our own worker. Take it before registering, and call it
    /// beside the official worker's shutdown handle.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            executor: Arc::clone(&self.executor),
        }
    }
}

/// Begins the shutdown of [`Activities`] on the official worker; see
/// [`Activities::shutdown_handle`].
#[derive(Clone)]
pub struct ShutdownHandle {
    executor: Arc<dyn OfficialExecutor>,
}

impl ShutdownHandle {
    /// Begins the shutdown.
    pub fn shutdown(&self) {
        self.executor.begin_shutdown();
    }
}

impl std::fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShutdownHandle").finish_non_exhaustive()
    }
}

impl ActivitiesBuilder {
    crate::dispatch::dispatch_builder_methods!();

    /// Where the activities' [`metric_meter`](crate::ActivityContext::metric_meter) records:
    /// the meter given to the official runtime's telemetry options, so that the activities'
    /// metrics go to its exporter beside Core's. Default: nowhere, as the official runtime
    /// does not hand its meter out.
    ///
    /// ```no_run
    /// # fn serve(set: activity_runtime::ActivitySet) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use activity_runtime::official::Activities;
    /// use temporalio_common::telemetry::metrics::CoreMeter;
    /// use temporalio_common::telemetry::{
    ///     PrometheusExporterOptions, TelemetryOptions, start_prometheus_metric_exporter,
    /// };
    /// use temporalio_sdk::Runtime;
    /// use temporalio_sdk::runtime::RuntimeOptions;
    ///
    /// let address = "127.0.0.1:9464".parse()?;
    /// let exporter = start_prometheus_metric_exporter(
    ///     PrometheusExporterOptions::builder().socket_addr(address).build(),
    /// )?;
    /// let meter: Arc<dyn CoreMeter> = exporter.meter;
    /// let telemetry = TelemetryOptions::builder().metrics(Arc::clone(&meter)).build();
    /// let runtime = Runtime::from_current_tokio(
    ///     RuntimeOptions::builder().telemetry_options(telemetry).build()?,
    /// )?;
    /// let activities = Activities::builder(set).metric_meter(meter).build()?;
    /// # let _ = (runtime, activities); Ok(()) }
    /// ```
    pub fn metric_meter(
        mut self,
        meter: std::sync::Arc<dyn temporalio_common::telemetry::metrics::CoreMeter>,
    ) -> Self {
        self.options.meter = crate::metrics::meter_over(meter);
        self
    }

    /// Checks the set and starts the blocking pool.
    ///
    /// # Errors
    /// As [`Activities::new`].
    pub fn build(self) -> Result<Activities, BuildError> {
        if let Some(dynamic) = self.set.iter().find(|definition| definition.is_dynamic()) {
            return Err(BuildError::DynamicOnOfficialWorker {
                function: dynamic.function(),
            });
        }
        let definitions = self.set.iter().copied().collect();
        let mut options = self.options;
        // The official worker turns our failures into its own through its failure converter,
        // which encodes messages when its client asks it to: sealed here, a message would reach
        // it as "Encoded failure" with nothing to carry the text.
        options.encode_failure_messages = Some(false);
        let dispatcher = Dispatcher::new(self.set, options)?;
        Ok(Activities {
            executor: Arc::new(Bridge {
                dispatcher,
                client: OnceLock::new(),
            }),
            definitions,
        })
    }
}

/// Runs the official worker's tasks through our dispatcher.
struct Bridge {
    dispatcher: Dispatcher,
    /// The official worker's client, as its context makes it: made once, since that clones
    /// the client's options.
    client: OnceLock<Client>,
}

impl OfficialExecutor for Bridge {
    fn execute(
        &self,
        activity_type: &'static str,
        context: OfficialContext,
        input: RawValue,
    ) -> BoxFuture<'static, Result<RawValue, OfficialError>> {
        let dispatcher = self.dispatcher.clone();
        let client = self.client.get_or_init(|| context.client()).clone();
        async move {
            let cancellation = Cancellation::default();
            // What the attempt last recorded, starting with what the last attempt left.
            let recorded = Arc::new(AsyncMutex::new(context.heartbeat_details().raw().to_vec()));
            let watcher = tokio::spawn({
                let (context, client, cancellation) =
                    (context.clone(), client.clone(), cancellation.clone());
                let recorded = Arc::clone(&recorded);
                async move {
                    context.cancelled().await;
                    let token = TaskToken::from(context.info().task_token.clone());
                    cancellation.cancel(why_cancelled(&client, &token, &recorded).await);
                }
            });
            let task = Task {
                info: info_from(activity_type, context.info()),
                headers: context.headers().clone(),
                arguments: input.payloads,
                last_heartbeat_details: context.heartbeat_details().raw().to_vec(),
                heartbeats: Some(heartbeats_to(context, recorded)),
                cancellation,
                result: None,
                client: Some(client),
            };
            let outcome = dispatcher.run(task).await;
            watcher.abort();
            match outcome {
                Ok(result) => Ok(RawValue::new(vec![result])),
                Err(error) => Err(to_official(error)),
            }
        }
        .boxed()
    }

    fn begin_shutdown(&self) {
        self.dispatcher.begin_shutdown();
    }
}

/// Heartbeats go through the official context, which applies its converter (raw payloads pass
/// as they are) and codec. It is async, so the dispatcher's mailbox holds the latest details
/// while one is on its way, and sends what is pending before the outcome. What was recorded is
/// kept in `recorded`, for [`why_cancelled`].
fn heartbeats_to(
    context: OfficialContext,
    recorded: Arc<AsyncMutex<Vec<Payload>>>,
) -> HeartbeatDelivery {
    HeartbeatDelivery::Awaited(Arc::new(move |details: Vec<Payload>| {
        let (context, recorded) = (context.clone(), Arc::clone(&recorded));
        async move {
            let mut recorded = recorded.lock().await;
            match context
                .record_heartbeat(RawValue::new(details.clone()))
                .await
            {
                Ok(()) => *recorded = details,
                Err(error) => tracing::warn!("a heartbeat could not be recorded: {error}"),
            }
        }
        .boxed()
    }))
}

/// Why the official worker cancelled an attempt, which it does not say: it drops the reasons
/// Temporal Core gives with a cancellation (`is_paused`, `is_reset`...), so that its context
/// cannot tell an operator's pause from a caller's cancellation. Core learns them from the
/// server's answer to a heartbeat; so does this, with one heartbeat of the details the attempt
/// last recorded, sent while no other can go out, so that what the server holds does not
/// change.
///
/// No reason from the server means the worker's own: Core cancels an attempt the server still
/// runs only when the worker shuts down (its local timeouts fire after the server's, which
/// then answers that it knows no such attempt). When the server cannot be asked, the
/// cancellation counts as requested, as it did before the server was asked.
async fn why_cancelled(
    client: &Client,
    token: &TaskToken,
    recorded: &AsyncMutex<Vec<Payload>>,
) -> CancellationDetails {
    let recorded = recorded.lock().await;
    let answer = AsyncCompletion::by_token(client, token)
        .heartbeat_payloads(recorded.clone())
        .await;
    match answer {
        Ok(HeartbeatResponse {
            cancel_requested,
            paused,
            reset,
        }) if cancel_requested || paused || reset => CancellationDetails {
            cancel_requested,
            paused,
            reset,
            ..CancellationDetails::default()
        },
        Ok(_) => CancellationDetails::worker_shutdown(),
        Err(CompletionError::NotFound { .. }) => CancellationDetails {
            not_found: true,
            ..CancellationDetails::default()
        },
        Err(error) => {
            tracing::warn!(
                "the server could not say why the official worker cancelled an attempt, so it \
                 counts as requested: {error}"
            );
            CancellationDetails::requested()
        }
    }
}

/// Our info from the official SDK's. Its type is `#[non_exhaustive]`, so a field it adds
/// cannot be a compile error here as Core's are in the worker's translation: it holds no
/// start-to-close or schedule-to-close timeout, only their deadline.
fn info_from(activity_type: &str, info: &temporalio_sdk::activities::ActivityInfo) -> ActivityInfo {
    let workflow = info.workflow_id.clone().map(|workflow_id| {
        WorkflowInfo::builder()
            .workflow_id(workflow_id)
            .run_id(info.workflow_run_id.clone().unwrap_or_default())
            .workflow_type(info.workflow_type.clone().unwrap_or_default())
            .namespace(info.namespace.clone())
            .build()
    });
    ActivityInfo::builder(activity_type)
        .activity_id(info.activity_id.clone())
        .attempt(info.attempt)
        .maybe_workflow(workflow)
        .task_queue(info.task_queue.clone())
        .namespace(info.namespace.clone())
        .maybe_scheduled_time(info.scheduled_time)
        .maybe_started_time(info.started_time)
        .maybe_current_attempt_scheduled_time(info.current_attempt_scheduled_time)
        .maybe_heartbeat_timeout(info.heartbeat_timeout)
        .task_token(TaskToken::from(info.task_token.clone()))
        .maybe_activity_run_id(info.activity_run_id.clone())
        .maybe_retry_policy(info.retry_policy.clone())
        .priority(info.priority.clone())
        .is_local(info.is_local)
        .build()
}

/// Our failure as the official SDK's: the same type, retryability, category, retry delay and
/// details, and the cause chain as the source chain it encodes.
fn to_official(error: ActivityError) -> OfficialError {
    let details = (!error.details().is_empty()).then(|| RawValue::new(error.details().to_vec()));
    match error.kind() {
        ErrorKind::Cancelled => {
            return OfficialError::Cancelled {
                details: details.map(Into::into),
            };
        }
        ErrorKind::CompleteAsync => return OfficialError::WillCompleteAsync,
        _ => {}
    }
    OfficialError::Application(Box::new(error.to_application_failure()))
}
