//! Items parsed only as far as the macro needs them: attributes, visibility and signature. A
//! body stays a token group that is emitted as written, as tracing-attributes and tokio-macros
//! do, so that the macro neither pays for nor depends on parsing code it never reads.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Signature, Visibility};

/// A function with a body: `#[attrs] vis sig { ... }`.
pub(crate) struct Function {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    body: Group,
}

impl Parse for Function {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body = match input.parse::<TokenTree>()? {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => group,
            other => return Err(syn::Error::new(other.span(), "expected a function body")),
        };
        Ok(Self {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

impl ToTokens for Function {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

/// An `impl` block: its header, parsed, and its items, where each function with a body is
/// parsed shallowly and anything else is kept as tokens.
pub(crate) struct Impl {
    /// The header with an empty body, for the type, the trait and the generics.
    pub(crate) header: syn::ItemImpl,
    /// The header as written, emitted in front of the braces.
    header_tokens: TokenStream,
    inner_attrs: Vec<Attribute>,
    pub(crate) items: Vec<ImplItem>,
    brace: proc_macro2::Span,
}

/// One item of an `impl` block.
pub(crate) enum ImplItem {
    Function(Box<Function>),
    Other(TokenStream),
}

impl Parse for Impl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut trees = input
            .parse::<TokenStream>()?
            .into_iter()
            .collect::<Vec<_>>();
        let body = match trees.pop() {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => group,
            _ => return Err(input.error("expected an `impl` block")),
        };
        let header_tokens = trees.into_iter().collect::<TokenStream>();
        let header = syn::parse2(quote::quote!(#header_tokens {}))?;
        let (inner_attrs, items) = syn::parse::Parser::parse2(parse_items, body.stream())?;
        Ok(Self {
            header,
            header_tokens,
            inner_attrs,
            items,
            brace: body.span(),
        })
    }
}

fn parse_items(input: ParseStream<'_>) -> syn::Result<(Vec<Attribute>, Vec<ImplItem>)> {
    let inner_attrs = input.call(Attribute::parse_inner)?;
    let mut items = Vec::new();
    while !input.is_empty() {
        let fork = input.fork();
        if let Ok(function) = fork.parse::<Function>() {
            syn::parse::discouraged::Speculative::advance_to(input, &fork);
            items.push(ImplItem::Function(Box::new(function)));
        } else {
            items.push(ImplItem::Other(
                input.parse::<syn::ImplItem>()?.into_token_stream(),
            ));
        }
    }
    Ok((inner_attrs, items))
}

impl ToTokens for Impl {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.header_tokens.to_tokens(tokens);
        let mut body = TokenStream::new();
        for attr in &self.inner_attrs {
            attr.to_tokens(&mut body);
        }
        for item in &self.items {
            match item {
                ImplItem::Function(function) => function.to_tokens(&mut body),
                ImplItem::Other(other) => other.to_tokens(&mut body),
            }
        }
        let mut group = Group::new(Delimiter::Brace, body);
        group.set_span(self.brace);
        tokens.append(group);
    }
}
