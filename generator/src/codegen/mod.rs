//! Stage 3: render the IR as Rust token streams, one per generated file.

pub mod conformance;
pub mod docs;
pub mod mock;
pub mod operations;
pub mod types;

use crate::ir::{Api, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// An identifier, raw (`r#type`) when the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type for a type reference, with fully qualified paths.
pub fn ty(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Integer => quote! { i64 },
        TypeRef::Integer32 => quote! { i32 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { crate::types::#name }
        }
        TypeRef::Array(inner) => {
            let inner = ty(inner);
            quote! { ::std::vec::Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner);
            quote! { ::std::collections::BTreeMap<::std::string::String, #inner> }
        }
    }
}

/// `#[cfg(any(feature = ...))]` for an item reached by these tags; nothing when every tag
/// with operations reaches it, or none does (an unused schema stays available).
pub fn cfg_attr(tags: &BTreeSet<String>, api: &Api) -> TokenStream {
    let used: BTreeSet<&str> = api.operations.iter().map(|o| o.tag.as_str()).collect();
    if tags.is_empty() || used.iter().all(|t| tags.contains(*t)) {
        return quote! {};
    }
    let features: Vec<&str> = api
        .tags
        .iter()
        .filter(|t| tags.contains(&t.name))
        .map(|t| t.feature.as_str())
        .collect();
    match features.as_slice() {
        [one] => quote! { #[cfg(feature = #one)] },
        _ => quote! { #[cfg(any(#(feature = #features),*))] },
    }
}

/// A generated file: path below the generated folder, and its tokens.
pub struct RenderedFile {
    /// Path relative to the generated folder, with `/` separators.
    pub path: String,
    /// What the file says, in one line, for its module doc.
    pub doc: String,
    /// The file's items.
    pub tokens: TokenStream,
}

/// The file of a type that several tags use, by its name's first letter, so that no file
/// grows past a few thousand lines.
fn common_group(name: &str) -> &'static str {
    match name.chars().next().map(|c| c.to_ascii_uppercase()) {
        Some('A'..='C') => "common_a_c",
        Some('D'..='F') => "common_d_f",
        Some('G'..='J') => "common_g_j",
        Some('K'..='O') => "common_k_o",
        Some('P'..='R') => "common_p_r",
        _ => "common_s_z",
    }
}

/// Renders every file of the generated folder.
pub fn render(api: &Api) -> Vec<RenderedFile> {
    let mut files = Vec::new();
    let kinds = types::json_kinds(api);

    // Types, grouped by the one tag that uses them, or `common` when several do.
    let mut groups: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for def in &api.types {
        let group = match def.tags.len() {
            1 => {
                let tag = def
                    .tags
                    .iter()
                    .next()
                    .map(String::as_str)
                    .unwrap_or_default();
                api.tags
                    .iter()
                    .find(|t| t.name == tag)
                    .map(|t| t.module.clone())
                    .unwrap_or_default()
            }
            _ => common_group(&def.name).to_owned(),
        };
        groups
            .entry(group)
            .or_default()
            .push(types::type_def(def, api, &kinds));
    }
    let group_decls = groups.keys().map(|group| {
        let module = ident(group);
        match api.tags.iter().find(|t| &t.module == group) {
            Some(tag) => {
                let feature = &tag.feature;
                quote! {
                    #[cfg(feature = #feature)]
                    mod #module;
                    #[cfg(feature = #feature)]
                    pub use self::#module::*;
                }
            }
            None => quote! {
                mod #module;
                pub use self::#module::*;
            },
        }
    });
    files.push(RenderedFile {
        path: "types/mod.rs".into(),
        doc: "Types of the API's schemas: one Rust type per component schema, plus the inline schemas that need a name.\n\nTypes are grouped in files by the tag whose operations use them (`common_*`, by first letter, when several do) and all re-exported here.".into(),
        tokens: quote! { #(#group_decls)* },
    });
    for (group, items) in groups {
        let doc = if let Some(range) = group.strip_prefix("common_") {
            let (first, last) = range.split_once('_').unwrap_or((range, range));
            format!(
                "Types used by the operations of several tags, whose names start with {} to {}.",
                first.to_uppercase(),
                last.to_uppercase()
            )
        } else {
            let tag = api
                .tags
                .iter()
                .find(|t| t.module == group)
                .map(|t| t.name.as_str())
                .unwrap_or("");
            format!("Types used only by operations of tag `{tag}`.")
        };
        files.push(RenderedFile {
            path: format!("types/{group}.rs"),
            doc,
            tokens: quote! { #(#items)* },
        });
    }

    // Operations, one file per tag.
    let mut op_mods = Vec::new();
    for tag in &api.tags {
        let ops: Vec<_> = api
            .operations
            .iter()
            .filter(|o| o.tag == tag.name)
            .collect();
        if ops.is_empty() {
            continue;
        }
        let module = ident(&tag.module);
        let feature = &tag.feature;
        op_mods.push(quote! {
            #[cfg(feature = #feature)]
            pub mod #module;
        });
        let doc = docs::tag(tag);
        files.push(RenderedFile {
            path: format!("operations/{}.rs", tag.module),
            doc,
            tokens: operations::tag_module(tag, &ops),
        });
    }
    files.push(RenderedFile {
        path: "operations/mod.rs".into(),
        doc: "Request builders, one module per tag, each behind the Cargo feature of the same name.\n\nEach operation is a method on [`Client`](crate::Client) that returns its builder.".into(),
        tokens: quote! { #(#op_mods)* },
    });
    files.push(RenderedFile {
        path: "mod.rs".into(),
        doc: "Code generated from the OpenAPI description: types and operations.".into(),
        tokens: quote! {
            #[cfg(feature = "mock")]
            pub mod mock;
            pub mod operations;
            pub mod types;
        },
    });
    files.push(RenderedFile {
        path: "mock.rs".into(),
        doc: "The mock's per-operation part: the operation table requests are matched against and one typed stub method per operation on [`MockFlywheel`](crate::mock::MockFlywheel).".into(),
        tokens: mock::render(api),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The `[features]` entries for the tags' features, all on by default.
pub fn cargo_features(api: &Api) -> String {
    let used: BTreeSet<&str> = api.operations.iter().map(|o| o.tag.as_str()).collect();
    let features: Vec<&str> = api
        .tags
        .iter()
        .filter(|t| used.contains(t.name.as_str()))
        .map(|t| t.feature.as_str())
        .collect();
    let mut out = String::new();
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    out.push_str(&format!("default = [{}]\n", quoted.join(", ")));
    for f in features {
        out.push_str(&format!("{f} = []\n"));
    }
    out.push_str(&format!(
        "# Derive `Serialize` on the types only responses contain, too (off: they only decode).\n{} = []\n",
        types::SERIALIZE_RESPONSES_FEATURE
    ));
    out
}
