//! An activity's arguments, as a caller sends them: a tuple, one payload per element.

use super::{Payload, PayloadError, ToPayload};

/// An activity's arguments as a tuple, encoded one payload per element, in order, as a caller
/// sends them: `()`, `(a,)`, `(a, b)`, and so on up to twelve.
pub trait ArgumentList {
    /// The payloads, one per element.
    ///
    /// # Errors
    /// When an element cannot be encoded.
    fn into_payloads(self) -> Result<Vec<Payload>, PayloadError>;
}

macro_rules! argument_lists {
    ($(($($name:ident),*)),* $(,)?) => {$(
        impl<$($name: ToPayload),*> ArgumentList for ($($name,)*) {
            #[allow(non_snake_case)]
            fn into_payloads(self) -> Result<Vec<Payload>, PayloadError> {
                let ($($name,)*) = self;
                Ok(vec![$($name.to_payload()?),*])
            }
        }
    )*};
}

argument_lists! {
    (), (A), (A, B), (A, B, C), (A, B, C, D), (A, B, C, D, E), (A, B, C, D, E, F),
    (A, B, C, D, E, F, G), (A, B, C, D, E, F, G, H), (A, B, C, D, E, F, G, H, I),
    (A, B, C, D, E, F, G, H, I, J), (A, B, C, D, E, F, G, H, I, J, K),
    (A, B, C, D, E, F, G, H, I, J, K, L),
}

/// What a caller may give for an activity's arguments `I`: the tuple itself, or, for an
/// activity of one argument, that argument alone. `ActivityEnvironment::run` and the client's
/// `start_activity` and `execute_activity` take it.
///
/// ```
/// use activity_runtime::payload::IntoArguments;
///
/// fn arguments<I>(input: impl IntoArguments<I>) -> I {
///     input.into_arguments()
/// }
/// let one: (String,) = arguments("alone".to_string());
/// let two: (u32, bool) = arguments((1, true));
/// // An argument that is itself a tuple is one argument.
/// let pair: ((u32, u32),) = arguments((1, 2));
/// # let _ = (one, two, pair);
/// ```
pub trait IntoArguments<I> {
    /// The arguments as a tuple.
    fn into_arguments(self) -> I;
}

impl<I: ArgumentList> IntoArguments<I> for I {
    fn into_arguments(self) -> I {
        self
    }
}

impl<T> IntoArguments<(T,)> for T {
    fn into_arguments(self) -> (T,) {
        (self,)
    }
}
