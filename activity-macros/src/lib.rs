//! The `#[activity]` attribute of [`activity_runtime`](https://docs.rs/activity-runtime).
//!
//! Depend on `activity-runtime`, which re-exports this macro as `activity_runtime::activity` and
//! documents it with examples; the generated code needs that crate.

#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

use proc_macro::TokenStream;

mod args;
mod expand;
mod impl_block;
mod signature;

/// Turns a plain `async fn` or blocking `fn` into a Temporal activity.
///
/// See [`activity_runtime::activity`](https://docs.rs/activity-runtime/latest/activity_runtime/attr.activity.html)
/// for the accepted forms, the generated items, and the rejected signatures.
#[proc_macro_attribute]
pub fn activity(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::activity(attr.into(), item.into()).into()
}

/// Turns the `#[activity]` methods of an `impl` block into activities that share one instance.
///
/// See [`activity_runtime::activities`](https://docs.rs/activity-runtime/latest/activity_runtime/attr.activities.html).
#[proc_macro_attribute]
pub fn activities(attr: TokenStream, item: TokenStream) -> TokenStream {
    impl_block::activities(attr.into(), item.into()).into()
}

/// Every error found in one expansion, so that a build shows all of them at once (serde's
/// `Ctxt` pattern).
///
/// It holds syn errors rather than darling's, because syn's `new_spanned` keeps both ends of a
/// range on stable Rust, where darling's single span shrinks to the first token.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error covering all of `tokens`, with the fix in `message`.
    fn at(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records each error darling found; those point at a single key or value.
    fn push_darling(&mut self, error: darling::Error) {
        for error in error.flatten() {
            self.push(error.into());
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}
