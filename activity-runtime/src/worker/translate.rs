//! The pure translation between Temporal Core's messages and ours: a start task into
//! [`ActivityInfo`], a cancel task into [`CancellationDetails`], an outcome into the completion
//! Core receives. No I/O, so it is unit-tested here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use temporalio_common::protos::coresdk::activity_result::ActivityExecutionResult;
use temporalio_common::protos::coresdk::activity_task::{ActivityCancelReason, Cancel, Start};

use temporalio_common::{Priority, RetryPolicy};

use crate::activity::Outcome;

use crate::context::{ActivityInfo, CancellationDetails, TaskToken, WorkflowInfo};
use crate::error::{ActivityError, ErrorKind, RuntimeFailure};

/// What Core receives for an outcome.
pub(super) fn execution_result(outcome: Outcome) -> ActivityExecutionResult {
    match outcome {
        Ok(payload) => ActivityExecutionResult::ok(payload),
        Err(error) if error.kind() == ErrorKind::Cancelled => {
            ActivityExecutionResult::cancel(error.to_failure())
        }
        Err(error) if error.kind() == ErrorKind::CompleteAsync => {
            ActivityExecutionResult::will_complete_async()
        }
        Err(error) => ActivityExecutionResult::fail(error.to_failure()),
    }
}

/// The failure that replaces a completion Core refused.
pub(super) fn refused_completion(refused: &impl std::fmt::Display) -> ActivityError {
    RuntimeFailure::CompletionRefused
        .with_message(format!(
            "the worker could not report this attempt's outcome, because Temporal Core refused \
             it: {refused}"
        ))
        .bounded()
}

/// A start task that Core should never send: a timestamp or duration that no Rust value holds.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "Temporal Core sent an activity task whose `{field}` is malformed ({problem}), so the worker \
     cannot run it"
)]
pub(super) struct MalformedTask {
    field: &'static str,
    problem: String,
}

/// The seconds and nanoseconds of a protobuf timestamp or duration.
macro_rules! parts {
    ($value:expr) => {
        $value.as_ref().map(|value| (value.seconds, value.nanos))
    };
}

const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// Python's `activity.info()` from Core's start task and its token. Every field of `Start` is
/// named, so that a field a new Core adds fails to compile here instead of going missing.
pub(super) fn info_from(
    task_token: &[u8],
    start: &Start,
    task_queue: &str,
    namespace: &str,
) -> Result<ActivityInfo, MalformedTask> {
    let Start {
        workflow_namespace,
        workflow_type,
        workflow_execution,
        activity_id,
        activity_type,
        // The dispatcher's, not the info's.
        header_fields: _,
        input: _,
        heartbeat_details: _,
        scheduled_time,
        current_attempt_scheduled_time,
        started_time,
        attempt,
        schedule_to_close_timeout,
        start_to_close_timeout,
        heartbeat_timeout,
        retry_policy,
        priority,
        is_local,
        run_id,
    } = start;
    let namespace = if workflow_namespace.is_empty() {
        namespace
    } else {
        workflow_namespace
    };
    let workflow = workflow_execution
        .as_ref()
        .filter(|execution| !execution.workflow_id.is_empty())
        .map(|execution| WorkflowInfo {
            workflow_id: execution.workflow_id.clone(),
            run_id: execution.run_id.clone(),
            workflow_type: workflow_type.clone(),
            namespace: namespace.to_string(),
        });
    Ok(ActivityInfo {
        activity_id: activity_id.clone(),
        attempt: *attempt,
        workflow,
        task_queue: task_queue.to_string(),
        namespace: namespace.to_string(),
        scheduled_time: time("scheduled_time", parts!(scheduled_time))?,
        started_time: time("started_time", parts!(started_time))?,
        current_attempt_scheduled_time: time(
            "current_attempt_scheduled_time",
            parts!(current_attempt_scheduled_time),
        )?,
        start_to_close_timeout: duration("start_to_close_timeout", parts!(start_to_close_timeout))?,
        schedule_to_close_timeout: duration(
            "schedule_to_close_timeout",
            parts!(schedule_to_close_timeout),
        )?,
        heartbeat_timeout: duration("heartbeat_timeout", parts!(heartbeat_timeout))?,
        task_token: TaskToken::from(task_token.to_vec()),
        activity_run_id: (!run_id.is_empty()).then(|| run_id.clone()),
        retry_policy: retry_policy.clone().map(RetryPolicy::from),
        priority: priority.clone().map(Priority::from).unwrap_or_default(),
        is_local: *is_local,
        ..ActivityInfo::new(activity_type.clone())
    })
}

/// A protobuf duration, which must not be negative and whose nanoseconds are under a second.
fn duration(
    field: &'static str,
    value: Option<(i64, i32)>,
) -> Result<Option<Duration>, MalformedTask> {
    let Some((seconds, nanos)) = value else {
        return Ok(None);
    };
    match (u64::try_from(seconds), u32::try_from(nanos)) {
        (Ok(seconds), Ok(nanos)) if nanos < NANOS_PER_SECOND => {
            Ok(Some(Duration::new(seconds, nanos)))
        }
        _ => Err(MalformedTask {
            field,
            problem: format!("{seconds} s and {nanos} ns is not a duration"),
        }),
    }
}

/// A protobuf timestamp: seconds either side of the Unix epoch, and nanoseconds under a second
/// after them, within what `SystemTime` holds.
fn time(
    field: &'static str,
    value: Option<(i64, i32)>,
) -> Result<Option<SystemTime>, MalformedTask> {
    let Some((seconds, nanos)) = value else {
        return Ok(None);
    };
    let malformed = || MalformedTask {
        field,
        problem: format!("{seconds} s and {nanos} ns after the Unix epoch is not a time"),
    };
    let nanos = u32::try_from(nanos)
        .ok()
        .filter(|nanos| *nanos < NANOS_PER_SECOND)
        .ok_or_else(malformed)?;
    let whole = Duration::from_secs(seconds.unsigned_abs());
    let second = if seconds < 0 {
        UNIX_EPOCH.checked_sub(whole)
    } else {
        UNIX_EPOCH.checked_add(whole)
    };
    second
        .and_then(|second| second.checked_add(Duration::from_nanos(nanos.into())))
        .map(Some)
        .ok_or_else(malformed)
}

pub(super) fn cancellation_details(cancel: &Cancel) -> CancellationDetails {
    match &cancel.details {
        Some(details) => CancellationDetails {
            cancel_requested: details.is_cancelled,
            timed_out: details.is_timed_out,
            worker_shutdown: details.is_worker_shutdown,
            paused: details.is_paused,
            reset: details.is_reset,
            not_found: details.is_not_found,
        },
        None => {
            let mut details = CancellationDetails::default();
            match ActivityCancelReason::try_from(cancel.reason) {
                Ok(ActivityCancelReason::NotFound) => details.not_found = true,
                Ok(ActivityCancelReason::TimedOut) => details.timed_out = true,
                Ok(ActivityCancelReason::WorkerShutdown) => details.worker_shutdown = true,
                Ok(ActivityCancelReason::Paused) => details.paused = true,
                Ok(ActivityCancelReason::Reset) => details.reset = true,
                Ok(ActivityCancelReason::Cancelled) | Err(_) => details.cancel_requested = true,
            }
            details
        }
    }
}

#[cfg(test)]
mod tests {
    use temporalio_common::protos::coresdk::activity_result::activity_execution_result::Status;
    use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
    use temporalio_sdk_core::CompleteActivityError;

    use super::*;

    #[test]
    fn a_refused_completion_is_replaced_by_a_failure_naming_the_refusal() {
        let refused = CompleteActivityError::MalformedActivityCompletion {
            reason: "Activity completions must contain a `result` payload".to_string(),
            completion: None,
        };
        let result = execution_result(Err(refused_completion(&refused)));
        let Some(Status::Failed(failed)) = result.status else {
            panic!("a failure: {result:?}");
        };
        let failure = failed.failure.expect("the failure");
        assert!(
            failure.message.starts_with(
                "the worker could not report this attempt's outcome, because Temporal Core \
                 refused it: Lang SDK sent us a malformed activity completion (Activity \
                 completions must contain a `result` payload)"
            ),
            "{}",
            failure.message
        );
        let Some(FailureInfo::ApplicationFailureInfo(info)) = failure.failure_info else {
            panic!("an application failure");
        };
        assert_eq!(info.r#type, "CompletionRefused");
        assert!(!info.non_retryable);
    }

    #[test]
    fn cancellations_are_reported_as_cancellations_and_the_rest_as_failures() {
        let cancelled = execution_result(Err(ActivityError::cancelled()));
        assert!(matches!(cancelled.status, Some(Status::Cancelled(_))));
        let failed = execution_result(Err(ActivityError::new("no")));
        assert!(matches!(failed.status, Some(Status::Failed(_))));
        let completed = execution_result(Ok(crate::payload::encode(&1).unwrap()));
        assert!(matches!(completed.status, Some(Status::Completed(_))));
    }

    #[test]
    fn a_start_task_becomes_the_info_python_would_give() {
        use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;

        let start = Start {
            activity_id: "charge-7".into(),
            activity_type: "charge".into(),
            attempt: 3,
            workflow_type: "Checkout".into(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: "order-7".into(),
                run_id: "run-1".into(),
            }),
            heartbeat_timeout: Some(Duration::from_millis(2_500).try_into().unwrap()),
            scheduled_time: Some((UNIX_EPOCH + Duration::from_secs(10)).into()),
            retry_policy: Some(
                RetryPolicy::builder()
                    .maximum_attempts(4)
                    .initial_interval(Duration::from_millis(300))
                    .build()
                    .into(),
            ),
            priority: Some(Priority::builder().priority_key(2).build().into()),
            is_local: true,
            ..Start::default()
        };
        let info = info_from(b"token-7", &start, "payments", "billing").unwrap();
        assert_eq!(
            (
                info.activity_type.as_str(),
                info.activity_id.as_str(),
                info.attempt
            ),
            ("charge", "charge-7", 3)
        );
        let workflow = info.workflow.expect("a workflow caller");
        assert_eq!(
            (workflow.workflow_id.as_str(), workflow.run_id.as_str()),
            ("order-7", "run-1")
        );
        assert_eq!(workflow.workflow_type, "Checkout");
        assert_eq!(workflow.namespace, "billing");
        assert_eq!(info.task_token.as_bytes(), b"token-7");
        let retry_policy = info.retry_policy.expect("the server's retry policy");
        assert_eq!(
            (
                retry_policy.maximum_attempts(),
                retry_policy.initial_interval()
            ),
            (4, Duration::from_millis(300))
        );
        assert_eq!(info.priority.priority_key, Some(2));
        assert!(info.is_local);
        assert_eq!(info.activity_run_id, None);
        assert_eq!(
            (info.task_queue.as_str(), info.namespace.as_str()),
            ("payments", "billing")
        );
        assert_eq!(info.heartbeat_timeout, Some(Duration::from_millis(2_500)));
        assert_eq!(
            info.scheduled_time,
            Some(UNIX_EPOCH + Duration::from_secs(10))
        );

        let standalone = info_from(
            b"",
            &Start {
                run_id: "activity-run-1".into(),
                ..Start::default()
            },
            "q",
            "default",
        )
        .unwrap();
        assert!(
            standalone.workflow.is_none(),
            "a standalone activity has no workflow"
        );
        assert_eq!(
            standalone.activity_run_id.as_deref(),
            Some("activity-run-1")
        );
        assert!(standalone.task_token.is_empty());
    }

    /// A start task with one field as `set` leaves it.
    fn start_with(set: impl FnOnce(&mut Start)) -> Start {
        let mut start = Start::default();
        set(&mut start);
        start
    }

    #[test]
    fn a_value_no_rust_type_holds_fails_the_translation_naming_its_field() {
        let malformed = |start: Start| info_from(b"t", &start, "q", "default").unwrap_err();
        // A second past the last second, which the old translation carried over into an
        // overflow, and a panic.
        let beyond = start_with(|start| {
            let time = start.started_time.insert(UNIX_EPOCH.into());
            (time.seconds, time.nanos) = (i64::MAX, 1_500_000_000);
        });
        assert_eq!(
            malformed(beyond).to_string(),
            "Temporal Core sent an activity task whose `started_time` is malformed \
             (9223372036854775807 s and 1500000000 ns after the Unix epoch is not a time), so \
             the worker cannot run it"
        );
        let negative = start_with(|start| {
            let timeout = Duration::from_secs(2).try_into().unwrap();
            start.heartbeat_timeout.insert(timeout).seconds = -2;
        });
        assert_eq!(malformed(negative).field, "heartbeat_timeout");
        let nanos = start_with(|start| {
            start.scheduled_time.insert(UNIX_EPOCH.into()).nanos = -1;
        });
        assert_eq!(malformed(nanos).field, "scheduled_time");

        // Before the epoch is a time, if an odd one.
        let early = start_with(|start| {
            start.scheduled_time.insert(UNIX_EPOCH.into()).seconds = -10;
        });
        let info = info_from(b"t", &early, "q", "default").unwrap();
        assert_eq!(
            info.scheduled_time,
            Some(UNIX_EPOCH - Duration::from_secs(10))
        );
    }

    #[test]
    fn a_cancel_task_becomes_its_reasons_from_details_or_the_bare_reason() {
        use temporalio_common::protos::coresdk::activity_task::ActivityCancellationDetails;

        let with_details = Cancel {
            reason: ActivityCancelReason::Cancelled as i32,
            details: Some(ActivityCancellationDetails {
                is_timed_out: true,
                is_not_found: true,
                ..ActivityCancellationDetails::default()
            }),
        };
        let details = cancellation_details(&with_details);
        assert!(details.timed_out && details.not_found && !details.cancel_requested);

        let bare = Cancel {
            reason: ActivityCancelReason::WorkerShutdown as i32,
            details: None,
        };
        assert_eq!(
            cancellation_details(&bare),
            CancellationDetails::worker_shutdown()
        );
    }
}
