//! The bounds that the generated code checks at the user's own types, with messages that say
//! the fix: public, because users read their names in compiler errors. The code that applies
//! them is in `plumbing.rs`, reachable only through `__private`.

pub use super::arguments::DynamicArguments;

use crate::error::ActivityError;
use crate::payload::{FromPayload, ToPayload};

/// A type that an activity can take as an argument: decoded from a payload, so it must
/// implement `serde::Deserialize` (or be a [`Proto`](crate::payload::Proto)) and own its data.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be an activity argument: it does not implement `serde::de::DeserializeOwned`",
    label = "arguments are decoded from payloads, so this type must implement `Deserialize`",
    note = "derive it: `#[derive(serde::Deserialize)]`, or take a type that implements it",
    note = "if this is an alias of `ActivityContext`, write `ActivityContext`: `#[activity]` recognises the context by that name"
)]
pub trait ActivityArgument: FromPayload + Send + 'static {}

impl<T: FromPayload + Send + 'static> ActivityArgument for T {}

/// A type that an activity can return: encoded into a payload, so it must implement
/// `serde::Serialize` (or be a [`Proto`](crate::payload::Proto)); and `Send`, because the test
/// environment hands the value itself back to the test.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be an activity's result: it does not implement `serde::Serialize`, or is not `Send`",
    label = "results are encoded into payloads, so this type must implement `Serialize` (and be `Send`)",
    note = "derive it: `#[derive(serde::Serialize)]`, or return a type that implements it"
)]
pub trait ActivityOutput: ToPayload + Send + 'static {}

impl<T: ToPayload + Send + 'static> ActivityOutput for T {}

/// An error type that an activity can return: one that converts into [`ActivityError`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` can't be an activity's error: it does not convert into `ActivityError`",
    label = "the error of an activity's `Result` must convert into `ActivityError`",
    note = "implement `std::error::Error` for it (for example with `#[derive(thiserror::Error)]`), or return `anyhow::Error` or `ActivityError`"
)]
pub trait IntoActivityError: Into<ActivityError> {}

impl<E: Into<ActivityError>> IntoActivityError for E {}

/// The parts of a `Result`, so that the generated code can name the success type of an alias
/// such as `anyhow::Result<T>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is named `Result` but is not a `Result`",
    note = "`#[activity]` takes a return type spelled `Result` as fallible; rename the type, or return `Result<T, E>`"
)]
pub trait ResultParts {
    /// The success type.
    type Ok;
    /// The error type.
    type Err;
}

impl<T, E> ResultParts for Result<T, E> {
    type Ok = T;
    type Err = E;
}

/// The verdict for a return type that is a plain value.
#[derive(Debug)]
pub struct Accepted;

/// The verdict for a return type that is a `Result` under another name.
#[derive(Debug)]
pub struct ResultUnderAnotherName;

/// Holds only for [`Accepted`]: what rejects a `Result` under another name.
#[diagnostic::on_unimplemented(
    message = "this return type is a `Result` under another name, which `#[activity]` would encode as a value",
    label = "a `Result` alias not spelled `Result`",
    note = "write the return type as `Result<T, E>`, or name the alias `Result` (as `anyhow::Result<T>` is), so that `Err` fails the activity"
)]
pub trait PlainValueVerdict {}

impl PlainValueVerdict for Accepted {}
