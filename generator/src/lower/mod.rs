//! Stage 2: lower the parsed spec into the IR, checking everything the generator relies on.
//!
//! Problems are collected rather than returned at the first one, so a single run reports
//! every broken `$ref` or unsupported construct with its JSON pointer.

mod operations;
pub use operations::template_names;
mod post;
mod schemas;

use crate::error::{Error, Problem, Problems};
use crate::ir::{Api, Tag, TypeDef, TypeKind, TypeRef};
use crate::names::{self, Scope};
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
        mut problems,
        mut types,
        ..
    } = ctx;
    problems.0.extend(post::alias_cycles(&types));
    if !problems.0.is_empty() {
        return Err(Error {
            file: file.to_owned(),
            problems: missing_components(spec, problems).grouped(),
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
    let problems = check_names(&api);
    if !problems.is_empty() {
        return Err(Error {
            file: file.to_owned(),
            problems,
        });
    }
    Ok(api)
}

/// The last line of defence before anything is rendered: every identifier the IR holds is a
/// valid Rust identifier and unique in its scope, and every Cargo feature name is valid and
/// unique. Naming rules above make this hold; a failure here is a generator bug, reported
/// with the item's pointer instead of a panic in `proc_macro2` or a broken manifest.
fn check_names(api: &Api) -> Vec<Problem> {
    fn scope<'n>(
        names: impl IntoIterator<Item = &'n str>,
        pointer: &str,
        what: &str,
        problems: &mut Vec<Problem>,
    ) {
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let problem = if !names::is_valid_ident(name) {
                "is not a valid Rust identifier"
            } else if !seen.insert(name.trim_start_matches("r#")) {
                "is used twice"
            } else {
                continue;
            };
            problems.push(Problem {
                pointer: pointer.to_owned(),
                message: format!(
                    "the {what} name `{name}` derived from this item {problem}; this is a \
                     generator bug: please report it with the spec item"
                ),
            });
        }
    }
    let mut problems = Vec::new();
    scope(
        api.types.iter().map(|t| t.name.as_str()),
        "#",
        "type",
        &mut problems,
    );
    for t in &api.types {
        let members: Vec<&str> = match &t.kind {
            TypeKind::Struct(fields) => fields.iter().map(|f| f.rust_name.as_str()).collect(),
            TypeKind::Enum(values) => std::iter::once("Unknown")
                .chain(values.iter().map(|v| v.rust_name.as_str()))
                .collect(),
            TypeKind::Union(variants) => variants.iter().map(|v| v.rust_name.as_str()).collect(),
            TypeKind::Tagged(tagged) => std::iter::once("Unknown")
                .chain(tagged.variants.iter().map(|v| v.rust_name.as_str()))
                .collect(),
            TypeKind::Alias(_) => Vec::new(),
        };
        scope(members, &t.pointer, "member", &mut problems);
    }
    scope(
        api.operations.iter().map(|o| o.method_name.as_str()),
        "#/paths",
        "method",
        &mut problems,
    );
    scope(
        api.operations.iter().map(|o| o.builder_name.as_str()),
        "#/paths",
        "builder",
        &mut problems,
    );
    for op in &api.operations {
        let parts = match &op.body {
            Some(crate::ir::Body::Multipart { parts, .. }) => parts.as_slice(),
            _ => &[],
        };
        scope(
            op.params
                .iter()
                .map(|p| p.rust_name.as_str())
                .chain(parts.iter().map(|p| p.rust_name.as_str())),
            &op.pointer,
            "parameter",
            &mut problems,
        );
    }
    scope(
        api.tags.iter().map(|t| t.module.as_str()),
        "#/tags",
        "module",
        &mut problems,
    );
    let mut features = std::collections::HashSet::from(["default"]);
    for (i, tag) in api.tags.iter().enumerate() {
        let valid = tag.feature.starts_with(|c: char| c.is_ascii_alphanumeric())
            && tag
                .feature
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid || !features.insert(tag.feature.as_str()) {
            problems.push(Problem {
                pointer: crate::error::pointer(&["tags", &i.to_string(), "name"]),
                message: format!(
                    "the Cargo feature name {:?} derived from this tag is invalid or taken; \
                     this is a generator bug: please report it with the spec item",
                    tag.feature
                ),
            });
        }
    }
    problems
}

/// Without a `components` section every `$ref` fails: one problem says so, with the count,
/// instead of one per `$ref`.
fn missing_components(spec: &OpenAPI, problems: Problems) -> Problems {
    if spec.components.is_some() {
        return problems;
    }
    let (refs, mut rest): (Vec<Problem>, Vec<Problem>) = problems
        .0
        .into_iter()
        .partition(|p| p.pointer.ends_with("/$ref") && p.message.contains("does not resolve"));
    if !refs.is_empty() {
        rest.insert(
            0,
            Problem {
                pointer: "#/components".to_owned(),
                message: format!(
                    "missing: {} into #/components (at {}{}); add a `components` section \
                     that defines what they name",
                    match refs.len() {
                        1 => "1 $ref points".to_owned(),
                        n => format!("{n} $refs point"),
                    },
                    refs.iter()
                        .take(3)
                        .map(|p| p.pointer.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if refs.len() > 3 { ", …" } else { "" }
                ),
            },
        );
    }
    Problems(rest)
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
        // Feature name → the tag that took it. Cargo refuses a manifest with a duplicate or
        // empty feature, and `default` is the list of all of them; a suffix would make a
        // feature name users cannot guess, so a clash is the maintainer's to resolve.
        let mut features: HashMap<String, (usize, String)> = HashMap::new();
        features.insert("default".to_owned(), (usize::MAX, String::new()));
        let mut tags = Vec::new();
        for (i, tag) in self.spec.tags.iter().enumerate() {
            let at = crate::error::pointer(&["tags", &i.to_string(), "name"]);
            let feature = match names::feature(&tag.name) {
                None => {
                    self.problems.push(
                        at.clone(),
                        format!(
                            "tag {:?} has no ASCII letter or digit, so it gives no Cargo feature \
                             name; name the tag with letters (`projects`, `audit-trail`)",
                            tag.name
                        ),
                    );
                    // Kept, so its operations raise no second error; nothing is written.
                    String::new()
                }
                Some(feature) => feature,
            };
            match features.get(&feature) {
                _ if feature.is_empty() => {}
                Some((usize::MAX, _)) => self.problems.push(
                    at,
                    format!(
                        "tag {:?} gives the Cargo feature `default`, which lists every tag's \
                         feature; rename the tag",
                        tag.name
                    ),
                ),
                Some((other, other_name)) => self.problems.push(
                    at,
                    format!(
                        "tag {:?} gives the Cargo feature `{feature}`, as tag {other_name:?} \
                         (#/tags/{other}) does; tag names must differ in more than case and \
                         punctuation: rename or merge one of them",
                        tag.name
                    ),
                ),
                None => {
                    features.insert(feature.clone(), (i, tag.name.clone()));
                }
            }
            tags.push(Tag {
                name: tag.name.clone(),
                description: tag.description.clone(),
                module: modules.claim(&names::snake(&tag.name)),
                feature,
            });
        }
        tags
    }

    /// The type with this Rust name.
    pub(crate) fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// Resolves a local `$ref` of the given component kind (`schemas`, `parameters`, …) to the
/// component's name, or explains why it cannot be followed. The name is a JSON-pointer
/// segment: `~1` stands for `/` and `~0` for `~` (`#/components/schemas/a~1b` names `a/b`).
pub(crate) fn component_name<'r>(
    reference: &'r str,
    kind: &str,
) -> Result<std::borrow::Cow<'r, str>, String> {
    let prefix = format!("#/components/{kind}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.is_empty() && !name.contains('/') => Ok(if name.contains('~') {
            std::borrow::Cow::Owned(name.replace("~1", "/").replace("~0", "~"))
        } else {
            std::borrow::Cow::Borrowed(name)
        }),
        _ if reference.starts_with('#') => Err(format!(
            "$ref {reference:?} does not point into #/components/{kind}"
        )),
        _ => Err(format!(
            "$ref {reference:?} is not a local reference; only references into this file's \
             #/components are supported"
        )),
    }
}
