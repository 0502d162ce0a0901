//! An operator's commands on one running activity, from code: what `temporal activity pause`,
//! `unpause`, `reset` and `update-options` and the Web UI's buttons do, through the server's
//! own requests (`PauseActivityExecution` and its siblings), for a standalone activity or one
//! that a workflow runs.

use std::time::Duration;

use temporalio_client::Client;
use temporalio_client::tonic::{Code, Request, Status};
use temporalio_common::RetryPolicy;
use temporalio_common::protos::temporal::api::activity::v1::ActivityOptions;
use temporalio_common::protos::temporal::api::common::v1::RetryPolicy as ProtoRetryPolicy;
use temporalio_common::protos::temporal::api::workflowservice::v1::{
    PauseActivityExecutionRequest, ResetActivityExecutionRequest, UnpauseActivityExecutionRequest,
    UpdateActivityExecutionOptionsRequest,
};

/// One activity, addressed for an operator's commands: [`pause`](Self::pause),
/// [`unpause`](Self::unpause), [`reset`](Self::reset) and
/// [`update_options`](Self::update_options). A started standalone activity has one,
/// [`StartedActivity::operator`](super::StartedActivity::operator); any activity can be
/// addressed by its ids.
///
/// The worker running the attempt learns of a pause or reset from the answer to its next
/// heartbeat, and the attempt ends as
/// [`ctx.cancellation_details()`](crate::ActivityContext::cancellation_details) tells it: a
/// paused activity is held by the server until it is unpaused, a reset one starts again from
/// its first attempt. An activity that never heartbeats learns of neither until its attempt
/// ends.
///
/// ```no_run
/// use std::time::Duration;
/// use activity_runtime::ConnectionConfig;
/// use activity_runtime::client::{ActivityOperator, OptionsUpdate, Reset};
///
/// # async fn operate() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ConnectionConfig::from_env()?.client().await?;
/// let charge = ActivityOperator::of_workflow(&client, "order-17", "", "charge-card");
/// charge.pause("the payment provider is down").await?;
/// charge
///     .update_options(OptionsUpdate::new().start_to_close_timeout(Duration::from_secs(120)))
///     .await?;
/// charge.unpause().await?;
/// // Start over, forgetting the progress the attempts recorded in their heartbeats.
/// charge.reset(Reset::new().clear_heartbeat_details()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ActivityOperator {
    client: Client,
    workflow_id: String,
    run_id: String,
    activity_id: String,
}

impl std::fmt::Debug for ActivityOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityOperator")
            .field("workflow_id", &self.workflow_id)
            .field("run_id", &self.run_id)
            .field("activity_id", &self.activity_id)
            .finish_non_exhaustive()
    }
}

/// How [`ActivityOperator::reset`] resets an activity. By default it starts again at once, from
/// its first attempt, and its next attempt still reads the heartbeat details that the last one
/// recorded, as `temporal activity reset` does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct Reset {
    keep_paused: bool,
    clear_heartbeat_details: bool,
}

impl Reset {
    /// Starts again at once, keeping the heartbeat details.
    pub fn new() -> Self {
        Self::default()
    }

    /// A paused activity stays paused: it starts again from its first attempt when unpaused.
    pub fn keep_paused(mut self) -> Self {
        self.keep_paused = true;
        self
    }

    /// The next attempt starts without heartbeat details, as if none had been recorded.
    pub fn clear_heartbeat_details(mut self) -> Self {
        self.clear_heartbeat_details = true;
        self
    }
}

/// The options that [`ActivityOperator::update_options`] changes; those not set here are left
/// as they are. They apply from the activity's next attempt.
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct OptionsUpdate {
    options: ActivityOptions,
    paths: Vec<&'static str>,
}

impl OptionsUpdate {
    /// Changes nothing, until one of the methods below adds a change.
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest one attempt may run.
    pub fn start_to_close_timeout(mut self, timeout: Duration) -> Self {
        self.options.start_to_close_timeout = proto_duration(timeout);
        self.changed("start_to_close_timeout")
    }

    /// The longest the activity may take, over all its attempts.
    pub fn schedule_to_close_timeout(mut self, timeout: Duration) -> Self {
        self.options.schedule_to_close_timeout = proto_duration(timeout);
        self.changed("schedule_to_close_timeout")
    }

    /// The longest an attempt may wait in its task queue for a worker.
    pub fn schedule_to_start_timeout(mut self, timeout: Duration) -> Self {
        self.options.schedule_to_start_timeout = proto_duration(timeout);
        self.changed("schedule_to_start_timeout")
    }

    /// The longest an attempt may go without a heartbeat.
    pub fn heartbeat_timeout(mut self, timeout: Duration) -> Self {
        self.options.heartbeat_timeout = proto_duration(timeout);
        self.changed("heartbeat_timeout")
    }

    /// The retry policy, replaced whole.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry_policy = Some(ProtoRetryPolicy::from(policy));
        self.changed("retry_policy")
    }

    fn changed(mut self, path: &'static str) -> Self {
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
        self
    }
}

/// Why an operator's command on an activity failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OperatorError {
    /// The server knows no such running activity: it closed, or the ids or the namespace are
    /// not its own.
    #[error("{target} is not running in namespace `{namespace}`: {}", source.message())]
    NotFound {
        /// The activity, as it was addressed.
        target: String,
        /// The client's namespace.
        namespace: String,
        /// What the server said.
        #[source]
        source: Status,
    },
    /// The server refused the command, for example to unpause an activity that is not paused.
    #[error("{command} of {target} was refused: {}", source.message())]
    Refused {
        /// The command: `pause`, `unpause`, `reset` or `update_options`.
        command: &'static str,
        /// The activity, as it was addressed.
        target: String,
        /// What the server said.
        #[source]
        source: Status,
    },
    /// [`OptionsUpdate`] named nothing to change.
    #[error("update_options of {target} names no option to change")]
    NothingToUpdate {
        /// The activity, as it was addressed.
        target: String,
    },
}

impl ActivityOperator {
    /// Activity `activity_id` of workflow `workflow_id`, in run `run_id` (empty: the latest).
    pub fn of_workflow(
        client: &Client,
        workflow_id: &str,
        run_id: &str,
        activity_id: &str,
    ) -> Self {
        Self {
            client: client.clone(),
            workflow_id: workflow_id.to_string(),
            run_id: run_id.to_string(),
            activity_id: activity_id.to_string(),
        }
    }

    /// Standalone activity `activity_id`, in run `run_id` (empty: the latest).
    pub fn standalone(client: &Client, activity_id: &str, run_id: &str) -> Self {
        Self::of_workflow(client, "", run_id, activity_id)
    }

    /// Pauses the activity: its running attempt is told at its next heartbeat and ends as a
    /// retryable `ActivityPause` failure, and no attempt starts until it is unpaused.
    ///
    /// # Errors
    /// When the activity is not running ([`OperatorError::NotFound`]), or the server refuses.
    pub async fn pause(&self, reason: impl Into<String>) -> Result<(), OperatorError> {
        let request = PauseActivityExecutionRequest {
            namespace: self.namespace(),
            workflow_id: self.workflow_id.clone(),
            activity_id: self.activity_id.clone(),
            run_id: self.run_id.clone(),
            identity: self.identity(),
            reason: reason.into(),
            ..Default::default()
        };
        let mut service = self.client.connection().workflow_service();
        let answer = service
            .pause_activity_execution(Request::new(request))
            .await;
        self.answered("pause", answer).map(drop)
    }

    /// Unpauses the activity: its next attempt is scheduled at once.
    ///
    /// # Errors
    /// When the activity is not running ([`OperatorError::NotFound`]), or the server refuses.
    pub async fn unpause(&self) -> Result<(), OperatorError> {
        let request = UnpauseActivityExecutionRequest {
            namespace: self.namespace(),
            workflow_id: self.workflow_id.clone(),
            activity_id: self.activity_id.clone(),
            run_id: self.run_id.clone(),
            identity: self.identity(),
            ..Default::default()
        };
        let mut service = self.client.connection().workflow_service();
        let answer = service
            .unpause_activity_execution(Request::new(request))
            .await;
        self.answered("unpause", answer).map(drop)
    }

    /// Resets the activity to its first attempt, as `reset` says: a running attempt is told at
    /// its next heartbeat and ends as a retryable `ActivityReset` failure.
    ///
    /// # Errors
    /// When the activity is not running ([`OperatorError::NotFound`]), or the server refuses.
    pub async fn reset(&self, reset: Reset) -> Result<(), OperatorError> {
        let request = ResetActivityExecutionRequest {
            namespace: self.namespace(),
            workflow_id: self.workflow_id.clone(),
            activity_id: self.activity_id.clone(),
            run_id: self.run_id.clone(),
            identity: self.identity(),
            keep_paused: reset.keep_paused,
            reset_heartbeat: reset.clear_heartbeat_details,
            ..Default::default()
        };
        let mut service = self.client.connection().workflow_service();
        let answer = service
            .reset_activity_execution(Request::new(request))
            .await;
        self.answered("reset", answer).map(drop)
    }

    /// Changes the options that `update` names, from the activity's next attempt, and returns
    /// all of the activity's options as the server now holds them.
    ///
    /// # Errors
    /// When `update` names nothing ([`OperatorError::NothingToUpdate`]), the activity is not
    /// running ([`OperatorError::NotFound`]), or the server refuses the options.
    pub async fn update_options(
        &self,
        update: OptionsUpdate,
    ) -> Result<ActivityOptions, OperatorError> {
        if update.paths.is_empty() {
            return Err(OperatorError::NothingToUpdate {
                target: self.target(),
            });
        }
        let mut request = UpdateActivityExecutionOptionsRequest {
            namespace: self.namespace(),
            workflow_id: self.workflow_id.clone(),
            activity_id: self.activity_id.clone(),
            run_id: self.run_id.clone(),
            identity: self.identity(),
            activity_options: Some(update.options),
            ..Default::default()
        };
        request.update_mask.get_or_insert_default().paths =
            update.paths.iter().map(|path| path.to_string()).collect();
        let mut service = self.client.connection().workflow_service();
        let answer = service
            .update_activity_execution_options(Request::new(request))
            .await;
        let answer = self.answered("update_options", answer)?;
        Ok(answer.into_inner().activity_options.unwrap_or_default())
    }

    fn answered<T>(
        &self,
        command: &'static str,
        answer: Result<T, Status>,
    ) -> Result<T, OperatorError> {
        match answer {
            Ok(answer) => Ok(answer),
            Err(source) if source.code() == Code::NotFound => Err(OperatorError::NotFound {
                target: self.target(),
                namespace: self.namespace(),
                source,
            }),
            Err(source) => Err(OperatorError::Refused {
                command,
                target: self.target(),
                source,
            }),
        }
    }

    fn target(&self) -> String {
        if self.workflow_id.is_empty() {
            format!("standalone activity `{}`", self.activity_id)
        } else {
            format!(
                "activity `{}` of workflow `{}`",
                self.activity_id, self.workflow_id
            )
        }
    }

    fn namespace(&self) -> String {
        self.client.options().namespace.clone()
    }

    fn identity(&self) -> String {
        self.client.connection().identity().to_string()
    }
}

fn proto_duration<T: TryFrom<Duration>>(duration: Duration) -> Option<T> {
    // A protobuf duration holds up to i64::MAX seconds: longer is "never" either way.
    T::try_from(duration.min(Duration::from_secs(i64::MAX as u64))).ok()
}
