//! The `#[activity]` attribute of [`activity_runtime`](https://docs.rs/activity-runtime).
//!
//! Depend on `activity-runtime`, which re-exports this macro as `activity_runtime::activity` and
//! documents it with examples; the generated code needs that crate.

use proc_macro::TokenStream;

mod args;
mod expand;
mod signature;

/// Turns a plain `async fn` or blocking `fn` into a Temporal activity.
///
/// See [`activity_runtime::activity`](https://docs.rs/activity-runtime/latest/activity_runtime/attr.activity.html)
/// for the accepted forms, the generated items, and the rejected signatures.
#[proc_macro_attribute]
pub fn activity(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::activity(attr.into(), item.into()).into()
}
