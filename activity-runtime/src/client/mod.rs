//! Calling activities from Rust as standalone activities, with the same typed arguments and
//! payloads as the worker: Python's `client.execute_activity`, for examples, tests and services
//! that start activities without a workflow; and completing an activity from outside its
//! worker.
//!
//! # Typed names
//!
//! Every activity has a typed name, [`Typed`]: the constant
//! `your_activity::ACTIVITY`, or `YourType::METHOD_NAME` (upper case) for a method of an
//! `#[activities]` block. It is what [`execute_activity`] and [`start_activity`] take, what
//! [`ActivityEnvironment::run`](crate::testing::ActivityEnvironment::run) takes, and what the
//! official Rust SDK's clients and workflows take, checked against the function's signature at
//! compile time. Ours take the arguments as a tuple, or one argument alone; the official SDK's
//! take one argument as itself and two to six as
//! [`MultiArgs2`](crate::definition::MultiArgs2) to `MultiArgs6`.
//!
//! ```no_run
//! use std::time::Duration;
//! use activity_runtime::client::{ActivityCloseTimeouts, ActivityStartOptions, execute_activity};
//! use activity_runtime::{ConnectionConfig, activity};
//!
//! #[activity]
//! fn compute_total(prices: Vec<u64>, discount_percent: u64) -> u64 {
//!     prices.iter().sum::<u64>() * (100 - discount_percent) / 100
//! }
//!
//! # async fn call() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ConnectionConfig::from_env()?.client().await?;
//! let options = ActivityStartOptions::new(
//!     "checkout".to_string(),
//!     "total-o-17".to_string(),
//!     ActivityCloseTimeouts::StartToClose(Duration::from_secs(10)),
//! )
//! .build();
//! let total: u64 =
//!     execute_activity(&client, compute_total::ACTIVITY, (vec![100, 300], 10), options).await?;
//! # let _ = total; Ok(()) }
//! ```
//!
//! The official `ActivityDefinition` wants every argument and the result to both serialize and
//! deserialize, where an activity needs only one direction, so the typed name implements it
//! only when the types allow; an activity whose result only serializes still compiles, and the
//! compiler says what is missing where it is started through the official API.
//!
//! # Payload converters
//!
//! The helpers take any [`Caller`]: a [`Client`], whose values they convert as the activity
//! that calls them does (or with the default converter outside activities), or a
//! [`ClientWithConverter`], for a worker with a
//! [`PayloadConverter`] of its own.
//!
//! # Completing an activity from elsewhere
//!
//! An activity whose work finishes outside its function (a human approval, a payment
//! provider's callback) stores its task token and hands its completion off with
//! [`ActivityError::complete_async`](crate::ActivityError::complete_async); the worker tells
//! the server and frees the slot. Later, any process completes, fails, cancels or heartbeats it
//! with [`AsyncCompletion`] (Python's `get_async_activity_handle`, Go's `CompleteActivity`), by
//! token, by workflow ids or as a standalone activity. Values are encoded as the worker encodes
//! them, then by the client's codec
//! ([`ConnectionConfig::client_with_codec`](crate::ConnectionConfig::client_with_codec)).
//! `cargo run --example async_completion` runs it end to end.
//!
//! ```no_run
//! use activity_runtime::client::AsyncCompletion;
//! use activity_runtime::context::TaskToken;
//! use activity_runtime::{ActivityContext, ActivityError, ConnectionConfig, activity};
//!
//! #[activity]
//! async fn request_approval(ctx: ActivityContext, refund: String) -> Result<bool, ActivityError> {
//!     let token = ctx.info().task_token.as_bytes().to_vec();
//!     // ... hand `token` to whoever approves ...
//!     # let _ = (refund, token);
//!     Err(ActivityError::complete_async())
//! }
//!
//! # async fn approve(stored_token: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = ConnectionConfig::from_env()?.client().await?;
//! let approval = AsyncCompletion::by_token(&client, &TaskToken::from(stored_token));
//! if approval.heartbeat(&"reviewing").await?.cancel_requested {
//!     approval.report_cancellation().await?;
//! } else {
//!     approval.complete(&true).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! # An operator's commands
//!
//! What `temporal activity pause|unpause|reset|update-options` and the Web UI do, from code:
//! [`StartedActivity::pause`] and its siblings for a standalone activity this client started,
//! and [`ActivityOperator`] for any activity, by its workflow's id and its own. The attempt
//! running learns of a pause or reset at its next heartbeat, and ends as
//! [`ctx.cancellation_details()`](crate::ActivityContext::cancellation_details) tells it.
//!
//! # A client inside activities
//!
//! [`ctx.client()`](crate::ActivityContext::client) is a client on the worker's own connection
//! and namespace, with its codec (Python's `activity.client()`): to signal or start a workflow,
//! start another activity, or complete one that handed off. It adds no connection. On the
//! official SDK's worker it is that worker's client; in `ActivityEnvironment`, the one the test
//! gives. [`signal_workflow`] encodes a signal's arguments as the worker does.
//!
//! ```no_run
//! use activity_runtime::{ActivityContext, ActivityError, activity, client};
//!
//! #[activity]
//! async fn notify(ctx: ActivityContext, workflow_id: String) -> Result<(), ActivityError> {
//!     let activity_id = ctx.info().activity_id.clone();
//!     client::signal_workflow(ctx.client()?, &workflow_id, "approval_requested", (activity_id,))
//!         .await?;
//!     Ok(())
//! }
//! ```

mod caller;
mod completion;
mod operator;
mod signal;

use std::marker::PhantomData;
use std::sync::Arc;

use temporalio_client::errors::{
    ActivityInteractionError, ActivityResultError, StartActivityError, WorkflowInteractionError,
};
use temporalio_client::{ActivityCancelOptions, ActivityHandle, ClientOptions};
use temporalio_common::UntypedActivity;
use temporalio_common::data_converters::{DataConverter, RawValue};

use crate::activity::{Activity, Typed};
use crate::connection::{ConnectError, ConnectionConfig};
use crate::dispatch::codec::Codec;
use crate::payload::codec::PayloadCodec;
use crate::payload::{ArgumentList, IntoArguments};

use crate::payload::{FromPayload, PayloadConverter, PayloadError};
pub use caller::{Caller, ClientWithConverter};
pub use completion::{AsyncCompletion, CompletionError, HeartbeatResponse};
pub use operator::{ActivityOperator, OperatorError, OptionsUpdate, Reset};
pub use signal::signal_workflow;
pub use temporalio_client::{ActivityStartOptions, Client};
pub use temporalio_common::protos::temporal::api::activity::v1::ActivityOptions;
pub use temporalio_common::{ActivityCloseTimeouts, Priority, RetryPolicy};

/// Why a standalone activity did not produce a result, or a call about a workflow failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecuteError {
    /// The client could not connect.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// An argument could not be encoded, or the result not decoded.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The server refused to start the activity.
    #[error(transparent)]
    Start(#[from] StartActivityError),
    /// The activity failed, timed out or was cancelled.
    #[error(transparent)]
    Result(Box<ActivityResultError>),
    /// The server refused a request about a started activity, such as a cancellation.
    #[error(transparent)]
    Interaction(#[from] ActivityInteractionError),
    /// The activity completed without a result payload.
    #[error("activity `{0}` completed without a result")]
    NoResult(String),
    /// No workflow of that id is running in the client's namespace: it never started, it
    /// closed, or it runs in another namespace.
    #[error("no workflow `{workflow_id}` is running in namespace `{namespace}`")]
    WorkflowNotFound {
        /// The workflow addressed.
        workflow_id: String,
        /// The client's namespace.
        namespace: String,
        /// What the server said.
        #[source]
        source: temporalio_client::tonic::Status,
    },
    /// The server or the client's codec refused a request about a workflow.
    #[error("a request to workflow `{workflow_id}` failed: {source}")]
    Workflow {
        /// The workflow addressed.
        workflow_id: String,
        /// What the server or the codec said.
        #[source]
        source: WorkflowInteractionError,
    },
}

impl From<ActivityResultError> for ExecuteError {
    fn from(error: ActivityResultError) -> Self {
        Self::Result(Box::new(error))
    }
}

impl ConnectionConfig {
    /// A `temporalio-client` client for this server and namespace.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub async fn client(&self) -> Result<Client, ExecuteError> {
        self.client_with_converter(DataConverter::default()).await
    }

    /// A client that applies `codec` to the arguments it sends and the results and failures it
    /// reads, as a worker with the same codec does: give both the same
    /// [`EncryptionCodec`](crate::payload::codec) and the server stores only ciphertext.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub async fn client_with_codec(
        &self,
        codec: impl PayloadCodec + Send + Sync + 'static,
    ) -> Result<Client, ExecuteError> {
        let converter = Codec::new(Arc::new(codec)).data_converter();
        self.client_with_converter(converter).await
    }

    async fn client_with_converter(
        &self,
        data_converter: DataConverter,
    ) -> Result<Client, ExecuteError> {
        let connection = self.connect("activity-runtime-client").await?;
        let options = ClientOptions::new(self.namespace.clone())
            .data_converter(data_converter)
            .build();
        Client::new(connection, options).map_err(|error| self.connect_error(error).into())
    }
}

/// A standalone activity that was started; `T` is the type its result decodes into.
pub struct StartedActivity<T> {
    handle: ActivityHandle<Client, UntypedActivity>,
    client: Client,
    converter: Arc<dyn PayloadConverter>,
    name: String,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for StartedActivity<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartedActivity")
            .field("activity_type", &self.name)
            .field("activity_id", &self.handle.activity_id())
            .finish_non_exhaustive()
    }
}

impl<T> StartedActivity<T> {
    /// Requests the activity's cancellation; it sees it at its next heartbeat.
    ///
    /// # Errors
    /// When the server refuses the request.
    pub async fn cancel(&self, reason: impl Into<String>) -> Result<(), ExecuteError> {
        let options = ActivityCancelOptions::builder()
            .reason(reason.into())
            .build();
        Ok(self.handle.cancel(options).await?)
    }

    /// The client's own handle, for everything else (describe, terminate).
    pub fn handle(&self) -> &ActivityHandle<Client, UntypedActivity> {
        &self.handle
    }

    /// This activity, addressed for an operator's commands.
    pub fn operator(&self) -> ActivityOperator {
        ActivityOperator::standalone(
            &self.client,
            self.handle.activity_id(),
            self.handle.run_id().unwrap_or_default(),
        )
    }

    /// Pauses the activity, as [`ActivityOperator::pause`] does.
    ///
    /// # Errors
    /// When the activity is not running, or the server refuses.
    ///
    /// ```no_run
    /// # use activity_runtime::client::{OptionsUpdate, Reset, StartedActivity};
    /// # async fn operate(report: StartedActivity<String>) -> Result<(), Box<dyn std::error::Error>> {
    /// report.pause("the warehouse is closed for inventory").await?;
    /// report.unpause().await?;
    /// report.reset(Reset::new()).await?;
    /// report
    ///     .update_options(OptionsUpdate::new().heartbeat_timeout(std::time::Duration::from_secs(30)))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn pause(&self, reason: impl Into<String>) -> Result<(), OperatorError> {
        self.operator().pause(reason).await
    }

    /// Unpauses the activity, as [`ActivityOperator::unpause`] does.
    ///
    /// # Errors
    /// When the activity is not running, or the server refuses.
    pub async fn unpause(&self) -> Result<(), OperatorError> {
        self.operator().unpause().await
    }

    /// Resets the activity, as [`ActivityOperator::reset`] does.
    ///
    /// # Errors
    /// When the activity is not running, or the server refuses.
    pub async fn reset(&self, reset: Reset) -> Result<(), OperatorError> {
        self.operator().reset(reset).await
    }

    /// Changes the activity's options, as [`ActivityOperator::update_options`] does, and
    /// returns them as the server now holds them.
    ///
    /// # Errors
    /// When `update` names nothing, the activity is not running, or the server refuses.
    pub async fn update_options(
        &self,
        update: OptionsUpdate,
    ) -> Result<ActivityOptions, OperatorError> {
        self.operator().update_options(update).await
    }
}

impl<T: FromPayload> StartedActivity<T> {
    /// Waits for the activity's result, decoded by the payload converter it was started with.
    ///
    /// # Errors
    /// When the activity fails, times out or is cancelled, or its result does not decode.
    pub async fn result(&self) -> Result<T, ExecuteError> {
        let result = self.handle.result().await?;
        let payload = result
            .payloads
            .first()
            .ok_or_else(|| ExecuteError::NoResult(self.name.clone()))?;
        Ok(self.converter.decode(payload)?)
    }
}

/// Starts the activity registered as `name`, for activities written in another language or
/// chosen at run time.
///
/// # Errors
/// When an argument does not encode, or the server refuses the start.
pub async fn start_activity_by_name<T>(
    client: &impl Caller,
    name: &str,
    input: impl ArgumentList,
    options: ActivityStartOptions,
) -> Result<StartedActivity<T>, ExecuteError> {
    let converter = client.payload_converter();
    let arguments = RawValue::new(input.encode_with(&*converter)?);
    let client = client.client();
    let handle = client
        .start_activity(UntypedActivity::new(name), arguments, options)
        .await?;
    Ok(StartedActivity {
        handle,
        client: client.clone(),
        converter,
        name: name.to_string(),
        output: PhantomData,
    })
}

/// Starts `activity` as a standalone activity with `input`: its arguments as a tuple, or the
/// one argument of an activity that takes one. Name the activity as the official SDK does:
/// `your_activity::ACTIVITY`, or `YourType::METHOD` for a method of an `#[activities]` block.
///
/// # Errors
/// When an argument does not encode, or the server refuses the start.
pub async fn start_activity<A>(
    client: &impl Caller,
    activity: Typed<A>,
    input: impl IntoArguments<A::Input>,
    options: ActivityStartOptions,
) -> Result<StartedActivity<A::Output>, ExecuteError>
where
    A: Activity,
    A::Input: ArgumentList,
{
    start_activity_by_name(client, activity.name(), input.into_arguments(), options).await
}

/// Starts `activity` as a standalone activity with `input` (as [`start_activity`] takes it),
/// and waits for its typed result.
///
/// # Errors
/// When an argument does not encode, the server refuses the start, the activity fails, or its
/// result does not decode as `A::Output`.
///
/// ```no_run
/// use std::time::Duration;
/// use activity_runtime::{ConnectionConfig, activity, client::execute_activity};
/// use temporalio_client::ActivityStartOptions;
/// use temporalio_common::ActivityCloseTimeouts;
///
/// #[activity]
/// async fn greet(name: String) -> String {
///     format!("Hello, {name}!")
/// }
///
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ConnectionConfig::new("127.0.0.1:7233")?.client().await?;
/// let options = ActivityStartOptions::new(
///     "greetings",
///     "greet-1",
///     ActivityCloseTimeouts::StartToClose(Duration::from_secs(10)),
/// )
/// .build();
/// let greeting = execute_activity(&client, greet::ACTIVITY, "World".to_string(), options).await?;
/// # Ok(()) }
/// ```
pub async fn execute_activity<A>(
    client: &impl Caller,
    activity: Typed<A>,
    input: impl IntoArguments<A::Input>,
    options: ActivityStartOptions,
) -> Result<A::Output, ExecuteError>
where
    A: Activity,
    A::Input: ArgumentList,
    A::Output: FromPayload,
{
    start_activity(client, activity, input, options)
        .await?
        .result()
        .await
}
