//! `#[activity]` on a free function.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream};

use crate::args;
use crate::codegen;
use crate::driver::Target;
use crate::errors::Errors;
use crate::model::{self, Owner};
use crate::shallow::Function;

/// The function that `#[activity]` goes on.
pub(crate) struct FreeFunction(Function);

impl Parse for FreeFunction {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        input.parse().map(Self)
    }
}

impl ToTokens for FreeFunction {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        // Taking parameters by value is what an activity does: they are decoded for it.
        tokens.extend(quote!(#[allow(clippy::needless_pass_by_value)]));
        self.0.to_tokens(tokens);
    }
}

impl Target for FreeFunction {
    fn misplaced(item: TokenStream) -> syn::Error {
        match syn::parse2::<syn::Item>(item) {
            Ok(item) => not_a_function(&item),
            Err(error) => error,
        }
    }

    fn generate(&mut self, attr: TokenStream, errors: &mut Errors) -> TokenStream {
        let args = args::parse(attr, errors);
        model::resolve(args, None, &self.0, Owner::Free, errors)
            .map(|model| codegen::free_function(&model))
            .unwrap_or_default()
    }
}

fn not_a_function(item: &syn::Item) -> syn::Error {
    let kind = match item {
        syn::Item::Struct(_) => "a struct",
        syn::Item::Enum(_) => "an enum",
        syn::Item::Impl(_) => "an `impl` block (use `#[activities]` there)",
        syn::Item::Trait(_) => "a trait",
        syn::Item::Static(_) | syn::Item::Const(_) => {
            "a static or const; a closure can't be an activity, so make it an `fn`"
        }
        syn::Item::Mod(_) => "a module",
        syn::Item::Verbatim(_) => "a function without a body",
        _ => "this item",
    };
    syn::Error::new_spanned(
        leading_token(item),
        format!(
            "`#[activity]` goes on a free function, `async fn` or `fn`, not on {kind}; \
             write `#[activity] async fn your_activity(input: YourParams) -> String {{ ... }}`"
        ),
    )
}

/// The item's keyword and name, so that the error does not cover a whole body.
fn leading_token(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(item) => {
            let (keyword, ident) = (&item.struct_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Enum(item) => {
            let (keyword, ident) = (&item.enum_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Impl(item) => {
            let keyword = &item.impl_token;
            quote!(#keyword)
        }
        syn::Item::Trait(item) => {
            let (keyword, ident) = (&item.trait_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Static(item) => {
            let (keyword, ident) = (&item.static_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Const(item) => {
            let (keyword, ident) = (&item.const_token, &item.ident);
            quote!(#keyword #ident)
        }
        other => quote!(#other),
    }
}
