//! Our error as `temporalio-common`'s `ApplicationFailure`, for the paths that hand failures to
//! its failure converter: the official SDK's worker, and completing an activity from outside.

use temporalio_common::data_converters::RawValue;
use temporalio_common::error::{ApplicationErrorCategory, ApplicationFailure};

use super::{ActivityError, ErrorCategory};

impl ActivityError {
    /// The same type, retryability, category, retry delay and details, and the cause chain as
    /// the source chain the converter encodes.
    pub(crate) fn to_application_failure(&self) -> ApplicationFailure {
        let details = (!self.details().is_empty()).then(|| RawValue::new(self.details().to_vec()));
        let source = Chain::new(
            self.message().to_string(),
            self.causes().iter().map(|cause| cause.message.clone()),
        );
        ApplicationFailure::builder(source)
            .type_name(self.error_type().to_string())
            .non_retryable(self.is_non_retryable())
            .maybe_next_retry_delay(self.next_retry_delay())
            .category(match self.category() {
                ErrorCategory::Benign => ApplicationErrorCategory::Benign,
                _ => ApplicationErrorCategory::Unspecified,
            })
            .maybe_details(details)
            .build()
    }
}

/// A message and its causes' messages, as an error with a `source()` chain.
#[derive(Debug)]
struct Chain {
    message: String,
    source: Option<Box<Chain>>,
}

impl Chain {
    fn new(message: String, causes: impl DoubleEndedIterator<Item = String>) -> Self {
        let source = causes.rev().fold(None, |source, message| {
            Some(Box::new(Chain { message, source }))
        });
        Chain { message, source }
    }
}

impl std::fmt::Display for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Chain {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as _)
    }
}
