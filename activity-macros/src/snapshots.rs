//! Expansion snapshots: each case's output, pretty-printed, is committed in
//! `activity-macros/snapshots/<case>.rs`. Regenerate with `UPDATE_EXPECT=1 cargo test -p
//! activity-runtime-macros`, and read every diff.

use expect_test::expect_file;
use proc_macro2::TokenStream;
use quote::quote;

use crate::driver::{self, Target};
use crate::function::FreeFunction;
use crate::impl_block::ImplBlock;

fn pretty<T: Target>(attr: TokenStream, item: TokenStream) -> String {
    let expanded = driver::expand::<T>(attr, item);
    let file = syn::parse2::<syn::File>(expanded).expect("the expansion parses");
    prettyplease::unparse(&file)
}

#[test]
fn async_function() {
    let expanded = pretty::<FreeFunction>(
        quote!(name = "your_activity"),
        quote! {
            pub async fn your_activity(input: YourParams) -> String {
                format!("{}, {}!", input.greeting, input.name)
            }
        },
    );
    expect_file!["../snapshots/async_function.rs"].assert_eq(&expanded);
}

#[test]
fn blocking_function() {
    let expanded = pretty::<FreeFunction>(
        quote!(),
        quote! {
            fn compute_total(prices: Vec<u64>) -> u64 {
                prices.iter().sum()
            }
        },
    );
    expect_file!["../snapshots/blocking_function.rs"].assert_eq(&expanded);
}

#[test]
fn arguments_with_a_pattern_a_cfg_and_a_fallible_result() {
    let expanded = pretty::<FreeFunction>(
        quote!(crate = my_runtime),
        quote! {
            #[cfg(feature = "billing")]
            async fn charge(YourParams { card, .. }: YourParams, cents: u64) -> anyhow::Result<Receipt> {
                todo!()
            }
        },
    );
    expect_file!["../snapshots/fallible_with_cfg_and_crate.rs"].assert_eq(&expanded);
}

#[test]
fn dynamic_with_context_and_state() {
    let expanded = pretty::<FreeFunction>(
        quote!(dynamic),
        quote! {
            async fn fallback(ctx: ActivityContext, db: State<Db>, args: Vec<Payload>) -> usize {
                args.len()
            }
        },
    );
    expect_file!["../snapshots/dynamic_with_context_and_state.rs"].assert_eq(&expanded);
}

#[test]
fn context_first() {
    let expanded = pretty::<FreeFunction>(
        quote!(),
        quote! {
            async fn whoami(ctx: ActivityContext, suffix: String) -> Result<String, ActivityError> {
                Ok(format!("{}{suffix}", ctx.info().activity_id))
            }
        },
    );
    expect_file!["../snapshots/context_first.rs"].assert_eq(&expanded);
}

#[test]
fn impl_block_methods() {
    let expanded = pretty::<ImplBlock>(
        quote!(),
        quote! {
            impl Shop {
                pub fn new() -> Self {
                    Shop
                }

                #[activity(name = "shop_sell")]
                async fn sell(&self, item: String) -> String {
                    item
                }

                #[cfg(feature = "restock")]
                #[activity]
                fn restock(self: Arc<Self>, ctx: ActivityContext, count: u32) -> Result<(), Error> {
                    Ok(())
                }

                #[activity]
                async fn open() -> bool {
                    true
                }

                #[tracing::activity]
                fn not_ours(&self) {}
            }
        },
    );
    expect_file!["../snapshots/impl_block_methods.rs"].assert_eq(&expanded);
}

#[test]
fn impl_block_with_a_renamed_crate() {
    let expanded = pretty::<ImplBlock>(
        quote!(crate = rt),
        quote! {
            impl Shop {
                #[rt::activity]
                async fn sell(&self, item: String) -> String {
                    item
                }
            }
        },
    );
    expect_file!["../snapshots/impl_block_with_a_renamed_crate.rs"].assert_eq(&expanded);
}

/// A misspelled key is one error: the companion is still generated, with the defaults, so uses
/// of the activity elsewhere do not fail a second time.
#[test]
fn bad_arguments_still_generate_with_the_defaults() {
    let expanded = pretty::<FreeFunction>(
        quote!(nmae = "greet"),
        quote! {
            async fn greet(name: String) -> String {
                name
            }
        },
    );
    expect_file!["../snapshots/bad_arguments.rs"].assert_eq(&expanded);
}

/// A wrong signature keeps the function as written, without a companion that would only add
/// errors of its own.
#[test]
fn a_wrong_signature_keeps_the_item_beside_its_errors() {
    let expanded = pretty::<FreeFunction>(
        quote!(),
        quote! {
            async fn f(name: &str) {}
        },
    );
    expect_file!["../snapshots/wrong_signature.rs"].assert_eq(&expanded);
}

/// In a block, a wrong method loses its companion; the others keep theirs.
#[test]
fn a_wrong_method_does_not_take_the_others_down() {
    let expanded = pretty::<ImplBlock>(
        quote!(),
        quote! {
            impl Shop {
                #[activity(crate = rt)]
                async fn sell(&self, item: String) -> String {
                    item
                }

                #[activity]
                async fn buy(&mut self, item: String) {}
            }
        },
    );
    expect_file!["../snapshots/impl_block_with_a_wrong_method.rs"].assert_eq(&expanded);
}

/// The body is the compiler's business: the macro does not parse it.
#[test]
fn a_body_is_not_parsed() {
    let expanded = driver::expand::<FreeFunction>(
        quote!(),
        quote! {
            async fn f(input: String) -> String { this is not rust }
        },
    )
    .to_string();
    assert!(expanded.contains("this is not rust"), "{expanded}");
    assert!(!expanded.contains("compile_error"), "{expanded}");
}
