//! An activity's arguments, as a caller sends them: a tuple, one payload per element; and a
//! tuple read back the same way, as several heartbeat details are.

use super::{
    DefaultPayloadConverter, FromPayload, Payload, PayloadConverter, PayloadError, ToPayload,
};

/// An activity's arguments as a tuple, encoded one payload per element, in order, as a caller
/// sends them: `()`, `(a,)`, `(a, b)`, and so on up to twelve.
pub trait ArgumentList: Sized {
    /// The payloads, one per element, by the default converter.
    ///
    /// # Errors
    /// When an element cannot be encoded.
    fn into_payloads(self) -> Result<Vec<Payload>, PayloadError> {
        self.encode_with(&DefaultPayloadConverter)
    }

    /// The payloads, one per element, by `converter`.
    ///
    /// # Errors
    /// When an element cannot be encoded.
    fn encode_with(self, converter: &dyn PayloadConverter) -> Result<Vec<Payload>, PayloadError>;
}

/// Payloads already encoded, as they are: a dynamic caller's, or details a previous attempt
/// recorded.
impl ArgumentList for Vec<Payload> {
    fn encode_with(self, _: &dyn PayloadConverter) -> Result<Vec<Payload>, PayloadError> {
        Ok(self)
    }
}

/// Values as a tuple, decoded one payload per element, in order: what [`ArgumentList`]
/// encodes, and what a Python, Go or TypeScript activity sends as several heartbeat details
/// (`activity.heartbeat(step, cursor)`). A payload missing at the end reads as `None` for an
/// `Option` element, as a missing argument does; a payload left over is an error.
///
/// ```
/// use activity_runtime::payload::{ArgumentList, PayloadList};
///
/// let payloads = (7u64, "cursor-9").into_payloads()?;
/// let (step, cursor) = <(u64, String)>::from_payloads(&payloads)?;
/// assert_eq!((step, cursor.as_str()), (7, "cursor-9"));
/// let (step, extra) = <(u64, Option<String>)>::from_payloads(&payloads[..1])?;
/// assert_eq!((step, extra), (7, None));
/// assert!(<(u64,)>::from_payloads(&payloads).is_err(), "one payload left over");
/// # Ok::<(), activity_runtime::payload::PayloadError>(())
/// ```
pub trait PayloadList: Sized {
    /// Decodes one element from each payload, by the default converter.
    ///
    /// # Errors
    /// When an element does not decode ([`PayloadError::Element`]), or the count does not fit
    /// the tuple ([`PayloadError::Count`]).
    fn from_payloads(payloads: &[Payload]) -> Result<Self, PayloadError> {
        Self::decode_with(payloads, &DefaultPayloadConverter)
    }

    /// Decodes one element from each payload, by `converter`.
    ///
    /// # Errors
    /// As [`from_payloads`](Self::from_payloads).
    fn decode_with(
        payloads: &[Payload],
        converter: &dyn PayloadConverter,
    ) -> Result<Self, PayloadError>;
}

macro_rules! tuples {
    ($(($($name:ident),*)),* $(,)?) => {$(
        impl<$($name: ToPayload),*> ArgumentList for ($($name,)*) {
            #[allow(non_snake_case, unused_variables)]
            fn encode_with(self, converter: &dyn PayloadConverter) -> Result<Vec<Payload>, PayloadError> {
                let ($($name,)*) = self;
                Ok(vec![$(converter.encode(&$name)?),*])
            }
        }

        impl<$($name: FromPayload),*> PayloadList for ($($name,)*) {
            #[allow(unused_mut, unused_variables, clippy::unused_unit)]
            fn decode_with(payloads: &[Payload], converter: &dyn PayloadConverter) -> Result<Self, PayloadError> {
                let mut elements = payloads.iter();
                let mut index = 0;
                let decoded = ($(next_element::<$name>(converter, &mut elements, &mut index, payloads.len())?,)*);
                if payloads.len() > index {
                    return Err(PayloadError::Count { expected: index, found: payloads.len() });
                }
                Ok(decoded)
            }
        }
    )*};
}

/// The element at `index`, from the next payload, or as missing when none is left.
fn next_element<'a, T: FromPayload>(
    converter: &dyn PayloadConverter,
    elements: &mut impl Iterator<Item = &'a Payload>,
    index: &mut usize,
    found: usize,
) -> Result<T, PayloadError> {
    let at = *index;
    *index += 1;
    match elements.next() {
        Some(payload) => converter
            .decode::<T>(payload)
            .map_err(|source| PayloadError::Element {
                index: at,
                source: Box::new(source),
            }),
        None => T::from_missing().ok_or(PayloadError::Count {
            expected: at + 1,
            found,
        }),
    }
}

tuples! {
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
