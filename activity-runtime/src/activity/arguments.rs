//! The payloads of one activity task, decoded one parameter at a time.

use std::sync::Arc;

use super::signature::ActivityArgument;
use crate::error::{ActivityError, RuntimeFailure};
use crate::payload::{Payload, PayloadConverter};

/// The payloads of an activity task, which the generated `start` decodes in parameter order.
///
/// A missing payload reads as `None` for an `Option` parameter and is an error otherwise; a
/// payload left over is an error. Decoding errors are non-retryable, because a retry sends the
/// same bytes, and their message names the argument's position and the expected type.
#[derive(Debug)]
pub struct Arguments {
    activity: &'static str,
    payloads: std::vec::IntoIter<Payload>,
    received: usize,
    position: usize,
    /// `None`: the default converter, called without erasure.
    converter: Option<Arc<dyn PayloadConverter>>,
}

impl Arguments {
    /// The payloads of a task for the activity named `activity`.
    pub fn new(activity: &'static str, payloads: Vec<Payload>) -> Self {
        Self {
            activity,
            received: payloads.len(),
            payloads: payloads.into_iter(),
            position: 0,
            converter: None,
        }
    }

    /// Decoded by `converter` instead of the default one.
    pub(crate) fn converted_by(mut self, converter: Option<Arc<dyn PayloadConverter>>) -> Self {
        self.converter = converter;
        self
    }

    /// Decodes the next argument, named `name` in the function (empty for a pattern).
    ///
    /// # Errors
    /// When the payload does not decode into `T`, or is missing and `T` is not an `Option`.
    pub fn next<T: ActivityArgument>(&mut self, name: &str) -> Result<T, ActivityError> {
        let position = self.position;
        self.position += 1;
        let decoded = match self.payloads.next() {
            Some(payload) => match &self.converter {
                None => T::from_payload(&payload),
                Some(converter) => converter.decode::<T>(&payload),
            }
            .map_err(|error| error.to_string()),
            None => T::from_missing().ok_or_else(|| {
                format!(
                    "missing: the caller sent {} argument{}",
                    self.received,
                    if self.received == 1 { "" } else { "s" }
                )
            }),
        };
        decoded.map_err(|reason| {
            let label = if name.is_empty() {
                String::new()
            } else {
                format!(" (`{name}`)")
            };
            argument_error(format!(
                "activity `{}`: argument {position}{label}, expected `{}`: {reason}",
                self.activity,
                std::any::type_name::<T>(),
            ))
        })
    }

    /// Every payload not yet decoded, for a dynamic activity, which decodes them itself.
    pub fn take_raw<T: DynamicArguments>(&mut self) -> T {
        self.position = self.received;
        T::from_payloads(self.payloads.by_ref().collect())
    }

    /// Checks that no payload is left over once every parameter is decoded.
    ///
    /// # Errors
    /// When the caller sent more arguments than the function takes.
    pub fn finish(self) -> Result<(), ActivityError> {
        if self.received > self.position {
            return Err(argument_error(format!(
                "activity `{}` takes {} argument{} but the caller sent {}",
                self.activity,
                self.position,
                if self.position == 1 { "" } else { "s" },
                self.received
            )));
        }
        Ok(())
    }
}

/// What a dynamic activity takes its arguments as: the raw payloads, which it decodes with
/// [`payload::decode`](crate::payload::decode) once it knows the activity type.
#[diagnostic::on_unimplemented(
    message = "a dynamic activity takes its arguments as `Vec<Payload>`, not `{Self}`",
    label = "the arguments of an unregistered activity type arrive undecoded",
    note = "write `args: Vec<activity_runtime::payload::Payload>` and decode each with `payload::decode::<T>(&args[i])`"
)]
pub trait DynamicArguments {
    /// Wraps the payloads.
    fn from_payloads(payloads: Vec<Payload>) -> Self;
}

impl DynamicArguments for Vec<Payload> {
    fn from_payloads(payloads: Vec<Payload>) -> Self {
        payloads
    }
}

fn argument_error(message: String) -> ActivityError {
    RuntimeFailure::ArgumentDecode.with_message(message)
}
