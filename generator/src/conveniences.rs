//! The `x-flywheel-containers` vendor extension (documented in the spec's header): container
//! kinds and finders, lowered to [`Conveniences`] and rendered as `conveniences.rs`, the
//! per-kind part of the client's hand-written `conveniences` module.
//!
//! Compute first, render second: [`lower`] checks the extension against the IR and resolves
//! every operation and type; [`render`] only turns that into tokens.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::{ident, ty};
use crate::error::{Error, Problem};
use crate::ir::{Api, Location, Operation, Response, TypeKind, TypeRef};

/// The extension's key at the top level of the spec.
pub const EXTENSION: &str = "x-flywheel-containers";

/// What the extension describes, resolved against the IR.
#[derive(Clone, Debug, PartialEq)]
pub struct Conveniences {
    /// Container kinds in spec order.
    pub kinds: Vec<Kind>,
    /// Finders of items that are not containers.
    pub finders: Vec<ListOp>,
}

/// One container kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Kind {
    /// The `container_type` value (`project`).
    pub name: String,
    /// Rust name (`Project`).
    pub rust_name: String,
    /// The operation answering one container by id.
    pub get: String,
    /// Its answer's type: the data of `Container` objects from `get`, `lookup` and `resolve`.
    pub data: String,
    /// Feature of the `get` operation's tag.
    pub get_feature: String,
    /// The finder listing every container of the kind, on `Client`.
    pub find: Option<ListOp>,
    /// Child finders on objects of this kind.
    pub children: Vec<ListOp>,
}

/// A finder: a name and the paging list operation behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct ListOp {
    /// The finder's method name (`sessions`).
    pub name: String,
    /// `operationId` of the list operation.
    pub operation_id: String,
    /// Its method on `Client` (`get_project_sessions`).
    pub method_name: String,
    /// Feature of its tag.
    pub feature: String,
    /// Type of one listed item (Rust name).
    pub item: String,
    /// Which of `filter`, `sort`, `limit` it takes.
    pub query: Vec<&'static str>,
    /// Whether it takes the parent container's id as its one required argument.
    pub takes_parent: bool,
    /// The kind its items are (`session`), when they are containers.
    pub kind: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtension {
    kinds: Vec<RawKind>,
    #[serde(default)]
    finders: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    name: String,
    get: String,
    find: Option<String>,
    plural: Option<String>,
    #[serde(default)]
    children: indexmap::IndexMap<String, String>,
}

/// Reads and checks the extension; `None` when the spec has none.
///
/// # Errors
///
/// Every problem, each pointing into the extension: unknown keys, an operation that does not
/// exist, a list that does not page, a child list that does not take exactly the parent's id.
pub fn lower(
    spec: &openapiv3::OpenAPI,
    api: &Api,
    spec_file: &str,
) -> Result<Option<Conveniences>, Error> {
    let Some(value) = spec.extensions.get(EXTENSION) else {
        return Ok(None);
    };
    let base = format!("#/{EXTENSION}");
    let raw: RawExtension = serde_json::from_value(value.clone())
        .map_err(|e| Error::single(spec_file, &base, format!("not a valid {EXTENSION}: {e}")))?;
    let mut problems = Vec::new();
    let mut kinds = Vec::new();
    let mut items_of_kind: Vec<(String, String)> = Vec::new();
    for (i, raw_kind) in raw.kinds.iter().enumerate() {
        let at = format!("{base}/kinds/{i}");
        let get = match find_op(api, &raw_kind.get) {
            Some(op) => op,
            None => {
                problems.push(missing(&format!("{at}/get"), &raw_kind.get));
                continue;
            }
        };
        let data = match &get.response {
            Response::Json(TypeRef::Named(name)) => name.clone(),
            _ => {
                problems.push(Problem {
                    pointer: format!("{at}/get"),
                    message: format!("`{}` does not answer a named JSON type", raw_kind.get),
                });
                continue;
            }
        };
        let find = match (&raw_kind.find, &raw_kind.plural) {
            (Some(op), Some(plural)) => {
                list_op(api, plural, op, false, &format!("{at}/find"), &mut problems)
            }
            (None, None) => None,
            _ => {
                problems.push(Problem {
                    pointer: at.clone(),
                    message: "`find` and `plural` go together".into(),
                });
                None
            }
        };
        let children: Vec<ListOp> = raw_kind
            .children
            .iter()
            .filter_map(|(name, op)| {
                list_op(
                    api,
                    name,
                    op,
                    true,
                    &format!("{at}/children/{name}"),
                    &mut problems,
                )
            })
            .collect();
        if let Some(find) = &find {
            items_of_kind.push((find.item.clone(), raw_kind.name.clone()));
        }
        kinds.push(Kind {
            name: raw_kind.name.clone(),
            rust_name: raw_kind.name.to_upper_camel_case(),
            get: raw_kind.get.clone(),
            data,
            get_feature: feature_of(api, get),
            find,
            children,
        });
    }
    let finders = raw
        .finders
        .iter()
        .filter_map(|(name, op)| {
            list_op(
                api,
                name,
                op,
                false,
                &format!("{base}/finders/{name}"),
                &mut problems,
            )
        })
        .collect();
    // A child list yields the kind whose `find` lists the same item type.
    for kind in &mut kinds {
        for child in &mut kind.children {
            child.kind = items_of_kind
                .iter()
                .find(|(item, _)| *item == child.item)
                .map(|(_, kind)| kind.clone());
        }
        if let Some(find) = &mut kind.find {
            find.kind = Some(kind.name.clone());
        }
    }
    if problems.is_empty() {
        Ok(Some(Conveniences { kinds, finders }))
    } else {
        Err(Error {
            file: spec_file.to_owned(),
            problems,
        })
    }
}

fn find_op<'a>(api: &'a Api, operation_id: &str) -> Option<&'a Operation> {
    api.operations
        .iter()
        .find(|op| op.operation_id == operation_id)
}

fn missing(pointer: &str, operation_id: &str) -> Problem {
    Problem {
        pointer: pointer.to_owned(),
        message: format!("no operation `{operation_id}`"),
    }
}

fn feature_of(api: &Api, op: &Operation) -> String {
    api.tags
        .iter()
        .find(|t| t.name == op.tag)
        .map(|t| t.feature.clone())
        .unwrap_or_default()
}

fn list_op(
    api: &Api,
    name: &str,
    operation_id: &str,
    takes_parent: bool,
    pointer: &str,
    problems: &mut Vec<Problem>,
) -> Option<ListOp> {
    let Some(op) = find_op(api, operation_id) else {
        problems.push(missing(pointer, operation_id));
        return None;
    };
    let item = match &op.pagination {
        Some(p) => match &p.item {
            TypeRef::Named(item) => item.clone(),
            _ => {
                problems.push(Problem {
                    pointer: pointer.to_owned(),
                    message: format!("`{operation_id}` does not list a named type"),
                });
                return None;
            }
        },
        None => {
            problems.push(Problem {
                pointer: pointer.to_owned(),
                message: format!("`{operation_id}` does not page (`limit` and `after_id`)"),
            });
            return None;
        }
    };
    let required = op.params.iter().filter(|p| p.required).count();
    let parent_ok = match op.params.first() {
        Some(first) => first.location == Location::Path && first.required,
        None => false,
    };
    if takes_parent && (required != 1 || !parent_ok) || !takes_parent && required != 0 {
        problems.push(Problem {
            pointer: pointer.to_owned(),
            message: format!(
                "`{operation_id}` must take {} required parameter{}",
                if takes_parent {
                    "exactly the parent's id as its one"
                } else {
                    "no"
                },
                if takes_parent { "" } else { "s" }
            ),
        });
        return None;
    }
    let query = ["filter", "sort", "limit"]
        .into_iter()
        .filter(|q| {
            op.params
                .iter()
                .any(|p| p.location == Location::Query && p.name == *q)
        })
        .collect();
    Some(ListOp {
        name: name.to_owned(),
        operation_id: operation_id.to_owned(),
        method_name: op.method_name.clone(),
        feature: feature_of(api, op),
        item,
        query,
        takes_parent,
        kind: None,
    })
}

/// `#[cfg(...)]` requiring every feature in `all` and, when `any` is not empty, one of `any`.
fn cfg(all: &[&str], any: &BTreeSet<String>) -> TokenStream {
    let mut parts: Vec<TokenStream> = all
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|f| quote! { feature = #f })
        .collect();
    if !any.is_empty() && !any.iter().any(|f| all.contains(&f.as_str())) {
        let any: Vec<TokenStream> = any.iter().map(|f| quote! { feature = #f }).collect();
        parts.push(match any.as_slice() {
            [one] => one.clone(),
            _ => quote! { any(#(#any),*) },
        });
    }
    match parts.as_slice() {
        [] => quote! {},
        [one] => quote! { #[cfg(#one)] },
        _ => quote! { #[cfg(all(#(#parts),*))] },
    }
}

/// Features under which a named type exists (empty: always).
fn type_features(api: &Api, name: &str) -> BTreeSet<String> {
    let Some(def) = api.types.iter().find(|t| t.name == name) else {
        return BTreeSet::new();
    };
    let used: BTreeSet<&str> = api.operations.iter().map(|o| o.tag.as_str()).collect();
    if def.tags.is_empty() || used.iter().all(|t| def.tags.contains(*t)) {
        return BTreeSet::new();
    }
    api.tags
        .iter()
        .filter(|t| def.tags.contains(&t.name))
        .map(|t| t.feature.clone())
        .collect()
}

/// The body of `fn id(&self) -> Option<&str>` for a type: its string field with the JSON key
/// `key` (`_id`), or each union variant's.
fn id_body(api: &Api, name: &str, key: &str) -> TokenStream {
    let field_of = |name: &str| -> Option<String> {
        match api.types.iter().find(|t| t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .find(|f| f.wire_name == key && f.ty == TypeRef::String)
                .map(|f| f.rust_name.clone()),
            _ => None,
        }
    };
    match api.types.iter().find(|t| t.name == name).map(|t| &t.kind) {
        Some(TypeKind::Union(variants)) => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let field = match &v.ty {
                    TypeRef::Named(inner) => field_of(inner),
                    _ => None,
                };
                match field {
                    Some(field) => {
                        let field = ident(&field);
                        quote! { Self::#variant(value) => value.#field.as_deref(), }
                    }
                    None => quote! { Self::#variant(_) => ::std::option::Option::None, },
                }
            });
            quote! { match self { #(#arms)* } }
        }
        _ => match field_of(name) {
            Some(field) => {
                let field = ident(&field);
                quote! { self.#field.as_deref() }
            }
            None => quote! { ::std::option::Option::None },
        },
    }
}

fn list_fn_name(op: &ListOp) -> proc_macro2::Ident {
    ident(&format!("list_{}", op.method_name))
}

fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #(#[doc = #lines])* }
}

/// The generated `conveniences.rs`.
pub fn render(conv: &Conveniences, api: &Api) -> TokenStream {
    let mut items = Vec::new();

    // Kinds: markers, the enum, and its names.
    let markers = conv.kinds.iter().map(|k| {
        let name = ident(&k.rust_name);
        let d = doc(&format!("Marker of the `{}` container kind.", k.name));
        quote! { #d #[derive(Debug)] pub enum #name {} }
    });
    items.push(quote! {
        /// Marker types, one per container kind: the `Kind` of [`ContainerData`](crate::conveniences::ContainerData).
        pub mod kind { #(#markers)* }
    });
    let variants = conv.kinds.iter().map(|k| {
        let name = ident(&k.rust_name);
        let d = doc(&format!("`container_type` `{}`.", k.name));
        quote! { #d #name, }
    });
    let to_str = conv.kinds.iter().map(|k| {
        let name = ident(&k.rust_name);
        let wire = &k.name;
        quote! { ContainerKind::#name => #wire, }
    });
    let from_str = conv.kinds.iter().map(|k| {
        let name = ident(&k.rust_name);
        let wire = &k.name;
        quote! { #wire => ::std::option::Option::Some(ContainerKind::#name), }
    });
    items.push(quote! {
        /// The container kinds of the hierarchy, as the API's `container_type` names them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ContainerKind { #(#variants)* }
        impl ContainerKind {
            /// The `container_type` value (`project`).
            pub fn as_str(self) -> &'static str { match self { #(#to_str)* } }
            /// The kind a `container_type` value names; `None` for anything else (`file`).
            pub fn from_container_type(value: &str) -> ::std::option::Option<Self> {
                match value { #(#from_str)* _ => ::std::option::Option::None }
            }
        }
        impl ::std::fmt::Display for ContainerKind {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    });

    // Data types: the `get` type and the item types of lists yielding the kind.
    let mut data_types: Vec<(String, &Kind)> = Vec::new();
    for kind in &conv.kinds {
        let mut types = vec![kind.data.clone()];
        for list in conv
            .kinds
            .iter()
            .flat_map(|k| k.children.iter().chain(&k.find))
        {
            if list.kind.as_deref() == Some(kind.name.as_str()) {
                types.push(list.item.clone());
            }
        }
        for t in types {
            if !data_types.iter().any(|(seen, _)| *seen == t) {
                data_types.push((t, kind));
            }
        }
    }
    for (data, kind) in &data_types {
        let data_ty = ty(&TypeRef::Named(data.clone()));
        let marker = ident(&kind.rust_name);
        let get_feature = kind.get_feature.as_str();
        let cfg_attr = cfg(&[get_feature], &type_features(api, data));
        let id = id_body(api, data, "_id");
        let project = id_body(api, data, "project");
        let full = ty(&TypeRef::Named(kind.data.clone()));
        let get = ident(
            &find_op(api, &kind.get)
                .map(|op| op.method_name.clone())
                .unwrap_or_default(),
        );
        items.push(quote! {
            #cfg_attr
            impl crate::conveniences::ContainerData for #data_ty {
                type Kind = kind::#marker;
                type Full = #full;
                const KIND: ContainerKind = ContainerKind::#marker;
                fn id(&self) -> ::std::option::Option<&str> { #id }
                fn project_id(&self) -> ::std::option::Option<&str> { #project }
                fn get(client: &crate::Client, id: &str) -> crate::ResponseFuture<#full> {
                    client.#get(id).send()
                }
            }
        });
    }

    // Aliases and the any-container enum, from the `get` types.
    let mut any_variants = Vec::new();
    let mut any_arms = Vec::new();
    let mut any_ids = Vec::new();
    let mut any_kinds = Vec::new();
    for kind in &conv.kinds {
        let name = ident(&kind.rust_name);
        let data_ty = ty(&TypeRef::Named(kind.data.clone()));
        let cfg_attr = cfg(&[], &type_features(api, &kind.data));
        let article = crate::codegen::docs::article(&kind.name);
        let capital = if article == "an" { "An" } else { "A" };
        let d = doc(&format!(
            "{capital} {} as `{}` answers it ([`{}`](crate::types::{})), with the client to act on it.",
            kind.name, kind.get, kind.data, kind.data
        ));
        items.push(quote! {
            #d
            #cfg_attr
            pub type #name = crate::conveniences::Container<#data_ty>;
        });
        let d = doc(&format!("{capital} {}.", kind.name));
        any_variants.push(quote! { #d #cfg_attr #name(#name), });
        // `id()` needs the kind's `ContainerData`, compiled with its `get` operation's feature.
        let data_cfg = cfg(
            &[kind.get_feature.as_str()],
            &type_features(api, &kind.data),
        );
        any_ids.push(quote! { #data_cfg AnyContainer::#name(container) => container.id(), });
        any_kinds.push(quote! { #cfg_attr AnyContainer::#name(_) => ::std::option::Option::Some(ContainerKind::#name), });
        let wire = &kind.name;
        any_arms.push(quote! {
            #cfg_attr
            #wire => AnyContainer::#name(crate::conveniences::Container::new(client.clone(), ::serde_json::from_value(value)?)),
        });
    }
    items.push(quote! {
        /// A container of any kind, chosen by the answer's `container_type`: what
        /// [`Client::get`](crate::Client::get), [`Client::lookup`](crate::Client::lookup) and
        /// [`Client::resolve`](crate::Client::resolve) return.
        ///
        /// A kind whose Cargo feature is off, or a node that is not a container (a `file`),
        /// comes as [`Other`](AnyContainer::Other) with its JSON.
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum AnyContainer {
            #(#any_variants)*
            /// Any other node: its `container_type` and its JSON.
            Other {
                /// The node's `container_type` (`file`), empty when it had none.
                container_type: ::std::string::String,
                /// The node as received.
                value: ::serde_json::Value,
            },
        }
        impl AnyContainer {
            /// The container's id (`_id`), `""` when the answer carried none (or when the
            /// Cargo feature of its kind's `get` operation is off).
            pub fn id(&self) -> &str {
                match self {
                    #(#any_ids)*
                    AnyContainer::Other { value, .. } => value
                        .get("_id")
                        .and_then(::serde_json::Value::as_str)
                        .unwrap_or_default(),
                    #[allow(unreachable_patterns)]
                    _ => "",
                }
            }
            /// The container's kind; `None` for [`Other`](AnyContainer::Other).
            pub fn kind(&self) -> ::std::option::Option<ContainerKind> {
                match self {
                    #(#any_kinds)*
                    AnyContainer::Other { .. } => ::std::option::Option::None,
                }
            }
        }
        /// Decodes a node as the kind its `container_type` names.
        #[allow(dead_code)] // used by `get`, `lookup` and `resolve`, each behind a feature
        pub(crate) fn decode_any(
            client: &crate::Client,
            container_type: &str,
            value: ::serde_json::Value,
        ) -> ::std::result::Result<AnyContainer, ::serde_json::Error> {
            let _ = client;
            ::std::result::Result::Ok(match container_type {
                #(#any_arms)*
                _ => AnyContainer::Other { container_type: container_type.to_owned(), value },
            })
        }
    });

    // One list function per finder operation.
    let mut seen = BTreeSet::new();
    let lists = conv
        .kinds
        .iter()
        .flat_map(|k| k.find.iter().chain(&k.children))
        .chain(&conv.finders);
    for list in lists {
        if !seen.insert(list.operation_id.clone()) {
            continue;
        }
        let name = list_fn_name(list);
        let method = ident(&list.method_name);
        let item = ty(&TypeRef::Named(list.item.clone()));
        let feature = list.feature.as_str();
        let call = if list.takes_parent {
            quote! { client.#method(parent) }
        } else {
            quote! { { let _ = parent; client.#method() } }
        };
        let setters = list.query.iter().map(|q| {
            let setter = ident(q);
            let getter = ident(q);
            quote! { if let ::std::option::Option::Some(value) = query.#getter() { builder = builder.#setter(value); } }
        });
        let d = doc(&format!(
            "Pages of `{}` with the finder's filter, sort and page size.",
            list.operation_id
        ));
        items.push(quote! {
            #d
            #[cfg(feature = #feature)]
            fn #name(
                client: &crate::Client,
                parent: &str,
                query: &crate::conveniences::FinderQuery,
            ) -> crate::Paginator<#item> {
                let mut builder = #call;
                #(#setters)*
                builder.into_stream()
            }
        });
    }

    // Finders on `Client`.
    let mut client_fns = Vec::new();
    for list in conv
        .kinds
        .iter()
        .filter_map(|k| k.find.as_ref())
        .chain(&conv.finders)
    {
        client_fns.push(finder_fn(
            list,
            quote! { self.clone() },
            quote! { ::std::string::String::new() },
        ));
    }
    items.push(quote! {
        /// Finders: one per listable kind (`client.projects()`), as in the Python SDK.
        impl crate::Client { #(#client_fns)* }
    });

    // Child finders on every data type of a kind.
    for (data, kind) in &data_types {
        if kind.children.is_empty() {
            continue;
        }
        let data_ty = ty(&TypeRef::Named(data.clone()));
        let type_feats = type_features(api, data);
        let fns = kind.children.iter().map(|child| {
            finder_fn(
                child,
                quote! { self.client().clone() },
                quote! { crate::conveniences::ContainerData::id(self.data()).unwrap_or_default().to_owned() },
            )
        });
        let cfg_attr = cfg(&[kind.get_feature.as_str()], &type_feats);
        let d = doc(&format!(
            "Child finders of {} {}.",
            crate::codegen::docs::article(&kind.name),
            kind.name
        ));
        items.push(quote! {
            #d
            #cfg_attr
            impl crate::conveniences::Container<#data_ty> { #(#fns)* }
        });
    }
    quote! { #(#items)* }
}

fn finder_fn(list: &ListOp, client: TokenStream, parent: TokenStream) -> TokenStream {
    let name = ident(&list.name);
    let list_fn = list_fn_name(list);
    let op_id = list.operation_id.as_str();
    let item = ty(&TypeRef::Named(list.item.clone()));
    let feature = list.feature.as_str();
    let (output, wrap, what) = match &list.kind {
        Some(kind) => (
            quote! { crate::conveniences::Container<#item> },
            quote! { crate::conveniences::Container::new },
            format!(
                "{kind} objects ([`Container`](crate::conveniences::Container) of [`{}`](crate::types::{}))",
                list.item, list.item
            ),
        ),
        None => (
            quote! { #item },
            quote! { crate::conveniences::keep_item },
            format!("items ([`{}`](crate::types::{}))", list.item, list.item),
        ),
    };
    let d = doc(&format!(
        "Finder of {what}, listed by `{}`: `find`, `find_first`, `find_one` and `stream`, with an optional [`Filter`](crate::conveniences::Filter) and [`Sort`](crate::conveniences::Sort).",
        list.operation_id
    ));
    quote! {
        #d
        #[cfg(feature = #feature)]
        pub fn #name(&self) -> crate::conveniences::Finder<#item, #output> {
            crate::conveniences::Finder::new(#client, #op_id, #parent, #list_fn, #wrap)
        }
    }
}
