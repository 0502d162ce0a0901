//! Who and where an attempt is: [`ActivityInfo`] and [`WorkflowInfo`].

use std::time::{Duration, SystemTime};

use temporalio_common::{Priority, RetryPolicy};

/// Who and where an activity attempt is, as the server describes it (Python's
/// `activity.info()`).
///
/// Tests make one with [`ActivityInfo::builder`]; every field but the type has a default (a
/// first attempt of a standalone activity in the `default` namespace, with empty ids):
///
/// ```
/// use std::time::Duration;
/// use activity_runtime::context::{ActivityInfo, WorkflowInfo};
///
/// let info = ActivityInfo::builder("charge")
///     .attempt(3)
///     .heartbeat_timeout(Duration::from_secs(10))
///     .workflow(WorkflowInfo::builder().workflow_id("order-7").workflow_type("Checkout").build())
///     .build();
/// assert_eq!(info.attempt, 3);
/// assert_eq!(info.namespace, "default");
/// ```
#[derive(Debug, Clone, PartialEq, bon::Builder)]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct ActivityInfo {
    /// The activity type name that the caller asked for.
    #[builder(start_fn)]
    pub activity_type: String,
    /// The activity's id, unique within its workflow or namespace.
    #[builder(default)]
    pub activity_id: String,
    /// The attempt, from 1.
    #[builder(default = 1)]
    pub attempt: u32,
    /// The calling workflow, or `None` for a standalone activity.
    pub workflow: Option<WorkflowInfo>,
    /// The task queue the activity was scheduled on.
    #[builder(default)]
    pub task_queue: String,
    /// The namespace the activity runs in.
    #[builder(default = "default".to_string())]
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
    /// The token that names this attempt to the server, for completing it from elsewhere
    /// (Python's `info.task_token`); empty where no server issued one.
    #[builder(default)]
    pub task_token: TaskToken,
    /// The run of a standalone activity; `None` for a workflow's activity.
    pub activity_run_id: Option<String>,
    /// The retry policy the server applies: the caller's, with the server's defaults and
    /// limits filled in ([`client::RetryPolicy`](crate::client::RetryPolicy)).
    pub retry_policy: Option<RetryPolicy>,
    /// The priority the caller gave the activity ([`client::Priority`](crate::client::Priority)).
    #[builder(default)]
    pub priority: Priority,
    /// Whether a workflow runs it as a local activity, in its own worker, without the server.
    #[builder(default)]
    pub is_local: bool,
}

/// The server's token for one activity attempt: opaque bytes that address it when completing
/// it from outside the worker.
///
/// ```
/// use activity_runtime::context::TaskToken;
///
/// let token = TaskToken::from(vec![1, 2, 3]);
/// assert_eq!(token.as_bytes(), [1, 2, 3]);
/// assert_eq!(format!("{token:?}"), "TaskToken(3 bytes)");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TaskToken(Vec<u8>);

impl TaskToken {
    /// The token's bytes, to store beside the work that completes the activity.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The token's bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Whether no server issued a token (a context made by hand or a test environment).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for TaskToken {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl std::fmt::Debug for TaskToken {
    /// The length only: the token lets whoever holds it complete the activity.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TaskToken({} bytes)", self.0.len())
    }
}

/// The workflow that called an activity; [`WorkflowInfo::builder`] makes one for tests, every
/// field empty unless set.
#[derive(Debug, Clone, PartialEq, Eq, bon::Builder)]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct WorkflowInfo {
    /// The workflow's id.
    #[builder(default)]
    pub workflow_id: String,
    /// The workflow's run id.
    #[builder(default)]
    pub run_id: String,
    /// The workflow's type name.
    #[builder(default)]
    pub workflow_type: String,
    /// The workflow's namespace, which is the activity's.
    #[builder(default)]
    pub namespace: String,
}

impl ActivityInfo {
    /// The info of a first attempt of a standalone activity of this type, with empty ids.
    ///
    /// ```
    /// let info = activity_runtime::context::ActivityInfo::new("your_activity");
    /// assert_eq!(info.attempt, 1);
    /// assert!(info.workflow.is_none());
    /// ```
    pub fn new(activity_type: impl Into<String>) -> Self {
        Self::builder(activity_type).build()
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
