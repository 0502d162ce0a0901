//! `#[activities]` on an `impl` block: its `#[activity]` methods become activities that run on
//! one shared instance.
//!
//! The block is emitted with the `#[activity]` attributes removed (they are markers here, not
//! macros). Beside it, in an anonymous `const`, each method gets a hidden companion and its
//! `Activity` impl, which reaches the instance as `State<Self>`; and the type gets an
//! `ActivityImpl` impl listing them, which `ActivitySet::from_instance` reads.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;

use crate::Errors;
use crate::args::{self, ActivityArgs};
use crate::expand::{self, Companion};
use crate::signature::Place;

/// The arguments of `#[activities(...)]`.
#[derive(Debug, FromMeta)]
struct ImplArgs {
    /// The path to `activity_runtime`, for users who renamed the dependency.
    #[darling(rename = "crate", default)]
    krate: Option<syn::Path>,
}

/// Expands `#[activities(attr)] item`. On any error the block is emitted without its markers,
/// followed by every error.
pub(crate) fn activities(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse2::<syn::ItemImpl>(item.clone()) {
        Ok(mut block) => {
            let methods = take_markers(&mut block);
            expand(attr, &block, methods).unwrap_or_else(|errors| {
                let errors = errors.to_compile_error();
                quote!(#block #errors)
            })
        }
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "`#[activities]` goes on an `impl` block whose methods are marked `#[activity]`; \
                 for a free function, write `#[activity]` on the function",
            )
            .to_compile_error();
            quote!(#item #error)
        }
    }
}

/// An `#[activity]` method: its attribute's arguments, and its index in the block.
struct Marked {
    index: usize,
    attr: TokenStream,
}

/// Removes the `#[activity]` markers from the block's methods, and says which were marked.
fn take_markers(block: &mut syn::ItemImpl) -> Vec<Marked> {
    let mut marked = Vec::new();
    for (index, item) in block.items.iter_mut().enumerate() {
        let syn::ImplItem::Fn(method) = item else {
            continue;
        };
        let Some(position) = method.attrs.iter().position(is_marker) else {
            continue;
        };
        let attr = method.attrs.remove(position);
        let attr = match attr.meta {
            syn::Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        method
            .attrs
            .push(syn::parse_quote!(#[allow(clippy::needless_pass_by_value)]));
        marked.push(Marked { index, attr });
    }
    marked
}

fn is_marker(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "activity")
}

fn expand(
    attr: TokenStream,
    block: &syn::ItemImpl,
    methods: Vec<Marked>,
) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let krate = NestedMeta::parse_meta_list(attr)
        .map_err(darling::Error::from)
        .and_then(|metas| ImplArgs::from_list(&metas))
        .map_or_else(
            |error| {
                errors.push_darling(error);
                None
            },
            |args| args.krate,
        );
    if let Some((_, trait_path, _)) = &block.trait_ {
        errors.at(
            trait_path,
            "`#[activities]` goes on an inherent `impl` block (`impl MyActivities { ... }`), not \
             on a trait implementation",
        );
    }
    if !block.generics.params.is_empty() {
        errors.at(
            &block.generics,
            "`#[activities]` can't go on a generic `impl` block: the worker must know the \
             concrete type of the instance; implement it for a concrete type",
        );
    }
    if methods.is_empty() && block.trait_.is_none() {
        errors.at(
            &block.self_ty,
            "this `#[activities]` block has no `#[activity]` methods; mark each method that is \
             an activity with `#[activity]`",
        );
    }
    let parsed = methods
        .iter()
        .map(|marked| {
            let syn::ImplItem::Fn(method) = &block.items[marked.index] else {
                unreachable!("markers are taken from methods only");
            };
            let mut args = args::parse(marked.attr.clone(), &mut errors);
            if let Some(krate) = &krate {
                args.krate = krate.clone();
            }
            (method, args)
        })
        .collect::<Vec<_>>();
    let checked = parsed
        .iter()
        .map(|(method, args)| expand::check(args, &method.sig, Place::Method, &mut errors))
        .collect::<Vec<_>>();
    errors.finish()?;

    let self_ty = &*block.self_ty;
    let rt = expand::runtime_path(&ActivityArgs {
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::activity_runtime)),
        ..ActivityArgs::default()
    });
    let mut companions = Vec::new();
    let mut impls = Vec::new();
    for ((method, args), sig) in parsed.iter().zip(&checked) {
        let companion = format_ident!(
            "__activity_{}",
            method.sig.ident,
            span = method.sig.ident.span()
        );
        let cfgs = expand::cfg_attrs(&method.attrs);
        impls.push(expand::companion_impl(&Companion {
            rt: &rt,
            args,
            function: &method.sig,
            sig,
            companion: &companion,
            self_ty: Some(self_ty),
        }));
        companions.push(quote! {
            #(#cfgs)*
            #[allow(non_camel_case_types)]
            struct #companion {}
        });
    }
    let definitions = parsed.iter().map(|(method, _)| {
        let companion = format_ident!("__activity_{}", method.sig.ident);
        let cfgs = expand::cfg_attrs(&method.attrs);
        quote!(#(#cfgs)* __definitions.push(#rt::ActivityDefinition::of::<#companion>());)
    });
    let span = block.self_ty.span();
    let activity_impl = quote::quote_spanned! {span=>
        impl #rt::ActivityImpl for #self_ty {
            // One `push` per method, so that each can carry the method's `#[cfg]`s.
            #[allow(clippy::vec_init_then_push)]
            fn definitions() -> ::std::vec::Vec<#rt::ActivityDefinition> {
                let mut __definitions = ::std::vec::Vec::new();
                #(#definitions)*
                __definitions
            }
        }
    };
    Ok(quote! {
        #block

        const _: () = {
            #(#companions)*
            #(#impls)*
            #activity_impl
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn methods_get_hidden_companions_that_reach_the_instance_as_state() {
        let expanded = activities(
            quote!(),
            quote! {
                impl Shop {
                    #[activity(name = "shop_sell")]
                    async fn sell(&self, item: String) -> String {
                        item
                    }
                }
            },
        );
        let file = syn::parse2::<syn::File>(expanded).expect("expansion parses");
        expect![[r#"
            impl Shop {
                #[allow(clippy::needless_pass_by_value)]
                async fn sell(&self, item: String) -> String {
                    item
                }
            }
            const _: () = {
                #[allow(non_camel_case_types)]
                struct __activity_sell {}
                impl ::activity_runtime::__private::Activity for __activity_sell {
                    type Input = (String,);
                    type Output = String;
                    const NAME: &'static str = "shop_sell";
                    const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
                    const FUNCTION: &'static str = ::core::concat!(
                        ::core::module_path!(), "::", ::core::stringify!(Shop), "::",
                        ::core::stringify!(sell)
                    );
                    const DYNAMIC: bool = false;
                    const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[
                        ::activity_runtime::__private::StateRequirement::of::<Shop>(),
                    ];
                    #[allow(unused_mut, unused_variables)]
                    fn start(
                        __context: ::activity_runtime::__private::ActivityContext,
                        mut __arguments: ::activity_runtime::__private::Arguments,
                    ) -> ::core::result::Result<
                        ::activity_runtime::__private::Invocation,
                        ::activity_runtime::__private::ActivityError,
                    > {
                        {
                            #[allow(unused_imports)]
                            use ::activity_runtime::__private::{
                                PlainValue as _, ResultBehindAlias as _,
                            };
                            ::activity_runtime::__private::require_plain_value(
                                (&::activity_runtime::__private::Probe::<String>::new()).verdict(),
                            );
                        }
                        let __instance = <::activity_runtime::__private::State<
                            Shop,
                        > as ::activity_runtime::__private::StateParameter>::from_context(
                                &__context,
                            )?
                            .into_arc();
                        let __parameter0 = __arguments.next::<String>("item")?;
                        __arguments.finish()?;
                        ::core::result::Result::Ok(
                            ::activity_runtime::__private::Invocation::from_future(
                                async move { <Shop>::sell(&*__instance, __parameter0).await },
                                ::activity_runtime::__private::finish_value::<String>,
                            ),
                        )
                    }
                }
                impl ::activity_runtime::__private::ActivityImpl for Shop {
                    #[allow(clippy::vec_init_then_push)]
                    fn definitions() -> ::std::vec::Vec<
                        ::activity_runtime::__private::ActivityDefinition,
                    > {
                        let mut __definitions = ::std::vec::Vec::new();
                        __definitions
                            .push(
                                ::activity_runtime::__private::ActivityDefinition::of::<
                                    __activity_sell,
                                >(),
                            );
                        __definitions
                    }
                }
            };
        "#]]
        .assert_eq(&prettyplease::unparse(&file));
    }
}
