//! Checks that a function can be an activity, and extracts what code generation needs.
//!
//! Every problem is pushed into one accumulator and spanned at the user's own token, with the
//! fix in the message; checking goes on after the first problem, so one build shows them all.

use crate::errors::Errors;
use syn::visit::Visit;
use syn::{FnArg, GenericArgument, PathArguments, ReturnType, Signature, Type};

/// How the activity's body runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Execution {
    /// An `async fn`, polled on the async runtime.
    Async,
    /// A plain `fn`, run on the blocking thread pool.
    Blocking,
}

/// One parameter, in the order the function takes them.
#[derive(Debug)]
pub(crate) enum Param<'a> {
    /// The `ActivityContext`, always first.
    Context,
    /// A `State<T>`, which the worker supplies.
    State(&'a Type),
    /// An argument decoded from a payload.
    Payload {
        ty: &'a Type,
        /// The binding's name, for error messages; `None` for a destructuring pattern.
        name: Option<String>,
    },
}

/// Where the function is: free, or a method of an `#[activities]` impl block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Free,
    Method,
}

/// How a method takes the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// `&self`.
    Ref,
    /// `self: Arc<Self>`.
    Arc,
}

/// What the function returns.
#[derive(Debug)]
pub(crate) enum Output<'a> {
    /// `-> T`, or nothing (`()`): always a success.
    Value(Option<&'a Type>),
    /// `-> Result<T, E>` or an alias spelled `Result` (`anyhow::Result<T>`, `io::Result<T>`).
    /// `ok` and `err` are the type arguments as written, when they are written.
    Result {
        whole: &'a Type,
        ok: Option<&'a Type>,
        err: Option<&'a Type>,
    },
}

/// A signature that passed every check.
#[derive(Debug)]
pub(crate) struct ActivitySignature<'a> {
    pub(crate) execution: Execution,
    /// The instance, for a method that takes one.
    pub(crate) receiver: Option<Receiver>,
    pub(crate) params: Vec<Param<'a>>,
    pub(crate) output: Output<'a>,
}

impl<'a> ActivitySignature<'a> {
    /// The types of the parameters decoded from payloads, in order.
    pub(crate) fn payload_types(&self) -> impl Iterator<Item = &'a Type> + '_ {
        self.params.iter().filter_map(|param| match param {
            Param::Payload { ty, .. } => Some(*ty),
            _ => None,
        })
    }

    /// The types `T` of the `State<T>` parameters, as written.
    pub(crate) fn state_types(&self) -> impl Iterator<Item = &'a Type> + '_ {
        self.params.iter().filter_map(|param| match param {
            Param::State(ty) => Some(*ty),
            _ => None,
        })
    }
}

/// Checks `sig` for an activity that is `dynamic` or not, pushing each problem into `errors`.
/// Returns the signature only when it passed every check.
pub(crate) fn check<'a>(
    sig: &'a Signature,
    place: Place,
    dynamic: bool,
    errors: &mut Errors,
) -> Option<ActivitySignature<'a>> {
    let before = errors.count();
    check_qualifiers(sig, errors);
    check_generics(sig, errors);
    if let Some(variadic) = &sig.variadic {
        errors.at(
            variadic,
            "an activity can't be variadic; take the values as one `Vec<T>` parameter",
        );
    }
    let (receiver, params) = check_params(sig, place, errors);
    let output = check_output(&sig.output, errors);
    let checked = ActivitySignature {
        execution: if sig.asyncness.is_some() {
            Execution::Async
        } else {
            Execution::Blocking
        },
        receiver,
        params,
        output,
    };
    if dynamic && checked.payload_types().count() != 1 {
        errors.at(
            &sig.ident,
            "a dynamic activity takes the raw arguments as one parameter, after the context: \
             `args: Vec<Payload>`; it decodes each with `payload::decode` once it knows the type \
             from `ctx.info().activity_type`",
        );
    }
    (errors.count() == before).then_some(checked)
}

fn check_qualifiers(sig: &Signature, errors: &mut Errors) {
    if let Some(constness) = &sig.constness {
        errors.at(
            constness,
            "an activity can't be a `const fn`: it runs when Temporal schedules it, \
                 never at compile time; remove `const`",
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        errors.at(
            unsafety,
            "an activity can't be an `unsafe fn`: the worker calls it with data from the \
                 network and cannot uphold a safety contract; remove `unsafe` and put an \
                 `unsafe { ... }` block inside the body",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.at(
            abi,
            "an activity must use the Rust ABI; remove the `extern` qualifier, and call \
                 the foreign function from inside the body",
        );
    }
}

fn check_generics(sig: &Signature, errors: &mut Errors) {
    for param in &sig.generics.params {
        let message = match param {
            syn::GenericParam::Lifetime(_) => {
                "an activity can't have lifetime parameters: its arguments are decoded into \
                 owned values; remove the lifetime and take owned types (`String`, not `&'a str`)"
            }
            syn::GenericParam::Type(_) => {
                "an activity can't be generic: the worker must know the concrete types to \
                 decode its arguments; replace the type parameter with a concrete type, or \
                 register one `#[activity]` wrapper per type"
            }
            syn::GenericParam::Const(_) => {
                "an activity can't have const parameters; take the value as an ordinary \
                 argument instead"
            }
        };
        errors.at(param, message);
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        errors.at(
            where_clause,
            "an activity can't have a `where` clause: it has no generic parameters to \
                 constrain; remove it",
        );
    }
}

fn check_params<'a>(
    sig: &'a Signature,
    place: Place,
    errors: &mut Errors,
) -> (Option<Receiver>, Vec<Param<'a>>) {
    let mut receiver = None;
    let mut params = Vec::new();
    for input in &sig.inputs {
        let typed = match input {
            FnArg::Receiver(found) => {
                receiver = check_receiver(found, place, errors);
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        if is_context(&typed.ty) {
            if params.iter().any(|param| matches!(param, Param::Context)) {
                errors.at(
                    &typed.ty,
                    "an activity takes at most one `ActivityContext`; remove this one and \
                         clone the first where a second handle is needed",
                );
            } else if !params.is_empty() {
                errors.at(
                    &typed.ty,
                    "`ActivityContext` must be the first parameter, before the arguments \
                         that are decoded from payloads; move it to the front",
                );
            }
            params.push(Param::Context);
            continue;
        }
        if is_state(&typed.ty) {
            params.push(Param::State(&typed.ty));
            continue;
        }
        check_owned(&typed.ty, "parameter", errors);
        params.push(Param::Payload {
            ty: &typed.ty,
            name: match &*typed.pat {
                syn::Pat::Ident(binding) => Some(binding.ident.to_string()),
                _ => None,
            },
        });
    }
    (receiver, params)
}

/// Accepts `&self` and `self: Arc<Self>` in a method, and nothing in a free function.
fn check_receiver(receiver: &syn::Receiver, place: Place, errors: &mut Errors) -> Option<Receiver> {
    if place == Place::Free {
        errors.at(
            receiver,
            "`#[activity]` goes on a free function, which has no `self`; for activities that \
             are methods, put `#[activities]` on the `impl` block and keep `#[activity]` on each \
             method",
        );
        return None;
    }
    match &receiver.kind {
        syn::ReceiverKind::Reference(_, _, None) => Some(Receiver::Ref),
        syn::ReceiverKind::Reference(_, _, Some(_)) => {
            errors.at(
                receiver,
                "an activity method can't take `&mut self`: activities of one instance run \
                 concurrently; take `&self`, and put mutable parts behind a `Mutex`",
            );
            None
        }
        syn::ReceiverKind::Typed(_, ty)
            if last_segment(ty).is_some_and(|segment| segment.ident == "Arc") =>
        {
            Some(Receiver::Arc)
        }
        syn::ReceiverKind::Typed(_, ty) => {
            errors.at(
                ty,
                "an activity method takes `&self` or `self: Arc<Self>`; the worker holds the \
                 instance in an `Arc`",
            );
            None
        }
        _ => {
            errors.at(
                receiver,
                "an activity method can't take `self` by value: the worker keeps the instance \
                 for every task; take `&self`, or `self: Arc<Self>` to own a handle",
            );
            None
        }
    }
}

/// Recognises a worker-supplied parameter by its name, `State<...>`, under any path; the
/// generated code then checks that it is `activity_runtime::State`.
fn is_state(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|segment| {
        segment.ident == "State" && matches!(segment.arguments, PathArguments::AngleBracketed(_))
    })
}

/// Recognises the context by its name, `ActivityContext`, under any path. A type alias with
/// another name is taken for a payload argument; the generated code then fails to decode it,
/// and the error's note says to spell it `ActivityContext`.
fn is_context(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|segment| segment.ident == "ActivityContext")
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// Rejects borrowed types and `impl Trait`: a value decoded from a payload has nothing to
/// borrow from, and a type the worker cannot name cannot be decoded or encoded.
fn check_owned(ty: &Type, role: &str, errors: &mut Errors) {
    if let Type::Reference(reference) = ty {
        let owned = owned_suggestion(&reference.elem);
        let message = if is_context(&reference.elem) {
            "take `ActivityContext` by value: it is a cheap handle that the activity owns"
                .to_string()
        } else {
            format!(
                "an activity {role} must be an owned type, because it is decoded from a \
                 payload that the function cannot borrow from; take `{owned}` instead"
            )
        };
        errors.at(ty, message);
        return;
    }
    let mut finder = BorrowFinder::default();
    finder.visit_type(ty);
    for impl_trait in finder.impl_traits {
        errors.at(
            impl_trait,
            format!(
                "an activity {role} can't be `impl Trait`: the worker must name the type to \
                 decode or encode it; write a concrete type"
            ),
        );
    }
    for lifetime in finder.lifetimes {
        errors.at(
            lifetime,
            format!(
                "an activity {role} can't borrow: `{lifetime}` has nothing to borrow from once \
                 the value is decoded; use an owned type, or `'static`"
            ),
        );
    }
    for reference in finder.references {
        errors.at(
            reference,
            format!(
                "an activity {role} can't contain references; take `{}` instead",
                owned_suggestion(&reference.elem)
            ),
        );
    }
}

/// The owned type to suggest in place of a borrow of `referent`.
fn owned_suggestion(referent: &Type) -> String {
    match referent {
        Type::Path(path) if path.path.is_ident("str") => "String".to_string(),
        Type::Path(path) if path.path.is_ident("Path") => "PathBuf".to_string(),
        Type::Slice(slice) => format!("Vec<{}>", tokens(&slice.elem)),
        other => tokens(other),
    }
}

fn tokens(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
        .replace(" ,", ",")
        .replace(" :: ", "::")
}

/// Finds what makes a type unusable for a payload, at any depth (`Vec<&str>`, `Cow<'a, str>`).
#[derive(Default)]
struct BorrowFinder<'a> {
    impl_traits: Vec<&'a syn::TypeImplTrait>,
    lifetimes: Vec<&'a syn::Lifetime>,
    references: Vec<&'a syn::TypeReference>,
}

impl<'a> Visit<'a> for BorrowFinder<'a> {
    fn visit_type_impl_trait(&mut self, node: &'a syn::TypeImplTrait) {
        self.impl_traits.push(node);
    }
    fn visit_type_reference(&mut self, node: &'a syn::TypeReference) {
        match &node.lifetime {
            Some(lifetime) if lifetime.ident == "static" => {
                syn::visit::visit_type(self, &node.elem)
            }
            _ => self.references.push(node),
        }
    }
    fn visit_lifetime(&mut self, node: &'a syn::Lifetime) {
        if node.ident != "static" {
            self.lifetimes.push(node);
        }
    }
    // A `dyn Trait + 'a` or an `fn(&str)` pointer type says nothing about borrowing from the
    // payload; rustc reports what is wrong with those itself.
    fn visit_type_fn_ptr(&mut self, _: &'a syn::TypeFnPtr) {}
}

fn check_output<'a>(output: &'a ReturnType, errors: &mut Errors) -> Output<'a> {
    let ty = match output {
        ReturnType::Default => return Output::Value(None),
        ReturnType::Type(_, ty) => &**ty,
    };
    if let Type::ImplTrait(impl_trait) = ty {
        errors.at(
            impl_trait,
            "an activity can't return `impl Trait`: the worker must name the type to encode \
                 it; return a concrete type, and write `async fn` rather than returning \
                 `impl Future`",
        );
        return Output::Value(None);
    }
    check_owned(ty, "return type", errors);
    match last_segment(ty) {
        Some(segment) if segment.ident == "Result" => {
            let mut types = match &segment.arguments {
                PathArguments::AngleBracketed(arguments) => arguments
                    .args
                    .iter()
                    .filter_map(|argument| match argument {
                        GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .into_iter(),
                _ => Vec::new().into_iter(),
            };
            Output::Result {
                whole: ty,
                ok: types.next(),
                err: types.next(),
            }
        }
        _ => Output::Value(Some(ty)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_ok(sig: Signature) -> (Execution, bool, usize, &'static str) {
        let sig = Box::leak(Box::new(sig));
        let mut errors = Errors::default();
        let checked = check(sig, Place::Free, false, &mut errors);
        assert_eq!(
            errors.messages(),
            Vec::<String>::new(),
            "signature is valid"
        );
        let checked = checked.expect("no errors, so a signature");
        let output = match checked.output {
            Output::Value(None) => "unit",
            Output::Value(Some(_)) => "value",
            Output::Result { .. } => "result",
        };
        (
            checked.execution,
            matches!(checked.params.first(), Some(Param::Context)),
            checked.payload_types().count(),
            output,
        )
    }

    fn check_err(sig: Signature) -> Vec<String> {
        check_err_in(sig, Place::Free)
    }

    fn check_err_in(sig: Signature, place: Place) -> Vec<String> {
        check_err_as(sig, place, false)
    }

    fn check_err_as(sig: Signature, place: Place, dynamic: bool) -> Vec<String> {
        let mut errors = Errors::default();
        let checked = check(&sig, place, dynamic, &mut errors);
        assert!(checked.is_none(), "an invalid signature gives no model");
        errors.messages()
    }

    #[test]
    fn a_dynamic_activity_takes_exactly_one_payload_parameter() {
        for sig in [
            syn::parse_quote!(async fn f(ctx: ActivityContext) -> u32),
            syn::parse_quote!(async fn f(a: Vec<Payload>, b: u32) -> u32),
        ] {
            let errors = check_err_as(sig, Place::Free, true);
            assert!(
                errors[0].contains("raw arguments as one parameter"),
                "{errors:?}"
            );
        }
        let mut errors = Errors::default();
        let sig = syn::parse_quote!(async fn f(ctx: ActivityContext, args: Vec<Payload>));
        assert!(check(&sig, Place::Free, true, &mut errors).is_some());
    }

    #[test]
    fn async_fn_with_one_argument_is_async() {
        let sig = syn::parse_quote!(async fn your_activity(input: YourParams) -> String);
        assert_eq!(check_ok(sig), (Execution::Async, false, 1, "value"));
    }

    #[test]
    fn plain_fn_is_blocking_and_unit_return_is_recognised() {
        let sig = syn::parse_quote!(fn sleep_a_while(ms: u64));
        assert_eq!(check_ok(sig), (Execution::Blocking, false, 1, "unit"));
    }

    #[test]
    fn context_first_is_taken_and_not_counted_as_an_argument() {
        let sig = syn::parse_quote!(
            async fn f(ctx: activity_runtime::ActivityContext, a: u32, b: String) -> Result<u32, E>
        );
        assert_eq!(check_ok(sig), (Execution::Async, true, 2, "result"));
    }

    #[test]
    fn result_aliases_spelled_result_are_recognised() {
        for sig in [
            syn::parse_quote!(fn f() -> anyhow::Result<u32>),
            syn::parse_quote!(fn f() -> std::io::Result<()>),
        ] {
            assert_eq!(check_ok(sig).3, "result");
        }
    }

    #[test]
    fn destructuring_patterns_and_static_borrows_are_accepted() {
        let sig = syn::parse_quote!(
            fn f(YourParams { greeting, name }: YourParams, label: Cow<'static, str>)
        );
        assert_eq!(check_ok(sig).2, 2);
    }

    #[test]
    fn many_arguments_have_no_limit() {
        let params = (0..40).map(|i| quote::format_ident!("a{i}"));
        let sig = syn::parse_quote!(fn f(#(#params: u8),*));
        assert_eq!(check_ok(sig).2, 40);
    }

    #[test]
    fn reference_suggests_the_owned_type() {
        let errors = check_err(syn::parse_quote!(fn f(a: &str, b: &[u8], c: &Thing)));
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("take `String` instead"), "{errors:?}");
        assert!(errors[1].contains("take `Vec<u8>` instead"), "{errors:?}");
        assert!(errors[2].contains("take `Thing` instead"), "{errors:?}");
    }

    #[test]
    fn nested_borrows_and_impl_trait_are_found() {
        let errors = check_err(syn::parse_quote!(
            fn f(a: Vec<&str>, b: Cow<'a, str>, c: impl Deserialize)
        ));
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = check_err(syn::parse_quote!(
            const unsafe extern "C" fn f<'a, T>(&self, a: &'a T, ctx: ActivityContext) -> impl Serialize
        ));
        // const, unsafe, extern, 'a, T, self, &'a T, context not first, impl return
        assert_eq!(errors.len(), 9, "{errors:#?}");
    }

    #[test]
    fn second_context_is_rejected() {
        let errors = check_err(syn::parse_quote!(fn f(a: ActivityContext, b: ActivityContext)));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("at most one `ActivityContext`"),
            "{errors:?}"
        );
    }

    #[test]
    fn state_parameters_are_not_payloads() {
        let sig = syn::parse_quote!(
            async fn f(ctx: ActivityContext, db: State<Db>, id: u64, cache: activity_runtime::State<Cache>)
        );
        assert_eq!(check_ok(sig), (Execution::Async, true, 1, "unit"));
    }

    #[test]
    fn methods_take_a_shared_or_arc_receiver() {
        for (sig, receiver) in [
            (syn::parse_quote!(async fn f(&self, id: u64)), Receiver::Ref),
            (syn::parse_quote!(fn f(self: Arc<Self>)), Receiver::Arc),
            (
                syn::parse_quote!(fn f(self: std::sync::Arc<Self>)),
                Receiver::Arc,
            ),
        ] {
            let sig: &'static Signature = Box::leak(Box::new(sig));
            let mut errors = Errors::default();
            let checked = check(sig, Place::Method, false, &mut errors).expect("valid method");
            assert_eq!(checked.receiver, Some(receiver));
        }
    }

    #[test]
    fn other_receivers_say_what_to_take() {
        for (sig, expected) in [
            (syn::parse_quote!(fn f(&mut self)), "can't take `&mut self`"),
            (syn::parse_quote!(fn f(self)), "can't take `self` by value"),
            (
                syn::parse_quote!(fn f(self: Box<Self>)),
                "`&self` or `self: Arc<Self>`",
            ),
        ] {
            let errors = check_err_in(sig, Place::Method);
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].contains(expected), "{errors:?}");
        }
    }
}
