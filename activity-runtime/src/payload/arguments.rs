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
