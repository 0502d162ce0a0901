//! The arguments of `#[activity(...)]`.

use darling::FromMeta;
use darling::ast::NestedMeta;
use proc_macro2::TokenStream;

use crate::errors::Errors;

/// Temporal reserves activity type names with this prefix for its own use.
const RESERVED_PREFIX: &str = "__temporal_";

/// The arguments of `#[activity(...)]`, validated by darling, which also reports unknown keys
/// (with a "did you mean") and duplicate keys. `Default` is what an expansion falls back to
/// when the arguments are wrong, so the function itself is still checked and generated.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ActivityArgs {
    /// The activity type name; the function's name when absent.
    pub(crate) name: Option<ActivityName>,
    /// Handle every activity type that no other activity is registered for.
    pub(crate) dynamic: darling::util::Flag,
    /// The path to `activity_runtime`, for users who renamed the dependency.
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// The arguments of `#[activities(...)]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ImplArgs {
    /// The path to `activity_runtime`, for every method of the block.
    #[darling(rename = "crate")]
    pub(crate) krate: Option<syn::Path>,
}

/// A valid activity type name.
#[derive(Debug)]
pub(crate) struct ActivityName {
    pub(crate) value: String,
    pub(crate) literal: syn::LitStr,
}

impl FromMeta for ActivityName {
    // Taking any expression, rather than darling's string parsing, lets a non-string get a
    // message that shows the fix.
    fn from_expr(expr: &syn::Expr) -> darling::Result<Self> {
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(literal),
            ..
        }) = expr
        else {
            return Err(invalid(
                expr,
                "the activity name must be a string literal, such as `name = \"your_activity\"`",
            ));
        };
        let value = literal.value();
        if value.trim().is_empty() {
            return Err(invalid(
                literal,
                "the activity name is empty; give a name such as `name = \"your_activity\"`, \
                 or remove `name` to use the function's name",
            ));
        }
        if value.starts_with(RESERVED_PREFIX) {
            return Err(invalid(
                literal,
                format!(
                    "activity names starting with `{RESERVED_PREFIX}` are reserved by Temporal; \
                 choose a name without that prefix"
                ),
            ));
        }
        Ok(Self {
            value,
            literal: literal.clone(),
        })
    }
}

/// A darling error, which the derive collects with unknown and duplicate keys; a name is one
/// token, so darling's single span covers it.
fn invalid(node: &impl syn::spanned::Spanned, message: impl std::fmt::Display) -> darling::Error {
    darling::Error::custom(message).with_span(node)
}

/// Parses an attribute's arguments, collecting every error into `errors`; on error the
/// defaults are returned (tokio-macros' `DEFAULT_ERROR_CONFIG`).
fn parse_or_default<T: FromMeta + Default>(attr: TokenStream, errors: &mut Errors) -> T {
    NestedMeta::parse_meta_list(attr)
        .map_err(darling::Error::from)
        .and_then(|metas| T::from_list(&metas))
        .unwrap_or_else(|error| {
            errors.push_darling(error);
            T::default()
        })
}

/// Parses the arguments of `#[activities(...)]`.
pub(crate) fn parse_impl(attr: TokenStream, errors: &mut Errors) -> ImplArgs {
    parse_or_default(attr, errors)
}

/// Parses the arguments of `#[activity(...)]`, on a function or a method.
pub(crate) fn parse(attr: TokenStream, errors: &mut Errors) -> ActivityArgs {
    let mut args: ActivityArgs = parse_or_default(attr, errors);
    if let (Some(name), true) = (&args.name, args.dynamic.is_present()) {
        errors.at(
            &name.literal,
            "a dynamic activity has no name of its own: it runs every activity type that no \
             other activity is registered for; remove `name = ...`",
        );
        args.name = None;
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse_ok(attr: TokenStream) -> ActivityArgs {
        let mut errors = Errors::default();
        let args = parse(attr, &mut errors);
        assert_eq!(
            errors.messages(),
            Vec::<String>::new(),
            "arguments are valid"
        );
        args
    }

    fn parse_err(attr: TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        parse(attr, &mut errors);
        let messages = errors.messages();
        assert!(!messages.is_empty(), "arguments are invalid");
        messages
    }

    #[test]
    fn no_arguments_mean_the_function_name_and_the_default_crate() {
        let args = parse_ok(quote!());
        assert!(args.name.is_none() && args.krate.is_none());
    }

    #[test]
    fn wrong_arguments_fall_back_to_the_defaults() {
        let mut errors = Errors::default();
        let args = parse(quote!(nmae = "x", dynamic), &mut errors);
        assert_eq!(errors.count(), 1);
        assert!(args.name.is_none() && !args.dynamic.is_present());
    }

    #[test]
    fn name_takes_a_string_literal() {
        let args = parse_ok(quote!(name = "your_activity"));
        assert_eq!(
            args.name.map(|name| name.value).as_deref(),
            Some("your_activity")
        );
    }

    #[test]
    fn crate_takes_a_path_or_a_string() {
        for attr in [quote!(crate = my_rt), quote!(crate = "my_rt")] {
            let krate = parse_ok(attr).krate.expect("given");
            assert_eq!(quote!(#krate).to_string(), "my_rt");
        }
    }

    #[test]
    fn name_that_is_not_a_string_is_rejected_with_an_example() {
        let errors = parse_err(quote!(name = your_activity));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("must be a string literal"), "{errors:?}");
    }

    #[test]
    fn empty_and_blank_names_are_rejected() {
        for attr in [quote!(name = ""), quote!(name = "  ")] {
            let errors = parse_err(attr);
            assert!(errors[0].contains("activity name is empty"), "{errors:?}");
        }
    }

    #[test]
    fn reserved_prefix_is_rejected() {
        let errors = parse_err(quote!(name = "__temporal_mine"));
        assert!(errors[0].contains("reserved by Temporal"), "{errors:?}");
    }

    #[test]
    fn unknown_key_suggests_the_closest_known_one() {
        let errors = parse_err(quote!(nmae = "x"));
        assert!(errors[0].contains("Unknown field: `nmae`"), "{errors:?}");
        assert!(errors[0].contains("Did you mean `name`?"), "{errors:?}");
    }

    #[test]
    fn duplicate_key_is_rejected() {
        let errors = parse_err(quote!(name = "a", name = "b"));
        assert!(errors[0].contains("Duplicate field `name`"), "{errors:?}");
    }

    #[test]
    fn every_error_is_reported_not_just_the_first() {
        let errors = parse_err(quote!(nmae = "x", name = 3, crat = foo));
        assert_eq!(errors.len(), 3, "{errors:?}");
    }

    #[test]
    fn malformed_list_is_an_error_not_a_panic() {
        let errors = parse_err(quote!(name = ));
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn dynamic_is_a_flag() {
        assert!(parse_ok(quote!(dynamic)).dynamic.is_present());
        assert!(!parse_ok(quote!()).dynamic.is_present());
    }

    #[test]
    fn dynamic_with_a_name_is_rejected() {
        let mut errors = Errors::default();
        let args = parse(quote!(dynamic, name = "x"), &mut errors);
        assert!(args.dynamic.is_present() && args.name.is_none());
        let errors = errors.messages();
        assert!(
            errors[0].contains("dynamic activity has no name"),
            "{errors:?}"
        );
    }
}
