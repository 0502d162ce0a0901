//! Completing an activity from outside its worker: after it handed its completion off with
//! [`ActivityError::complete_async`](crate::ActivityError::complete_async), or as a peer of
//! another SDK's `raise_complete_async`.

use std::fmt;
use std::sync::Arc;

use temporalio_client::errors::AsyncActivityError;
use temporalio_client::{ActivityIdentifier, AsyncActivityHandle, Client, RpcOptions};
use temporalio_common::data_converters::RawValue;
use temporalio_common::protos::TaskToken as CoreTaskToken;

use super::Caller;
use crate::context::TaskToken;
use crate::error::ActivityError;
use crate::payload::{Payload, PayloadConverter, PayloadError, ToPayload};

/// Completes, fails, cancels or heartbeats one activity that is waiting for it, from any
/// process: Python's `client.get_async_activity_handle`, Go's `client.CompleteActivity`.
///
/// Payloads are encoded by the caller's payload converter ([`Caller`]), as the worker encodes
/// them, then by the client's codec when the client has one
/// ([`ConnectionConfig::client_with_codec`](crate::ConnectionConfig::client_with_codec)).
///
/// ```no_run
/// use activity_runtime::ConnectionConfig;
/// use activity_runtime::client::AsyncCompletion;
/// use activity_runtime::context::TaskToken;
///
/// # async fn approve(stored_token: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
/// let client = ConnectionConfig::from_env()?.client().await?;
/// let approval = AsyncCompletion::by_token(&client, &TaskToken::from(stored_token));
/// if approval.heartbeat(&"reviewing").await?.cancel_requested {
///     approval.report_cancellation().await?;
/// } else {
///     approval.complete(&true).await?;
/// }
/// # Ok(()) }
/// ```
pub struct AsyncCompletion {
    handle: AsyncActivityHandle<Client>,
    converter: Arc<dyn PayloadConverter>,
    target: String,
}

/// What the server answered a heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeartbeatResponse {
    /// The caller asked for the activity's cancellation: stop, and report it with
    /// [`AsyncCompletion::report_cancellation`].
    pub cancel_requested: bool,
    /// An operator paused the activity: stop, and fail it, as a worker does with a retryable
    /// `ActivityPause` failure; the server holds it until it is unpaused.
    pub paused: bool,
    /// An operator reset the activity: stop, and fail it, as a worker does with a retryable
    /// `ActivityReset` failure; the server starts it again.
    pub reset: bool,
}

/// Why completing an activity from outside failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompletionError {
    /// The server knows no such activity waiting: it completed already, timed out, was
    /// cancelled, or the token, ids or namespace are not its own.
    #[error(
        "{target} is not waiting for a completion: it completed already, timed out or was \
         cancelled, or the token, ids or namespace (`{namespace}`) are not its own"
    )]
    NotFound {
        /// The activity, as it was addressed.
        target: String,
        /// The client's namespace.
        namespace: String,
        /// What the server said.
        #[source]
        source: temporalio_client::tonic::Status,
    },
    /// A value could not be encoded.
    #[error("a value for {target} could not be encoded: {source}")]
    Encode {
        /// The activity, as it was addressed.
        target: String,
        /// What the payload converter said.
        #[source]
        source: PayloadError,
    },
    /// The server or the client's codec refused the request.
    #[error("completing {target} failed: {source}")]
    Failed {
        /// The activity, as it was addressed.
        target: String,
        /// What the server or the codec said.
        #[source]
        source: AsyncActivityError,
    },
}

impl AsyncCompletion {
    /// The activity attempt that `token` names ([`ActivityInfo::task_token`](crate::context::ActivityInfo::task_token)).
    pub fn by_token(client: &impl Caller, token: &TaskToken) -> Self {
        Self::new(
            client,
            ActivityIdentifier::from_task_token(CoreTaskToken::from(token.as_bytes().to_vec())),
            format!(
                "the activity of a {}-byte task token",
                token.as_bytes().len()
            ),
        )
    }

    /// Activity `activity_id` of workflow `workflow_id`, in run `run_id` (empty: the latest).
    pub fn by_workflow_ids(
        client: &impl Caller,
        workflow_id: &str,
        run_id: &str,
        activity_id: &str,
    ) -> Self {
        Self::new(
            client,
            ActivityIdentifier::by_id_workflow(workflow_id, run_id, activity_id),
            format!("activity `{activity_id}` of workflow `{workflow_id}`"),
        )
    }

    /// Standalone activity `activity_id`, in run `run_id` (empty: the latest).
    pub fn standalone(client: &impl Caller, activity_id: &str, run_id: &str) -> Self {
        Self::new(
            client,
            ActivityIdentifier::by_id_standalone(activity_id, run_id),
            format!("standalone activity `{activity_id}`"),
        )
    }

    fn new(client: &impl Caller, identifier: ActivityIdentifier, target: String) -> Self {
        Self {
            handle: client.client().get_async_activity_handle(identifier),
            converter: client.payload_converter(),
            target,
        }
    }

    /// Completes the activity with `result`, encoded as the worker encodes results.
    ///
    /// # Errors
    /// See [`CompletionError`].
    pub async fn complete<T: ToPayload + ?Sized>(&self, result: &T) -> Result<(), CompletionError> {
        let payload = self.encode(result)?;
        self.handle
            .complete(Some(RawValue::new(vec![payload])), RpcOptions::default())
            .await
            .map_err(|error| self.failed(error))
    }

    /// Fails the activity with `error`: its type, retryability, details and causes, as a
    /// worker reports them, its details in the caller's converter's encoding. The server
    /// retries it unless the error is non-retryable.
    ///
    /// # Errors
    /// See [`CompletionError`].
    pub async fn fail(&self, error: ActivityError) -> Result<(), CompletionError> {
        let error = error
            .with_details_converted(&*self.converter)
            .map_err(|source| CompletionError::Encode {
                target: self.target.clone(),
                source,
            })?;
        self.handle
            .fail(
                error.to_application_failure(),
                None::<RawValue>,
                RpcOptions::default(),
            )
            .await
            .map_err(|error| self.failed(error))
    }

    /// Reports that the activity stopped because its cancellation was requested.
    ///
    /// # Errors
    /// See [`CompletionError`].
    pub async fn report_cancellation(&self) -> Result<(), CompletionError> {
        self.handle
            .report_cancelation(None::<RawValue>, RpcOptions::default())
            .await
            .map_err(|error| self.failed(error))
    }

    /// Records a heartbeat with `details`, and reports whether the activity's cancellation
    /// was requested, or an operator paused or reset it.
    ///
    /// # Errors
    /// See [`CompletionError`].
    pub async fn heartbeat<T: ToPayload + ?Sized>(
        &self,
        details: &T,
    ) -> Result<HeartbeatResponse, CompletionError> {
        self.heartbeat_payloads(vec![self.encode(details)?]).await
    }

    /// Records a heartbeat with details already encoded by the payload converter; the client's
    /// codec still applies.
    pub(crate) async fn heartbeat_payloads(
        &self,
        details: Vec<Payload>,
    ) -> Result<HeartbeatResponse, CompletionError> {
        let response = self
            .handle
            .heartbeat(Some(RawValue::new(details)), RpcOptions::default())
            .await
            .map_err(|error| self.failed(error))?;
        Ok(HeartbeatResponse {
            cancel_requested: response.cancel_requested,
            paused: response.activity_paused,
            reset: response.activity_reset,
        })
    }

    fn encode<T: ToPayload + ?Sized>(&self, value: &T) -> Result<Payload, CompletionError> {
        self.converter
            .encode(value)
            .map_err(|source| CompletionError::Encode {
                target: self.target.clone(),
                source,
            })
    }

    fn failed(&self, error: AsyncActivityError) -> CompletionError {
        match error {
            AsyncActivityError::NotFound(source) => CompletionError::NotFound {
                target: self.target.clone(),
                namespace: self.handle.client().options().namespace.clone(),
                source,
            },
            source => CompletionError::Failed {
                target: self.target.clone(),
                source,
            },
        }
    }
}

/// The activity as it was addressed: "standalone activity `refund-7`".
impl fmt::Display for AsyncCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.target)
    }
}

impl fmt::Debug for AsyncCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncCompletion")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}
