//! Stage 2: lower the parsed spec into the IR, checking everything the generator relies on.
//!
//! Problems are collected rather than returned at the first one, so a single run reports
//! every broken `$ref` or unsupported construct with its JSON pointer.

mod operations;
pub use operations::template_names;
mod post;
mod schemas;

use crate::error::{Error, Problems};
use crate::ir::{Api, Tag, TypeDef, TypeRef};
use crate::names::{self, Scope};
use heck::ToKebabCase;
use indexmap::IndexMap;
use openapiv3::OpenAPI;
use std::collections::HashMap;

/// Lowers a parsed spec to the IR. `file` names the spec in error messages.
pub fn lower(spec: &OpenAPI, file: &str) -> Result<Api, Error> {
    let mut ctx = Ctx::new(spec);
    ctx.declare_component_schemas();
    ctx.lower_component_schemas();
    let tags = ctx.lower_tags();
    let operations = ctx.lower_operations(&tags);
    let Ctx {
        problems,
        mut types,
        ..
    } = ctx;
    if !problems.0.is_empty() {
        return Err(Error {
            file: file.to_owned(),
            problems: problems.0,
        });
    }
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        tags,
        operations,
        types: std::mem::take(&mut types),
    };
    post::finish(&mut api);
    Ok(api)
}

/// Lowering state: the spec, the types defined so far and the problems found.
pub(crate) struct Ctx<'a> {
    pub(crate) spec: &'a OpenAPI,
    pub(crate) problems: Problems,
    pub(crate) types: Vec<TypeDef>,
    /// Component schema name → index in `types`.
    pub(crate) components: IndexMap<String, usize>,
    pub(crate) type_names: Scope,
    /// Inline unions already defined, by their variant types, for reuse.
    pub(crate) inline_unions: HashMap<Vec<TypeRef>, String>,
    /// Page envelopes typed for an item, by (envelope's Rust name, item type), for reuse.
    pub(crate) typed_pages: HashMap<(String, TypeRef), String>,
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a OpenAPI) -> Self {
        Ctx {
            spec,
            problems: Problems::default(),
            types: Vec::new(),
            components: IndexMap::new(),
            type_names: Scope::default(),
            inline_unions: HashMap::new(),
            typed_pages: HashMap::new(),
        }
    }

    fn lower_tags(&mut self) -> Vec<Tag> {
        let mut modules = Scope::with_reserved(&["mod", "types", "operations"]);
        self.spec
            .tags
            .iter()
            .map(|tag| Tag {
                name: tag.name.clone(),
                description: tag.description.clone(),
                module: modules.claim(&names::snake(&tag.name)),
                feature: tag.name.to_kebab_case(),
            })
            .collect()
    }

    /// The type with this Rust name.
    pub(crate) fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// Resolves a local `$ref` of the given component kind (`schemas`, `parameters`, …) to the
/// component's name, or explains why it cannot be followed.
pub(crate) fn component_name<'r>(reference: &'r str, kind: &str) -> Result<&'r str, String> {
    let prefix = format!("#/components/{kind}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.is_empty() && !name.contains('/') => Ok(name),
        _ if reference.starts_with('#') => Err(format!(
            "$ref {reference:?} does not point into #/components/{kind}"
        )),
        _ => Err(format!(
            "$ref {reference:?} is not a local reference; only references into this file's \
             #/components are supported"
        )),
    }
}
