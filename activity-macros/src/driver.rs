//! The expansion driver that `#[activity]` and `#[activities]` share: parse the item only as far
//! as the signatures, resolve it into models while collecting every error, generate, and always
//! keep the user's item.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::parse::Parse;

use crate::errors::Errors;

/// An item that one of the attributes goes on.
pub(crate) trait Target: Parse + ToTokens {
    /// The error for an item this attribute does not go on, naming the one it does.
    fn misplaced(item: TokenStream) -> syn::Error;

    /// Reads the attribute's arguments and checks the item, recording every problem in
    /// `errors`, and returns what goes beside the item. It may adjust the item itself (the
    /// markers of `#[activities]`), which is emitted afterwards.
    fn generate(&mut self, attr: TokenStream, errors: &mut Errors) -> TokenStream;
}

/// Expands one attribute. The item is always emitted, so that the rest of the crate still
/// type-checks and IDEs keep completing; every error follows it.
pub(crate) fn expand<T: Target>(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let kept = match syn::parse2::<T>(item.clone()) {
        Ok(mut target) => {
            let generated = target.generate(attr, &mut errors);
            quote!(#target #generated)
        }
        Err(_) => {
            errors.push(T::misplaced(item.clone()));
            item
        }
    };
    let errors = errors.to_compile_errors();
    let expanded = quote!(#kept #errors);
    if std::env::var_os("ACTIVITY_MACROS_DEBUG").is_some_and(|value| value != "0") {
        eprintln!("{expanded}");
    }
    expanded
}
