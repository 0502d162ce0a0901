//! How an activity fails: [`ActivityError`], what Temporal records as the attempt's failure.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use temporalio_common::protos::temporal::api::common::v1::Payloads;
use temporalio_common::protos::temporal::api::enums::v1::ApplicationErrorCategory;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ApplicationFailureInfo, CanceledFailureInfo, Failure,
};

mod application;
mod build;
mod encoded;
mod failures;
mod stack_trace;

use crate::payload::{self, Payload, PayloadError};

pub use build::{BuildError, RegistryError};
pub use failures::RuntimeFailure;
use stack_trace::Origin;
pub(crate) use stack_trace::{note_panic_sites, panic_message, take_panic_site};

/// The `source` of failures this crate reports, as other SDKs name themselves there.
const FAILURE_SOURCE: &str = "activity-runtime";

/// The longest message, or cause message, that a reported failure carries; longer ones are cut
/// with a marker. With [`MAX_CAUSES`], the messages of a failure stay under 600 KiB, so that
/// with details within the payload limit it fits the server's 4 MiB gRPC messages.
pub(crate) const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// The most causes a reported failure carries; the rest are summed up in one marker cause.
pub(crate) const MAX_CAUSES: usize = 32;

/// An activity attempt's failure, as Temporal records it and as callers in any SDK see it.
///
/// An activity returns `Result<T, E>` where `E` is this type or anything that converts into
/// it: every `std::error::Error + Send + Sync + 'static`, and `anyhow::Error`. Converted errors
/// are retryable, carry their Rust type's name as the failure type (as Python uses the class
/// name), and keep their `source()` chain as Temporal `cause` failures.
///
/// Build one directly to say more:
///
/// ```
/// use std::time::Duration;
/// use activity_runtime::ActivityError;
///
/// let error = ActivityError::new("card declined")
///     .with_type("PaymentDeclined")
///     .non_retryable()
///     .with_details(&serde_json::json!({ "code": 51 }))
///     .expect("details encode as JSON");
/// assert_eq!(error.error_type(), "PaymentDeclined");
/// assert!(error.is_non_retryable());
///
/// let later = ActivityError::new("rate limited").with_next_retry_delay(Duration::from_secs(30));
/// assert_eq!(later.next_retry_delay(), Some(Duration::from_secs(30)));
/// ```
///
/// `ActivityError` is not itself a `std::error::Error`, as `anyhow::Error` is not, and for the
/// same reason: that would collide with the conversion of every error into it, which is what
/// lets an activity use `?` on anything. It converts into `Box<dyn Error + Send + Sync>` and
/// `Box<dyn Error>`, so that a test returning either uses `?` on an activity's outcome; in one
/// returning `anyhow::Result`, write `.map_err(anyhow::Error::msg)?`.
///
/// ```
/// use activity_runtime::ActivityError;
///
/// fn check() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
///     let outcome: Result<(), ActivityError> = Err(ActivityError::new("card declined"));
///     outcome?;
///     Ok(())
/// }
/// assert_eq!(check().unwrap_err().to_string(), "ActivityError: card declined");
///
/// fn check_anyhow() -> anyhow::Result<()> {
///     let outcome: Result<(), ActivityError> = Err(ActivityError::new("card declined"));
///     outcome.map_err(anyhow::Error::msg)?;
///     Ok(())
/// }
/// assert!(check_anyhow().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityError {
    kind: ErrorKind,
    message: String,
    error_type: String,
    non_retryable: bool,
    details: Vec<Payload>,
    category: ErrorCategory,
    causes: Vec<ErrorCause>,
    origin: Origin,
    /// Boxed, so that `ActivityError`, which travels in every `Result`, stays small.
    rare: Option<Box<Rare>>,
}

/// What few failures carry.
#[derive(Debug, Clone, PartialEq, Default)]
struct Rare {
    next_retry_delay: Option<Duration>,
    /// When the messages travel encoded: one payload per failure in the chain, the outermost
    /// first.
    encoded_attributes: Vec<Payload>,
    /// A stack trace beyond where the error was made: a panic's, a captured backtrace, or one
    /// decoded from what the codec sealed.
    stack_trace: Option<String>,
}

/// Whether the attempt failed, acknowledged a cancellation, or handed its completion off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An application failure: retried by the server unless it is non-retryable.
    Application,
    /// The activity stopped because its cancellation was requested.
    Cancelled,
    /// Not a failure: the activity will be completed from elsewhere, by its task token or
    /// ids ([`ActivityError::complete_async`]).
    CompleteAsync,
}

/// How a failure is logged and counted, as Temporal's `ApplicationErrorCategory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// An ordinary failure.
    #[default]
    Unspecified,
    /// An expected failure: logged at a lower level and not counted as a failure in metrics.
    Benign,
}

/// One link of a failure's `source()` chain, sent as a Temporal `cause`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorCause {
    /// The cause's message.
    pub message: String,
}

impl ActivityError {
    /// A retryable application failure with this message and the type `ActivityError`.
    ///
    /// ```
    /// let error = activity_runtime::ActivityError::new("upstream unavailable");
    /// assert_eq!(error.message(), "upstream unavailable");
    /// assert!(!error.is_non_retryable());
    /// ```
    #[track_caller]
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Application,
            message: message.into(),
            error_type: "ActivityError".to_string(),
            non_retryable: false,
            details: Vec::new(),
            category: ErrorCategory::Unspecified,
            causes: Vec::new(),
            origin: Origin(Some(std::panic::Location::caller())),
            rare: None,
        }
    }

    /// The failure that acknowledges a cancellation; return it when
    /// [`ActivityContext::cancelled`](crate::ActivityContext::cancelled) fires.
    ///
    /// ```
    /// let error = activity_runtime::ActivityError::cancelled();
    /// assert_eq!(error.kind(), activity_runtime::error::ErrorKind::Cancelled);
    /// ```
    #[track_caller]
    pub fn cancelled() -> Self {
        Self {
            kind: ErrorKind::Cancelled,
            error_type: "CancelledError".to_string(),
            ..Self::new("activity cancelled")
        }
    }

    /// Hands the activity's completion off: the function returns, its slot is freed, and the
    /// server waits for someone else to complete, fail or cancel the activity by its task
    /// token ([`ActivityInfo::task_token`](crate::context::ActivityInfo::task_token)) or its
    /// ids, within its timeouts (Python's `activity.raise_complete_async()`, Go's
    /// `activity.ErrResultPending`). The function's return type stays what it is.
    ///
    /// ```
    /// use activity_runtime::{ActivityContext, ActivityError, activity};
    ///
    /// #[activity]
    /// async fn request_approval(ctx: ActivityContext, request: String) -> Result<bool, ActivityError> {
    ///     let token = ctx.info().task_token.clone();
    ///     // Store `token` with the request; the approval service completes the activity.
    ///     # let _ = (token, request);
    ///     Err(ActivityError::complete_async())
    /// }
    /// ```
    #[track_caller]
    pub fn complete_async() -> Self {
        Self {
            kind: ErrorKind::CompleteAsync,
            error_type: "CompleteAsync".to_string(),
            ..Self::new("the activity will be completed asynchronously")
        }
    }

    /// Sets the failure type that callers match on (Python's `ApplicationError.type`).
    pub fn with_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = error_type.into();
        self
    }

    /// Tells the server not to retry, whatever the retry policy says.
    pub fn non_retryable(mut self) -> Self {
        self.non_retryable = true;
        self
    }

    /// Adds one detail, encoded like any payload; callers read details in order. On a worker
    /// with a [`PayloadConverter`](crate::payload::PayloadConverter) of its own, a detail
    /// encoded as JSON here is rewritten in the converter's encoding as the failure leaves.
    ///
    /// # Errors
    /// When the value cannot be encoded as a payload.
    pub fn with_details<T: Serialize + ?Sized>(mut self, detail: &T) -> Result<Self, PayloadError> {
        self.details.push(payload::encode(detail)?);
        Ok(self)
    }

    /// Overrides the retry policy's backoff for the next attempt.
    pub fn with_next_retry_delay(mut self, delay: Duration) -> Self {
        self.rare_mut().next_retry_delay = Some(delay);
        self
    }

    /// Marks the failure as expected, so that it is logged quietly and not counted in metrics.
    pub fn benign(mut self) -> Self {
        self.category = ErrorCategory::Benign;
        self
    }

    /// Whether the attempt failed or acknowledged a cancellation.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The failure's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The failure type that callers match on.
    pub fn error_type(&self) -> &str {
        &self.error_type
    }

    /// Whether the server must not retry.
    pub fn is_non_retryable(&self) -> bool {
        self.non_retryable
    }

    /// The encoded details, in order.
    pub fn details(&self) -> &[Payload] {
        &self.details
    }

    /// The backoff that overrides the retry policy's, if any.
    pub fn next_retry_delay(&self) -> Option<Duration> {
        self.rare.as_ref()?.next_retry_delay
    }

    /// The failure's category.
    pub fn category(&self) -> ErrorCategory {
        self.category
    }

    /// The same failure with `note` after its message.
    pub(crate) fn append_to_message(mut self, note: &str) -> Self {
        self.message.push_str(note);
        self
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_default()
    }

    /// The same failure with its details as `converter` writes them: those that
    /// [`with_details`](Self::with_details) encoded as JSON, with no converter at hand, are
    /// rewritten through serde.
    pub(crate) fn with_details_converted(
        mut self,
        converter: &dyn crate::payload::PayloadConverter,
    ) -> Result<Self, PayloadError> {
        self.details = converter.reencode_json(std::mem::take(&mut self.details))?;
        Ok(self)
    }

    /// The same failure with its details replaced, once the codec has encoded them.
    pub(crate) fn replace_details(mut self, details: Vec<Payload>) -> Self {
        self.details = details;
        self
    }

    /// The `source()` chain of the error this was converted from, outermost first.
    pub fn causes(&self) -> &[ErrorCause] {
        &self.causes
    }

    /// The same failure with its message and causes cut to [`MAX_MESSAGE_BYTES`] each, and its
    /// cause chain to [`MAX_CAUSES`] links, each cut marked, so that it always fits what the
    /// server accepts.
    pub(crate) fn bounded(mut self) -> Self {
        if self.causes.len() > MAX_CAUSES {
            let omitted = self.causes.len() - (MAX_CAUSES - 1);
            self.causes.truncate(MAX_CAUSES - 1);
            self.causes.push(ErrorCause {
                message: format!("[{omitted} more causes omitted]"),
            });
        }
        truncate(&mut self.message);
        for cause in &mut self.causes {
            truncate(&mut cause.message);
        }
        self
    }
}

/// Cuts `message` to at most [`MAX_MESSAGE_BYTES`], on a character boundary, with a marker that
/// says how much was cut.
fn truncate(message: &mut String) {
    if message.len() <= MAX_MESSAGE_BYTES {
        return;
    }
    // The marker fits in the room left below the limit: at most 40 bytes.
    let keep = MAX_MESSAGE_BYTES - 40;
    let end = (0..=keep)
        .rev()
        .find(|&index| message.is_char_boundary(index))
        .unwrap_or(0);
    let cut = message.len() - end;
    message.truncate(end);
    message.push_str(&format!(" [{cut} more bytes truncated]"));
}

impl ActivityError {
    /// The Temporal failure that the worker reports for this error: an `ApplicationFailureInfo`
    /// (or `CanceledFailureInfo`) that Python reads as `ApplicationError` (or `CancelledError`),
    /// with the `source()` chain as nested `cause` failures.
    ///
    /// ```
    /// use activity_runtime::ActivityError;
    /// use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
    ///
    /// let failure = ActivityError::new("card declined").with_type("PaymentDeclined").non_retryable().to_failure();
    /// assert_eq!(failure.message, "card declined");
    /// let Some(FailureInfo::ApplicationFailureInfo(info)) = failure.failure_info else { panic!() };
    /// assert_eq!(info.r#type, "PaymentDeclined");
    /// assert!(info.non_retryable);
    /// ```
    pub fn to_failure(&self) -> Failure {
        let details = (!self.details.is_empty()).then(|| Payloads {
            payloads: self.details.clone(),
        });
        let failure_info = match self.kind {
            ErrorKind::Cancelled => FailureInfo::CanceledFailureInfo(CanceledFailureInfo {
                details,
                ..CanceledFailureInfo::default()
            }),
            // A hand-off is no failure; were it reported as one, its type says what it was.
            ErrorKind::Application | ErrorKind::CompleteAsync => {
                FailureInfo::ApplicationFailureInfo(ApplicationFailureInfo {
                    r#type: self.error_type.clone(),
                    non_retryable: self.non_retryable,
                    details,
                    next_retry_delay: self
                        .next_retry_delay()
                        .and_then(|delay| delay.try_into().ok()),
                    category: match self.category {
                        ErrorCategory::Unspecified => ApplicationErrorCategory::Unspecified,
                        ErrorCategory::Benign => ApplicationErrorCategory::Benign,
                    } as i32,
                })
            }
        };
        // The innermost cause first, so that each wraps the one below it.
        let depths = (1..=self.causes.len()).rev();
        let cause = self
            .causes
            .iter()
            .rev()
            .zip(depths)
            .fold(None, |below, (cause, depth)| {
                Some(Box::new(Failure {
                    message: cause.message.clone(),
                    source: FAILURE_SOURCE.to_string(),
                    cause: below,
                    encoded_attributes: self.encoded_attribute(depth),
                    failure_info: Some(FailureInfo::ApplicationFailureInfo(
                        ApplicationFailureInfo::default(),
                    )),
                    ..Failure::default()
                }))
            });
        Failure {
            message: self.message.clone(),
            source: FAILURE_SOURCE.to_string(),
            // Sealed with the messages when they travel encoded.
            stack_trace: if self.has_encoded_attributes() {
                String::new()
            } else {
                self.stack_trace()
            },
            cause,
            encoded_attributes: self.encoded_attribute(0),
            failure_info: Some(failure_info),
        }
    }
}

impl fmt::Display for ActivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)?;
        for cause in &self.causes {
            write!(f, ": {}", cause.message)?;
        }
        Ok(())
    }
}

/// Every error type converts, with `?`: each `std::error::Error + Send + Sync + 'static`,
/// `anyhow::Error` and `Box<dyn Error + Send + Sync>`. Its Rust type's name becomes the
/// failure type, its message the message, and its `source()` chain the causes.
///
/// Its stack trace is the line of the `?` (or `.into()`) that converted it, its `source()`
/// chain, and the backtrace that `anyhow` captured when `RUST_BACKTRACE` or
/// `RUST_LIB_BACKTRACE` asked for one.
impl<E> From<E> for ActivityError
where
    E: Into<anyhow::Error>,
{
    #[track_caller]
    fn from(error: E) -> Self {
        let error_type = short_type_name(std::any::type_name::<E>());
        let error = error.into();
        let mut chain = error.chain();
        let message = chain.next().map(ToString::to_string).unwrap_or_default();
        let mut converted = Self {
            causes: chain
                .map(|cause| ErrorCause {
                    message: cause.to_string(),
                })
                .collect(),
            ..Self::new(message).with_type(error_type)
        };
        let mut backtrace = String::new();
        stack_trace::append_backtrace(&mut backtrace, error.backtrace());
        if !backtrace.is_empty() {
            converted.rare_mut().stack_trace = Some(backtrace);
        }
        converted
    }
}

/// So that code returning `Result<_, Box<dyn Error + Send + Sync>>`, a test among them, uses
/// `?` on an activity's outcome.
impl From<ActivityError> for Box<dyn std::error::Error + Send + Sync> {
    fn from(error: ActivityError) -> Self {
        Box::new(Failed(error))
    }
}

/// So that code returning `Result<_, Box<dyn Error>>` uses `?` on it too.
impl From<ActivityError> for Box<dyn std::error::Error> {
    fn from(error: ActivityError) -> Self {
        Box::new(Failed(error))
    }
}

/// An [`ActivityError`] as a `std::error::Error`, inside a box only, where it converts into
/// nothing else.
#[derive(Debug)]
struct Failed(ActivityError);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Failed {}

/// `core::num::error::ParseIntError` becomes `ParseIntError`, and `Box<dyn Error>` `Box`:
/// the bare name, as Python reports an exception's class name.
fn short_type_name(full: &str) -> &str {
    let without_generics = full.split('<').next().unwrap_or(full);
    without_generics
        .rsplit("::")
        .next()
        .unwrap_or(without_generics)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A user's error with a source, for the tests of this module and its children.
    #[derive(Debug, thiserror::Error)]
    #[error("could not charge the card")]
    pub(super) struct ChargeFailed {
        #[source]
        pub(super) source: std::io::Error,
    }

    #[test]
    fn std_error_keeps_its_type_name_and_source_chain() {
        let error = ActivityError::from(ChargeFailed {
            source: std::io::Error::other("connection reset"),
        });
        assert_eq!(error.error_type(), "ChargeFailed");
        assert_eq!(error.message(), "could not charge the card");
        assert_eq!(error.causes().len(), 1);
        assert_eq!(error.causes()[0].message, "connection reset");
        assert!(!error.is_non_retryable());
    }

    #[test]
    fn anyhow_error_keeps_its_context_chain() {
        let error =
            ActivityError::from(anyhow::anyhow!("disk full").context("could not write the report"));
        assert_eq!(error.message(), "could not write the report");
        assert_eq!(error.causes()[0].message, "disk full");
    }

    #[test]
    fn failure_carries_type_details_delay_category_and_the_cause_chain() {
        let error = ActivityError::from(
            anyhow::anyhow!("socket closed")
                .context("connection reset")
                .context("could not charge"),
        )
        .with_next_retry_delay(Duration::from_millis(1500))
        .benign()
        .with_details(&"order-7")
        .unwrap();
        let failure = error.to_failure();
        assert_eq!(failure.message, "could not charge");
        let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
            panic!("an application failure: {failure:?}");
        };
        assert_eq!(info.r#type, "Error");
        assert_eq!(
            info.details.as_ref().unwrap().payloads[0].data,
            br#""order-7""#
        );
        let delay = info.next_retry_delay.as_ref().unwrap();
        assert_eq!((delay.seconds, delay.nanos), (1, 500_000_000));
        assert_eq!(info.category, ApplicationErrorCategory::Benign as i32);
        let first = failure.cause.as_ref().unwrap();
        assert_eq!(first.message, "connection reset");
        assert_eq!(first.cause.as_ref().unwrap().message, "socket closed");
        assert!(first.cause.as_ref().unwrap().cause.is_none());
    }

    #[test]
    fn bounded_cuts_long_messages_and_long_chains_with_markers() {
        let mut error = ActivityError::new("é".repeat(MAX_MESSAGE_BYTES));
        error.causes = (0..100)
            .map(|index| ErrorCause {
                message: format!("cause {index}"),
            })
            .collect();
        error.causes[0].message = "x".repeat(3 * MAX_MESSAGE_BYTES);
        let bounded = error.bounded();
        assert!(bounded.message().len() <= MAX_MESSAGE_BYTES);
        // 16,384 two-byte characters; 16,344 bytes are kept.
        assert!(
            bounded
                .message()
                .ends_with("é [16424 more bytes truncated]"),
            "{}",
            &bounded.message()[16300..]
        );
        assert_eq!(bounded.causes().len(), MAX_CAUSES);
        assert!(bounded.causes()[0].message.len() <= MAX_MESSAGE_BYTES);
        assert_eq!(bounded.causes()[30].message, "cause 30");
        assert_eq!(bounded.causes()[31].message, "[69 more causes omitted]");

        let short = ActivityError::new("short");
        assert_eq!(short.clone().bounded(), short);
    }

    #[test]
    fn cancellation_is_a_canceled_failure() {
        let failure = ActivityError::cancelled().to_failure();
        assert!(matches!(
            failure.failure_info,
            Some(FailureInfo::CanceledFailureInfo(_))
        ));
    }

    #[test]
    fn parse_error_converts_with_question_mark() {
        fn parse(text: &str) -> Result<u32, ActivityError> {
            Ok(text.parse::<u32>()?)
        }
        let error = parse("x").expect_err("not a number");
        assert_eq!(error.error_type(), "ParseIntError");
    }
}
