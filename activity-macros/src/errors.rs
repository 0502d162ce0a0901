//! The one error accumulator of an expansion.

use proc_macro2::TokenStream;

/// Every error found in one expansion, so that a build shows all of them at once (serde's
/// `Ctxt` pattern).
///
/// It holds syn errors rather than darling's, because syn's `new_spanned` keeps both ends of a
/// range on stable Rust, where darling's single span shrinks to the first token.
#[derive(Default)]
pub(crate) struct Errors(Vec<syn::Error>);

impl Errors {
    /// Records an error covering all of `tokens`, with the fix in `message`.
    pub(crate) fn at(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    /// Records each error darling found; those point at a single key or value.
    pub(crate) fn push_darling(&mut self, error: darling::Error) {
        for error in error.flatten() {
            self.push(error.into());
        }
    }

    /// How many errors were recorded so far, to tell whether a check added any.
    pub(crate) fn count(&self) -> usize {
        self.0.len()
    }

    /// The errors as `compile_error!` invocations, to emit after the item.
    pub(crate) fn to_compile_errors(&self) -> TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }

    /// The messages, in order, for unit tests.
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}
