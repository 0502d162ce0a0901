//! Who and where an attempt is: [`ActivityInfo`] and [`WorkflowInfo`].

use std::time::{Duration, SystemTime};

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
#[derive(Debug, Clone, PartialEq, Eq, bon::Builder)]
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
