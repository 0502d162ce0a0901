//! What the generated code calls at the user's types, behind `__private`: the conversion of
//! what the function returned into an outcome, and the autoref probe that tells a `Result`
//! under another name from a plain value. The bounds these apply, which users read in compiler
//! errors, are public in `signature`.

use super::invocation::Outcome;
use super::signature::{
    Accepted, ActivityOutput, IntoActivityError, PlainValueVerdict, ResultUnderAnotherName,
};
use crate::context::ActivityContext;
use crate::error::RuntimeFailure;
use crate::payload::ToPayload;

/// The outcome of an activity that returned a plain value.
pub fn finish_value<T: ActivityOutput>(value: T) -> Outcome {
    let payload = encode_result(&value)?;
    crate::context::keep_result(value);
    Ok(payload)
}

/// The outcome of an activity that returned a `Result`. An error converted here is located
/// where the generated code calls this: the function's return type.
#[track_caller]
pub fn finish_result<T: ActivityOutput, E: IntoActivityError>(result: Result<T, E>) -> Outcome {
    match result {
        Ok(value) => finish_value(value),
        Err(error) => Err(error.into()),
    }
}

fn encode_result<T: ToPayload>(value: &T) -> Outcome {
    // The attempt's converter is looked for only once a custom one was set somewhere: the
    // lookup would cost every attempt of a worker on the default converter.
    let custom = crate::payload::custom_converter_set()
        .then(ActivityContext::current)
        .flatten();
    let encoded = match custom {
        Some(ctx) => ctx.payload_converter().encode(value),
        None => value.to_payload(),
    };
    encoded.map_err(|error| {
        // The ambient context is there whenever a worker or test environment runs the activity.
        let activity = ActivityContext::current()
            .map_or_else(|| "?".to_string(), |ctx| ctx.info().activity_type.clone());
        RuntimeFailure::encoding(&activity, "result", error)
    })
}

/// Catches a `Result` behind an alias not spelled `Result` (`type Fallible<T> = Result<T, E>`),
/// which `#[activity]` would otherwise take for a plain value and encode whole as
/// `{"Ok": ...}`. Autoref picks [`ResultBehindAlias`] for a `Result` and [`PlainValue`] for
/// the rest; only a plain value's verdict is [`Accepted`].
pub struct Probe<T>(std::marker::PhantomData<T>);

impl<T> std::fmt::Debug for Probe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Probe<{}>", std::any::type_name::<T>())
    }
}

impl<T> Probe<T> {
    /// A probe of the type `T`.
    // Only the generated code makes probes, in a `const` context; a `Default` would be dead.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

/// Chosen first, by value, when the probed type is a `Result`.
pub trait ResultBehindAlias {
    /// The verdict.
    fn verdict(&self) -> ResultUnderAnotherName {
        ResultUnderAnotherName
    }
}

impl<T, E> ResultBehindAlias for Probe<Result<T, E>> {}

/// Chosen after autoref, for every other type.
pub trait PlainValue {
    /// The verdict.
    fn verdict(&self) -> Accepted {
        Accepted
    }
}

impl<T> PlainValue for &Probe<T> {}

/// Fails to compile unless `verdict` is `Accepted`.
pub fn require_plain_value<V: PlainValueVerdict>(verdict: V) {
    let _ = verdict;
}
