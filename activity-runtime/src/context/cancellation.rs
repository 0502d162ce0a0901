//! Why and when an attempt is asked to stop: [`CancellationDetails`], and the worker's handle on
//! one attempt's cancellation.

use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

/// Why an activity's cancellation was requested (Temporal's `ActivityCancellationDetails`).
/// More than one can be true at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancellationDetails {
    /// A workflow or client asked for the cancellation.
    pub cancel_requested: bool,
    /// The attempt ran out of time, or missed its heartbeat timeout.
    pub timed_out: bool,
    /// The worker is shutting down and its grace period is over.
    pub worker_shutdown: bool,
    /// The activity was paused.
    pub paused: bool,
    /// The activity was reset.
    pub reset: bool,
    /// The server no longer knows the activity, for example because it completed elsewhere.
    pub not_found: bool,
}

impl CancellationDetails {
    /// Details for a cancellation requested by a caller.
    pub fn requested() -> Self {
        Self {
            cancel_requested: true,
            ..Self::default()
        }
    }

    /// Details for a cancellation caused by the worker's shutdown.
    pub fn worker_shutdown() -> Self {
        Self {
            worker_shutdown: true,
            ..Self::default()
        }
    }

    /// Details for an activity that an operator paused (`temporal activity pause`, the Web
    /// UI's Pause button).
    pub fn paused() -> Self {
        Self {
            paused: true,
            ..Self::default()
        }
    }

    /// Details for an activity that an operator reset (`temporal activity reset`).
    pub fn reset() -> Self {
        Self {
            reset: true,
            ..Self::default()
        }
    }

    /// Details for an attempt that timed out.
    pub fn timed_out() -> Self {
        Self {
            timed_out: true,
            ..Self::default()
        }
    }

    /// The reasons, in words, for messages and logs.
    pub fn reason(&self) -> String {
        let reasons = [
            (self.cancel_requested, "cancel requested"),
            (self.timed_out, "timed out"),
            (self.worker_shutdown, "worker shutdown"),
            (self.paused, "paused"),
            (self.reset, "reset"),
            (self.not_found, "not found"),
        ];
        let words = reasons
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, word)| *word)
            .collect::<Vec<_>>();
        if words.is_empty() {
            "cancelled".to_string()
        } else {
            words.join(", ")
        }
    }
}

/// The cancellation of one attempt, which its worker holds so that it can cancel the attempt
/// before its context exists.
#[derive(Clone, Default)]
pub(crate) struct Cancellation {
    pub(super) token: CancellationToken,
    details: Arc<OnceLock<CancellationDetails>>,
}

impl Cancellation {
    /// Requests cancellation; the first request's details are kept.
    pub(crate) fn cancel(&self, details: CancellationDetails) {
        let _ = self.details.set(details);
        self.token.cancel();
    }

    /// Why cancellation was requested, once it has been.
    pub(crate) fn details(&self) -> Option<CancellationDetails> {
        self.details.get().copied()
    }
}
