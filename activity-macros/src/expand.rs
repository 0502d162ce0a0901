//! Generates the companion of an `#[activity]` function.
//!
//! The user's function is emitted exactly as written. Beside it go a braced struct of the same
//! name, which lives only in the type namespace (as Rocket's route macros do), so `f` stays the
//! callable function while `activities![f]` and `<f as Activity>` name the companion; and, in
//! an anonymous `const`, the `Activity` impl and its registration. Everything the expansion needs
//! is reached through `activity_runtime::__private`, so users depend on one crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::args::{self, ActivityArgs};
use crate::signature::{self, ActivitySignature, Execution, Output};

/// Expands `#[activity(attr)] item`. On any error the item is emitted unchanged, followed by
/// every error, so that the rest of the crate still type-checks.
pub(crate) fn activity(attr: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = expand(attr, item.clone()).unwrap_or_else(|errors| {
        let errors = errors.write_errors();
        quote!(#item #errors)
    });
    if std::env::var_os("ACTIVITY_MACROS_DEBUG").is_some_and(|value| value != "0") {
        eprintln!("{expanded}");
    }
    expanded
}

fn expand(attr: TokenStream, item: TokenStream) -> darling::Result<TokenStream> {
    let mut errors = darling::Error::accumulator();
    let args = args::parse(attr, &mut errors);
    let function = match syn::parse2::<syn::Item>(item) {
        Ok(syn::Item::Fn(function)) => function,
        Ok(other) => {
            errors.push(not_a_function(&other));
            return Err(errors.finish().expect_err("an error was just pushed"));
        }
        Err(error) => {
            errors.push(darling::Error::from(error));
            return Err(errors.finish().expect_err("an error was just pushed"));
        }
    };
    let sig = signature::check(&function.sig, &mut errors);
    errors.finish()?;
    Ok(generate(&args, &function, &sig))
}

fn not_a_function(item: &syn::Item) -> darling::Error {
    let kind = match item {
        syn::Item::Struct(_) => "a struct",
        syn::Item::Enum(_) => "an enum",
        syn::Item::Impl(_) => "an `impl` block (use `#[activities]` there)",
        syn::Item::Trait(_) => "a trait",
        syn::Item::Static(_) | syn::Item::Const(_) => "a static or const (a closure can't be an activity)",
        syn::Item::Mod(_) => "a module",
        syn::Item::Verbatim(_) => "a function without a body",
        _ => "this item",
    };
    darling::Error::custom(format!(
        "`#[activity]` goes on a free function, `async fn` or `fn`, not on {kind}; \
         write `#[activity] async fn your_activity(input: YourParams) -> String {{ ... }}`"
    ))
    .with_span(&leading_token(item))
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

fn generate(args: &ActivityArgs, function: &syn::ItemFn, sig: &ActivitySignature<'_>) -> TokenStream {
    let rt = {
        let krate = &args.krate;
        quote!(#krate::__private)
    };
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let cfgs = function
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .collect::<Vec<_>>();
    let name = match &args.name {
        Some(name) => name.value.clone(),
        None => ident.unraw().to_string(),
    };
    let execution = match sig.execution {
        Execution::Async => quote!(#rt::Execution::Async),
        Execution::Blocking => quote!(#rt::Execution::Blocking),
    };

    let input_types = sig.params.iter().map(|param| param.ty);
    let argument_idents = (0..sig.params.len())
        .map(|index| format_ident!("__argument{index}"))
        .collect::<Vec<_>>();
    let decode_arguments = sig.params.iter().zip(&argument_idents).map(|(param, binding)| {
        let ty = param.ty;
        let label = param.name.as_deref().unwrap_or("");
        // Spanned at the user's type, so a type that does not deserialize is reported there.
        let decode = quote_spanned!(ty.span()=> __arguments.next::<#ty>(#label));
        quote!(let #binding = #decode?;)
    });
    let context = sig.takes_context.then(|| quote!(__context,));
    let call = quote_spanned!(signature::function_span(&function.sig)=>
        #ident(#context #(#argument_idents),*)
    );

    let (output_type, finish) = output_parts(&rt, &sig.output);
    let invocation = match sig.execution {
        Execution::Async => quote!(#rt::Invocation::from_future(#call, #finish)),
        Execution::Blocking => quote!(#rt::Invocation::from_blocking(move || #call, #finish)),
    };
    let unused_context = (!sig.takes_context).then(|| quote!(let _ = __context;));

    quote! {
        #function

        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}

        #(#cfgs)*
        const _: () = {
            impl #rt::Activity for #ident {
                type Input = (#(#input_types,)*);
                type Output = #output_type;
                const NAME: &'static str = #name;
                const EXECUTION: #rt::Execution = #execution;
                const FUNCTION: &'static str = ::core::concat!(
                    ::core::module_path!(), "::", ::core::stringify!(#ident)
                );

                fn start(
                    __context: #rt::ActivityContext,
                    mut __arguments: #rt::Arguments,
                ) -> ::core::result::Result<#rt::Invocation, #rt::ActivityError> {
                    #unused_context
                    #(#decode_arguments)*
                    __arguments.finish()?;
                    ::core::result::Result::Ok(#invocation)
                }
            }

            #rt::inventory::submit! { #rt::ActivityDefinition::of::<#ident>() }
        };
    }
}

/// The `Output` associated type, and the function that turns what the user's function returned
/// into a payload or an error. Each check is spanned at the user's own type.
fn output_parts(rt: &TokenStream, output: &Output<'_>) -> (TokenStream, TokenStream) {
    match output {
        Output::Value(None) => (quote!(()), quote!(#rt::finish_value::<()>)),
        Output::Value(Some(ty)) => (
            quote!(#ty),
            quote_spanned!(ty.span()=> #rt::finish_value::<#ty>),
        ),
        Output::Result { whole, ok, err } => {
            let ok_type = match ok {
                Some(ok) => quote!(#ok),
                None => quote!(<#whole as #rt::ResultParts>::Ok),
            };
            let ok = ok.map_or_else(|| quote!(_), |ok| quote!(#ok));
            let err = err.map_or_else(|| quote!(_), |err| quote!(#err));
            (
                ok_type,
                quote_spanned!(whole.span()=> #rt::finish_result::<#ok, #err>),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn check(attr: TokenStream, item: TokenStream, expected: Expect) {
        let file = syn::parse2::<syn::File>(activity(attr, item)).expect("expansion parses");
        expected.assert_eq(&prettyplease::unparse(&file));
    }
}
