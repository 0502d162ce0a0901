//! Generates the companion of an `#[activity]` function.
//!
//! The user's function is emitted as written, under one `allow` for a clippy lint whose advice
//! (borrow the parameters) the macro rejects. Beside it go a braced struct of the same
//! name, which lives only in the type namespace (as Rocket's route macros do), so `f` stays the
//! callable function while `activity_set![f]` and `<f as Activity>` name the companion; and, in
//! an anonymous `const`, the `Activity` impl and its registration. Everything the expansion needs
//! is reached through `activity_runtime::__private`, so users depend on one crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::Errors;
use crate::args::{self, ActivityArgs};
use crate::signature::{self, ActivitySignature, Execution, Output, Param, Place, Receiver};

/// Expands `#[activity(attr)] item`. On any error the item is emitted unchanged, followed by
/// every error, so that the rest of the crate still type-checks.
pub(crate) fn activity(attr: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = expand(attr, item.clone()).unwrap_or_else(|errors| {
        let errors = errors.to_compile_error();
        quote!(#item #errors)
    });
    if std::env::var_os("ACTIVITY_MACROS_DEBUG").is_some_and(|value| value != "0") {
        eprintln!("{expanded}");
    }
    expanded
}

fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let args = args::parse(attr, &mut errors);
    let function = match syn::parse2::<syn::Item>(item) {
        Ok(syn::Item::Fn(function)) => function,
        other => {
            errors.push(other.map_or_else(|error| error, |item| not_a_function(&item)));
            return Err(errors.finish().expect_err("an error was just pushed"));
        }
    };
    let sig = check(&args, &function.sig, Place::Free, &mut errors);
    errors.finish()?;
    let rt = runtime_path(&args);
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let cfgs = cfg_attrs(&function.attrs);
    let activity_impl = companion_impl(&Companion {
        rt: &rt,
        args: &args,
        function: &function.sig,
        sig: &sig,
        companion: ident,
        self_ty: None,
    });
    Ok(quote! {
        #[allow(clippy::needless_pass_by_value)]
        #function

        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #ident {}

        #(#cfgs)*
        const _: () = {
            #activity_impl
            #rt::inventory::submit! { #rt::ActivityDefinition::of::<#ident>() }
        };
    })
}

/// Checks a function's signature against its arguments, in a free function or a method.
pub(crate) fn check<'a>(
    args: &ActivityArgs,
    function: &'a syn::Signature,
    place: Place,
    errors: &mut Errors,
) -> ActivitySignature<'a> {
    let sig = signature::check(function, place, errors);
    if args.dynamic.is_present() && sig.payload_types().count() != 1 {
        errors.at(
            &function.ident,
            "a dynamic activity takes the raw arguments as one parameter, after the context: \
             `args: Vec<Payload>`; it decodes each with `payload::decode` once it knows the type \
             from `ctx.info().activity_type`",
        );
    }
    sig
}

/// The path through which generated code reaches the runtime.
pub(crate) fn runtime_path(args: &ActivityArgs) -> TokenStream {
    let krate = &args.krate;
    quote!(#krate::__private)
}

/// The `#[cfg]`s of an item, repeated on what is generated beside it.
pub(crate) fn cfg_attrs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .collect()
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

/// What the `Activity` impl of one function or method needs.
pub(crate) struct Companion<'a> {
    pub(crate) rt: &'a TokenStream,
    pub(crate) args: &'a ActivityArgs,
    pub(crate) function: &'a syn::Signature,
    pub(crate) sig: &'a ActivitySignature<'a>,
    /// The type that implements `Activity`.
    pub(crate) companion: &'a syn::Ident,
    /// The impl block's type, for a method.
    pub(crate) self_ty: Option<&'a syn::Type>,
}

/// The `Activity` impl: the name, the types, and `start`, which decodes each argument (spanned
/// at its type, so a type that does not decode is reported there) and prepares the call.
pub(crate) fn companion_impl(companion: &Companion<'_>) -> TokenStream {
    let Companion {
        rt,
        args,
        function,
        sig,
        companion,
        self_ty,
    } = companion;
    let ident = &function.ident;
    let dynamic = args.dynamic.is_present();
    let name = match &args.name {
        Some(name) => name.value.clone(),
        None => ident.unraw().to_string(),
    };
    let function_path = match self_ty {
        Some(self_ty) => quote!(::core::concat!(
            ::core::module_path!(),
            "::",
            ::core::stringify!(#self_ty),
            "::",
            ::core::stringify!(#ident)
        )),
        None => quote!(::core::concat!(
            ::core::module_path!(),
            "::",
            ::core::stringify!(#ident)
        )),
    };
    let execution = match sig.execution {
        Execution::Async => quote!(#rt::Execution::Async),
        Execution::Blocking => quote!(#rt::Execution::Blocking),
    };
    let input_types = sig.payload_types();

    let mut bindings = Vec::new();
    let mut prepare = Vec::new();
    for (index, param) in sig.params.iter().enumerate() {
        let binding = format_ident!("__parameter{index}");
        let value = match param {
            Param::Context => quote!(::core::clone::Clone::clone(&__context)),
            Param::State(ty) => quote_spanned!(ty.span()=>
                <#ty as #rt::StateParameter>::from_context(&__context)?
            ),
            Param::Payload { ty, .. } if dynamic => {
                quote_spanned!(ty.span()=> __arguments.take_raw::<#ty>())
            }
            Param::Payload { ty, name } => {
                let label = name.as_deref().unwrap_or("");
                quote_spanned!(ty.span()=> __arguments.next::<#ty>(#label)?)
            }
        };
        prepare.push(quote!(let #binding = #value;));
        bindings.push(binding);
    }
    let mut state_types = sig
        .state_types()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as #rt::StateParameter>::REQUIREMENT))
        .collect::<Vec<_>>();

    let span = signature::function_span(function);
    let (instance, call) = match (self_ty, sig.receiver) {
        (Some(self_ty), Some(receiver)) => {
            state_types.push(quote!(#rt::StateRequirement::of::<#self_ty>()));
            let instance = quote!(
                let __instance = <#rt::State<#self_ty> as #rt::StateParameter>::from_context(&__context)?
                    .into_arc();
            );
            let receiver = match receiver {
                Receiver::Ref => quote!(&*__instance),
                Receiver::Arc => quote!(__instance),
            };
            (
                Some(instance),
                quote_spanned!(span=> <#self_ty>::#ident(#receiver, #(#bindings),*)),
            )
        }
        (Some(self_ty), None) => (
            None,
            quote_spanned!(span=> <#self_ty>::#ident(#(#bindings),*)),
        ),
        (None, _) => (None, quote_spanned!(span=> #ident(#(#bindings),*))),
    };

    let (output_type, finish) = output_parts(rt, &sig.output);
    let invocation = match (sig.execution, &instance) {
        // The future borrows the instance, so an async block owns it.
        (Execution::Async, Some(_)) => {
            quote!(#rt::Invocation::from_future(async move { #call.await }, #finish))
        }
        (Execution::Async, None) => quote!(#rt::Invocation::from_future(#call, #finish)),
        (Execution::Blocking, _) => quote!(#rt::Invocation::from_blocking(move || #call, #finish)),
    };
    let result_alias_check = match sig.output {
        Output::Value(Some(ty)) => Some(quote_spanned! {ty.span()=>
            {
                #[allow(unused_imports)]
                use #rt::{PlainValue as _, ResultBehindAlias as _};
                #rt::require_plain_value((&#rt::Probe::<#ty>::new()).verdict());
            }
        }),
        _ => None,
    };

    quote! {
        impl #rt::Activity for #companion {
            type Input = (#(#input_types,)*);
            type Output = #output_type;
            const NAME: &'static str = #name;
            const EXECUTION: #rt::Execution = #execution;
            const FUNCTION: &'static str = #function_path;
            const DYNAMIC: bool = #dynamic;
            const STATE: &'static [#rt::StateRequirement] = &[#(#state_types),*];

            #[allow(unused_mut, unused_variables)]
            fn start(
                __context: #rt::ActivityContext,
                mut __arguments: #rt::Arguments,
            ) -> ::core::result::Result<#rt::Invocation, #rt::ActivityError> {
                #result_alias_check
                #instance
                #(#prepare)*
                __arguments.finish()?;
                ::core::result::Result::Ok(#invocation)
            }
        }
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

    #[test]
    fn async_function() {
        check(
            quote!(name = "your_activity"),
            quote! {
                pub async fn your_activity(input: YourParams) -> String {
                    format!("{}, {}!", input.greeting, input.name)
                }
            },
            expect![[r##"
                #[allow(clippy::needless_pass_by_value)]
                pub async fn your_activity(input: YourParams) -> String {
                    format!("{}, {}!", input.greeting, input.name)
                }
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                pub struct your_activity {}
                const _: () = {
                    impl ::activity_runtime::__private::Activity for your_activity {
                        type Input = (YourParams,);
                        type Output = String;
                        const NAME: &'static str = "your_activity";
                        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
                        const FUNCTION: &'static str = ::core::concat!(
                            ::core::module_path!(), "::", ::core::stringify!(your_activity)
                        );
                        const DYNAMIC: bool = false;
                        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[];
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
                            let __parameter0 = __arguments.next::<YourParams>("input")?;
                            __arguments.finish()?;
                            ::core::result::Result::Ok(
                                ::activity_runtime::__private::Invocation::from_future(
                                    your_activity(__parameter0),
                                    ::activity_runtime::__private::finish_value::<String>,
                                ),
                            )
                        }
                    }
                    ::activity_runtime::__private::inventory::submit! {
                        ::activity_runtime::__private::ActivityDefinition::of:: < your_activity > ()
                    }
                };
            "##]],
        );
    }

    #[test]
    fn blocking_function() {
        check(
            quote!(),
            quote! {
                fn compute_total(prices: Vec<u64>) -> u64 {
                    prices.iter().sum()
                }
            },
            expect![[r##"
                #[allow(clippy::needless_pass_by_value)]
                fn compute_total(prices: Vec<u64>) -> u64 {
                    prices.iter().sum()
                }
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct compute_total {}
                const _: () = {
                    impl ::activity_runtime::__private::Activity for compute_total {
                        type Input = (Vec<u64>,);
                        type Output = u64;
                        const NAME: &'static str = "compute_total";
                        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Blocking;
                        const FUNCTION: &'static str = ::core::concat!(
                            ::core::module_path!(), "::", ::core::stringify!(compute_total)
                        );
                        const DYNAMIC: bool = false;
                        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[];
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
                                    (&::activity_runtime::__private::Probe::<u64>::new()).verdict(),
                                );
                            }
                            let __parameter0 = __arguments.next::<Vec<u64>>("prices")?;
                            __arguments.finish()?;
                            ::core::result::Result::Ok(
                                ::activity_runtime::__private::Invocation::from_blocking(
                                    move || compute_total(__parameter0),
                                    ::activity_runtime::__private::finish_value::<u64>,
                                ),
                            )
                        }
                    }
                    ::activity_runtime::__private::inventory::submit! {
                        ::activity_runtime::__private::ActivityDefinition::of:: < compute_total > ()
                    }
                };
            "##]],
        );
    }

    #[test]
    fn multiple_arguments_with_a_fallible_result() {
        check(
            quote!(crate = my_runtime),
            quote! {
                #[cfg(feature = "billing")]
                async fn charge(YourParams { card, .. }: YourParams, cents: u64) -> anyhow::Result<Receipt> {
                    todo!()
                }
            },
            expect![[r##"
                #[allow(clippy::needless_pass_by_value)]
                #[cfg(feature = "billing")]
                async fn charge(
                    YourParams { card, .. }: YourParams,
                    cents: u64,
                ) -> anyhow::Result<Receipt> {
                    todo!()
                }
                #[cfg(feature = "billing")]
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct charge {}
                #[cfg(feature = "billing")]
                const _: () = {
                    impl my_runtime::__private::Activity for charge {
                        type Input = (YourParams, u64);
                        type Output = Receipt;
                        const NAME: &'static str = "charge";
                        const EXECUTION: my_runtime::__private::Execution = my_runtime::__private::Execution::Async;
                        const FUNCTION: &'static str = ::core::concat!(
                            ::core::module_path!(), "::", ::core::stringify!(charge)
                        );
                        const DYNAMIC: bool = false;
                        const STATE: &'static [my_runtime::__private::StateRequirement] = &[];
                        #[allow(unused_mut, unused_variables)]
                        fn start(
                            __context: my_runtime::__private::ActivityContext,
                            mut __arguments: my_runtime::__private::Arguments,
                        ) -> ::core::result::Result<
                            my_runtime::__private::Invocation,
                            my_runtime::__private::ActivityError,
                        > {
                            let __parameter0 = __arguments.next::<YourParams>("")?;
                            let __parameter1 = __arguments.next::<u64>("cents")?;
                            __arguments.finish()?;
                            ::core::result::Result::Ok(
                                my_runtime::__private::Invocation::from_future(
                                    charge(__parameter0, __parameter1),
                                    my_runtime::__private::finish_result::<Receipt, _>,
                                ),
                            )
                        }
                    }
                    my_runtime::__private::inventory::submit! {
                        my_runtime::__private::ActivityDefinition::of:: < charge > ()
                    }
                };
            "##]],
        );
    }

    #[test]
    fn dynamic_with_context_and_state() {
        check(
            quote!(dynamic),
            quote! {
                async fn fallback(ctx: ActivityContext, db: State<Db>, args: Vec<Payload>) -> usize {
                    args.len()
                }
            },
            expect![[r##"
                #[allow(clippy::needless_pass_by_value)]
                async fn fallback(ctx: ActivityContext, db: State<Db>, args: Vec<Payload>) -> usize {
                    args.len()
                }
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct fallback {}
                const _: () = {
                    impl ::activity_runtime::__private::Activity for fallback {
                        type Input = (Vec<Payload>,);
                        type Output = usize;
                        const NAME: &'static str = "fallback";
                        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
                        const FUNCTION: &'static str = ::core::concat!(
                            ::core::module_path!(), "::", ::core::stringify!(fallback)
                        );
                        const DYNAMIC: bool = true;
                        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[
                            <State<Db> as ::activity_runtime::__private::StateParameter>::REQUIREMENT,
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
                                    (&::activity_runtime::__private::Probe::<usize>::new()).verdict(),
                                );
                            }
                            let __parameter0 = ::core::clone::Clone::clone(&__context);
                            let __parameter1 = <State<
                                Db,
                            > as ::activity_runtime::__private::StateParameter>::from_context(
                                &__context,
                            )?;
                            let __parameter2 = __arguments.take_raw::<Vec<Payload>>();
                            __arguments.finish()?;
                            ::core::result::Result::Ok(
                                ::activity_runtime::__private::Invocation::from_future(
                                    fallback(__parameter0, __parameter1, __parameter2),
                                    ::activity_runtime::__private::finish_value::<usize>,
                                ),
                            )
                        }
                    }
                    ::activity_runtime::__private::inventory::submit! {
                        ::activity_runtime::__private::ActivityDefinition::of:: < fallback > ()
                    }
                };
            "##]],
        );
    }

    #[test]
    fn context_first() {
        check(
            quote!(),
            quote! {
                async fn whoami(ctx: ActivityContext, suffix: String) -> Result<String, ActivityError> {
                    Ok(format!("{}{suffix}", ctx.info().activity_type))
                }
            },
            expect![[r##"
                #[allow(clippy::needless_pass_by_value)]
                async fn whoami(ctx: ActivityContext, suffix: String) -> Result<String, ActivityError> {
                    Ok(format!("{}{suffix}", ctx.info().activity_type))
                }
                #[doc(hidden)]
                #[allow(non_camel_case_types)]
                struct whoami {}
                const _: () = {
                    impl ::activity_runtime::__private::Activity for whoami {
                        type Input = (String,);
                        type Output = String;
                        const NAME: &'static str = "whoami";
                        const EXECUTION: ::activity_runtime::__private::Execution = ::activity_runtime::__private::Execution::Async;
                        const FUNCTION: &'static str = ::core::concat!(
                            ::core::module_path!(), "::", ::core::stringify!(whoami)
                        );
                        const DYNAMIC: bool = false;
                        const STATE: &'static [::activity_runtime::__private::StateRequirement] = &[];
                        #[allow(unused_mut, unused_variables)]
                        fn start(
                            __context: ::activity_runtime::__private::ActivityContext,
                            mut __arguments: ::activity_runtime::__private::Arguments,
                        ) -> ::core::result::Result<
                            ::activity_runtime::__private::Invocation,
                            ::activity_runtime::__private::ActivityError,
                        > {
                            let __parameter0 = ::core::clone::Clone::clone(&__context);
                            let __parameter1 = __arguments.next::<String>("suffix")?;
                            __arguments.finish()?;
                            ::core::result::Result::Ok(
                                ::activity_runtime::__private::Invocation::from_future(
                                    whoami(__parameter0, __parameter1),
                                    ::activity_runtime::__private::finish_result::<String, ActivityError>,
                                ),
                            )
                        }
                    }
                    ::activity_runtime::__private::inventory::submit! {
                        ::activity_runtime::__private::ActivityDefinition::of:: < whoami > ()
                    }
                };
            "##]],
        );
    }

    #[test]
    fn invalid_function_is_kept_beside_its_errors() {
        let output = activity(
            quote!(),
            quote!(
                async fn f(name: &str) {}
            ),
        )
        .to_string();
        assert!(
            output.starts_with("async fn f (name : & str) { }"),
            "{output}"
        );
        assert!(output.contains("compile_error"), "{output}");
        assert!(!output.contains("struct"), "{output}");
    }
}
