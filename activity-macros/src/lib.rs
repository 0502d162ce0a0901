//! The `#[activity]` attribute of [`activity_runtime`](https://docs.rs/activity-runtime).
//!
//! Depend on `activity-runtime`, which re-exports this macro as `activity_runtime::activity` and
//! documents it with examples; the generated code needs that crate.
//!
//! Both attributes go through one driver (`driver::expand`): parse the item only as far as the
//! signatures, resolve each activity into a model (`model::ActivityModel`) while collecting
//! every error, then generate from the models alone (`codegen`).

#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

use proc_macro::TokenStream;

mod args;
mod codegen;
mod driver;
mod errors;
mod function;
mod impl_block;
mod model;
mod shallow;
mod signature;
#[cfg(test)]
mod snapshots;

/// Turns a plain `async fn` or blocking `fn` into a Temporal activity.
///
/// See [`activity_runtime::activity`](https://docs.rs/activity-runtime/latest/activity_runtime/attr.activity.html)
/// for the accepted forms, the generated items, and the rejected signatures.
#[proc_macro_attribute]
pub fn activity(attr: TokenStream, item: TokenStream) -> TokenStream {
    driver::expand::<function::FreeFunction>(attr.into(), item.into()).into()
}

/// Turns the `#[activity]` methods of an `impl` block into activities that share one instance.
///
/// See [`activity_runtime::activities`](https://docs.rs/activity-runtime/latest/activity_runtime/attr.activities.html).
#[proc_macro_attribute]
pub fn activities(attr: TokenStream, item: TokenStream) -> TokenStream {
    driver::expand::<impl_block::ImplBlock>(attr.into(), item.into()).into()
}
