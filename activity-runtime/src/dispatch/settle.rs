//! What the server must receive for an outcome: a cancellation becomes what the server accepts
//! for the reason it was asked, and a failure is cut to fit. Pure, so it is unit-tested here.

use super::limits::PayloadLimits;
use crate::activity::Outcome;
use crate::context::CancellationDetails;
use crate::error::{ActivityError, ErrorKind, RuntimeFailure};

/// The outcome as the server must receive it. `cancellation` is why the attempt was asked to
/// stop, if it was.
pub(super) fn settle(
    activity: &str,
    outcome: Outcome,
    cancellation: Option<CancellationDetails>,
    limits: &PayloadLimits,
) -> Outcome {
    let error = match outcome {
        Ok(result) => return Ok(result),
        // Not a failure: nothing to bound or seal.
        Err(error) if error.kind() == ErrorKind::CompleteAsync => return Err(error),
        Err(error) if error.kind() == ErrorKind::Cancelled => {
            returned_cancellation(activity, error, cancellation)
        }
        Err(error) => error,
    };
    Err(limits.fit_failure(activity, error.bounded()))
}

/// What a cancellation that the activity returned is reported as. The server records a
/// cancellation only when a caller requested one, and refuses it otherwise, which would leave
/// the attempt open until it timed out. So, in the order Python's worker checks:
/// - a pause or a reset becomes a retryable `ActivityPause` or `ActivityReset` failure, as every
///   SDK reports them: the server then holds a paused activity until it is unpaused, and starts
///   a reset one again;
/// - a requested cancellation stays one;
/// - the worker's shutdown becomes a retryable `WorkerShutdown` failure, so that another worker
///   retries it at once;
/// - a cancellation that nobody asked for becomes a retryable failure, so that it is retried
///   rather than left to time out.
///
/// A timeout or an activity the server no longer knows stays a cancellation: the server has
/// ended that attempt already, and takes nothing from it.
fn returned_cancellation(
    activity: &str,
    cancellation: ActivityError,
    details: Option<CancellationDetails>,
) -> ActivityError {
    let Some(details) = details else {
        return RuntimeFailure::UnrequestedCancellation.with_message(format!(
            "activity `{activity}` returned a cancellation that nobody requested; it is \
             reported as a failure, so that it is retried"
        ));
    };
    let failure = if details.paused {
        RuntimeFailure::ActivityPause.with_message(format!(
            "activity `{activity}` stopped because an operator paused it; the attempt fails, \
             so that the server holds the activity until it is unpaused"
        ))
    } else if details.reset {
        RuntimeFailure::ActivityReset.with_message(format!(
            "activity `{activity}` stopped because an operator reset it; the attempt fails, so \
             that the server starts the activity again"
        ))
    } else if details.worker_shutdown && !details.cancel_requested {
        RuntimeFailure::WorkerShutdown.with_message(format!(
            "activity `{activity}` stopped because its worker is shutting down; it is reported \
             as a failure, so that another worker retries it at once"
        ))
    } else {
        return cancellation;
    };
    tracing::warn!("{}", failure.message());
    failure
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled(details: Option<CancellationDetails>) -> ActivityError {
        settle(
            "transcode",
            Err(ActivityError::cancelled()),
            details,
            &PayloadLimits::default(),
        )
        .unwrap_err()
    }

    fn with(set: impl FnOnce(&mut CancellationDetails)) -> Option<CancellationDetails> {
        let mut details = CancellationDetails::default();
        set(&mut details);
        Some(details)
    }

    #[test]
    fn a_returned_cancellation_is_reported_as_the_reason_for_it_in_pythons_order() {
        let cases = [
            (None, "CancelledError", ErrorKind::Application),
            (
                Some(CancellationDetails::paused()),
                "ActivityPause",
                ErrorKind::Application,
            ),
            (
                Some(CancellationDetails::reset()),
                "ActivityReset",
                ErrorKind::Application,
            ),
            (
                Some(CancellationDetails::requested()),
                "CancelledError",
                ErrorKind::Cancelled,
            ),
            (
                Some(CancellationDetails::worker_shutdown()),
                "WorkerShutdown",
                ErrorKind::Application,
            ),
            // A pause wins over a reset and over a requested cancellation, as in Python.
            (
                with(|d| (d.paused, d.reset, d.cancel_requested) = (true, true, true)),
                "ActivityPause",
                ErrorKind::Application,
            ),
            (
                with(|d| (d.reset, d.cancel_requested) = (true, true)),
                "ActivityReset",
                ErrorKind::Application,
            ),
            (
                with(|d| (d.worker_shutdown, d.cancel_requested) = (true, true)),
                "CancelledError",
                ErrorKind::Cancelled,
            ),
            (
                Some(CancellationDetails::timed_out()),
                "CancelledError",
                ErrorKind::Cancelled,
            ),
        ];
        for (details, error_type, kind) in cases {
            let error = settled(details);
            assert_eq!(
                (error.error_type(), error.kind()),
                (error_type, kind),
                "{details:?}"
            );
            assert!(!error.is_non_retryable(), "{details:?}");
        }
    }

    #[test]
    fn a_pause_says_what_happened_and_what_the_server_does_next() {
        let error = settled(Some(CancellationDetails::paused()));
        assert_eq!(
            error.message(),
            "activity `transcode` stopped because an operator paused it; the attempt fails, so \
             that the server holds the activity until it is unpaused"
        );
    }

    #[test]
    fn other_failures_and_results_pass_and_failures_are_bounded() {
        let long = "x".repeat(100_000);
        let error = settle(
            "a",
            Err(ActivityError::new(long)),
            Some(CancellationDetails::paused()),
            &PayloadLimits::default(),
        )
        .unwrap_err();
        assert_eq!(error.error_type(), "ActivityError");
        assert!(error.message().len() < 20_000);
        let payload = crate::payload::encode(&1).unwrap();
        assert_eq!(
            settle("a", Ok(payload.clone()), None, &PayloadLimits::default()),
            Ok(payload)
        );
    }
}
