//! `spec/openapi.yaml` against the reference facts in `tests/reference` (see its README).
//!
//! For each of the 496 documented methods (`operations.json`) the spec must have an operation, or an
//! `x-flywheel-variants` entry, with that operationId and the same verb, path shape, parameters
//! (location, wire name or path position, required flag, type), request body, success response,
//! tag (by `x-reference-class`), a one-line summary and the shared `default` error response. Every schema of `models.json` must be there with the same
//! wire field names and types (enums: the same values), and every alias as a `$ref` to its target.
//! From `model_extras.json`: the concrete schemas `models.json` lacks are checked like the others,
//! each schema's `required` list must equal the reference's (none where it lists none), and the
//! two polymorphic schemas must be `oneOf` + `discriminator` with the reference's property,
//! mapping and fallback property (`x-flywheel-discriminator-fallback`).
//!
//! The checker is a function from (spec text, reference) to the list of every difference found;
//! the unit tests at the bottom feed it a small spec with one deliberate mistake each.
//!
//! The spec's texts (summaries and descriptions, which become the client's doc comments) are
//! checked apart, by [`text_problems`]: no `a(n)` placeholder and no text that runs into the
//! words the docs append after it.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

// ------------------------------------------------------------------------------------------------
// The reference
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct RefOperation {
    api: String,
    operation: String,
    verb: String,
    path: String,
    params: Vec<RefParam>,
    body: Option<RefBody>,
    consumes: Vec<String>,
    produces: Vec<String>,
    response_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RefParam {
    name: String,
    #[serde(rename = "in")]
    location: String,
    wire_name: String,
    #[serde(rename = "type")]
    ty: String,
    required: bool,
}

#[derive(Debug, Deserialize)]
struct RefBody {
    #[serde(rename = "type")]
    ty: String,
    required: bool,
    content_type: String,
}

#[derive(Debug, Deserialize)]
struct RefModels {
    models: BTreeMap<String, RefModel>,
    aliases: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefModel {
    fields: Option<Vec<RefField>>,
    #[serde(rename = "enum")]
    values: Option<Vec<Value>>,
}

/// `model_extras.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefExtras {
    required: BTreeMap<String, Vec<String>>,
    discriminators: BTreeMap<String, RefDiscriminator>,
    extra_models: BTreeMap<String, RefModel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefDiscriminator {
    property: String,
    alternative_property: Option<String>,
    /// Property value -> schema name.
    mapping: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RefField {
    wire_name: String,
    #[serde(rename = "type")]
    ty: String,
}

/// Everything the checker compares the spec with.
struct Reference {
    operations: Vec<RefOperation>,
    models: BTreeMap<String, RefModel>,
    aliases: BTreeMap<String, String>,
    /// Schema name -> wire names of its required fields.
    required: BTreeMap<String, Vec<String>>,
    discriminators: BTreeMap<String, RefDiscriminator>,
    /// The API classes of the reference, methods or not (`AcquisitionsApi`, ...).
    classes: BTreeSet<String>,
}

/// The API classes the reference documents without any method, so `operations.json` cannot name
/// them; the spec still has a tag for each (see `tests/reference/README.md`).
const CLASSES_WITHOUT_METHODS: [&str; 4] = ["AuthApi", "BulkApi", "PackfilesApi", "UidsApi"];

impl Reference {
    /// The reference from the three JSON files; `classes_without_methods` completes the classes
    /// that `operations.json` names.
    fn parse(
        operations_json: &str,
        models_json: &str,
        extras_json: &str,
        classes_without_methods: &[&str],
    ) -> Result<Self, String> {
        let operations: Vec<RefOperation> = serde_json::from_str(operations_json)
            .map_err(|e| format!("operations.json does not parse: {e}"))?;
        let mut models: RefModels = serde_json::from_str(models_json)
            .map_err(|e| format!("models.json does not parse: {e}"))?;
        let extras: RefExtras = serde_json::from_str(extras_json)
            .map_err(|e| format!("model_extras.json does not parse: {e}"))?;
        for (name, model) in extras.extra_models {
            if models.models.insert(name.clone(), model).is_some() {
                return Err(format!(
                    "model_extras.json: extra model {name} is in models.json already"
                ));
            }
        }
        let classes = operations
            .iter()
            .map(|op| op.api.clone())
            .chain(classes_without_methods.iter().map(|c| c.to_string()))
            .collect();
        Ok(Self {
            operations,
            models: models.models,
            aliases: models.aliases,
            required: extras.required,
            discriminators: extras.discriminators,
            classes,
        })
    }

    /// Reads `operations.json` and `models.json` from `dir`.
    fn load(dir: &Path) -> Result<Self, String> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
        };
        Self::parse(
            &read("operations.json")?,
            &read("models.json")?,
            &read("model_extras.json")?,
            &CLASSES_WITHOUT_METHODS,
        )
    }
}

// ------------------------------------------------------------------------------------------------
// Types, in one notation for both sides
// ------------------------------------------------------------------------------------------------

/// A JSON shape. Named schemas are compared by name after resolving aliases on each side.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ty {
    Str,
    Int,
    Float,
    Bool,
    DateTime,
    Binary,
    /// Any JSON object (`object`, or `type: object` without properties).
    Object,
    /// A schema without any constraint (`{}`).
    Any,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// Two or more distinct members, sorted.
    Union(Vec<Ty>),
    Named(String),
    /// Something this checker does not map; shown as is, never equal to a reference type.
    Unsupported(String),
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Str => f.write_str("str"),
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::Bool => f.write_str("bool"),
            Ty::DateTime => f.write_str("datetime"),
            Ty::Binary => f.write_str("binary"),
            Ty::Object => f.write_str("object"),
            Ty::Any => f.write_str("any"),
            Ty::List(item) => write!(f, "list[{item}]"),
            Ty::Map(value) => write!(f, "dict(str, {value})"),
            Ty::Union(members) => {
                f.write_str("union[")?;
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{member}")?;
                }
                f.write_str("]")
            }
            Ty::Named(name) => f.write_str(name),
            Ty::Unsupported(what) => write!(f, "<{what}>"),
        }
    }
}

/// A union with nested unions flattened and duplicate members removed; one member is itself.
fn union(members: impl IntoIterator<Item = Ty>) -> Ty {
    let mut flat = BTreeSet::new();
    for member in members {
        match member {
            Ty::Union(inner) => flat.extend(inner),
            other => {
                flat.insert(other);
            }
        }
    }
    let mut flat: Vec<Ty> = flat.into_iter().collect();
    if flat.len() == 1 {
        flat.remove(0)
    } else {
        Ty::Union(flat)
    }
}

/// Splits `a,list[b,c],d` at the commas outside brackets.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts
}

/// Follows an alias chain (`name -> target`), guarding against cycles.
fn follow_aliases(name: &str, target_of: impl Fn(&str) -> Option<String>) -> String {
    let mut current = name.to_string();
    let mut seen = BTreeSet::new();
    while seen.insert(current.clone()) {
        match target_of(&current) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// `core__models__jobs__ApiKeyInput` is the schema `CoreModelsJobsApiKeyInput`.
fn reference_schema_name(name: &str) -> String {
    if !name.contains("__") {
        return name.to_string();
    }
    name.split("__")
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

impl Reference {
    /// The reference's type notation (`list[T]`, `dict(str, T)`, `union[A,B]`, names) as a `Ty`.
    fn ty(&self, notation: &str) -> Ty {
        let t = notation.trim();
        if let Some(inner) = t.strip_prefix("list[").and_then(|r| r.strip_suffix(']')) {
            return Ty::List(Box::new(self.ty(inner)));
        }
        if let Some(inner) = t.strip_prefix("union[").and_then(|r| r.strip_suffix(']')) {
            return union(split_top_level(inner).into_iter().map(|m| self.ty(m)));
        }
        if let Some(inner) = t.strip_prefix("dict(").and_then(|r| r.strip_suffix(')')) {
            return match split_top_level(inner).as_slice() {
                ["str", value] => Ty::Map(Box::new(self.ty(value))),
                _ => Ty::Unsupported(t.to_string()),
            };
        }
        match t {
            "str" => Ty::Str,
            "int" | "integer" => Ty::Int,
            "float" => Ty::Float,
            "bool" => Ty::Bool,
            "datetime" => Ty::DateTime,
            "object" | "Object" => Ty::Object,
            name if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                let name = reference_schema_name(name);
                Ty::Named(follow_aliases(&name, |n| self.aliases.get(n).cloned()))
            }
            other => Ty::Unsupported(other.to_string()),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The spec
// ------------------------------------------------------------------------------------------------

const VERBS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMA_PREFIX: &str = "#/components/schemas/";
const ERROR_RESPONSE: &str = "#/components/responses/Error";
const MULTIPART: &str = "multipart/form-data";
const JSON: &str = "application/json";
const OCTET_STREAM: &str = "application/octet-stream";

fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(Value::from).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

struct Spec {
    doc: Value,
}

/// A parameter as the spec states it, after resolving `$ref`.
struct SpecParam {
    name: String,
    location: String,
    required: bool,
    ty: Ty,
    /// Marked `x-flywheel-not-in-sdk`: a parameter the server takes that the reference lacks.
    not_in_sdk: bool,
}

/// Header parameters that OpenAPI 3.0 says to ignore (the client sets them itself): the spec
/// does not list them even where the reference does.
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

fn is_ignored_header(location: &str, name: &str) -> bool {
    location == "header" && IGNORED_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether a spec parameter of type `spec` takes every value of the reference type `reference`:
/// the same type, or a union that has it as a member (`union[HeaderFeature,str]` takes every
/// `str`), item by item for lists.
fn takes(spec: &Ty, reference: &Ty) -> bool {
    match (spec, reference) {
        (Ty::List(spec), Ty::List(reference)) => takes(spec, reference),
        (Ty::Union(members), reference) if members.contains(reference) => *reference == Ty::Str,
        _ => spec == reference,
    }
}

/// One documented method in the spec: an operation, or one of its variants.
struct SpecMethod<'a> {
    path: &'a str,
    verb: &'a str,
    item: &'a Value,
    op: &'a Value,
    variant: Option<&'a Value>,
}

impl Spec {
    fn schemas(&self) -> Option<&Map<String, Value>> {
        self.doc.pointer("/components/schemas")?.as_object()
    }

    /// The alias target of schema `name`: its `$ref` when it is only a `$ref`.
    fn alias_target(&self, name: &str) -> Option<String> {
        let schema = self.schemas()?.get(name)?.as_object()?;
        let target = schema.get("$ref")?.as_str()?.strip_prefix(SCHEMA_PREFIX)?;
        schema
            .keys()
            .all(|k| k == "$ref" || k == "description")
            .then(|| target.to_string())
    }

    fn canonical_name(&self, name: &str) -> String {
        follow_aliases(name, |n| self.alias_target(n))
    }

    /// Follows `$ref: '#/components/<kind>/X'` to X.
    fn resolve<'a>(&'a self, value: &'a Value, kind: &str) -> Result<&'a Value, String> {
        let mut current = value;
        for _ in 0..8 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return Ok(current);
            };
            let prefix = format!("#/components/{kind}/");
            let name = reference.strip_prefix(&prefix).ok_or_else(|| {
                format!("`$ref: {reference}` does not point into components/{kind}")
            })?;
            current = self
                .doc
                .pointer(&format!("/components/{kind}/{name}"))
                .ok_or_else(|| format!("`$ref: {reference}` points to nothing"))?;
        }
        Err("`$ref` chain too long".to_string())
    }

    /// A schema object as a `Ty`.
    fn ty(&self, schema: &Value) -> Ty {
        let Some(object) = schema.as_object() else {
            return Ty::Unsupported(format!("schema {schema}"));
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return match reference.strip_prefix(SCHEMA_PREFIX) {
                Some(name) if self.schemas().is_some_and(|s| s.contains_key(name)) => {
                    Ty::Named(self.canonical_name(name))
                }
                _ => Ty::Unsupported(format!("dangling $ref {reference}")),
            };
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = object.get(key).and_then(Value::as_array) {
                if key == "allOf" && members.len() != 1 {
                    return Ty::Unsupported("allOf with several members".to_string());
                }
                return union(members.iter().map(|m| self.ty(m)));
            }
        }
        match object.get("type").and_then(Value::as_str) {
            Some("string") if object.contains_key("enum") => {
                Ty::Unsupported("inline string enum".to_string())
            }
            Some("string") => match object.get("format").and_then(Value::as_str) {
                Some("date-time") => Ty::DateTime,
                Some("binary") => Ty::Binary,
                _ => Ty::Str,
            },
            Some("integer") => Ty::Int,
            Some("number") => Ty::Float,
            Some("boolean") => Ty::Bool,
            Some("array") => Ty::List(Box::new(
                object.get("items").map(|i| self.ty(i)).unwrap_or(Ty::Any),
            )),
            Some("object") => match object.get("additionalProperties") {
                Some(value @ Value::Object(_)) if !object.contains_key("properties") => {
                    Ty::Map(Box::new(self.ty(value)))
                }
                _ if object.contains_key("properties") => {
                    Ty::Unsupported("inline object with properties".to_string())
                }
                _ => Ty::Object,
            },
            Some(other) => Ty::Unsupported(format!("type {other}")),
            None if object.keys().all(|k| k == "description" || k == "nullable") => Ty::Any,
            None => Ty::Unsupported(format!("schema without type {schema}")),
        }
    }

    /// Every documented method of the spec (operations and their variants) by operationId, in
    /// document order.
    fn methods(&self) -> BTreeMap<&str, Vec<SpecMethod<'_>>> {
        let mut methods: BTreeMap<&str, Vec<SpecMethod<'_>>> = BTreeMap::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return methods;
        };
        for (path, item) in paths {
            for verb in VERBS {
                let Some(op) = item.get(verb) else { continue };
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
                methods.entry(id).or_default().push(SpecMethod {
                    path,
                    verb,
                    item,
                    op,
                    variant: None,
                });
                let variants = op.get("x-flywheel-variants").and_then(Value::as_array);
                for variant in variants.into_iter().flatten() {
                    let id = variant
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    methods.entry(id).or_default().push(SpecMethod {
                        path,
                        verb,
                        item,
                        op,
                        variant: Some(variant),
                    });
                }
            }
        }
        methods
    }

    /// The parameters of a method: the path item's, overridden by the operation's (same name and
    /// location), then the variant's.
    fn parameters(
        &self,
        method: &SpecMethod<'_>,
        diffs: &mut Vec<String>,
        id: &str,
    ) -> Vec<SpecParam> {
        let mut params: Vec<SpecParam> = Vec::new();
        let lists = [
            method.item.get("parameters"),
            method.op.get("parameters"),
            method.variant.and_then(|v| v.get("parameters")),
        ];
        for list in lists.into_iter().flatten() {
            let Some(list) = list.as_array() else {
                diffs.push(format!("{id}: a `parameters` entry is not a list"));
                continue;
            };
            let mut in_this_list = BTreeSet::new();
            for raw in list {
                let param = match self.resolve(raw, "parameters") {
                    Ok(param) => param,
                    Err(e) => {
                        diffs.push(format!("{id}: parameter {e}"));
                        continue;
                    }
                };
                let text = |key: &str| {
                    param
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                let ty = match param.get("schema") {
                    Some(schema) => self.ty(schema),
                    None => Ty::Unsupported("parameter without schema".to_string()),
                };
                let param = SpecParam {
                    name: text("name"),
                    location: text("in"),
                    required: param
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    ty,
                    not_in_sdk: param.get("x-flywheel-not-in-sdk").is_some(),
                };
                if !in_this_list.insert((param.name.clone(), param.location.clone())) {
                    diffs.push(format!(
                        "{id}: {} parameter `{}` listed twice in one parameter list",
                        param.location, param.name
                    ));
                }
                params.retain(|p| !(p.name == param.name && p.location == param.location));
                params.push(param);
            }
        }
        params
    }
}

// ------------------------------------------------------------------------------------------------
// The checker
// ------------------------------------------------------------------------------------------------

/// What one run compared, and every difference it found.
#[derive(Debug)]
struct Outcome {
    methods: usize,
    /// Reference parameters (all locations) of those methods.
    parameters: usize,
    schemas: usize,
    /// Fields of the object schemas.
    fields: usize,
    aliases: usize,
    tags: usize,
    /// Schemas whose `required` list was compared (every reference schema).
    required: usize,
    discriminators: usize,
    differences: Vec<String>,
}

/// `/a/{x}/b/{y}` -> (`/a/{}/b/{}`, [x, y]).
fn path_shape(path: &str) -> (String, Vec<String>) {
    let mut shape = String::new();
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        shape.push_str(&rest[..open]);
        shape.push_str("{}");
        names.push(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    shape.push_str(rest);
    (shape, names)
}

fn media_types(content: Option<&Value>) -> Vec<String> {
    content
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default()
}

fn check(spec_text: &str, reference: &Reference) -> Outcome {
    let mut diffs = Vec::new();
    let doc = match serde_yaml::from_str::<serde_yaml::Value>(spec_text) {
        Ok(doc) => yaml_to_json(doc),
        Err(e) => {
            diffs.push(format!("spec: the YAML does not parse: {e}"));
            Value::Null
        }
    };
    let spec = Spec { doc };
    let tags = check_tags(&spec, reference, &mut diffs);
    check_methods(&spec, reference, &tags, &mut diffs);
    check_schemas(&spec, reference, &mut diffs);
    check_required(&spec, reference, &mut diffs);
    check_discriminators(&spec, reference, &mut diffs);
    Outcome {
        methods: reference.operations.len(),
        parameters: reference.operations.iter().map(|op| op.params.len()).sum(),
        schemas: reference.models.len(),
        fields: reference
            .models
            .values()
            .filter_map(|m| m.fields.as_ref())
            .map(Vec::len)
            .sum(),
        aliases: reference.aliases.len(),
        tags: tags.len(),
        required: reference.models.len() - reference.discriminators.len(),
        discriminators: reference.discriminators.len(),
        differences: diffs,
    }
}

/// Every API class of the reference has exactly one tag; returns class -> tag name.
fn check_tags(
    spec: &Spec,
    reference: &Reference,
    diffs: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut tag_of = BTreeMap::new();
    let tags = spec.doc.get("tags").and_then(Value::as_array);
    for tag in tags.into_iter().flatten() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or("");
        let Some(class) = tag.get("x-reference-class").and_then(Value::as_str) else {
            diffs.push(format!("tag `{name}`: no x-reference-class"));
            continue;
        };
        if tag
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            diffs.push(format!("tag `{name}`: no description"));
        }
        if !reference.classes.contains(class) {
            diffs.push(format!(
                "tag `{name}`: x-reference-class {class} is not a class of the reference"
            ));
        }
        if let Some(first) = tag_of.get(class) {
            diffs.push(format!(
                "tags `{first}` and `{name}` both stand for {class}"
            ));
        } else {
            tag_of.insert(class.to_string(), name.to_string());
        }
    }
    for class in &reference.classes {
        if !tag_of.contains_key(class) {
            diffs.push(format!(
                "class {class}: no tag with x-reference-class {class}"
            ));
        }
    }
    tag_of
}

fn check_methods(
    spec: &Spec,
    reference: &Reference,
    tag_of: &BTreeMap<String, String>,
    diffs: &mut Vec<String>,
) {
    let methods = spec.methods();
    let mut documented = BTreeSet::new();
    for op in &reference.operations {
        documented.insert(op.operation.as_str());
        let id = op.operation.as_str();
        match methods.get(id).map(Vec::as_slice) {
            None | Some([]) => diffs.push(format!(
                "{id}: no operation or variant with this operationId"
            )),
            Some([method]) => check_method(spec, reference, tag_of, op, method, diffs),
            Some(several) => {
                let places: Vec<String> = several
                    .iter()
                    .map(|m| format!("{} {}", m.verb.to_uppercase(), m.path))
                    .collect();
                diffs.push(format!(
                    "{id}: operationId used {} times ({})",
                    several.len(),
                    places.join(", ")
                ));
            }
        }
    }
    for (id, places) in &methods {
        if !documented.contains(id) {
            for method in places {
                diffs.push(format!(
                    "{} {}: operationId `{id}` is not a method of the reference",
                    method.verb.to_uppercase(),
                    method.path
                ));
            }
        }
    }
}

fn check_method(
    spec: &Spec,
    reference: &Reference,
    tag_of: &BTreeMap<String, String>,
    op: &RefOperation,
    method: &SpecMethod<'_>,
    diffs: &mut Vec<String>,
) {
    let id = op.operation.as_str();

    // verb and path
    if !method.verb.eq_ignore_ascii_case(&op.verb) {
        diffs.push(format!(
            "{id}: verb {} (reference {})",
            method.verb.to_uppercase(),
            op.verb
        ));
    }
    let (spec_shape, spec_slots) = path_shape(method.path);
    let (ref_shape, ref_slots) = path_shape(&op.path);
    if spec_shape != ref_shape {
        diffs.push(format!(
            "{id}: path shape {spec_shape} (reference {ref_shape})"
        ));
    }

    // tag, summary, default response
    let expected_tag = tag_of.get(&op.api);
    let tags: Vec<&str> = method
        .op
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match expected_tag {
        Some(tag) if tags == [tag.as_str()] => {}
        Some(tag) => diffs.push(format!(
            "{id}: tags {tags:?} (reference class {} is tag `{tag}`)",
            op.api
        )),
        None => diffs.push(format!(
            "{id}: no tag stands for reference class {}",
            op.api
        )),
    }
    let summary_owner = method.variant.unwrap_or(method.op);
    let summary = summary_owner.get("summary").and_then(Value::as_str);
    if summary.is_none_or(|s| s.trim().is_empty() || s.contains('\n')) {
        diffs.push(format!("{id}: summary {summary:?} is not one line of text"));
    }
    let default = method.op.pointer("/responses/default");
    if default != Some(&serde_json::json!({ "$ref": ERROR_RESPONSE })) {
        diffs.push(format!(
            "{id}: the default response is not `$ref: '{ERROR_RESPONSE}'`"
        ));
    }

    check_parameters(spec, reference, op, method, &spec_slots, &ref_slots, diffs);
    check_request_body(spec, reference, op, method, diffs);
    check_success_response(spec, reference, op, method, diffs);
}

fn check_parameters(
    spec: &Spec,
    reference: &Reference,
    op: &RefOperation,
    method: &SpecMethod<'_>,
    spec_slots: &[String],
    ref_slots: &[String],
    diffs: &mut Vec<String>,
) {
    let id = op.operation.as_str();
    let params = spec.parameters(method, diffs, id);
    let mut used = vec![false; params.len()];

    for ref_param in &op.params {
        if is_ignored_header(&ref_param.location, &ref_param.wire_name) {
            continue;
        }
        let ref_ty = reference.ty(&ref_param.ty);
        let found = match ref_param.location.as_str() {
            "path" => {
                let Some(position) = ref_slots.iter().position(|s| *s == ref_param.wire_name)
                else {
                    diffs.push(format!(
                        "{id}: reference path parameter `{}` is not in the reference path (reference data defect)",
                        ref_param.wire_name
                    ));
                    continue;
                };
                let Some(slot) = spec_slots.get(position) else {
                    diffs.push(format!(
                        "{id}: path parameter `{}` (position {}) has no placeholder in the spec path",
                        ref_param.wire_name,
                        position + 1
                    ));
                    continue;
                };
                // Readable names may differ from the reference's, but a name that the reference
                // gives to another position is a swap.
                let loose = |s: &str| s.replace('_', "").to_ascii_lowercase();
                let elsewhere = op.params.iter().find(|p| {
                    p.location == "path"
                        && p.wire_name != ref_param.wire_name
                        && loose(&p.name) == loose(slot)
                });
                if let Some(other) = elsewhere {
                    diffs.push(format!(
                        "{id}: path placeholder `{{{slot}}}` (position {}) holds reference parameter `{}` but is named like `{}`",
                        position + 1,
                        ref_param.wire_name,
                        other.wire_name
                    ));
                }
                let found = params
                    .iter()
                    .position(|p| p.location == "path" && p.name == *slot);
                if found.is_none() {
                    diffs.push(format!(
                        "{id}: path parameter `{{{slot}}}` (position {}, reference `{}`) is not defined",
                        position + 1,
                        ref_param.wire_name
                    ));
                }
                found
            }
            "query" | "header" => {
                let found = params.iter().position(|p| {
                    p.location == ref_param.location && p.name == ref_param.wire_name
                });
                if found.is_none() {
                    diffs.push(format!(
                        "{id}: {} parameter `{}` missing",
                        ref_param.location, ref_param.wire_name
                    ));
                }
                found
            }
            // multipart parts: checked with the request body
            "file" | "formData" => continue,
            other => {
                diffs.push(format!(
                    "{id}: reference parameter location `{other}` is unknown"
                ));
                continue;
            }
        };
        let Some(index) = found else { continue };
        used[index] = true;
        let param = &params[index];
        let what = format!("{} parameter `{}`", ref_param.location, ref_param.wire_name);
        if param.required != ref_param.required {
            diffs.push(format!(
                "{id}: {what}: required {} (reference {})",
                param.required, ref_param.required
            ));
        }
        if !takes(&param.ty, &ref_ty) {
            diffs.push(format!(
                "{id}: {what}: type {} (reference {ref_ty})",
                param.ty
            ));
        }
    }

    for (param, used) in params.iter().zip(used) {
        if is_ignored_header(&param.location, &param.name) {
            diffs.push(format!(
                "{id}: header parameter `{}` is ignored by OpenAPI 3.0 (the client sets it); remove it",
                param.name
            ));
        } else if !used && !param.not_in_sdk {
            diffs.push(format!(
                "{id}: extra {} parameter `{}` (not in the reference)",
                param.location, param.name
            ));
        }
    }

    if let Some(variant) = method.variant {
        match variant.get("fixedQuery").and_then(Value::as_object) {
            None => diffs.push(format!("{id}: variant without a fixedQuery map")),
            Some(fixed) => {
                for key in fixed.keys() {
                    let known = op
                        .params
                        .iter()
                        .any(|p| p.location == "query" && p.wire_name == *key);
                    if !known {
                        diffs.push(format!(
                            "{id}: fixedQuery `{key}` is not a query parameter of the reference method"
                        ));
                    }
                }
            }
        }
    }
}

fn check_request_body(
    spec: &Spec,
    reference: &Reference,
    op: &RefOperation,
    method: &SpecMethod<'_>,
    diffs: &mut Vec<String>,
) {
    let id = op.operation.as_str();
    let body = match method
        .op
        .get("requestBody")
        .map(|b| spec.resolve(b, "requestBodies"))
    {
        None => None,
        Some(Ok(body)) => Some(body),
        Some(Err(e)) => {
            diffs.push(format!("{id}: requestBody {e}"));
            return;
        }
    };
    let parts: Vec<&RefParam> = op
        .params
        .iter()
        .filter(|p| p.location == "file" || p.location == "formData")
        .collect();
    let multipart = op.consumes.iter().any(|c| c == MULTIPART);

    let (expected_media, expected_required) = match (&op.body, multipart) {
        (Some(ref_body), _) => (ref_body.content_type.as_str(), ref_body.required),
        (None, true) => (
            MULTIPART,
            body.and_then(|b| b.get("required"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        ),
        (None, false) => {
            if body.is_some() {
                diffs.push(format!("{id}: has a requestBody (reference: none)"));
            }
            return;
        }
    };
    let Some(body) = body else {
        diffs.push(format!(
            "{id}: no requestBody (reference: {expected_media})"
        ));
        return;
    };
    let media = media_types(body.get("content"));
    if media != [expected_media] {
        diffs.push(format!(
            "{id}: request body media types {media:?} (reference [{expected_media:?}])"
        ));
        return;
    }
    let required = body
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if required != expected_required {
        diffs.push(format!(
            "{id}: request body required {required} (reference {expected_required})"
        ));
    }
    let Some(schema) = body
        .get("content")
        .and_then(|c| c.get(expected_media))
        .and_then(|m| m.get("schema"))
    else {
        diffs.push(format!("{id}: request body {expected_media} has no schema"));
        return;
    };

    if let Some(ref_body) = &op.body {
        let (got, want) = (spec.ty(schema), reference.ty(&ref_body.ty));
        if got != want {
            diffs.push(format!("{id}: request body type {got} (reference {want})"));
        }
        return;
    }

    // multipart: file parts and text fields are the properties of the form schema
    let schema = match spec.resolve(schema, "schemas") {
        Ok(schema) => schema,
        Err(e) => {
            diffs.push(format!("{id}: multipart schema {e}"));
            return;
        }
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    for part in &parts {
        let name = part.wire_name.as_str();
        seen.insert(name);
        let kind = if part.location == "file" {
            "file part"
        } else {
            "form field"
        };
        let Some(property) = properties.and_then(|p| p.get(name)) else {
            diffs.push(format!("{id}: multipart {kind} `{name}` missing"));
            continue;
        };
        let want = match (part.location.as_str(), name) {
            ("file", "files") => Ty::List(Box::new(Ty::Binary)),
            ("file", _) => Ty::Binary,
            _ => reference.ty(&part.ty),
        };
        let got = spec.ty(property);
        if got != want {
            diffs.push(format!(
                "{id}: multipart {kind} `{name}`: type {got} (reference {want})"
            ));
        }
        if required.contains(name) != part.required {
            diffs.push(format!(
                "{id}: multipart {kind} `{name}`: required {} (reference {})",
                required.contains(name),
                part.required
            ));
        }
    }
    for name in properties.into_iter().flat_map(|p| p.keys()) {
        if !seen.contains(name.as_str()) {
            diffs.push(format!(
                "{id}: extra multipart property `{name}` (not in the reference)"
            ));
        }
    }
}

fn check_success_response(
    spec: &Spec,
    reference: &Reference,
    op: &RefOperation,
    method: &SpecMethod<'_>,
    diffs: &mut Vec<String>,
) {
    let id = op.operation.as_str();
    let responses = method
        .variant
        .unwrap_or(method.op)
        .get("responses")
        .and_then(Value::as_object);
    let success: Vec<(&String, &Value)> = responses
        .into_iter()
        .flatten()
        .filter(|(code, _)| code.starts_with('2'))
        .collect();
    let [(_, response)] = success.as_slice() else {
        diffs.push(format!(
            "{id}: {} success (2xx) responses, expected one",
            success.len()
        ));
        return;
    };
    let response = match spec.resolve(response, "responses") {
        Ok(response) => response,
        Err(e) => {
            diffs.push(format!("{id}: success response {e}"));
            return;
        }
    };
    let media = media_types(response.get("content"));
    let produces = op.produces.first().map(String::as_str).unwrap_or(JSON);
    let schema_of = |media: &str| {
        response
            .get("content")
            .and_then(|c| c.get(media))
            .and_then(|m| m.get("schema"))
    };

    match (produces, &op.response_type) {
        (JSON, None) => {
            if !media.is_empty() {
                diffs.push(format!(
                    "{id}: success response has content {media:?} (reference: no content)"
                ));
            }
        }
        (JSON, Some(response_type)) => {
            if media != [JSON] {
                diffs.push(format!(
                    "{id}: success response media types {media:?} (reference [{JSON:?}])"
                ));
                return;
            }
            let want = reference.ty(response_type);
            match schema_of(JSON) {
                None => diffs.push(format!(
                    "{id}: success response has no schema (reference {want})"
                )),
                Some(schema) => {
                    let got = spec.ty(schema);
                    if got != want {
                        diffs.push(format!(
                            "{id}: success response type {got} (reference {want})"
                        ));
                    }
                }
            }
        }
        (other, _) => {
            if media != [other] {
                diffs.push(format!(
                    "{id}: success response media types {media:?} (reference [{other:?}])"
                ));
                return;
            }
            if other == OCTET_STREAM {
                let got = schema_of(OCTET_STREAM).map(|s| spec.ty(s));
                if got != Some(Ty::Binary) {
                    diffs.push(format!(
                        "{id}: {OCTET_STREAM} response schema is not a binary string"
                    ));
                }
            }
        }
    }
}

fn check_schemas(spec: &Spec, reference: &Reference, diffs: &mut Vec<String>) {
    let empty = Map::new();
    let schemas = spec.schemas().unwrap_or(&empty);
    for (name, model) in &reference.models {
        let Some(schema) = schemas.get(name) else {
            diffs.push(format!("schema {name}: missing"));
            continue;
        };
        if let Some(target) = spec.alias_target(name) {
            diffs.push(format!(
                "schema {name}: an alias of {target} (reference defines it)"
            ));
            continue;
        }
        // A polymorphic schema is checked as a discriminated `oneOf` (`check_discriminators`);
        // `models.json` lists only its discriminating fields.
        if reference.discriminators.contains_key(name) {
            continue;
        }
        if let Some(values) = &model.values {
            let got_type = schema.get("type").and_then(Value::as_str);
            if got_type != Some("string") {
                diffs.push(format!(
                    "schema {name}: type {got_type:?} (reference: a string enum)"
                ));
            }
            match schema.get("enum").and_then(Value::as_array) {
                Some(got) if got == values => {}
                Some(got) => {
                    let show = |v: &[Value]| {
                        v.iter()
                            .map(Value::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    diffs.push(format!(
                        "schema {name}: enum [{}] (reference [{}])",
                        show(got),
                        show(values)
                    ));
                }
                None => diffs.push(format!("schema {name}: no enum (reference a string enum)")),
            }
        }
        if let Some(fields) = &model.fields {
            let got_type = schema.get("type").and_then(Value::as_str);
            if got_type != Some("object") {
                diffs.push(format!(
                    "schema {name}: type {got_type:?} (reference: an object)"
                ));
            }
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let mut wire_names = BTreeSet::new();
            for field in fields {
                wire_names.insert(field.wire_name.as_str());
                let Some(property) = properties.get(&field.wire_name) else {
                    diffs.push(format!(
                        "schema {name}: field `{}` missing",
                        field.wire_name
                    ));
                    continue;
                };
                let (got, want) = (spec.ty(property), reference.ty(&field.ty));
                if got != want {
                    diffs.push(format!(
                        "schema {name}: field `{}`: type {got} (reference {want})",
                        field.wire_name
                    ));
                }
            }
            for key in properties.keys() {
                if !wire_names.contains(key.as_str()) {
                    diffs.push(format!(
                        "schema {name}: extra field `{key}` (not in the reference)"
                    ));
                }
            }
        }
        if model.fields.is_none() && model.values.is_none() {
            diffs.push(format!(
                "schema {name}: the reference model has neither fields nor enum"
            ));
        }
    }
    for (alias, target) in &reference.aliases {
        let expected = format!("{SCHEMA_PREFIX}{target}");
        match schemas.get(alias) {
            None => diffs.push(format!("alias {alias}: missing (reference: {target})")),
            Some(schema) => {
                let got = schema.get("$ref").and_then(Value::as_str);
                let only_ref = schema
                    .as_object()
                    .is_some_and(|o| o.keys().all(|k| k == "$ref" || k == "description"));
                if got != Some(expected.as_str()) || !only_ref {
                    diffs.push(format!(
                        "alias {alias}: not `$ref: '{expected}'` (spec: {})",
                        got.map_or_else(|| "not a $ref".to_string(), str::to_string)
                    ));
                }
            }
        }
    }
}

/// Every reference schema's `required` list equals the reference's (as a set; none where the
/// reference lists none), and names properties of the schema. Polymorphic schemas are left to
/// `check_discriminators`.
fn check_required(spec: &Spec, reference: &Reference, diffs: &mut Vec<String>) {
    let empty = Map::new();
    let schemas = spec.schemas().unwrap_or(&empty);
    for name in reference.models.keys() {
        // A polymorphic schema's required field is its discriminating property, which the
        // `discriminator` states (`check_discriminators`).
        if reference.discriminators.contains_key(name) {
            continue;
        }
        let Some(schema) = schemas.get(name) else {
            continue; // reported as missing by check_schemas
        };
        let got: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let want: BTreeSet<String> = reference
            .required
            .get(name)
            .map(|list| list.iter().cloned().collect())
            .unwrap_or_default();
        let show = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
        if got != want {
            diffs.push(format!(
                "schema {name}: required [{}] (reference [{}])",
                show(&got),
                show(&want)
            ));
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for field in &got {
            if !properties.is_some_and(|p| p.contains_key(field)) {
                diffs.push(format!(
                    "schema {name}: required `{field}` is not a property"
                ));
            }
        }
    }
}

/// The polymorphic schemas are `oneOf` the mapped schemas, with a `discriminator` of the
/// reference's property and mapping, and the fallback property as `x-flywheel-discriminator-fallback`.
fn check_discriminators(spec: &Spec, reference: &Reference, diffs: &mut Vec<String>) {
    let empty = Map::new();
    let schemas = spec.schemas().unwrap_or(&empty);
    for (name, want) in &reference.discriminators {
        let Some(schema) = schemas.get(name) else {
            continue; // reported as missing by check_schemas
        };
        let members: BTreeSet<String> = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|m| match m.get("$ref").and_then(Value::as_str) {
                        Some(r) => r.strip_prefix(SCHEMA_PREFIX).unwrap_or(r).to_string(),
                        None => m.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let targets: BTreeSet<String> = want.mapping.values().cloned().collect();
        if members != targets {
            let show = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
            diffs.push(format!(
                "schema {name}: oneOf [{}] (reference [{}])",
                show(&members),
                show(&targets)
            ));
        }
        let discriminator = schema.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        if property != Some(want.property.as_str()) {
            diffs.push(format!(
                "schema {name}: discriminator property {property:?} (reference {:?})",
                want.property
            ));
        }
        let mapping: BTreeMap<String, String> = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(value, target)| {
                        let target = target.as_str().unwrap_or_default();
                        (
                            value.clone(),
                            target
                                .strip_prefix(SCHEMA_PREFIX)
                                .unwrap_or(target)
                                .to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (value, target) in &want.mapping {
            match mapping.get(value) {
                Some(got) if got == target => {}
                Some(got) => diffs.push(format!(
                    "schema {name}: mapping `{value}` -> {got} (reference {target})"
                )),
                None => diffs.push(format!(
                    "schema {name}: mapping `{value}` missing (reference {target})"
                )),
            }
        }
        for value in mapping.keys() {
            if !want.mapping.contains_key(value) {
                diffs.push(format!(
                    "schema {name}: extra mapping `{value}` (not in the reference)"
                ));
            }
        }
        let fallback = schema
            .get("x-flywheel-discriminator-fallback")
            .and_then(Value::as_str);
        if fallback != want.alternative_property.as_deref() {
            diffs.push(format!(
                "schema {name}: x-flywheel-discriminator-fallback {fallback:?} (reference {:?})",
                want.alternative_property
            ));
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The spec's texts
// ------------------------------------------------------------------------------------------------

/// Defects of the summaries and descriptions in `spec_text` (they become the client's doc
/// comments), each as `pointer: problem`:
/// - the `a(n)` placeholder, or `a` before a word starting with a, e, i or o;
/// - a Python docstring flattened into the text (` Args:` and the server's own arguments);
/// - no `.`, `!` or `?` at the end, so the words the docs append (`Path parameter ...`) run on
///   from it.
fn text_problems(spec_text: &str) -> Vec<String> {
    fn walk(value: &Value, pointer: &str, problems: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let at = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match child {
                        Value::String(text) if key == "summary" || key == "description" => {
                            problems.extend(
                                problems_of_text(text)
                                    .into_iter()
                                    .map(|problem| format!("{at}: {problem}")),
                            );
                        }
                        _ => walk(child, &at, problems),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{pointer}/{i}"), problems);
                }
            }
            _ => {}
        }
    }
    let doc = match serde_yaml::from_str::<serde_yaml::Value>(spec_text) {
        Ok(doc) => yaml_to_json(doc),
        Err(e) => return vec![format!("spec: the YAML does not parse: {e}")],
    };
    let mut problems = Vec::new();
    walk(&doc, "#", &mut problems);
    problems
}

fn problems_of_text(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if text.contains("a(n)") || text.contains("A(n)") {
        problems.push("`a(n)` instead of `a` or `an`".to_owned());
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        let next = pair[1].to_ascii_lowercase();
        if (pair[0] == "a" || pair[0] == "A")
            && next.starts_with(['a', 'e', 'i', 'o'])
            && !next.starts_with("one")
            && !next.starts_with("once")
        {
            problems.push(format!(
                "`{} {}` instead of `an {}`",
                pair[0], pair[1], pair[1]
            ));
        }
    }
    if text.contains(" Args:") {
        problems.push("a flattened Python docstring (` Args:`)".to_owned());
    }
    if !text.trim_end().ends_with(['.', '!', '?']) {
        problems.push(
            "does not end with `.`, `!` or `?`, so it runs into the words the docs append"
                .to_owned(),
        );
    }
    problems
}

#[test]
fn spec_texts_are_clean() {
    let problems = text_problems(&real_spec_text());
    assert!(
        problems.is_empty(),
        "{} summaries or descriptions in spec/openapi.yaml need editing:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn text_problems_are_reported() {
    let spec = r#"
paths:
  /things/{id}:
    get:
      summary: Get a(n) thing.
      description: 'Get a thing Args: auth_session (AuthSession)'
      parameters:
        - name: id
          description: output file name
  /others:
    get:
      summary: Delete a acquisition, once a one-time check passes.
components:
  schemas:
    Thing:
      description: A thing. Its `description` property is a schema, not text.
      properties:
        description: {type: string}
"#;
    let mut problems = text_problems(spec);
    problems.sort();
    assert_eq!(
        problems,
        [
            "#/paths/~1others/get/summary: `a acquisition,` instead of `an acquisition,`",
            "#/paths/~1things~1{id}/get/description: a flattened Python docstring (` Args:`)",
            "#/paths/~1things~1{id}/get/description: does not end with `.`, `!` or `?`, so it runs into the words the docs append",
            "#/paths/~1things~1{id}/get/parameters/0/description: does not end with `.`, `!` or `?`, so it runs into the words the docs append",
            "#/paths/~1things~1{id}/get/summary: `a(n)` instead of `a` or `an`",
        ]
    );
}

// ------------------------------------------------------------------------------------------------
// The test against the real spec
// ------------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn real_reference() -> Reference {
    let dir = workspace_root().join("tests/reference");
    Reference::load(&dir).unwrap_or_else(|e| panic!("{e}"))
}

fn real_spec_text() -> String {
    let path = workspace_root().join("spec/openapi.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn spec_matches_reference() {
    let reference = real_reference();
    assert_eq!(
        reference.operations.len(),
        496,
        "operations.json documents 496 methods"
    );
    let outcome = check(&real_spec_text(), &reference);
    // Written past the test harness's output capture, so every run shows it.
    let _ = std::io::Write::write_fmt(
        &mut std::io::stdout().lock(),
        format_args!(
            "spec_reference: checked {} methods ({} parameters), {} schemas ({} fields, {} required lists, {} discriminators), {} aliases, {} tags\n",
            outcome.methods,
            outcome.parameters,
            outcome.schemas,
            outcome.fields,
            outcome.required,
            outcome.discriminators,
            outcome.aliases,
            outcome.tags
        ),
    );
    assert_eq!(outcome.tags, 34, "one tag per API class of the reference");
    assert!(
        outcome.differences.is_empty(),
        "spec/openapi.yaml differs from the reference in {} places:\n  {}",
        outcome.differences.len(),
        outcome.differences.join("\n  ")
    );
}

/// The real spec with the first occurrence of `from` replaced by `to`: the differences, sorted.
fn real_differences(reference: &Reference, text: &str, from: &str, to: &str) -> Vec<String> {
    assert!(
        text.contains(from),
        "`{from}` does not occur in spec/openapi.yaml"
    );
    let mut differences = check(&text.replacen(from, to, 1), reference).differences;
    differences.sort();
    differences
}

/// Breaking the real spec in one place is noticed, and only that.
#[test]
fn real_spec_mistakes_are_reported() {
    let reference = real_reference();
    let text = real_spec_text();
    let diffs = |from: &str, to: &str| real_differences(&reference, &text, from, to);

    // a path: all methods of the path item see it
    assert_eq!(
        diffs(
            "  /acquisitions/{acquisitionId}/files/{fileName}:\n",
            "  /acquisition/{acquisitionId}/files/{fileName}:\n"
        ),
        [
            "deleteAcquisitionFile: path shape /acquisition/{}/files/{} (reference /acquisitions/{}/files/{})",
            "downloadFileFromAcquisition: path shape /acquisition/{}/files/{} (reference /acquisitions/{}/files/{})",
            "getAcquisitionDownloadTicket: path shape /acquisition/{}/files/{} (reference /acquisitions/{}/files/{})",
            "getAcquisitionFileZipInfo: path shape /acquisition/{}/files/{} (reference /acquisitions/{}/files/{})",
            "modifyAcquisitionFile: path shape /acquisition/{}/files/{} (reference /acquisitions/{}/files/{})",
        ]
    );

    // a wire name of a shared parameter: every method using it
    let wire = diffs(
        "    AfterId:\n      name: after_id\n",
        "    AfterId:\n      name: afterId\n",
    );
    assert!(wire.len() > 40, "{wire:#?}");
    assert!(
        wire.iter()
            .all(|d| d.ends_with(": query parameter `after_id` missing")
                || d.ends_with(": extra query parameter `afterId` (not in the reference)")),
        "{wire:#?}"
    );
    assert!(wire.contains(&"getAllAcquisitions: query parameter `after_id` missing".to_string()));

    // a schema field name
    assert_eq!(
        diffs(
            "    AccessPermissionUpdate:\n      type: object\n      required: [access]\n      properties:\n        access:",
            "    AccessPermissionUpdate:\n      type: object\n      required: [access]\n      properties:\n        acces:"
        ),
        [
            "schema AccessPermissionUpdate: extra field `acces` (not in the reference)",
            "schema AccessPermissionUpdate: field `access` missing",
            "schema AccessPermissionUpdate: required `access` is not a property",
        ]
    );

    // a required list: a request body's, and the discriminator of a polymorphic answer
    assert_eq!(
        diffs(
            "      required: [project, label, subject]\n",
            "      required: [label, subject]\n"
        ),
        ["schema SessionInput: required [label, subject] (reference [label, project, subject])"]
    );
    assert_eq!(
        diffs(
            "          project: '#/components/schemas/ProjectOutput'\n",
            "          project: '#/components/schemas/ProjectListOutput'\n"
        ),
        ["schema ResolverNode: mapping `project` -> ProjectListOutput (reference ProjectOutput)"]
    );

    // a variant's fixedQuery (the first variant of the document)
    assert_eq!(
        diffs(
            "          fixedQuery:\n            info: true",
            "          fixedQuery:\n            zipinfo: true"
        ),
        [
            "getAcquisitionAnalysisOutputZipInfo: fixedQuery `zipinfo` is not a query parameter of the reference method"
        ]
    );
}

// ------------------------------------------------------------------------------------------------
// Unit tests on a small spec with one deliberate mistake each
// ------------------------------------------------------------------------------------------------

const MINI_OPERATIONS: &str = r#"[
  {"api": "ThingsApi", "operation": "addThing", "verb": "POST", "path": "/things",
   "params": [{"name": "join", "in": "query", "wire_name": "join", "type": "JoinType", "required": false}],
   "body": {"type": "ThingInput", "required": true, "content_type": "application/json"},
   "consumes": ["application/json"], "produces": ["application/json"], "response_type": "InsertedId"},
  {"api": "ThingsApi", "operation": "getThings", "verb": "GET", "path": "/things",
   "params": [
     {"name": "xAcceptFeature", "in": "header", "wire_name": "x-accept-feature", "type": "list[union[HeaderFeature,str]]", "required": false},
     {"name": "afterId", "in": "query", "wire_name": "after_id", "type": "str", "required": false}],
   "body": null, "consumes": [], "produces": ["application/json"],
   "response_type": "union[list[ThingAlias],Page,list[Thing]]"},
  {"api": "ThingsApi", "operation": "downloadThingFile", "verb": "GET", "path": "/things/{thing_id}/files/{file_name}",
   "params": [
     {"name": "thingId", "in": "path", "wire_name": "thing_id", "type": "str", "required": true},
     {"name": "fileName", "in": "path", "wire_name": "file_name", "type": "str", "required": true},
     {"name": "info", "in": "query", "wire_name": "info", "type": "bool", "required": false}],
   "body": null, "consumes": [], "produces": ["application/octet-stream"], "response_type": "union[Ticket,Ticket]"},
  {"api": "ThingsApi", "operation": "getThingFileTicket", "verb": "GET", "path": "/things/{thing_id}/files/{file_name}",
   "params": [
     {"name": "thingId", "in": "path", "wire_name": "thing_id", "type": "str", "required": true},
     {"name": "fileName", "in": "path", "wire_name": "file_name", "type": "str", "required": true},
     {"name": "ticket", "in": "query", "wire_name": "ticket", "type": "str", "required": false},
     {"name": "info", "in": "query", "wire_name": "info", "type": "bool", "required": false}],
   "body": null, "consumes": [], "produces": ["application/json"], "response_type": "Ticket"},
  {"api": "ThingsApi", "operation": "uploadThingFile", "verb": "POST", "path": "/things/{thing_id}/files",
   "params": [
     {"name": "thingId", "in": "path", "wire_name": "thing_id", "type": "str", "required": true},
     {"name": "file", "in": "file", "wire_name": "file", "type": "str", "required": true},
     {"name": "metadata", "in": "formData", "wire_name": "metadata", "type": "str", "required": false},
     {"name": "contentType", "in": "header", "wire_name": "content-type", "type": "str", "required": false}],
   "body": null, "consumes": ["multipart/form-data"], "produces": ["application/json"], "response_type": null}
]"#;

const MINI_MODELS: &str = r#"{
  "models": {
    "HeaderFeature": {"enum": ["pagination", "safe-redirect"]},
    "InsertedId": {"fields": [{"name": "id", "wire_name": "_id", "type": "str"}]},
    "JoinType": {"enum": ["origin"]},
    "Node": {"fields": [{"name": "container_type", "wire_name": "container_type", "type": "str"}]},
    "Page": {"fields": [{"name": "count", "wire_name": "count", "type": "int"},
                        {"name": "results", "wire_name": "results", "type": "list[object]"}]},
    "Thing": {"fields": [{"name": "id", "wire_name": "_id", "type": "str"},
                         {"name": "label", "wire_name": "label", "type": "str"},
                         {"name": "created", "wire_name": "created", "type": "datetime"},
                         {"name": "info", "wire_name": "info", "type": "dict(str, union[object,object])"},
                         {"name": "owner", "wire_name": "owner", "type": "core__models__jobs__Owner"}]},
    "ThingInput": {"fields": [{"name": "label", "wire_name": "label", "type": "str"}]},
    "Ticket": {"fields": [{"name": "ticket", "wire_name": "ticket", "type": "str"}]}
  },
  "aliases": {"ThingAlias": "Thing"}
}"#;

const MINI_EXTRAS: &str = r#"{
  "required": {"Thing": ["_id", "label"], "ThingInput": ["label"]},
  "discriminators": {
    "Node": {"property": "container_type", "alternative_property": "node_type",
             "mapping": {"leaf": "Leaf", "thing": "Thing"}}
  },
  "extra_models": {"Leaf": {"fields": [{"name": "name", "wire_name": "name", "type": "str"}]}}
}"#;

const MINI_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Mini, version: '1'}
tags:
  - name: things
    description: Things.
    x-reference-class: ThingsApi
  - name: empty
    description: No methods.
    x-reference-class: EmptyApi
paths:
  /things:
    get:
      tags: [things]
      operationId: getThings
      summary: List things
      parameters:
        - {$ref: '#/components/parameters/XAcceptFeature'}
        - name: after_id
          in: query
          schema: {type: string}
      responses:
        '200':
          description: Success.
          content:
            application/json:
              schema:
                oneOf:
                  - type: array
                    items: {$ref: '#/components/schemas/Thing'}
                  - {$ref: '#/components/schemas/Page'}
        default: {$ref: '#/components/responses/Error'}
    post:
      tags: [things]
      operationId: addThing
      summary: Add a thing
      parameters:
        - name: join
          in: query
          schema: {$ref: '#/components/schemas/JoinType'}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingInput'}
      responses:
        '200':
          description: Success.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/InsertedId'}
        default: {$ref: '#/components/responses/Error'}
  /things/{thingId}/files:
    parameters:
      - {$ref: '#/components/parameters/ThingIdPath'}
    post:
      tags: [things]
      operationId: uploadThingFile
      summary: Upload a file.
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                metadata: {type: string}
      responses:
        '200':
          description: Success.
        default: {$ref: '#/components/responses/Error'}
  /things/{thingId}/files/{fileName}:
    parameters:
      - {$ref: '#/components/parameters/ThingIdPath'}
      - name: fileName
        in: path
        required: true
        schema: {type: string}
    get:
      tags: [things]
      operationId: downloadThingFile
      summary: Download a file.
      parameters:
        - name: info
          in: query
          schema: {type: boolean}
        - name: ticket
          in: query
          schema: {type: string}
          x-flywheel-not-in-sdk: The server documents it.
      responses:
        '200':
          description: Bytes.
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
        default: {$ref: '#/components/responses/Error'}
      x-flywheel-variants:
        - operationId: getThingFileTicket
          summary: Get a ticket.
          parameters:
            - name: ticket
              in: query
              schema: {type: string}
          fixedQuery:
            ticket: ''
          responses:
            '200':
              description: Success.
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Ticket'}
components:
  responses:
    Error:
      description: Failed.
  parameters:
    ThingIdPath:
      name: thingId
      in: path
      required: true
      schema: {type: string}
    XAcceptFeature:
      name: x-accept-feature
      in: header
      schema:
        type: array
        items:
          oneOf:
            - {$ref: '#/components/schemas/HeaderFeature'}
            - {type: string}
  schemas:
    CoreModelsJobsOwner:
      type: object
    HeaderFeature:
      type: string
      enum: [pagination, safe-redirect]
    InsertedId:
      type: object
      properties:
        _id: {type: string}
    JoinType:
      type: string
      enum: [origin]
    Leaf:
      type: object
      properties:
        name: {type: string}
    Node:
      oneOf:
        - {$ref: '#/components/schemas/Leaf'}
        - {$ref: '#/components/schemas/Thing'}
      discriminator:
        propertyName: container_type
        mapping:
          leaf: '#/components/schemas/Leaf'
          thing: '#/components/schemas/Thing'
      x-flywheel-discriminator-fallback: node_type
    Page:
      type: object
      properties:
        count: {type: integer}
        results:
          type: array
          items: {type: object}
    Thing:
      type: object
      required: [_id, label]
      properties:
        _id: {type: string}
        label: {type: string}
        created: {type: string, format: date-time}
        info:
          type: object
          additionalProperties: {type: object}
        owner: {$ref: '#/components/schemas/CoreModelsJobsOwner'}
    ThingAlias: {$ref: '#/components/schemas/Thing'}
    ThingInput:
      type: object
      required: [label]
      properties:
        label: {type: string}
    Ticket:
      type: object
      properties:
        ticket: {type: string}
"#;

fn mini_reference() -> Reference {
    Reference::parse(MINI_OPERATIONS, MINI_MODELS, MINI_EXTRAS, &["EmptyApi"])
        .expect("the mini reference parses")
}

/// The differences the checker reports for the mini spec with `from` replaced by `to` (once).
fn mini_differences(from: &str, to: &str) -> Vec<String> {
    assert_eq!(
        MINI_SPEC.matches(from).count(),
        1,
        "`{from}` must occur once in the mini spec"
    );
    check(&MINI_SPEC.replacen(from, to, 1), &mini_reference()).differences
}

#[test]
fn mini_spec_has_no_differences() {
    let outcome = check(MINI_SPEC, &mini_reference());
    assert_eq!(outcome.differences, Vec::<String>::new());
    assert_eq!(
        (
            outcome.methods,
            outcome.parameters,
            outcome.schemas,
            outcome.fields,
            outcome.aliases,
            outcome.tags
        ),
        (5, 14, 9, 12, 1, 2)
    );
    assert_eq!((outcome.required, outcome.discriminators), (8, 1));
}

#[test]
fn reports_an_extra_parameter_not_marked_as_beyond_the_sdk() {
    assert_eq!(
        mini_differences(
            "          x-flywheel-not-in-sdk: The server documents it.\n",
            ""
        ),
        ["downloadThingFile: extra query parameter `ticket` (not in the reference)"]
    );
}

#[test]
fn reports_an_ignored_header_parameter() {
    assert_eq!(
        mini_differences(
            "      summary: Upload a file.\n",
            "      summary: Upload a file.\n      parameters:\n        - {name: Content-Type, in: header, schema: {type: string}}\n"
        ),
        [
            "uploadThingFile: header parameter `Content-Type` is ignored by OpenAPI 3.0 (the client sets it); remove it"
        ]
    );
}

#[test]
fn a_string_union_takes_a_reference_string_but_not_the_reverse() {
    // The reference types some `x-accept-feature` headers `list[str]`; the spec's one feature
    // type (`HeaderFeature` or any string) takes every such value.
    let loose = MINI_OPERATIONS.replacen(
        r#""type": "list[union[HeaderFeature,str]]""#,
        r#""type": "list[str]""#,
        1,
    );
    let reference =
        Reference::parse(&loose, MINI_MODELS, MINI_EXTRAS, &["EmptyApi"]).expect("parses");
    assert_eq!(
        check(MINI_SPEC, &reference).differences,
        Vec::<String>::new()
    );
    // A spec narrower than the reference is still reported.
    assert_eq!(
        mini_differences("            - {type: string}\n", ""),
        [
            "getThings: header parameter `x-accept-feature`: type list[HeaderFeature] (reference list[union[str,HeaderFeature]])"
        ]
    );
}

#[test]
fn reports_a_broken_path() {
    assert_eq!(
        mini_differences("  /things/{thingId}/files:", "  /thing/{thingId}/files:"),
        ["uploadThingFile: path shape /thing/{}/files (reference /things/{}/files)"]
    );
}

#[test]
fn reports_swapped_path_placeholders() {
    assert_eq!(
        mini_differences(
            "/things/{thingId}/files/{fileName}:",
            "/things/{fileName}/files/{thingId}:"
        ),
        [
            "downloadThingFile: path placeholder `{fileName}` (position 1) holds reference parameter `thing_id` but is named like `file_name`",
            "downloadThingFile: path placeholder `{thingId}` (position 2) holds reference parameter `file_name` but is named like `thing_id`",
            "getThingFileTicket: path placeholder `{fileName}` (position 1) holds reference parameter `thing_id` but is named like `file_name`",
            "getThingFileTicket: path placeholder `{thingId}` (position 2) holds reference parameter `file_name` but is named like `thing_id`",
        ]
    );
}

#[test]
fn reports_a_wrong_wire_name() {
    assert_eq!(
        mini_differences("name: after_id", "name: afterId"),
        [
            "getThings: query parameter `after_id` missing",
            "getThings: extra query parameter `afterId` (not in the reference)",
        ]
    );
}

#[test]
fn reports_a_duplicated_parameter() {
    assert_eq!(
        mini_differences(
            "        - name: after_id\n",
            "        - {$ref: '#/components/parameters/XAcceptFeature'}\n        - name: after_id\n"
        ),
        ["getThings: header parameter `x-accept-feature` listed twice in one parameter list"]
    );
}

#[test]
fn reports_a_wrong_location() {
    assert_eq!(
        mini_differences(
            "name: after_id\n          in: query",
            "name: after_id\n          in: header"
        ),
        [
            "getThings: query parameter `after_id` missing",
            "getThings: extra header parameter `after_id` (not in the reference)",
        ]
    );
}

#[test]
fn reports_a_wrong_parameter_type_and_required_flag() {
    assert_eq!(
        mini_differences(
            "name: info\n          in: query\n          schema: {type: boolean}",
            "name: info\n          in: query\n          required: true\n          schema: {type: string}"
        ),
        [
            "downloadThingFile: query parameter `info`: required true (reference false)",
            "downloadThingFile: query parameter `info`: type str (reference bool)",
            "getThingFileTicket: query parameter `info`: required true (reference false)",
            "getThingFileTicket: query parameter `info`: type str (reference bool)",
        ]
    );
}

#[test]
fn reports_a_wrong_schema_field_name() {
    assert_eq!(
        mini_differences(
            "        label: {type: string}\n        created",
            "        lable: {type: string}\n        created"
        ),
        [
            "schema Thing: field `label` missing",
            "schema Thing: extra field `lable` (not in the reference)",
            "schema Thing: required `label` is not a property",
        ]
    );
}

#[test]
fn reports_a_wrong_schema_field_type() {
    assert_eq!(
        mini_differences(
            "created: {type: string, format: date-time}",
            "created: {type: string}"
        ),
        ["schema Thing: field `created`: type str (reference datetime)"]
    );
}

#[test]
fn reports_a_wrong_enum() {
    assert_eq!(
        mini_differences("enum: [pagination, safe-redirect]", "enum: [pagination]"),
        [
            r#"schema HeaderFeature: enum ["pagination"] (reference ["pagination", "safe-redirect"])"#
        ]
    );
}

#[test]
fn reports_a_wrong_required_list() {
    assert_eq!(
        mini_differences(
            "      required: [label]\n",
            "      required: [label, lable]\n"
        ),
        [
            "schema ThingInput: required [label, lable] (reference [label])",
            "schema ThingInput: required `lable` is not a property",
        ]
    );
    assert_eq!(
        mini_differences("      required: [_id, label]\n", ""),
        ["schema Thing: required [] (reference [_id, label])"]
    );
    assert_eq!(
        mini_differences(
            "        ticket: {type: string}\n",
            "        ticket: {type: string}\n      required: [ticket]\n"
        ),
        ["schema Ticket: required [ticket] (reference [])"]
    );
}

#[test]
fn reports_a_wrong_discriminator() {
    assert_eq!(
        mini_differences(
            "          thing: '#/components/schemas/Thing'",
            "          thing: '#/components/schemas/Ticket'"
        ),
        ["schema Node: mapping `thing` -> Ticket (reference Thing)"]
    );
    assert_eq!(
        mini_differences(
            "        propertyName: container_type",
            "        propertyName: type"
        ),
        [r#"schema Node: discriminator property Some("type") (reference "container_type")"#]
    );
    assert_eq!(
        mini_differences("      x-flywheel-discriminator-fallback: node_type\n", ""),
        [r#"schema Node: x-flywheel-discriminator-fallback None (reference Some("node_type"))"#]
    );
    assert_eq!(
        mini_differences(
            "        - {$ref: '#/components/schemas/Leaf'}\n",
            "        - {$ref: '#/components/schemas/Ticket'}\n"
        ),
        ["schema Node: oneOf [Thing, Ticket] (reference [Leaf, Thing])"]
    );
    assert_eq!(
        mini_differences(
            "          leaf: '#/components/schemas/Leaf'\n",
            "          leaf: '#/components/schemas/Leaf'\n          tree: '#/components/schemas/Thing'\n"
        ),
        ["schema Node: extra mapping `tree` (not in the reference)"]
    );
}

#[test]
fn reports_a_wrong_extra_model() {
    assert_eq!(
        mini_differences(
            "        name: {type: string}\n",
            "        name: {type: integer}\n"
        ),
        ["schema Leaf: field `name`: type int (reference str)"]
    );
}

#[test]
fn reports_a_wrong_alias() {
    assert_eq!(
        mini_differences(
            "ThingAlias: {$ref: '#/components/schemas/Thing'}",
            "ThingAlias: {$ref: '#/components/schemas/Ticket'}"
        ),
        [
            "alias ThingAlias: not `$ref: '#/components/schemas/Thing'` (spec: #/components/schemas/Ticket)"
        ]
    );
}

#[test]
fn reports_a_wrong_fixed_query() {
    assert_eq!(
        mini_differences("ticket: ''", "tickets: ''"),
        [
            "getThingFileTicket: fixedQuery `tickets` is not a query parameter of the reference method"
        ]
    );
}

#[test]
fn reports_a_wrong_variant_response() {
    assert_eq!(
        mini_differences(
            "                  schema: {$ref: '#/components/schemas/Ticket'}",
            "                  schema: {$ref: '#/components/schemas/Thing'}"
        ),
        ["getThingFileTicket: success response type Thing (reference Ticket)"]
    );
}

#[test]
fn reports_a_wrong_download_media_type() {
    assert_eq!(
        mini_differences(
            "            application/octet-stream:",
            "            application/json:"
        ),
        [
            r#"downloadThingFile: success response media types ["application/json"] (reference ["application/octet-stream"])"#
        ]
    );
}

#[test]
fn reports_content_where_the_reference_has_none() {
    assert_eq!(
        mini_differences(
            "          description: Success.\n        default",
            "          description: Success.\n          content:\n            application/json:\n              schema: {type: object}\n        default"
        ),
        [
            r#"uploadThingFile: success response has content ["application/json"] (reference: no content)"#
        ]
    );
}

#[test]
fn reports_a_wrong_request_body() {
    assert_eq!(
        mini_differences(
            "schema: {$ref: '#/components/schemas/ThingInput'}",
            "schema: {$ref: '#/components/schemas/Thing'}"
        ),
        ["addThing: request body type Thing (reference ThingInput)"]
    );
}

#[test]
fn reports_wrong_multipart_parts() {
    assert_eq!(
        mini_differences("required: [file]", "required: [file, metadata]"),
        ["uploadThingFile: multipart form field `metadata`: required true (reference false)"]
    );
    assert_eq!(
        mini_differences(
            "file: {type: string, format: binary}",
            "files: {type: string, format: binary}"
        ),
        [
            "uploadThingFile: multipart file part `file` missing",
            "uploadThingFile: extra multipart property `files` (not in the reference)",
        ]
    );
}

#[test]
fn reports_verb_tag_summary_and_default_response() {
    assert_eq!(
        mini_differences(
            "    post:\n      tags: [things]\n      operationId: addThing",
            "    put:\n      tags: [things]\n      operationId: addThing"
        ),
        ["addThing: verb PUT (reference POST)"]
    );
    assert_eq!(
        mini_differences(
            "tags: [things]\n      operationId: getThings",
            "tags: [empty]\n      operationId: getThings"
        ),
        [r#"getThings: tags ["empty"] (reference class ThingsApi is tag `things`)"#]
    );
    assert_eq!(
        mini_differences("      summary: List things\n", "      summary: ''\n"),
        [r#"getThings: summary Some("") is not one line of text"#]
    );
    assert_eq!(
        mini_differences(
            "              schema: {$ref: '#/components/schemas/InsertedId'}\n        default: {$ref: '#/components/responses/Error'}",
            "              schema: {$ref: '#/components/schemas/InsertedId'}"
        ),
        ["addThing: the default response is not `$ref: '#/components/responses/Error'`"]
    );
}

#[test]
fn reports_missing_and_unknown_methods_and_tags() {
    assert_eq!(
        mini_differences("operationId: addThing", "operationId: createThing"),
        [
            "addThing: no operation or variant with this operationId",
            "POST /things: operationId `createThing` is not a method of the reference",
        ]
    );
    assert_eq!(
        mini_differences(
            "x-reference-class: EmptyApi",
            "x-reference-class: ThingsApi"
        ),
        [
            "tags `things` and `empty` both stand for ThingsApi",
            "class EmptyApi: no tag with x-reference-class EmptyApi",
        ]
    );
}

#[test]
fn reference_types_map_structurally() {
    let reference = mini_reference();
    assert_eq!(reference.ty("union[object,object]"), Ty::Object);
    assert_eq!(
        reference.ty("union[list[ThingAlias],Page,list[Thing]]"),
        Ty::Union(vec![
            Ty::List(Box::new(Ty::Named("Thing".to_string()))),
            Ty::Named("Page".to_string()),
        ])
    );
    assert_eq!(
        reference.ty("dict(str, list[str])"),
        Ty::Map(Box::new(Ty::List(Box::new(Ty::Str))))
    );
    assert_eq!(
        reference.ty("core__models__jobs__ApiKeyInput"),
        Ty::Named("CoreModelsJobsApiKeyInput".to_string())
    );
    assert_eq!(
        reference.ty("union[str,integer,list[Object]]").to_string(),
        "union[str,int,list[object]]"
    );
}
