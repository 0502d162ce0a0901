//! Signalling a workflow with arguments encoded as the worker encodes its payloads: from an
//! activity on [`ActivityContext::client`](crate::ActivityContext::client), or from any client.

use temporalio_client::errors::WorkflowInteractionError;
use temporalio_client::{UntypedSignal, UntypedWorkflow, WorkflowSignalOptions};
use temporalio_common::data_converters::RawValue;

use super::{Caller, ExecuteError};
use crate::payload::ArgumentList;

/// Sends signal `signal` with `input` (its arguments as a tuple; `()` for none) to the running
/// workflow `workflow_id`, in the client's namespace, encoded by the caller's payload
/// converter ([`Caller`]), then the client's codec. Python's
/// `client.get_workflow_handle(id).signal(name, arg)`.
///
/// # Errors
/// When an argument does not encode ([`ExecuteError::Payload`]), no such workflow is running
/// ([`ExecuteError::WorkflowNotFound`]), or the server refuses the signal.
///
/// ```
/// use activity_runtime::client::signal_workflow;
/// use activity_runtime::{ActivityContext, ActivityError, activity};
///
/// #[activity]
/// async fn request_approval(ctx: ActivityContext, workflow_id: String) -> Result<(), ActivityError> {
///     let activity_id = ctx.info().activity_id.clone();
///     signal_workflow(ctx.client()?, &workflow_id, "approval_requested", (activity_id,)).await?;
///     Ok(())
/// }
/// ```
pub async fn signal_workflow(
    client: &impl Caller,
    workflow_id: &str,
    signal: &str,
    input: impl ArgumentList,
) -> Result<(), ExecuteError> {
    let input = RawValue::new(input.encode_with(&*client.payload_converter())?);
    let client = client.client();
    client
        .get_workflow_handle::<UntypedWorkflow>(workflow_id)
        .signal(
            UntypedSignal::new(signal),
            input,
            WorkflowSignalOptions::default(),
        )
        .await
        .map_err(|source| match source {
            WorkflowInteractionError::NotFound(source) => ExecuteError::WorkflowNotFound {
                workflow_id: workflow_id.to_string(),
                namespace: client.options().namespace.clone(),
                source,
            },
            source => ExecuteError::Workflow {
                workflow_id: workflow_id.to_string(),
                source,
            },
        })
}
