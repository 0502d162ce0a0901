//! The server's payload size limits, enforced before a payload leaves the worker.

use prost::Message;

use crate::error::{ActivityError, RuntimeFailure};
use crate::payload::Payload;

/// The size limits for what an activity sends: Temporal's 2 MiB per payload (the server's
/// default blob limit; a gRPC message is capped at 4 MiB), and the 512 KiB above which the
/// official SDKs warn.
///
/// A result over the error limit fails the attempt with a non-retryable `PayloadTooLarge`
/// instead of a gRPC error, because a retry would produce the same result.
///
/// ```
/// use activity_runtime::worker::PayloadLimits;
///
/// let limits = PayloadLimits::default();
/// assert_eq!(limits.error_bytes, 2 * 1024 * 1024);
/// assert_eq!(limits.warn_bytes, 512 * 1024);
///
/// // A namespace whose server allows less.
/// let tighter = PayloadLimits::builder().error_bytes(1024 * 1024).build();
/// assert_eq!((tighter.error_bytes, tighter.warn_bytes), (1024 * 1024, 512 * 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, bon::Builder)]
#[non_exhaustive]
pub struct PayloadLimits {
    /// Above this many encoded bytes, the payloads are refused. Default 2 MiB.
    #[builder(default = 2 * 1024 * 1024)]
    pub error_bytes: usize,
    /// Above this many, a warning is logged. Default 512 KiB.
    #[builder(default = 512 * 1024)]
    pub warn_bytes: usize,
}

impl Default for PayloadLimits {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl PayloadLimits {
    /// Checks the payloads that activity `activity` sends as `what` ("result", "heartbeat
    /// details"), as the server will measure them.
    pub(crate) fn check(
        &self,
        activity: &str,
        what: &str,
        payloads: &[Payload],
    ) -> Result<(), ActivityError> {
        let size = payloads.iter().map(Message::encoded_len).sum::<usize>();
        if size > self.error_bytes {
            return Err(RuntimeFailure::PayloadTooLarge.with_message(format!(
                "activity `{activity}`: the {what} is {size} bytes, over the {} byte payload \
                 limit; store large data elsewhere (a blob store) and pass a reference",
                self.error_bytes
            )));
        }
        if size > self.warn_bytes {
            tracing::warn!(
                activity_type = activity,
                "the {what} is {size} bytes, above the {} byte warning threshold; the server \
                 refuses payloads over {} bytes",
                self.warn_bytes,
                self.error_bytes
            );
        }
        Ok(())
    }

    /// `error` as it can be reported: when the whole failure would be over the error limit
    /// (details within the limit, plus long messages), it goes without its details, and says
    /// so. Messages are bounded first ([`ActivityError::bounded`]), so this always fits.
    pub(crate) fn fit_failure(&self, activity: &str, error: ActivityError) -> ActivityError {
        let size = error.to_failure().encoded_len();
        if size <= self.error_bytes {
            return error;
        }
        let note = format!(
            " [the failure of activity `{activity}` was {size} bytes, over the {} byte limit, \
             so its details were dropped]",
            self.error_bytes
        );
        error.replace_details(Vec::new()).append_to_message(&note)
    }
}
