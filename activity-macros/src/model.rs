//! The resolved model of one activity: everything code generation reads, and nothing else.
//! Resolving checks the signature and the arguments together, so that the rules that involve
//! both (a dynamic activity's arity, where `crate = ...` may go) live in one place.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;

use crate::args::ActivityArgs;
use crate::errors::Errors;
use crate::shallow::Function;
use crate::signature::{self, ActivitySignature, Place};

/// Where the activity's function lives.
pub(crate) enum Owner<'a> {
    /// A free function.
    Free,
    /// A method of an `#[activities]` block on `self_ty`.
    Method { self_ty: &'a syn::Type },
}

/// One activity, as generation needs it.
pub(crate) struct ActivityModel<'a> {
    /// The activity type name that Temporal sees.
    pub(crate) name: String,
    pub(crate) dynamic: bool,
    /// `<crate>::__private`, through which generated code reaches the runtime.
    pub(crate) runtime: TokenStream,
    pub(crate) owner: Owner<'a>,
    /// The function's visibility, which the companion and its typed name share.
    pub(crate) vis: &'a syn::Visibility,
    /// The user's function, called as written.
    pub(crate) function: &'a syn::Signature,
    /// The type that implements `Activity`: the function's own name for a free function (in
    /// the type namespace), `__activity_<method>` for a method.
    pub(crate) companion: syn::Ident,
    pub(crate) signature: ActivitySignature<'a>,
    /// The function's `#[cfg]`s, repeated on everything generated for it.
    pub(crate) cfgs: Vec<&'a syn::Attribute>,
}

/// Resolves one activity. `block_crate` is the `crate = ...` of the enclosing `#[activities]`,
/// which covers its methods. Returns `None` when the signature is wrong; wrong arguments have
/// already fallen back to their defaults, so the activity is still generated and uses of it
/// elsewhere do not fail a second time.
pub(crate) fn resolve<'a>(
    args: ActivityArgs,
    block_crate: Option<&syn::Path>,
    function: &'a Function,
    owner: Owner<'a>,
    errors: &mut Errors,
) -> Option<ActivityModel<'a>> {
    let place = match owner {
        Owner::Free => Place::Free,
        Owner::Method { .. } => Place::Method,
    };
    if let (Place::Method, Some(krate)) = (place, &args.krate) {
        errors.at(
            krate,
            "`crate = ...` goes on the `#[activities(crate = ...)]` of the `impl` block, which \
             covers every method; remove it here",
        );
    }
    let dynamic = args.dynamic.is_present();
    let signature = signature::check(&function.sig, place, dynamic, errors)?;
    let ident = &function.sig.ident;
    let krate = match place {
        Place::Free => args.krate,
        Place::Method => block_crate.cloned(),
    }
    .unwrap_or_else(|| syn::parse_quote!(::activity_runtime));
    Some(ActivityModel {
        name: args
            .name
            .map_or_else(|| ident.unraw().to_string(), |name| name.value),
        dynamic,
        runtime: runtime_path(&krate),
        companion: match owner {
            Owner::Free => ident.clone(),
            Owner::Method { .. } => format_ident!("__activity_{}", ident, span = ident.span()),
        },
        owner,
        vis: &function.vis,
        function: &function.sig,
        signature,
        cfgs: function
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("cfg"))
            .collect(),
    })
}

/// The path through which generated code reaches the runtime.
pub(crate) fn runtime_path(krate: &syn::Path) -> TokenStream {
    quote!(#krate::__private)
}
