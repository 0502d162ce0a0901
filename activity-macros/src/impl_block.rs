//! `#[activities]` on an `impl` block: its `#[activity]` methods become activities that run on
//! one shared instance.
//!
//! The block is emitted with the `#[activity]` markers removed (they are markers here, not
//! macros). Each marked method gets a hidden companion that reaches the instance as
//! `State<Self>`, and the type gets an `ActivityImpl` impl listing them, which
//! `ActivitySet::from_instance` reads.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};

use crate::args;
use crate::codegen;
use crate::driver::Target;
use crate::errors::Errors;
use crate::model::{self, Owner};
use crate::shallow::{Impl, ImplItem};

/// The `impl` block that `#[activities]` goes on.
pub(crate) struct ImplBlock(Impl);

impl Parse for ImplBlock {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        input.parse().map(Self)
    }
}

impl ToTokens for ImplBlock {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.0.to_tokens(tokens);
    }
}

impl Target for ImplBlock {
    fn misplaced(_: TokenStream) -> syn::Error {
        syn::Error::new(
            proc_macro2::Span::call_site(),
            "`#[activities]` goes on an `impl` block whose methods are marked `#[activity]`; \
             for a free function, write `#[activity]` on the function",
        )
    }

    fn generate(&mut self, attr: TokenStream, errors: &mut Errors) -> TokenStream {
        let block_args = args::parse_impl(attr, errors);
        let krate = block_args.krate.as_ref();
        let markers = take_markers(&mut self.0, krate);
        let block = &self.0;
        let shape_is_valid = check_shape(block, markers.is_empty(), errors);
        let self_ty = &*block.header.self_ty;
        let models = markers
            .into_iter()
            .filter_map(|(index, attr)| {
                let ImplItem::Function(method) = &block.items[index] else {
                    unreachable!("markers are taken from methods only");
                };
                let args = args::parse(attr, errors);
                model::resolve(args, krate, method, Owner::Method { self_ty }, errors)
            })
            .collect::<Vec<_>>();
        if !shape_is_valid {
            return TokenStream::new();
        }
        let krate = krate
            .cloned()
            .unwrap_or_else(|| syn::parse_quote!(::activity_runtime));
        codegen::impl_block(&model::runtime_path(&krate), self_ty, &models)
    }
}

/// Reports what makes the block itself unusable; returns whether generating for it makes sense.
fn check_shape(block: &Impl, unmarked: bool, errors: &mut Errors) -> bool {
    let header = &block.header;
    let mut valid = true;
    if let Some((trait_path, _)) = &header.trait_ {
        valid = false;
        errors.at(
            trait_path,
            "`#[activities]` goes on an inherent `impl` block (`impl MyActivities { ... }`), not \
             on a trait implementation",
        );
    }
    if !header.generics.params.is_empty() {
        valid = false;
        errors.at(
            &header.generics,
            "`#[activities]` can't go on a generic `impl` block: the worker must know the \
             concrete type of the instance; implement it for a concrete type",
        );
    }
    if unmarked && header.trait_.is_none() {
        errors.at(
            &header.self_ty,
            "this `#[activities]` block has no `#[activity]` methods; mark each method that is \
             an activity with `#[activity]`",
        );
    }
    valid
}

/// Removes the `#[activity]` markers from the block's methods, and returns the index and the
/// marker's arguments of each marked method.
fn take_markers(block: &mut Impl, krate: Option<&syn::Path>) -> Vec<(usize, TokenStream)> {
    let mut marked = Vec::new();
    for (index, item) in block.items.iter_mut().enumerate() {
        let ImplItem::Function(method) = item else {
            continue;
        };
        let Some(position) = method.attrs.iter().position(|attr| is_marker(attr, krate)) else {
            continue;
        };
        let marker = method.attrs.remove(position);
        let arguments = match marker.meta {
            syn::Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        method
            .attrs
            .push(syn::parse_quote!(#[allow(clippy::needless_pass_by_value)]));
        marked.push((index, arguments));
    }
    marked
}

/// Our marker, and no other crate's `activity` attribute: `activity` as imported, or
/// `activity_runtime::activity`, or the block's `crate = ...` path followed by `activity`.
fn is_marker(attr: &syn::Attribute, krate: Option<&syn::Path>) -> bool {
    let path = attr.path();
    if path.is_ident("activity") {
        return true;
    }
    let segments = path.segments.iter().collect::<Vec<_>>();
    let Some((last, prefix)) = segments.split_last() else {
        return false;
    };
    if last.ident != "activity" {
        return false;
    }
    let prefix = prefix.iter().map(|segment| segment.ident.to_string());
    match krate {
        Some(krate) => prefix.eq(krate
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())),
        None => prefix.eq(["activity_runtime".to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn only_our_activity_attribute_is_a_marker() {
        let rt: syn::Path = syn::parse_quote!(rt);
        for (attr, krate, expected) in [
            (quote!(#[activity]), None, true),
            (quote!(#[activity(name = "x")]), None, true),
            (quote!(#[activity_runtime::activity]), None, true),
            (quote!(#[::activity_runtime::activity]), None, true),
            (quote!(#[rt::activity]), Some(&rt), true),
            (quote!(#[rt::activity]), None, false),
            (quote!(#[tracing::activity]), None, false),
            (quote!(#[activity_runtime::activity]), Some(&rt), false),
            (quote!(#[activities]), None, false),
        ] {
            let attr = syn::parse::Parser::parse2(syn::Attribute::parse_outer, attr.clone())
                .expect("an attribute")
                .remove(0);
            assert_eq!(
                is_marker(&attr, krate),
                expected,
                "{}",
                attr.to_token_stream()
            );
        }
    }
}
