//! The catalogue of the runtime's own failures: every failure type the runtime itself reports,
//! in one place, with whether the server may retry it. Callers in every language match on these
//! names, so they are pinned by a test and change only on purpose.

use super::ActivityError;
use crate::payload::PayloadError;

/// A failure the runtime reports itself, rather than an activity's own error.
///
/// ```
/// use activity_runtime::error::RuntimeFailure;
///
/// assert_eq!(RuntimeFailure::NotFound.type_name(), "NotFoundError");
/// assert!(RuntimeFailure::NotFound.is_retryable());
/// assert!(!RuntimeFailure::ArgumentDecode.is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuntimeFailure {
    /// The worker has no activity of the requested type, and no dynamic one. Retryable: a
    /// worker that has it may poll the same task queue.
    NotFound,
    /// The arguments do not decode into the parameters, or their count is wrong. A retry sends
    /// the same bytes.
    ArgumentDecode,
    /// A value that leaves the activity (a result, heartbeat details, an argument a test
    /// sends) cannot be encoded, for example because it holds a NaN. A retry computes the same
    /// value.
    PayloadEncode,
    /// The payload codec failed, or broke its contract. Retryable: a worker with the right key,
    /// or a fixed codec, can succeed.
    PayloadCodec,
    /// A payload did not decrypt: it names a key the worker does not know, the key with its
    /// id is not the one it was encrypted with, or the ciphertext was altered. Not retried, as
    /// Temporal's encryption samples do: the same payload meets the same keys.
    PayloadDecryption,
    /// A payload is over the size limit. A retry produces the same size.
    PayloadTooLarge,
    /// The attempt panicked: in the function, a `Deserialize`, a `Serialize` or the codec.
    /// Retryable, since a later attempt may not.
    Panic,
    /// The activity asked for state the worker was not given.
    MissingState,
    /// The activity asked for a Temporal client where it has none: a test environment that
    /// was given none.
    MissingClient,
    /// A shutting-down worker gave the attempt back, or abandoned it; another worker retries it
    /// at once. Temporal Core uses the same name.
    WorkerShutdown,
    /// The activity returned a cancellation that nobody requested; reported as a failure, so
    /// that it is retried rather than recorded as cancelled.
    UnrequestedCancellation,
    /// Temporal Core refused the attempt's completion, which this failure replaced.
    CompletionRefused,
    /// The last attempt's heartbeat details do not decode as the type the activity reads them
    /// as, most likely because another version of the activity recorded them. Retryable: on a
    /// fleet that still runs that version, a retry may land where they decode.
    HeartbeatDetailsDecode,
    /// The task held a value no Rust type holds (a timestamp out of range, a negative
    /// duration), so the worker could not run it. A retry carries the same options.
    MalformedTask,
    /// An operator paused the activity (`temporal activity pause`, the Web UI), and the
    /// activity returned the cancellation that the pause caused. Retryable, as every SDK
    /// reports it: the server holds the next attempt until the activity is unpaused.
    ActivityPause,
    /// An operator reset the activity (`temporal activity reset`), and the activity returned
    /// the cancellation that the reset caused. Retryable, as every SDK reports it: the server
    /// starts the activity again.
    ActivityReset,
}

impl RuntimeFailure {
    /// Every runtime failure.
    pub const ALL: [Self; 16] = [
        Self::NotFound,
        Self::ArgumentDecode,
        Self::PayloadEncode,
        Self::PayloadCodec,
        Self::PayloadDecryption,
        Self::PayloadTooLarge,
        Self::Panic,
        Self::MissingState,
        Self::MissingClient,
        Self::WorkerShutdown,
        Self::UnrequestedCancellation,
        Self::CompletionRefused,
        Self::HeartbeatDetailsDecode,
        Self::MalformedTask,
        Self::ActivityPause,
        Self::ActivityReset,
    ];

    /// The failure type that callers see (Python's `ApplicationError.type`).
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::NotFound => "NotFoundError",
            Self::ArgumentDecode => "ArgumentDecodeError",
            Self::PayloadEncode => "PayloadEncodeError",
            Self::PayloadCodec => "PayloadCodecError",
            Self::PayloadDecryption => "PayloadDecryptionError",
            Self::PayloadTooLarge => "PayloadTooLarge",
            Self::Panic => "Panic",
            Self::MissingState => "MissingState",
            Self::MissingClient => "MissingClient",
            Self::WorkerShutdown => "WorkerShutdown",
            Self::UnrequestedCancellation => "CancelledError",
            Self::CompletionRefused => "CompletionRefused",
            Self::HeartbeatDetailsDecode => "HeartbeatDetailsDecodeError",
            Self::MalformedTask => "MalformedActivityTask",
            Self::ActivityPause => "ActivityPause",
            Self::ActivityReset => "ActivityReset",
        }
    }

    /// Whether the server may retry an attempt that failed this way.
    pub const fn is_retryable(self) -> bool {
        !matches!(
            self,
            Self::ArgumentDecode
                | Self::PayloadEncode
                | Self::PayloadDecryption
                | Self::PayloadTooLarge
                | Self::MalformedTask
        )
    }

    /// This failure with `message`.
    pub(crate) fn with_message(self, message: impl Into<String>) -> ActivityError {
        // Where in this crate it was made would tell a reader nothing; a panic's failure gets
        // the panic's site instead.
        let error = ActivityError::new(message)
            .with_type(self.type_name())
            .with_stack_trace(String::new());
        if self.is_retryable() {
            error
        } else {
            error.non_retryable()
        }
    }

    /// The failure for a value of `activity`, its `what` ("result", "heartbeat details"), that
    /// could not be encoded.
    pub(crate) fn encoding(activity: &str, what: &str, error: PayloadError) -> ActivityError {
        Self::PayloadEncode.with_message(format!(
            "activity `{activity}`: the {what} could not be encoded: {error}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names callers match on, and their retryability: a change here is a change for every
    /// caller, in every language.
    #[test]
    fn every_runtime_failure_keeps_its_name_and_retryability() {
        let pinned =
            RuntimeFailure::ALL.map(|failure| (failure.type_name(), failure.is_retryable()));
        assert_eq!(
            pinned,
            [
                ("NotFoundError", true),
                ("ArgumentDecodeError", false),
                ("PayloadEncodeError", false),
                ("PayloadCodecError", true),
                ("PayloadDecryptionError", false),
                ("PayloadTooLarge", false),
                ("Panic", true),
                ("MissingState", true),
                ("MissingClient", true),
                ("WorkerShutdown", true),
                ("CancelledError", true),
                ("CompletionRefused", true),
                ("HeartbeatDetailsDecodeError", true),
                ("MalformedActivityTask", false),
                ("ActivityPause", true),
                ("ActivityReset", true),
            ]
        );
        for failure in RuntimeFailure::ALL {
            let error = failure.with_message("m");
            assert_eq!(error.error_type(), failure.type_name());
            assert_eq!(error.is_non_retryable(), !failure.is_retryable());
        }
    }
}
