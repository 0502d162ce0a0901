//! Who and where an attempt is: [`ActivityInfo`] and [`WorkflowInfo`].

use std::time::{Duration, SystemTime};

/// Who and where an activity attempt is, as the server describes it (Python's
/// `activity.info()`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActivityInfo {
    /// The activity's id, unique within its workflow or namespace.
    pub activity_id: String,
    /// The activity type name that the caller asked for.
    pub activity_type: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The calling workflow, or `None` for a standalone activity.
    pub workflow: Option<WorkflowInfo>,
    /// The task queue the activity was scheduled on.
    pub task_queue: String,
    /// The namespace the activity runs in.
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

/// The workflow that called an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowInfo {
    /// The workflow's id.
    pub workflow_id: String,
    /// The workflow's run id.
    pub run_id: String,
    /// The workflow's type name.
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
        Self {
            activity_id: String::new(),
            activity_type: activity_type.into(),
            attempt: 1,
            workflow: None,
            task_queue: String::new(),
            namespace: "default".to_string(),
            scheduled_time: None,
            started_time: None,
            current_attempt_scheduled_time: None,
            start_to_close_timeout: None,
            schedule_to_close_timeout: None,
            heartbeat_timeout: None,
        }
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
