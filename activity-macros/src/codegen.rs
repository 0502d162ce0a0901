//! Generates code from resolved models, and from nothing else.
//!
//! A free function gets a braced struct of the same name, which lives only in the type
//! namespace (as Rocket's route macros do), so `f` stays the callable function while
//! `activity_set![f]` and `<f as Activity>` name the companion; and, in an anonymous `const`,
//! the `Activity` impl and its registration. The methods of an `#[activities]` block get hidden
//! companions and an `ActivityImpl` impl that lists them. Everything is reached through
//! `<crate>::__private`, so users depend on one crate; generated locals start with `__activity_`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::model::{ActivityModel, Owner};
use crate::signature::{Execution, Output, Param, Receiver};

/// What goes beside an `#[activity]` function.
pub(crate) fn free_function(model: &ActivityModel<'_>) -> TokenStream {
    let ActivityModel {
        runtime: rt,
        companion,
        cfgs,
        vis,
        ..
    } = model;
    let activity_impl = activity_impl(model);
    let typed_name = typed_name(model);
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #companion {}

        #(#cfgs)*
        const _: () = {
            #activity_impl
            #typed_name
            #rt::inventory::submit! { #rt::ActivityDefinition::of::<#companion>() }
        };
    }
}

/// The activity's name as the official SDK's workflows and clients take it, a `Typed`
/// constant: `f::ACTIVITY` for a function, `Type::METHOD` (the method's name in upper case)
/// for a method. A dynamic activity has no name of its own, so it has none.
fn typed_name(model: &ActivityModel<'_>) -> Option<TokenStream> {
    let ActivityModel {
        runtime: rt,
        companion,
        vis,
        name,
        ..
    } = model;
    if model.dynamic {
        return None;
    }
    let ident = &model.function.ident;
    let (owner, constant) = match model.owner {
        Owner::Free => (
            quote!(#companion),
            format_ident!("ACTIVITY", span = ident.span()),
        ),
        Owner::Method { self_ty } => {
            let upper = ident.unraw().to_string().to_uppercase();
            (
                quote!(#self_ty),
                format_ident!("{upper}", span = ident.span()),
            )
        }
    };
    let doc = format!(
        "The activity `{name}`, as the official SDK's workflows and clients name activities \
         (`ctx.start_activity`, `Client::start_activity`), and as `client::execute_activity` \
         takes it."
    );
    Some(quote! {
        impl #owner {
            #[doc = #doc]
            #vis const #constant: #rt::Typed<#companion> = #rt::Typed::new();
        }
    })
}

/// What goes beside an `#[activities]` block on `self_ty`.
pub(crate) fn impl_block(
    rt: &TokenStream,
    self_ty: &syn::Type,
    models: &[ActivityModel<'_>],
) -> TokenStream {
    let companions = models.iter().map(|model| {
        let ActivityModel {
            companion,
            cfgs,
            vis,
            ..
        } = model;
        // As visible as the method, since its typed name is; nameable only through that.
        let typed_name = typed_name(model);
        quote! {
            #(#cfgs)*
            #[allow(non_camel_case_types)]
            #vis struct #companion {}

            #(#cfgs)*
            #typed_name
        }
    });
    let impls = models.iter().map(activity_impl);
    let definitions = models.iter().map(|model| {
        let ActivityModel {
            companion, cfgs, ..
        } = model;
        quote!(#(#cfgs)* __activity_definitions.push(#rt::ActivityDefinition::of::<#companion>());)
    });
    let listing = quote_spanned! {self_ty.span()=>
        impl #rt::ActivityImpl for #self_ty {
            // One `push` per method, so that each can carry the method's `#[cfg]`s.
            #[allow(clippy::vec_init_then_push)]
            fn definitions() -> ::std::vec::Vec<#rt::ActivityDefinition> {
                let mut __activity_definitions = ::std::vec::Vec::new();
                #(#definitions)*
                __activity_definitions
            }
        }
    };
    quote! {
        const _: () = {
            #(#companions)*
            #(#impls)*
            #listing
        };
    }
}

/// The `Activity` impl: the name, the types, and `start`, which decodes each argument (spanned
/// at its type, so a type that does not decode is reported there) and prepares the call.
fn activity_impl(model: &ActivityModel<'_>) -> TokenStream {
    let ActivityModel {
        name,
        dynamic,
        runtime: rt,
        companion,
        signature,
        ..
    } = model;
    let input_types = signature.payload_types();
    let (output_type, finish) = output_parts(rt, &signature.output);
    let function_path = function_path(model);
    let execution = match signature.execution {
        Execution::Async => quote!(#rt::Execution::Async),
        Execution::Blocking => quote!(#rt::Execution::Blocking),
    };
    let state = state_requirements(model);
    let result_alias_check = result_alias_check(model);
    let instance = instance(model);
    let (bindings, prepare) = parameters(model);
    let invocation = invocation(model, &bindings, &finish);
    quote! {
        impl #rt::Activity for #companion {
            type Input = (#(#input_types,)*);
            type Output = #output_type;
            const NAME: &'static str = #name;
            const EXECUTION: #rt::Execution = #execution;
            const FUNCTION: &'static str = #function_path;
            const DYNAMIC: bool = #dynamic;
            const STATE: &'static [#rt::StateRequirement] = &[#(#state),*];

            #[allow(unused_mut, unused_variables)]
            fn start(
                __activity_context: #rt::ActivityContext,
                mut __activity_arguments: #rt::Arguments,
            ) -> ::core::result::Result<#rt::Invocation, #rt::ActivityError> {
                #result_alias_check
                #instance
                #(#prepare)*
                __activity_arguments.finish()?;
                ::core::result::Result::Ok(#invocation)
            }
        }
    }
}

/// The function's path, for logs and for the registry's duplicate-name errors.
fn function_path(model: &ActivityModel<'_>) -> TokenStream {
    let ident = &model.function.ident;
    match model.owner {
        Owner::Method { self_ty } => quote!(::core::concat!(
            ::core::module_path!(),
            "::",
            ::core::stringify!(#self_ty),
            "::",
            ::core::stringify!(#ident)
        )),
        Owner::Free => quote!(::core::concat!(
            ::core::module_path!(),
            "::",
            ::core::stringify!(#ident)
        )),
    }
}

/// The states the activity needs, each spanned at its `State<T>`; a method also needs its
/// instance.
fn state_requirements(model: &ActivityModel<'_>) -> Vec<TokenStream> {
    let rt = &model.runtime;
    let mut state = model
        .signature
        .state_types()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #rt::StateParameter>::REQUIREMENT))
        .collect::<Vec<_>>();
    if let (Owner::Method { self_ty }, Some(_)) = (&model.owner, model.signature.receiver) {
        state.push(quote!(#rt::StateRequirement::of::<#self_ty>()));
    }
    state
}

/// For a method that takes `self`, the instance, taken from the worker's state.
fn instance(model: &ActivityModel<'_>) -> Option<TokenStream> {
    let rt = &model.runtime;
    match (&model.owner, model.signature.receiver) {
        (Owner::Method { self_ty }, Some(_)) => Some(quote!(
            let __activity_instance =
                <#rt::State<#self_ty> as #rt::StateParameter>::from_context(&__activity_context)?
                    .into_arc();
        )),
        _ => None,
    }
}

/// One binding per parameter, in order, and the statements that produce them.
fn parameters(model: &ActivityModel<'_>) -> (Vec<syn::Ident>, Vec<TokenStream>) {
    let rt = &model.runtime;
    model
        .signature
        .params
        .iter()
        .enumerate()
        .map(|(index, param)| {
            let binding = format_ident!("__activity_parameter{index}");
            let value = match param {
                Param::Context => quote!(::core::clone::Clone::clone(&__activity_context)),
                Param::State(ty) => quote_spanned!(ty.span()=>
                    <#ty as #rt::StateParameter>::from_context(&__activity_context)?
                ),
                Param::Payload { ty, .. } if model.dynamic => {
                    quote_spanned!(ty.span()=> __activity_arguments.take_raw::<#ty>())
                }
                Param::Payload { ty, name } => {
                    let label = name.as_deref().unwrap_or("");
                    quote_spanned!(ty.span()=> __activity_arguments.next::<#ty>(#label)?)
                }
            };
            let statement = quote!(let #binding = #value;);
            (binding, statement)
        })
        .unzip()
}

/// The `Invocation` that calls the user's function with the bindings, spanned at its name.
fn invocation(
    model: &ActivityModel<'_>,
    bindings: &[syn::Ident],
    finish: &TokenStream,
) -> TokenStream {
    let rt = &model.runtime;
    let ident = &model.function.ident;
    let span = ident.span();
    let receiver = match model.signature.receiver {
        Some(Receiver::Ref) => Some(quote!(&*__activity_instance,)),
        Some(Receiver::Arc) => Some(quote!(__activity_instance,)),
        None => None,
    };
    let call = match model.owner {
        Owner::Method { self_ty } => {
            quote_spanned!(span=> <#self_ty>::#ident(#receiver #(#bindings),*))
        }
        Owner::Free => quote_spanned!(span=> #ident(#(#bindings),*)),
    };
    match (model.signature.execution, receiver) {
        // The future borrows the instance, so an async block owns it.
        (Execution::Async, Some(_)) => {
            quote!(#rt::Invocation::from_future(async move { #call.await }, #finish))
        }
        (Execution::Async, None) => quote!(#rt::Invocation::from_future(#call, #finish)),
        (Execution::Blocking, _) => quote!(#rt::Invocation::from_blocking(move || #call, #finish)),
    }
}

/// A plain `-> T` whose `T` is a `Result` under another name would be encoded as a success
/// even when it holds an error; this fails the build there, spanned at `T`.
fn result_alias_check(model: &ActivityModel<'_>) -> Option<TokenStream> {
    let rt = &model.runtime;
    let Output::Value(Some(ty)) = model.signature.output else {
        return None;
    };
    Some(quote_spanned! {ty.span()=>
        {
            #[allow(unused_imports)]
            use #rt::{PlainValue as _, ResultBehindAlias as _};
            #rt::require_plain_value((&#rt::Probe::<#ty>::new()).verdict());
        }
    })
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
            // Called, not passed as a function: `finish_result` is `#[track_caller]`, and an
            // error it converts is located at the call, which this spans at the return type.
            (
                ok_type,
                quote_spanned!(whole.span()=> |__activity_output| #rt::finish_result::<#ok, #err>(__activity_output)),
            )
        }
    }
}
