//! The wire conformance harness: argument values for the generated calls
//! ([`crate::generated::calls`]), the answers the recording server gives, and the check of every
//! recorded request and decoded answer against the API reference (`operations.json` and
//! `models.json` in `tests/reference`).
//!
//! Everything here is a deterministic function of (operation, parameter key, type): the generated
//! calls ask [`Values`] for each argument, and the checker recomputes the same values from the
//! *reference* (not the spec) to know what must be on the wire. A spec that drifts from the
//! reference (a path template, a query wire name, a schema field's wire name) therefore shows up as
//! a mismatch of exactly the method concerned.
//!
//! An operation the reference does not document (one just added to the spec) is checked against
//! the spec instead: [`Reference::add_spec`] translates the generator's IR of such operations, and
//! of the schemas `models.json` lacks, into the reference's own representation (marked
//! [`Source::Spec`]), so adding an operation to the spec adds its check with no hand work.
//! Documented methods and schemas are never taken from the spec.
//!
//! The test driving it against a loopback server is `tests/tests/conformance.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use flywheel_generator::ir;
use serde::Deserialize;
use serde_json::{Map, Value, json};

// ------------------------------------------------------------------------------------------------
// The interface the generated calls use
// ------------------------------------------------------------------------------------------------

/// Which parameter an argument is for: path parameters by position in the path (0-based), query
/// parameters and headers by wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The n-th `{placeholder}` of the path.
    Path(usize),
    /// A query parameter, by wire name.
    Query(&'static str),
    /// A header parameter, by wire name.
    Header(&'static str),
}

/// What a call returned, in a form the checker can compare with what the server sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The decoded answer, serialized again.
    Json(Value),
    /// No answer body expected (`Result<()>`).
    Empty,
    /// A text answer.
    Text(String),
    /// The bytes of a download.
    Bytes(Vec<u8>),
}

impl Outcome {
    /// Re-serializes what the client decoded, so that its wire field names can be compared with
    /// the answer that was served. A value that does not serialize becomes a string saying so
    /// (which then fails the comparison).
    pub fn json<T: serde::Serialize>(value: &T) -> Outcome {
        match serde_json::to_value(value) {
            Ok(value) => Outcome::Json(value),
            Err(error) => Outcome::Json(Value::String(format!(
                "<the decoded value does not serialize: {error}>"
            ))),
        }
    }

    /// Reads a whole download.
    ///
    /// # Errors
    /// The client's error when the body cannot be read.
    pub async fn download(
        download: flywheel_client::Download,
    ) -> Result<Outcome, flywheel_client::Error> {
        Ok(Outcome::Bytes(download.bytes().await?.to_vec()))
    }
}

/// The future a generated call returns.
pub type CallFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Outcome, flywheel_client::Error>> + Send + 'a>>;

/// One generated call: the operation and a function calling it with every parameter set.
#[derive(Clone, Copy)]
pub struct Call {
    /// The OpenAPI `operationId` (the reference's method name).
    pub operation_id: &'static str,
    /// Calls the generated method, taking every argument from the [`Values`].
    pub run: for<'a> fn(&'a flywheel_client::Client, &'a Values) -> CallFuture<'a>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation_id", &self.operation_id)
            .finish_non_exhaustive()
    }
}

// ------------------------------------------------------------------------------------------------
// Constants shared by the harness and its test
// ------------------------------------------------------------------------------------------------

/// The API key the test client uses; expected as `Authorization: scitran-user KEY`.
pub const API_KEY: &str = "conformance-key-0123456789abcdef";

/// The `x-accept-feature` every call sends by default: what the Flywheel SDK 20.0.0 sends
/// (`Safe-Redirect,multipart_signed_url`). Per-call values must follow it in the one merged
/// header.
pub const CLIENT_FEATURE: &str = "Safe-Redirect,multipart_signed_url";

/// The path below the server root where the API lives (`https://HOST:PORT/api`).
pub const BASE_PATH: &str = "/api";

// ------------------------------------------------------------------------------------------------
// The reference
// ------------------------------------------------------------------------------------------------

/// Where the expectations of an operation come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    /// The API reference (`operations.json`, `models.json`): a documented method.
    #[default]
    Reference,
    /// The spec, through the generator's IR: an operation the reference does not document.
    Spec,
}

/// One documented method (`operations.json`), or an operation of the spec that the reference
/// lacks, in the same form ([`Reference::add_spec`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RefOperation {
    /// The method name, used as `operationId`.
    pub operation: String,
    /// HTTP method.
    pub verb: String,
    /// Path below the base URL, `{wire_name}` placeholders.
    pub path: String,
    /// Parameters.
    pub params: Vec<RefParam>,
    /// JSON request body.
    pub body: Option<RefBody>,
    /// Request media types.
    pub consumes: Vec<String>,
    /// Response media types.
    pub produces: Vec<String>,
    /// The decoded success body; `None` = none or raw bytes.
    pub response_type: Option<String>,
    /// Where this entry comes from.
    #[serde(skip)]
    pub source: Source,
    /// For an entry from the spec: the query values it always sends (the IR's `fixed_query`).
    /// Documented methods derive theirs from their name ([`Values`]).
    #[serde(skip)]
    pub fixed_query: Vec<(String, String)>,
    /// Query values sent when the caller sets none (the spec's `x-flywheel-client-default`,
    /// what the Flywheel SDK sends), from [`Reference::add_spec`]. The generated calls leave
    /// these parameters unset, so the wire must show these values.
    #[serde(skip)]
    pub client_defaults: Vec<(String, String)>,
}

/// One parameter of a [`RefOperation`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RefParam {
    /// `path`, `query`, `header`, `formData` or `file`.
    #[serde(rename = "in")]
    pub location: String,
    /// The key sent on the wire.
    pub wire_name: String,
    /// Type notation (`str`, `list[str]`, a schema name, …).
    #[serde(rename = "type")]
    pub ty: String,
}

/// The JSON request body of a [`RefOperation`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RefBody {
    /// Type notation.
    #[serde(rename = "type")]
    pub ty: String,
}

#[derive(Debug, Deserialize)]
struct RefModelsFile {
    models: BTreeMap<String, RefModel>,
    aliases: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RefModel {
    fields: Option<Vec<RefField>>,
    #[serde(rename = "enum")]
    values: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
struct RefField {
    wire_name: String,
    #[serde(rename = "type")]
    ty: String,
}

/// A schema of `models.json` (or of the spec, for one `models.json` lacks), with its field
/// types parsed.
#[derive(Debug, Clone, PartialEq)]
enum Model {
    Object(Vec<(String, Ty)>),
    Enum(Vec<String>),
}

/// The reference: the documented methods and the schemas they use, plus (after
/// [`Reference::add_spec`]) the operations and schemas of the spec that it lacks.
#[derive(Debug)]
pub struct Reference {
    operations: Vec<RefOperation>,
    by_name: BTreeMap<String, usize>,
    models: BTreeMap<String, Model>,
    aliases: BTreeMap<String, String>,
    /// Schemas of the spec that `models.json` lacks; seen only by [`Source::Spec`] operations.
    spec_models: BTreeMap<String, Model>,
}

impl Reference {
    /// `tests/reference`, the copy of the reference facts kept in the repository.
    pub fn default_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("reference")
    }

    /// Reads `operations.json` and `models.json` from `dir`.
    ///
    /// # Errors
    /// A message naming the file that is missing or malformed.
    pub fn load(dir: &Path) -> Result<Reference, String> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|error| format!("cannot read {}: {error}", dir.join(name).display()))
        };
        Reference::parse(&read("operations.json")?, &read("models.json")?)
    }

    /// Parses the texts of `operations.json` and `models.json`.
    ///
    /// # Errors
    /// A message naming the file that does not parse.
    pub fn parse(operations: &str, models: &str) -> Result<Reference, String> {
        let operations: Vec<RefOperation> = serde_json::from_str(operations)
            .map_err(|error| format!("operations.json does not parse: {error}"))?;
        let file: RefModelsFile = serde_json::from_str(models)
            .map_err(|error| format!("models.json does not parse: {error}"))?;
        let models = file
            .models
            .into_iter()
            .map(|(name, model)| {
                let model = match (model.fields, model.values) {
                    (_, Some(values)) => Model::Enum(
                        values
                            .iter()
                            .map(|value| match value {
                                Value::String(text) => text.clone(),
                                other => other.to_string(),
                            })
                            .collect(),
                    ),
                    (fields, None) => Model::Object(
                        fields
                            .unwrap_or_default()
                            .into_iter()
                            .map(|field| (field.wire_name, Ty::parse(&field.ty)))
                            .collect(),
                    ),
                };
                (name, model)
            })
            .collect();
        let by_name = operations
            .iter()
            .enumerate()
            .map(|(index, operation)| (operation.operation.clone(), index))
            .collect();
        Ok(Reference {
            operations,
            by_name,
            models,
            aliases: file.aliases,
            spec_models: BTreeMap::new(),
        })
    }

    /// The documented methods, in the reference's order.
    pub fn operations(&self) -> &[RefOperation] {
        &self.operations
    }

    /// The method named `name`.
    pub fn operation(&self, name: &str) -> Option<&RefOperation> {
        self.by_name.get(name).map(|&index| &self.operations[index])
    }

    /// The schema `name` after following aliases; for a [`Source::Spec`] operation, a schema of
    /// the spec when the reference has none of that name.
    fn model(&self, name: &str, source: Source) -> Option<(&str, &Model)> {
        let mut current = name;
        for _ in 0..16 {
            if let Some((key, model)) = self.models.get_key_value(current) {
                return Some((key.as_str(), model));
            }
            match self.aliases.get(current) {
                Some(target) => current = target,
                None => break,
            }
        }
        match source {
            Source::Reference => None,
            Source::Spec => self
                .spec_models
                .get_key_value(name)
                .map(|(key, model)| (key.as_str(), model)),
        }
    }

    /// Whether `models.json` defines `name` (as a model or an alias).
    fn documents_schema(&self, name: &str) -> bool {
        self.models.contains_key(name) || self.aliases.contains_key(name)
    }

    /// The values of a string enum type, if `ty` is one (a union counts by its first member).
    fn enum_values(&self, ty: &Ty, source: Source) -> Option<&[String]> {
        match ty {
            Ty::Named(name) => match self.model(name, source) {
                Some((_, Model::Enum(values))) if !values.is_empty() => Some(values),
                _ => None,
            },
            Ty::Union(members) => members
                .first()
                .and_then(|first| self.enum_values(first, source)),
            _ => None,
        }
    }

    /// Adds the operations of `api` that the reference does not document, translated from the
    /// generator's IR into the reference's form ([`Source::Spec`]), with the schemas they use
    /// that `models.json` lacks. Documented methods and schemas stay as the reference has them.
    /// Returns how many operations were added.
    ///
    /// Documented methods also get, from the spec, the SDK defaults the client sends
    /// ([`RefOperation::client_defaults`]) and the parameters the spec marks as taken by the
    /// server but missing from the reference (`x-flywheel-not-in-sdk`, e.g. `ticket` on the
    /// downloads).
    pub fn add_spec(&mut self, api: &ir::Api) -> usize {
        let mut translator = SpecTranslator::new(self, api);
        // (index of the documented method, parameters it gains, its client defaults)
        type Addition = (usize, Vec<RefParam>, Vec<(String, String)>);
        let additions: Vec<Addition> = api
            .operations
            .iter()
            .filter_map(|operation| {
                let index = *self.by_name.get(&operation.operation_id)?;
                let extra = operation
                    .params
                    .iter()
                    .filter(|param| param.not_in_sdk)
                    .map(|param| translator.param(param))
                    .collect();
                Some((index, extra, client_defaults(operation)))
            })
            .collect();
        let operations: Vec<RefOperation> = api
            .operations
            .iter()
            .filter(|operation| self.operation(&operation.operation_id).is_none())
            .map(|operation| translator.operation(operation))
            .collect();
        let models = translator.models;
        self.spec_models.extend(models);
        for (index, extra, defaults) in additions {
            let operation = &mut self.operations[index];
            operation.params.extend(extra);
            operation.client_defaults = defaults;
        }
        let mut added = 0;
        for operation in operations {
            // A repeated operationId keeps its first entry.
            if !self.by_name.contains_key(&operation.operation) {
                self.by_name
                    .insert(operation.operation.clone(), self.operations.len());
                self.operations.push(operation);
                added += 1;
            }
        }
        added
    }

    /// Checks that `calls` has exactly one entry per documented method (and per operation added
    /// from the spec); returns one line per problem.
    pub fn coverage(&self, calls: &[Call]) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for call in calls {
            if !seen.insert(call.operation_id) {
                problems.push(format!(
                    "{}: CALLS: listed more than once",
                    call.operation_id
                ));
            }
            if self.operation(call.operation_id).is_none() {
                problems.push(format!(
                    "{}: CALLS: neither a documented method (not in operations.json) nor an operation of the spec",
                    call.operation_id
                ));
            }
        }
        for operation in &self.operations {
            if !seen.contains(operation.operation.as_str()) {
                let what = match operation.source {
                    Source::Reference => "documented method",
                    Source::Spec => "operation of the spec",
                };
                problems.push(format!(
                    "{}: CALLS: {what} without a generated call",
                    operation.operation
                ));
            }
        }
        problems
    }
}

// ------------------------------------------------------------------------------------------------
// Types of the reference notation
// ------------------------------------------------------------------------------------------------

/// A parsed reference type: `str`, `int`, `float`, `bool`, `datetime`, `object`, `list[T]`,
/// `dict(str, T)`, `union[A,B]` or a schema name.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `str`.
    Str,
    /// `int` (also `integer`).
    Int,
    /// `float`.
    Float,
    /// `bool`.
    Bool,
    /// `datetime`.
    DateTime,
    /// `object` (also `Object`): any JSON object.
    Object,
    /// `list[T]`.
    List(Box<Ty>),
    /// `dict(str, T)`.
    Map(Box<Ty>),
    /// `union[A,B,…]`.
    Union(Vec<Ty>),
    /// A schema name (object or enum), possibly an alias.
    Named(String),
}

impl Ty {
    /// Parses the reference notation; anything unrecognised becomes a schema name.
    pub fn parse(text: &str) -> Ty {
        let mut parser = TyParser { text, at: 0 };
        parser.ty()
    }

    /// A short tag naming the kind of value, used in value choices.
    fn tag(&self) -> &'static str {
        match self {
            Ty::Str => "str",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Bool => "bool",
            Ty::DateTime => "datetime",
            Ty::Object => "object",
            Ty::List(_) => "list",
            Ty::Map(_) => "map",
            Ty::Union(_) => "union",
            Ty::Named(_) => "named",
        }
    }

    /// A union stands for its first member.
    fn first(&self) -> &Ty {
        match self {
            Ty::Union(members) if !members.is_empty() => members[0].first(),
            other => other,
        }
    }
}

struct TyParser<'t> {
    text: &'t str,
    at: usize,
}

impl TyParser<'_> {
    fn skip_spaces(&mut self) {
        while self.text[self.at..].starts_with(' ') {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_spaces();
        if self.text[self.at..].starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> &str {
        self.skip_spaces();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    fn ty(&mut self) -> Ty {
        let name = self.ident().to_owned();
        match name.as_str() {
            "list" if self.eat('[') => {
                let item = self.ty();
                self.eat(']');
                Ty::List(Box::new(item))
            }
            "dict" if self.eat('(') => {
                let _key = self.ty();
                self.eat(',');
                let value = self.ty();
                self.eat(')');
                Ty::Map(Box::new(value))
            }
            "union" if self.eat('[') => {
                let mut members = vec![self.ty()];
                while self.eat(',') {
                    members.push(self.ty());
                }
                self.eat(']');
                Ty::Union(members)
            }
            "str" => Ty::Str,
            "int" | "integer" => Ty::Int,
            "float" => Ty::Float,
            "bool" => Ty::Bool,
            "datetime" => Ty::DateTime,
            "object" | "Object" => Ty::Object,
            _ => Ty::Named(name),
        }
    }
}

impl fmt::Display for Ty {
    /// The reference notation, which [`Ty::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Str => f.write_str("str"),
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::Bool => f.write_str("bool"),
            Ty::DateTime => f.write_str("datetime"),
            Ty::Object => f.write_str("object"),
            Ty::List(item) => write!(f, "list[{item}]"),
            Ty::Map(value) => write!(f, "dict(str, {value})"),
            Ty::Union(members) => {
                f.write_str("union[")?;
                for (index, member) in members.iter().enumerate() {
                    if index > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{member}")?;
                }
                f.write_str("]")
            }
            Ty::Named(name) => f.write_str(name),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The spec, for what the reference lacks
// ------------------------------------------------------------------------------------------------

/// The spec's `paths`/`components` as the generator reads them: loaded and lowered to its IR.
///
/// # Errors
/// The generator's message (every problem with its JSON pointer) when the spec does not load.
pub fn lower_spec(text: &str, file: &str) -> Result<ir::Api, String> {
    let spec = flywheel_generator::load(text, file).map_err(|error| error.to_string())?;
    flywheel_generator::lower(&spec, file).map_err(|error| error.to_string())
}

/// `spec/openapi.yaml` of the workspace.
pub fn default_spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")
}

/// Translates IR operations and types into the reference's form. Named types resolve to the
/// reference's schema when `models.json` defines the spec's schema name; otherwise the IR type
/// becomes a schema of its own (structs and enums, under the spec's schema name, or the Rust name
/// of an inline type) or is written out (unions as `union[…]`, aliases as their target).
/// The query values an operation of the IR sends when the caller sets none.
fn client_defaults(operation: &ir::Operation) -> Vec<(String, String)> {
    operation
        .params
        .iter()
        .filter_map(|param| Some((param.name.clone(), param.client_default.clone()?)))
        .collect()
}

struct SpecTranslator<'a> {
    reference: &'a Reference,
    types: BTreeMap<&'a str, &'a ir::TypeDef>,
    /// Rust name of a struct or enum type → the schema name it was given.
    names: BTreeMap<String, String>,
    /// The schemas made from the IR.
    models: BTreeMap<String, Model>,
    /// Unions and aliases being written out (a cycle through them stops at `object`).
    expanding: Vec<String>,
}

impl<'a> SpecTranslator<'a> {
    fn new(reference: &'a Reference, api: &'a ir::Api) -> Self {
        SpecTranslator {
            reference,
            types: api
                .types
                .iter()
                .map(|def| (def.name.as_str(), def))
                .collect(),
            names: BTreeMap::new(),
            models: BTreeMap::new(),
            expanding: Vec::new(),
        }
    }

    fn param(&mut self, param: &ir::Parameter) -> RefParam {
        RefParam {
            location: match param.location {
                ir::Location::Path => "path",
                ir::Location::Query => "query",
                ir::Location::Header => "header",
            }
            .to_owned(),
            // For path parameters the template name, otherwise the wire name.
            wire_name: param.name.clone(),
            ty: self.ty(&param.ty).to_string(),
        }
    }

    fn operation(&mut self, operation: &ir::Operation) -> RefOperation {
        let mut params: Vec<RefParam> = operation
            .params
            .iter()
            .map(|param| self.param(param))
            .collect();
        let (body, consumes) = match &operation.body {
            None => (None, Vec::new()),
            Some(ir::Body::Json { ty, .. }) => (
                Some(RefBody {
                    ty: self.ty(ty).to_string(),
                }),
                vec!["application/json".to_owned()],
            ),
            Some(ir::Body::Multipart { parts, .. }) => {
                for part in parts {
                    // As in the reference: file parts are `file` typed `str`, whether one file or
                    // several; other parts are `formData` of their type.
                    let (location, ty) = match &part.kind {
                        ir::PartKind::File | ir::PartKind::Files => ("file", Ty::Str),
                        ir::PartKind::Text => ("formData", Ty::Str),
                        ir::PartKind::Json(ty) => ("formData", self.ty(ty)),
                    };
                    params.push(RefParam {
                        location: location.to_owned(),
                        wire_name: part.name.clone(),
                        ty: ty.to_string(),
                    });
                }
                (None, vec!["multipart/form-data".to_owned()])
            }
        };
        let (produces, response_type) = match &operation.response {
            ir::Response::Json(ty) => (
                vec!["application/json".to_owned()],
                Some(self.ty(ty).to_string()),
            ),
            ir::Response::Empty => (Vec::new(), None),
            // The media type the operation declares (`application/javascript`, `text/plain`, …).
            ir::Response::Text | ir::Response::Binary => (vec![operation.accept.clone()], None),
        };
        RefOperation {
            operation: operation.operation_id.clone(),
            verb: operation.method.as_str().to_owned(),
            path: operation.path.clone(),
            params,
            body,
            consumes,
            produces,
            response_type,
            source: Source::Spec,
            fixed_query: operation.fixed_query.clone(),
            client_defaults: client_defaults(operation),
        }
    }

    fn ty(&mut self, ty: &ir::TypeRef) -> Ty {
        match ty {
            ir::TypeRef::String => Ty::Str,
            ir::TypeRef::Integer | ir::TypeRef::Integer32 => Ty::Int,
            ir::TypeRef::Number => Ty::Float,
            ir::TypeRef::Boolean => Ty::Bool,
            ir::TypeRef::DateTime => Ty::DateTime,
            ir::TypeRef::Json => Ty::Object,
            ir::TypeRef::Array(item) => Ty::List(Box::new(self.ty(item))),
            ir::TypeRef::Map(value) => Ty::Map(Box::new(self.ty(value))),
            ir::TypeRef::Named(name) => self.named(name),
        }
    }

    fn named(&mut self, rust_name: &str) -> Ty {
        let Some(&def) = self.types.get(rust_name) else {
            // Not a type of the IR (lowering guarantees it is): sampled as an empty object.
            return Ty::Named(rust_name.to_owned());
        };
        if let Some(schema) = &def.schema_name
            && self.reference.documents_schema(schema)
        {
            return Ty::Named(schema.clone());
        }
        match &def.kind {
            ir::TypeKind::Struct(fields) => {
                let (name, fresh) = self.claim(rust_name, def);
                if fresh {
                    let fields = fields
                        .iter()
                        .map(|field| (field.wire_name.clone(), self.ty(&field.ty)))
                        .collect();
                    self.models.insert(name.clone(), Model::Object(fields));
                }
                Ty::Named(name)
            }
            ir::TypeKind::Enum(values) => {
                let (name, fresh) = self.claim(rust_name, def);
                if fresh {
                    let values = values.iter().map(|value| value.wire.clone()).collect();
                    self.models.insert(name.clone(), Model::Enum(values));
                }
                Ty::Named(name)
            }
            ir::TypeKind::Union(_) | ir::TypeKind::Tagged(_) | ir::TypeKind::Alias(_)
                if self.expanding.iter().any(|seen| seen == rust_name) =>
            {
                Ty::Object
            }
            ir::TypeKind::Union(variants) => {
                self.expanding.push(rust_name.to_owned());
                let members = variants
                    .iter()
                    .map(|variant| self.ty(&variant.ty))
                    .collect();
                self.expanding.pop();
                Ty::Union(members)
            }
            ir::TypeKind::Tagged(tagged) => {
                self.expanding.push(rust_name.to_owned());
                let members = tagged
                    .variants
                    .iter()
                    .map(|variant| self.ty(&variant.ty))
                    .collect();
                self.expanding.pop();
                Ty::Union(members)
            }
            ir::TypeKind::Alias(target) => {
                self.expanding.push(rust_name.to_owned());
                let ty = self.ty(target);
                self.expanding.pop();
                ty
            }
        }
    }

    /// The schema name of a struct or enum type, and whether it was given just now (then its
    /// model is still to be made). Named before its fields are translated, so that a field of
    /// its own type ends there. The name is the spec's schema name (or the Rust name of an
    /// inline type), with `_spec`, `_spec2`, … appended when the reference or another type from
    /// the spec has it already.
    fn claim(&mut self, rust_name: &str, def: &ir::TypeDef) -> (String, bool) {
        if let Some(name) = self.names.get(rust_name) {
            return (name.clone(), false);
        }
        let base = def.schema_name.as_deref().unwrap_or(rust_name);
        let taken = |name: &str| {
            self.reference.documents_schema(name) || self.names.values().any(|given| given == name)
        };
        let mut name = base.to_owned();
        let mut counter = 1;
        while taken(&name) {
            name = if counter == 1 {
                format!("{base}_spec")
            } else {
                format!("{base}_spec{counter}")
            };
            counter += 1;
        }
        self.names.insert(rust_name.to_owned(), name.clone());
        (name, true)
    }
}

// ------------------------------------------------------------------------------------------------
// Value choices
// ------------------------------------------------------------------------------------------------

/// FNV-1a over the parts (separated), so choices are stable across runs and platforms.
fn hash(parts: &[&str]) -> u64 {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            state ^= u64::from(byte);
            state = state.wrapping_mul(0x0100_0000_01b3);
        }
    }
    state
}

fn rotate<T: Copy>(pool: &[T], h: u64) -> T {
    pool[(h % pool.len() as u64) as usize]
}

/// A 24-character lowercase hex id derived from `h`.
fn hex_id(h: u64) -> String {
    let second = h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    format!("{h:016x}{:08x}", second as u32)
}

/// Marks the place of a generated id in a pool.
const ID: &str = "\u{0}id";

/// Path segments: never empty, never `.`/`..`; ids and names with every character that must be
/// encoded inside one segment (`/`, `?`, `#`, `%`, `+`, `&`, spaces, unicode, emoji), plus one
/// made only of unreserved characters, which must stay as is.
const PATH_STRINGS: &[&str] = &[
    ID,
    ID,
    "scan é #1.dcm",
    "a/b c?d#e.nii.gz",
    "100% + 1 & more=2",
    "🧠 brain ✓.dcm",
    "日本語 ファイル",
    "~user.name_1-2",
];

/// Query values: as for paths, plus the empty string (which must still be sent) and `=`/`,`.
const QUERY_STRINGS: &[&str] = &[
    "",
    ID,
    "label=a b&c",
    "scan é #1?.dcm",
    "50%+done #x/y",
    "🧠 T1w",
    "created>2018-09-22,label:asc",
    "plain",
];

/// Header values must be visible ASCII.
const HEADER_STRINGS: &[&str] = &["bytes=0-1023", "bytes=512-", "bytes=-256"];

/// Per-call `x-accept-feature` values typed as plain strings: header tokens without commas.
const FEATURE_TOKENS: &[&str] = &[
    "beta",
    "pagination",
    "exclude-files",
    "slim-containers",
    "join_files",
    "conformance-feature",
];

const INTS: &[i64] = &[0, 1, 7, 250, 100_000];
const FLOATS: &[f64] = &[0.0, 0.5, 2.25, -1.5];
const DATES: &[&str] = &[
    "2016-09-21T14:56:10.026Z",
    "2024-02-29T23:59:59Z",
    "1999-12-31T00:00:00.5Z",
];

/// Strings inside JSON bodies and answers: JSON escaping (quotes, newlines), unicode and emoji.
const BODY_STRINGS: &[&str] = &[
    "Scan é #1",
    "T1 MPRAGE 🧠",
    "a/b?c%d+e&f",
    "label",
    "line\nbreak \"quoted\"",
];
const BODY_INTS: &[i64] = &[0, 1, 42, 250];
const BODY_FLOATS: &[f64] = &[0.5, 2.25, 1024.125];
/// Date-times as Flywheel writes them.
const BODY_DATES: &[&str] = &[
    "2016-09-21T14:56:10.026000+00:00",
    "2021-03-04T05:06:07.000001+00:00",
];

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Header,
}

impl Place {
    fn tag(self) -> &'static str {
        match self {
            Place::Path => "path",
            Place::Query => "query",
            Place::Header => "header",
        }
    }
}

/// One chosen argument value.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(DateTime<Utc>),
    Json(Value),
}

impl Scalar {
    /// The text a parameter carries on the wire (before URL encoding).
    fn wire(&self) -> String {
        match self {
            Scalar::Str(text) => text.clone(),
            Scalar::Int(n) => n.to_string(),
            Scalar::Float(x) => x.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::DateTime(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            Scalar::Json(value) => value.to_string(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Scalar::Str(text) => Value::String(text.clone()),
            Scalar::Int(n) => json!(n),
            Scalar::Float(x) => json!(x),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::DateTime(_) => Value::String(self.wire()),
            Scalar::Json(value) => value.clone(),
        }
    }

    /// Whether a received wire text stands for this value: booleans and strings exactly,
    /// numbers by value, date-times as instants, JSON as JSON.
    fn matches_wire(&self, got: &str) -> bool {
        match self {
            Scalar::Str(text) => text == got,
            Scalar::Bool(b) => got == if *b { "true" } else { "false" },
            Scalar::Int(n) => got.parse::<i64>().ok() == Some(*n),
            Scalar::Float(x) => got.parse::<f64>().ok() == Some(*x),
            Scalar::DateTime(t) => parse_instant(got) == Some(*t),
            Scalar::Json(value) => serde_json::from_str::<Value>(got).ok().as_ref() == Some(value),
        }
    }
}

fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn date(text: &str) -> DateTime<Utc> {
    parse_instant(text).expect("the harness's own dates are RFC 3339")
}

/// Builds sample JSON values of reference types: every field set, enums at their first value,
/// date-times in Flywheel's form, unions as their first member, lists of two (one when nested),
/// maps with one key, and a schema inside itself left out (recursion).
struct Sampler<'r> {
    reference: &'r Reference,
    /// Whose schemas the sample may use ([`Reference::model`]).
    source: Source,
    seed: &'r str,
    stack: Vec<String>,
}

/// Nested schemas deeper than this are left out.
const MAX_SAMPLE_DEPTH: usize = 8;

impl Sampler<'_> {
    fn value(&mut self, ty: &Ty, hint: &str) -> Option<Value> {
        let h = hash(&[self.seed, hint, ty.tag()]);
        Some(match ty {
            Ty::Str => {
                // The field name, without list positions: `a.job_ids[0]` → `job_ids`.
                let field =
                    hint.trim_end_matches(|c: char| c.is_ascii_digit() || c == '[' || c == ']');
                let field = field.rsplit('.').next().unwrap_or(field);
                let is_id = ["id", "_id", "ids"].contains(&field)
                    || ["_id", "_ids", "Id", "Ids"]
                        .iter()
                        .any(|end| field.ends_with(end));
                if is_id {
                    Value::String(hex_id(h))
                } else {
                    Value::String(rotate(BODY_STRINGS, h).to_owned())
                }
            }
            Ty::Int => json!(rotate(BODY_INTS, h)),
            Ty::Float => json!(rotate(BODY_FLOATS, h)),
            Ty::Bool => Value::Bool(h.is_multiple_of(2)),
            Ty::DateTime => Value::String(rotate(BODY_DATES, h).to_owned()),
            Ty::Object => json!({"sample": "é #1", "count": 2, "nested": {"flag": true}}),
            Ty::List(item) => {
                let count = if self.stack.len() <= 1 { 2 } else { 1 };
                let mut items = Vec::with_capacity(count);
                for index in 0..count {
                    items.push(self.value(item, &format!("{hint}[{index}]"))?);
                }
                Value::Array(items)
            }
            Ty::Map(item) => {
                let mut map = Map::new();
                map.insert(
                    "entry".to_owned(),
                    self.value(item, &format!("{hint}.entry"))?,
                );
                Value::Object(map)
            }
            Ty::Union(members) => {
                let first = members.first()?;
                let mut value = self.value(first, hint)?;
                // A generic page envelope (`results: list[object]`) beside `list[X]` holds X
                // items: the client types it so (`x-flywheel-page`), and so does the sample.
                let item = members.iter().find_map(|m| match m {
                    Ty::List(item) => Some(item),
                    _ => None,
                });
                if let (Some(item), Ty::Named(name)) = (item, first)
                    && self.is_generic_page(name)
                    && let Value::Object(map) = &mut value
                {
                    let results = Ty::List(item.clone());
                    let results = self.value(&results, &format!("{hint}.results"))?;
                    map.insert("results".to_owned(), results);
                }
                value
            }
            Ty::Named(name) => match self.reference.model(name, self.source) {
                Some((_, Model::Enum(values))) => Value::String(values.first()?.clone()),
                Some((canonical, Model::Object(fields))) => {
                    if self.stack.iter().any(|seen| seen == canonical)
                        || self.stack.len() >= MAX_SAMPLE_DEPTH
                    {
                        return None;
                    }
                    self.stack.push(canonical.to_owned());
                    let mut map = Map::new();
                    for (wire_name, field_ty) in fields {
                        if let Some(value) = self.value(field_ty, &format!("{hint}.{wire_name}")) {
                            map.insert(wire_name.clone(), value);
                        }
                    }
                    self.stack.pop();
                    Value::Object(map)
                }
                // A name the reference does not define: any object.
                None => Value::Object(Map::new()),
            },
        })
    }
}

impl Sampler<'_> {
    /// Whether schema `name` is a page envelope with untyped items (`results: list[object]`).
    fn is_generic_page(&self, name: &str) -> bool {
        matches!(
            self.reference.model(name, self.source),
            Some((_, Model::Object(fields)))
                if fields.iter().any(|(wire, ty)| {
                    wire == "results" && *ty == Ty::List(Box::new(Ty::Object))
                })
        )
    }
}

/// A sample JSON value of `ty` (reference notation), seeded by `seed` (the operation); the
/// schemas of the spec are used only for a `source` of [`Source::Spec`].
pub fn sample_json(reference: &Reference, source: Source, seed: &str, ty: &Ty) -> Value {
    let mut sampler = Sampler {
        reference,
        source,
        seed,
        stack: Vec::new(),
    };
    sampler.value(ty, "").unwrap_or(Value::Null)
}

/// The `metadata` text field of uploads: JSON with unicode.
fn metadata_sample() -> Value {
    json!({
        "file": {
            "info": {"comment": "scan é #1 🧠", "count": 2},
            "tags": ["a b", "c&d"],
            "type": "dicom"
        }
    })
}

/// A file a generated call uploads: part file name, explicit content type (or the one expected
/// to be guessed from the name), and bytes.
struct SampleFile {
    file_name: &'static str,
    explicit_type: Option<&'static str>,
    expected_type: &'static str,
    bytes: Vec<u8>,
}

/// Contents with NUL, CR LF and a line that looks like a multipart delimiter.
fn sample_file(part: &str, index: usize) -> SampleFile {
    let mut bytes = b"DICM\x00\x01\x02\r\n--not-a-boundary\r\n\xff\xfe".to_vec();
    bytes.extend_from_slice(format!("{part}#{index}").as_bytes());
    if index == 0 {
        SampleFile {
            file_name: "scan é #1.dcm",
            explicit_type: Some("application/dicom"),
            expected_type: "application/dicom",
            bytes,
        }
    } else {
        SampleFile {
            file_name: "notes 📝 & 50% #2.txt",
            explicit_type: None,
            expected_type: "text/plain",
            bytes,
        }
    }
}

impl SampleFile {
    fn upload(&self) -> flywheel_client::UploadFile {
        let file = flywheel_client::UploadFile::from_bytes(self.file_name, self.bytes.clone());
        match self.explicit_type {
            Some(content_type) => file.with_content_type(content_type),
            None => file,
        }
    }
}

/// What a chosen parameter holds: one value or a list.
#[derive(Debug, Clone, PartialEq)]
enum Pick {
    One(Scalar),
    Many(Vec<Scalar>),
}

impl Pick {
    fn items(&self) -> Vec<Scalar> {
        match self {
            Pick::One(value) => vec![value.clone()],
            Pick::Many(values) => values.clone(),
        }
    }

    fn first(&self) -> Scalar {
        match self {
            Pick::One(value) => value.clone(),
            Pick::Many(values) => values
                .first()
                .cloned()
                .unwrap_or(Scalar::Str(String::new())),
        }
    }
}

/// The arguments of one generated call, and the expectations of its request and answer.
///
/// Created per operation; every value is a deterministic function of (operation, key, type), so
/// the checker can recompute what the call was given.
pub struct Values {
    reference: Arc<Reference>,
    index: usize,
    /// The path parameters' wire names, in path order.
    path_names: Vec<String>,
    body: OnceLock<Value>,
    response: OnceLock<Served>,
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Values")
            .field("operation", &self.operation().operation)
            .finish_non_exhaustive()
    }
}

/// The answer the server gives to one call.
#[derive(Debug, Clone)]
pub struct Served {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its body.
    pub body: Vec<u8>,
    expected: Outcome,
}

/// A request as the recording server received it.
#[derive(Debug, Clone, Default)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The raw (still percent-encoded) path.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Header names (lowercase) and raw values, in arrival order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// How a call ended.
#[derive(Debug)]
pub enum CallResult {
    /// The call's future completed.
    Done(Result<Outcome, flywheel_client::Error>),
    /// The call panicked (e.g. a sample body that does not decode into the generated type).
    Panicked(String),
}

/// One difference between what the reference expects and what was sent or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The method.
    pub operation_id: String,
    /// What differs: `verb`, `path`, `query.NAME`, `header.NAME`, `body.a.b[0]`, `multipart.NAME`,
    /// `response.a`, …
    pub field: String,
    /// What the reference expects.
    pub expected: String,
    /// What was seen.
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: expected {}, got {}",
            self.operation_id, self.field, self.expected, self.got
        )
    }
}

/// Shown for a value that is absent.
const ABSENT: &str = "(nothing)";

impl Values {
    /// The values for `operation_id`, or `None` when neither the reference documents it nor
    /// [`Reference::add_spec`] added it from the spec.
    pub fn new(reference: Arc<Reference>, operation_id: &str) -> Option<Values> {
        let index = *reference.by_name.get(operation_id)?;
        let path_names = placeholders(&reference.operations[index].path);
        Some(Values {
            reference,
            index,
            path_names,
            body: OnceLock::new(),
            response: OnceLock::new(),
        })
    }

    /// The reference entry.
    pub fn operation(&self) -> &RefOperation {
        &self.reference.operations[self.index]
    }

    fn op_name(&self) -> &str {
        &self.operation().operation
    }

    /// Where the expectations come from: the reference, or the spec for an operation the
    /// reference does not document.
    pub fn source(&self) -> Source {
        self.operation().source
    }

    /// A sample of `ty` for this operation.
    fn sample(&self, ty: &Ty) -> Value {
        sample_json(&self.reference, self.source(), self.op_name(), ty)
    }

    /// The reference parameter a key stands for: its place, wire name and type.
    fn param(&self, key: Key) -> Option<(Place, &str, Ty)> {
        let operation = self.operation();
        let (place, wire) = match key {
            Key::Path(position) => (Place::Path, self.path_names.get(position)?.as_str()),
            Key::Query(name) => (Place::Query, name),
            Key::Header(name) => (Place::Header, name),
        };
        let location = place.tag();
        let param = operation
            .params
            .iter()
            .find(|param| param.location == location && param.wire_name == wire)?;
        Some((place, param.wire_name.as_str(), Ty::parse(&param.ty)))
    }

    /// Place and name of a key that the reference may not know.
    fn key_parts(&self, key: Key) -> (Place, String) {
        match key {
            Key::Path(position) => (
                Place::Path,
                self.path_names
                    .get(position)
                    .cloned()
                    .unwrap_or_else(|| format!("#{position}")),
            ),
            Key::Query(name) => (Place::Query, name.to_owned()),
            Key::Header(name) => (Place::Header, name.to_owned()),
        }
    }

    /// The value for a parameter of type `ty`: chosen by a hash of (operation, place, wire name,
    /// type), from the hard cases of its kind.
    fn pick(&self, place: Place, wire: &str, ty: &Ty) -> Pick {
        match ty.first() {
            Ty::List(item) => {
                let first = self.pick_scalar(place, wire, item, 0);
                let mut second = self.pick_scalar(place, wire, item, 1);
                let mut salt = 2;
                while second == first && salt < 16 {
                    second = self.pick_scalar(place, wire, item, salt);
                    salt += 1;
                }
                Pick::Many(vec![first, second])
            }
            other => Pick::One(self.pick_scalar(place, wire, other, 0)),
        }
    }

    fn pick_scalar(&self, place: Place, wire: &str, ty: &Ty, salt: u32) -> Scalar {
        let ty = ty.first();
        let salt = salt.to_string();
        let h = hash(&[self.op_name(), place.tag(), wire, ty.tag(), &salt]);
        if let Some(values) = self.reference.enum_values(ty, self.source()) {
            return Scalar::Str(values[(h % values.len() as u64) as usize].clone());
        }
        match ty {
            Ty::Str => {
                let pool = match place {
                    Place::Path => PATH_STRINGS,
                    Place::Query => QUERY_STRINGS,
                    Place::Header if wire.eq_ignore_ascii_case("x-accept-feature") => {
                        FEATURE_TOKENS
                    }
                    Place::Header => HEADER_STRINGS,
                };
                let text = rotate(pool, h);
                Scalar::Str(if text == ID {
                    hex_id(h)
                } else {
                    text.to_owned()
                })
            }
            Ty::Int => Scalar::Int(rotate(INTS, h)),
            Ty::Float => Scalar::Float(rotate(FLOATS, h)),
            Ty::Bool => Scalar::Bool(h.is_multiple_of(2)),
            Ty::DateTime => Scalar::DateTime(date(rotate(DATES, h))),
            other => Scalar::Json(self.sample(other)),
        }
    }

    /// The value a key gets when it is asked for as `requested`: the reference type's value when
    /// the reference knows the key and `accept` takes it, otherwise one of the requested type
    /// (which the checker will then not expect).
    fn scalar_for(&self, key: Key, requested: &Ty, accept: impl Fn(&Scalar) -> bool) -> Scalar {
        if let Some((place, wire, ty)) = self.param(key) {
            let value = self.pick(place, wire, &ty).first();
            if accept(&value) {
                return value;
            }
        }
        let (place, wire) = self.key_parts(key);
        self.pick_scalar(place, &wire, requested, 0)
    }

    /// A string argument.
    pub fn string(&self, key: Key) -> String {
        self.scalar_for(key, &Ty::Str, |_| true).wire()
    }

    /// An integer argument.
    pub fn integer(&self, key: Key) -> i64 {
        match self.scalar_for(key, &Ty::Int, |v| matches!(v, Scalar::Int(_))) {
            Scalar::Int(n) => n,
            _ => 0,
        }
    }

    /// A number argument.
    pub fn number(&self, key: Key) -> f64 {
        match self.scalar_for(key, &Ty::Float, |v| {
            matches!(v, Scalar::Float(_) | Scalar::Int(_))
        }) {
            Scalar::Float(x) => x,
            Scalar::Int(n) => n as f64,
            _ => 0.0,
        }
    }

    /// A boolean argument.
    pub fn boolean(&self, key: Key) -> bool {
        matches!(
            self.scalar_for(key, &Ty::Bool, |v| matches!(v, Scalar::Bool(_))),
            Scalar::Bool(true)
        )
    }

    /// A date-time argument.
    pub fn datetime(&self, key: Key) -> DateTime<Utc> {
        match self.scalar_for(key, &Ty::DateTime, |v| matches!(v, Scalar::DateTime(_))) {
            Scalar::DateTime(t) => t,
            _ => DateTime::UNIX_EPOCH,
        }
    }

    /// A JSON argument.
    pub fn json(&self, key: Key) -> Value {
        self.scalar_for(key, &Ty::Object, |_| true).json()
    }

    /// An enum argument, as its wire value (the generated enums take `impl Into<Enum>` and
    /// implement `From<String>`).
    pub fn enum_value(&self, key: Key) -> String {
        self.string(key)
    }

    /// A list argument (strings or enum values): two items.
    pub fn strings(&self, key: Key) -> Vec<String> {
        let pick = match self.param(key) {
            Some((place, wire, ty)) => self.pick(place, wire, &ty),
            None => {
                let (place, wire) = self.key_parts(key);
                self.pick(place, &wire, &Ty::List(Box::new(Ty::Str)))
            }
        };
        pick.items().iter().map(Scalar::wire).collect()
    }

    /// The sample of the reference body type (computed once).
    fn body_sample(&self) -> &Value {
        self.body.get_or_init(|| match &self.operation().body {
            Some(body) => self.sample(&Ty::parse(&body.ty)),
            None => Value::Null,
        })
    }

    /// The JSON request body: a sample of the reference body type decoded into the generated type.
    ///
    /// # Panics
    /// When the reference declares no body, or the sample does not decode into `T` (the generated
    /// body type does not match the reference); the message names the operation.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> T {
        let operation = self.operation();
        let Some(body) = &operation.body else {
            panic!(
                "{}: body: the generated call sends a JSON body, but the reference declares none",
                operation.operation
            );
        };
        let sample = self.body_sample();
        match serde_json::from_value(sample.clone()) {
            Ok(value) => value,
            Err(error) => panic!(
                "{}: body: the sample JSON of the reference body type `{}` does not decode into {}: {error}; sample: {}",
                operation.operation,
                body.ty,
                std::any::type_name::<T>(),
                shorten(&sample.to_string()),
            ),
        }
    }

    /// One file for the multipart part `part`.
    pub fn upload_file(&self, part: &'static str) -> flywheel_client::UploadFile {
        sample_file(part, 0).upload()
    }

    /// Two files for the multipart part `part`.
    pub fn upload_files(&self, part: &'static str) -> Vec<flywheel_client::UploadFile> {
        vec![sample_file(part, 0).upload(), sample_file(part, 1).upload()]
    }

    /// The value of a multipart text field, by the reference type of that field.
    fn form_value(&self, part: &str) -> Value {
        if part == "metadata" {
            return metadata_sample();
        }
        let ty = self
            .operation()
            .params
            .iter()
            .find(|param| param.location == "formData" && param.wire_name == part)
            .map(|param| Ty::parse(&param.ty))
            .unwrap_or(Ty::Str);
        match ty.first() {
            Ty::Str => {
                Value::String(rotate(BODY_STRINGS, hash(&[self.op_name(), part])).to_owned())
            }
            other => self.sample(other),
        }
    }

    /// A multipart text field (for `metadata`: JSON text).
    pub fn form_text(&self, part: &'static str) -> String {
        match self.form_value(part) {
            Value::String(text) => text,
            other => other.to_string(),
        }
    }

    /// A multipart field sent as JSON text, decoded into the generated type.
    ///
    /// # Panics
    /// When the sample does not decode into `T`; the message names the operation.
    pub fn form_json<T: serde::de::DeserializeOwned>(&self, part: &'static str) -> T {
        let sample = self.form_value(part);
        match serde_json::from_value(sample.clone()) {
            Ok(value) => value,
            Err(error) => panic!(
                "{}: multipart.{part}: the sample JSON does not decode into {}: {error}; sample: {}",
                self.op_name(),
                std::any::type_name::<T>(),
                shorten(&sample.to_string()),
            ),
        }
    }

    /// The answer to serve: a sample of the reference success type (JSON), bytes for downloads,
    /// JavaScript text for `application/javascript` (and for `text/*`), `{}` when the reference
    /// declares no body.
    pub fn response(&self) -> &Served {
        self.response.get_or_init(|| {
            let operation = self.operation();
            let produces = |media: &str| operation.produces.iter().any(|p| p == media);
            let text_type = if produces("application/javascript") {
                Some("application/javascript")
            } else if operation.produces.iter().any(|p| p.starts_with("text/")) {
                Some("text/plain; charset=utf-8")
            } else {
                None
            };
            if produces("application/octet-stream") {
                let mut body = b"\x89conformance bytes\x00\r\n\xff ".to_vec();
                body.extend_from_slice(operation.operation.as_bytes());
                Served {
                    content_type: "application/octet-stream",
                    expected: Outcome::Bytes(body.clone()),
                    body,
                }
            } else if let Some(content_type) = text_type {
                let text = format!(
                    "window.flywheelConfig = {{\"site\": \"é 🧠\", \"operation\": \"{}\"}};\n",
                    operation.operation
                );
                Served {
                    content_type,
                    body: text.clone().into_bytes(),
                    expected: Outcome::Text(text),
                }
            } else if let Some(ty) = &operation.response_type {
                let value = self.sample(&Ty::parse(ty));
                Served {
                    content_type: "application/json",
                    body: serde_json::to_vec(&value).expect("JSON values serialize"),
                    expected: Outcome::Json(value),
                }
            } else {
                Served {
                    content_type: "application/json",
                    body: b"{}".to_vec(),
                    expected: Outcome::Empty,
                }
            }
        })
    }

    fn mismatch(
        &self,
        field: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
    ) -> Mismatch {
        Mismatch {
            operation_id: self.op_name().to_owned(),
            field: field.into(),
            expected: expected.into(),
            got: got.into(),
        }
    }

    /// Every path, query and header argument chosen for the documented parameters, as
    /// (`path` | `query` | `header`, wire text), so a test can check that the hard cases occur.
    pub fn chosen_arguments(&self) -> Vec<(&'static str, String)> {
        let mut chosen = Vec::new();
        let operation = self.operation();
        for param in &operation.params {
            let defaulted = param.location == "query"
                && operation
                    .client_defaults
                    .iter()
                    .any(|(name, _)| *name == param.wire_name);
            if defaulted {
                // Left unset by the generated call.
                continue;
            }
            let place = match param.location.as_str() {
                "path" => Place::Path,
                "query" => Place::Query,
                "header" => Place::Header,
                _ => continue,
            };
            for item in self
                .pick(place, &param.wire_name, &Ty::parse(&param.ty))
                .items()
            {
                chosen.push((place.tag(), item.wire()));
            }
        }
        chosen
    }

    /// The raw path the reference expects below [`BASE_PATH`]: each path parameter's value
    /// percent-encoded as one segment.
    pub fn expected_path(&self) -> String {
        let operation = self.operation();
        let mut path = String::new();
        let mut rest = operation.path.as_str();
        let mut position = 0;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            path.push_str(&rest[..open]);
            let value = match self.param(Key::Path(position)) {
                Some((place, wire, ty)) => self.pick(place, wire, &ty).first().wire(),
                None => String::new(),
            };
            path.push_str(&encode_segment(&value));
            position += 1;
            rest = &rest[open + close + 1..];
        }
        path.push_str(rest);
        format!("{BASE_PATH}{path}")
    }

    /// The query the reference expects: every documented query parameter with its chosen value(s),
    /// with fixed values of the file-endpoint variants replacing them.
    fn expected_query(&self) -> Vec<(String, Vec<Scalar>)> {
        let operation = self.operation();
        let mut query: Vec<(String, Vec<Scalar>)> = operation
            .params
            .iter()
            .filter(|param| param.location == "query")
            .map(|param| {
                let pick = self.pick(Place::Query, &param.wire_name, &Ty::parse(&param.ty));
                (param.wire_name.clone(), pick.items())
            })
            .collect();
        // Fixed values, and the SDK's defaults for the parameters the generated call leaves unset.
        let defaults = operation.client_defaults.iter().cloned();
        for (name, value) in self.fixed_query().into_iter().chain(defaults) {
            let value = vec![Scalar::Str(value)];
            match query.iter_mut().find(|(key, _)| *key == name) {
                Some(entry) => entry.1 = value,
                None => query.push((name, value)),
            }
        }
        query
    }

    /// The fixed query values of the file-endpoint variants. For documented methods: the methods
    /// sharing verb and path with another documented method are variants of a download; the one
    /// named `…ZipInfo` always sends `info=true`, the `get…DownloadTicket` one always sends
    /// `ticket=` (empty). For an operation from the spec: the IR's `fixed_query`.
    fn fixed_query(&self) -> Vec<(String, String)> {
        let operation = self.operation();
        if operation.source == Source::Spec {
            return operation.fixed_query.clone();
        }
        let shared = self.reference.operations.iter().any(|other| {
            other.source == Source::Reference
                && other.operation != operation.operation
                && other.verb == operation.verb
                && other.path == operation.path
        });
        let name = operation.operation.as_str();
        let fixed: &[(&str, &str)] = if !shared {
            &[]
        } else if name.contains("ZipInfo") {
            &[("info", "true")]
        } else if name.starts_with("get") && name.ends_with("DownloadTicket") {
            &[("ticket", "")]
        } else {
            &[]
        };
        fixed
            .iter()
            .map(|&(key, value)| (key.to_owned(), value.to_owned()))
            .collect()
    }

    /// Compares one call (its recorded requests and how it ended) with the reference; returns
    /// every difference.
    pub fn check(&self, requests: &[RecordedRequest], result: CallResult) -> Vec<Mismatch> {
        let mut out = Vec::new();
        match requests {
            [request] => self.check_request(request, &mut out),
            _ => out.push(self.mismatch(
                "requests",
                "1 request",
                format!("{} requests", requests.len()),
            )),
        }
        self.check_outcome(result, &mut out);
        out
    }

    fn check_request(&self, request: &RecordedRequest, out: &mut Vec<Mismatch>) {
        let operation = self.operation();
        if request.method != operation.verb {
            out.push(self.mismatch("verb", &operation.verb, &request.method));
        }
        let expected_path = self.expected_path();
        let got_path = uppercase_escapes(&request.path);
        if got_path != expected_path {
            out.push(self.mismatch("path", expected_path, request.path.clone()));
        }
        self.check_query(request, out);
        self.check_headers(request, out);
        self.check_body(request, out);
    }

    fn check_query(&self, request: &RecordedRequest, out: &mut Vec<Mismatch>) {
        let mut got: Vec<(String, Vec<String>)> = Vec::new();
        for (name, value) in parse_form_urlencoded(request.query.as_deref().unwrap_or("")) {
            match got.iter_mut().find(|(key, _)| *key == name) {
                Some(entry) => entry.1.push(value),
                None => got.push((name, vec![value])),
            }
        }
        let expected = self.expected_query();
        for (name, values) in &expected {
            let field = format!("query.{name}");
            let shown = show_list(values.iter().map(Scalar::wire));
            match got.iter().find(|(key, _)| key == name) {
                None => out.push(self.mismatch(field, shown, ABSENT)),
                Some((_, got_values)) => {
                    let same = got_values.len() == values.len()
                        && values
                            .iter()
                            .zip(got_values)
                            .all(|(value, got)| value.matches_wire(got));
                    if !same {
                        out.push(self.mismatch(
                            field,
                            shown,
                            show_list(got_values.iter().cloned()),
                        ));
                    }
                }
            }
        }
        for (name, values) in &got {
            if !expected.iter().any(|(key, _)| key == name) {
                out.push(self.mismatch(
                    format!("query.{name}"),
                    ABSENT,
                    show_list(values.iter().cloned()),
                ));
            }
        }
    }

    fn check_headers(&self, request: &RecordedRequest, out: &mut Vec<Mismatch>) {
        let operation = self.operation();
        let header = |name: &str| -> Vec<String> {
            request
                .headers
                .iter()
                .filter(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
                .collect()
        };
        let expect_one = |out: &mut Vec<Mismatch>, name: &str, expected: &str| {
            let got = header(name);
            if got.len() != 1 || got[0] != expected {
                out.push(self.mismatch(
                    format!("header.{name}"),
                    format!("{expected:?}"),
                    show_headers(&got),
                ));
            }
        };
        expect_one(out, "authorization", &format!("scitran-user {API_KEY}"));
        expect_one(out, "accept", &self.expected_accept());

        // One merged header: the client defaults first, then the per-call values.
        let mut features: Vec<String> = CLIENT_FEATURE.split(',').map(str::to_owned).collect();
        for param in &operation.params {
            if param.location == "header"
                && param.wire_name.eq_ignore_ascii_case("x-accept-feature")
            {
                let pick = self.pick(Place::Header, &param.wire_name, &Ty::parse(&param.ty));
                // A value already sent (a client default) is not repeated.
                for feature in pick.items().iter().map(Scalar::wire) {
                    if !features.contains(&feature) {
                        features.push(feature);
                    }
                }
            }
        }
        let got = header("x-accept-feature");
        let got_features: Vec<String> = got
            .iter()
            .flat_map(|value| value.split(','))
            .map(|feature| feature.trim().to_owned())
            .collect();
        if got.len() != 1 || got_features != features {
            out.push(self.mismatch(
                "header.x-accept-feature",
                format!("{:?}", features.join(",")),
                show_headers(&got),
            ));
        }

        for param in &operation.params {
            if param.location != "header"
                || param.wire_name.eq_ignore_ascii_case("x-accept-feature")
                // The reference lists a `content-type` header parameter for uploads, but OpenAPI
                // ignores Content-Type header parameters and the client sets the multipart content
                // type itself (with its boundary), so it is not a settable argument: skipped here;
                // the body check below checks the content type instead.
                || param.wire_name.eq_ignore_ascii_case("content-type")
            {
                continue;
            }
            let expected = self
                .pick(Place::Header, &param.wire_name, &Ty::parse(&param.ty))
                .items()
                .iter()
                .map(Scalar::wire)
                .collect::<Vec<_>>()
                .join(",");
            expect_one(out, &param.wire_name.to_ascii_lowercase(), &expected);
        }
    }

    /// The `Accept` header the Flywheel SDK sends: `application/json` when the operation
    /// produces it (or declares nothing), otherwise the media types it produces.
    pub fn expected_accept(&self) -> String {
        let produces = &self.operation().produces;
        if produces.is_empty() || produces.iter().any(|media| media == "application/json") {
            "application/json".to_owned()
        } else {
            produces.join(", ")
        }
    }

    fn check_body(&self, request: &RecordedRequest, out: &mut Vec<Mismatch>) {
        let operation = self.operation();
        let content_types: Vec<String> = request
            .headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
            .collect();
        let essence = content_types.first().map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        let multipart = operation
            .consumes
            .iter()
            .any(|media| media == "multipart/form-data")
            || operation
                .params
                .iter()
                .any(|param| param.location == "file" || param.location == "formData");
        if multipart {
            if essence.as_deref() != Some("multipart/form-data") || content_types.len() != 1 {
                out.push(self.mismatch(
                    "header.content-type",
                    "\"multipart/form-data; boundary=…\"",
                    show_headers(&content_types),
                ));
                return;
            }
            self.check_multipart(&content_types[0], &request.body, out);
        } else if operation.body.is_some() {
            if essence.as_deref() != Some("application/json") || content_types.len() != 1 {
                out.push(self.mismatch(
                    "header.content-type",
                    "\"application/json\"",
                    show_headers(&content_types),
                ));
            }
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(got) => diff_json("body", self.body_sample(), &got, &mut |field, e, g| {
                    out.push(self.mismatch(field, e, g));
                }),
                Err(error) => out.push(self.mismatch(
                    "body",
                    shorten(&self.body_sample().to_string()),
                    format!(
                        "a body that is not JSON ({error}): {}",
                        shorten(&String::from_utf8_lossy(&request.body))
                    ),
                )),
            }
        } else {
            if !content_types.is_empty() {
                out.push(self.mismatch(
                    "header.content-type",
                    ABSENT,
                    show_headers(&content_types),
                ));
            }
            if !request.body.is_empty() {
                out.push(self.mismatch(
                    "body",
                    "no body",
                    format!(
                        "{} bytes: {}",
                        request.body.len(),
                        shorten(&String::from_utf8_lossy(&request.body))
                    ),
                ));
            }
        }
    }

    fn check_multipart(&self, content_type: &str, body: &[u8], out: &mut Vec<Mismatch>) {
        let parts = match parse_multipart(content_type, body) {
            Ok(parts) => parts,
            Err(error) => {
                out.push(self.mismatch("multipart", "a multipart/form-data body", error));
                return;
            }
        };
        let operation = self.operation();
        let mut names: Vec<&str> = Vec::new();
        for param in &operation.params {
            let field = format!("multipart.{}", param.wire_name);
            let got: Vec<&Part> = parts
                .iter()
                .filter(|part| part.name.as_deref() == Some(param.wire_name.as_str()))
                .collect();
            match param.location.as_str() {
                "file" => {
                    names.push(&param.wire_name);
                    // The reference types file parts as `str` whether the method takes one file
                    // or several (`files`), so one file or the two of `upload_files` both conform.
                    let one = [sample_file(&param.wire_name, 0)];
                    let two = [
                        sample_file(&param.wire_name, 0),
                        sample_file(&param.wire_name, 1),
                    ];
                    let expected: &[SampleFile] = if got.len() >= 2 { &two } else { &one };
                    if got.len() != expected.len() {
                        out.push(self.mismatch(
                            field.clone(),
                            format!("{} file part(s)", expected.len()),
                            format!("{} file part(s)", got.len()),
                        ));
                    }
                    for (index, (file, part)) in expected.iter().zip(&got).enumerate() {
                        let field = format!("{field}[{index}]");
                        if part.filename.as_deref() != Some(file.file_name.as_bytes()) {
                            out.push(self.mismatch(
                                format!("{field}.filename"),
                                format!("{:?}", file.file_name),
                                part.filename.as_ref().map_or(ABSENT.to_owned(), |name| {
                                    format!("{:?}", String::from_utf8_lossy(name))
                                }),
                            ));
                        }
                        let got_type = part.content_type.as_deref().unwrap_or(ABSENT);
                        if !got_type.eq_ignore_ascii_case(file.expected_type) {
                            out.push(self.mismatch(
                                format!("{field}.content-type"),
                                file.expected_type,
                                got_type,
                            ));
                        }
                        if part.body != file.bytes {
                            out.push(self.mismatch(
                                format!("{field}.bytes"),
                                format!(
                                    "{} bytes {:?}",
                                    file.bytes.len(),
                                    String::from_utf8_lossy(&file.bytes)
                                ),
                                format!(
                                    "{} bytes {:?}",
                                    part.body.len(),
                                    String::from_utf8_lossy(&part.body)
                                ),
                            ));
                        }
                    }
                }
                "formData" => {
                    names.push(&param.wire_name);
                    let expected = self.form_value(&param.wire_name);
                    let [part] = got.as_slice() else {
                        out.push(self.mismatch(
                            field,
                            "one text part",
                            format!("{} parts", got.len()),
                        ));
                        continue;
                    };
                    if let Some(filename) = &part.filename {
                        out.push(self.mismatch(
                            format!("{field}.filename"),
                            ABSENT,
                            format!("{:?}", String::from_utf8_lossy(filename)),
                        ));
                    }
                    let text = String::from_utf8_lossy(&part.body);
                    let ty = Ty::parse(&param.ty);
                    if matches!(ty.first(), Ty::Str) {
                        // A string field holds the text exactly as given.
                        let expected_text = match &expected {
                            Value::String(text) => text.clone(),
                            other => other.to_string(),
                        };
                        if text != expected_text {
                            out.push(self.mismatch(
                                field,
                                format!("{expected_text:?}"),
                                format!("{text:?}"),
                            ));
                        }
                    } else {
                        match serde_json::from_str::<Value>(&text) {
                            Ok(got) => diff_json(&field, &expected, &got, &mut |f, e, g| {
                                out.push(self.mismatch(f, e, g));
                            }),
                            Err(_) => out.push(self.mismatch(
                                field,
                                shorten(&expected.to_string()),
                                format!("non-JSON text {:?}", shorten(&text)),
                            )),
                        }
                    }
                }
                _ => {}
            }
        }
        for part in &parts {
            let name = part.name.as_deref().unwrap_or("");
            if !names.contains(&name) {
                out.push(self.mismatch(
                    format!("multipart.{name}"),
                    ABSENT,
                    format!("a part of {} bytes", part.body.len()),
                ));
            }
        }
    }

    fn check_outcome(&self, result: CallResult, out: &mut Vec<Mismatch>) {
        let expected = &self.response().expected;
        let outcome = match result {
            CallResult::Panicked(message) => {
                out.push(self.mismatch("call", "no panic", format!("a panic: {message}")));
                return;
            }
            CallResult::Done(Err(error)) => {
                let mut text = error.to_string();
                if let flywheel_client::Error::Decode { body, .. } = &error {
                    text.push_str(&format!(
                        "; body: {}",
                        shorten(&String::from_utf8_lossy(body))
                    ));
                }
                out.push(self.mismatch("outcome", describe(expected), format!("an error: {text}")));
                return;
            }
            CallResult::Done(Ok(outcome)) => outcome,
        };
        match (expected, &outcome) {
            (Outcome::Json(expected), Outcome::Json(got)) => {
                diff_json("response", expected, got, &mut |field, e, g| {
                    out.push(self.mismatch(field, e, g));
                });
            }
            (Outcome::Bytes(expected), Outcome::Bytes(got)) if expected != got => {
                out.push(self.mismatch(
                    "response",
                    format!("{} bytes", expected.len()),
                    format!(
                        "{} other bytes: {:?}",
                        got.len(),
                        shorten(&String::from_utf8_lossy(got))
                    ),
                ));
            }
            (Outcome::Text(expected), Outcome::Text(got)) if expected != got => {
                out.push(self.mismatch("response", format!("{expected:?}"), format!("{got:?}")));
            }
            (Outcome::Empty, Outcome::Empty)
            | (Outcome::Bytes(_), Outcome::Bytes(_))
            | (Outcome::Text(_), Outcome::Text(_)) => {}
            (expected, got) => {
                out.push(self.mismatch("outcome", describe(expected), describe(got)))
            }
        }
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Json(value) => format!("JSON {}", shorten(&value.to_string())),
        Outcome::Empty => "no answer body (Empty)".to_owned(),
        Outcome::Text(text) => format!("text {:?}", shorten(text)),
        Outcome::Bytes(bytes) => format!("{} bytes", bytes.len()),
    }
}

/// The wire names of the `{placeholders}` of a path, in order.
fn placeholders(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    names
}

/// Percent-encodes `value` as one path segment: every byte except the RFC 3986 unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` (uppercase hex).
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `%xx` escapes in uppercase (escapes are case-insensitive; the expected path uses uppercase).
fn uppercase_escapes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && bytes[index + 1].is_ascii_hexdigit()
            && bytes[index + 2].is_ascii_hexdigit()
        {
            out.push('%');
            out.push(char::from(bytes[index + 1].to_ascii_uppercase()));
            out.push(char::from(bytes[index + 2].to_ascii_uppercase()));
            index += 3;
        } else {
            let c = path[index..].chars().next().unwrap_or('\u{fffd}');
            out.push(c);
            index += c.len_utf8();
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text: `&`-separated pairs, `+` as space, `%XX`
/// escapes; invalid UTF-8 is replaced. Order and repeated keys are kept.
pub fn parse_form_urlencoded(text: &str) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'+' => out.push(b' '),
                b'%' if index + 2 < bytes.len()
                    && bytes[index + 1].is_ascii_hexdigit()
                    && bytes[index + 2].is_ascii_hexdigit() =>
                {
                    let hex = &text[index + 1..index + 3];
                    out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                    index += 2;
                }
                byte => out.push(byte),
            }
            index += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The `name` parameter of its `Content-Disposition`.
    pub name: Option<String>,
    /// The raw bytes of the `filename` parameter (between the quotes).
    pub filename: Option<Vec<u8>>,
    /// Its `Content-Type` header.
    pub content_type: Option<String>,
    /// Its contents.
    pub body: Vec<u8>,
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts, keeping file names as raw bytes.
///
/// # Errors
/// A description of what is malformed.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|param| param.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .ok_or_else(|| format!("no boundary in the content type {content_type:?}"))?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)
        .ok_or_else(|| "the body does not contain the boundary".to_owned())?
        + delimiter.len();
    let mut next_delimiter = b"\r\n".to_vec();
    next_delimiter.extend_from_slice(&delimiter);
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(format!("no CRLF after a boundary at byte {at}"));
        }
        at += 2;
        let header_end = find(body, b"\r\n\r\n", at)
            .ok_or_else(|| "a part without the blank line after its headers".to_owned())?;
        let end = find(body, &next_delimiter, header_end + 4)
            .ok_or_else(|| "a part without a closing boundary".to_owned())?;
        let mut part = Part {
            name: None,
            filename: None,
            content_type: None,
            body: body[header_end + 4..end].to_vec(),
        };
        for line in split(&body[at..header_end], b"\r\n") {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                return Err(format!(
                    "a part header without `:`: {:?}",
                    String::from_utf8_lossy(line)
                ));
            };
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = trim_bytes(&line[colon + 1..]);
            match name.as_str() {
                "content-disposition" => {
                    part.name = disposition_param(value, b"name")
                        .map(|raw| String::from_utf8_lossy(&raw).into_owned());
                    part.filename = disposition_param(value, b"filename");
                }
                "content-type" => {
                    part.content_type = Some(String::from_utf8_lossy(value).into_owned())
                }
                _ => {}
            }
        }
        parts.push(part);
        at = end + next_delimiter.len();
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| position + from)
}

fn split<'b>(bytes: &'b [u8], separator: &[u8]) -> Vec<&'b [u8]> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while let Some(position) = find(bytes, separator, at) {
        pieces.push(&bytes[at..position]);
        at = position + separator.len();
    }
    pieces.push(&bytes[at..]);
    pieces
}

fn trim_bytes(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// The raw value of parameter `name` in a `Content-Disposition` value (`form-data; name="a";
/// filename="b"`), without its quotes.
fn disposition_param(value: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    while at < value.len() {
        // Skip to the start of the next parameter.
        let semicolon = value[at..].iter().position(|&b| b == b';')? + at;
        at = semicolon + 1;
        while at < value.len() && value[at] == b' ' {
            at += 1;
        }
        let eq = value[at..].iter().position(|&b| b == b'=')? + at;
        let key = trim_bytes(&value[at..eq]);
        let mut cursor = eq + 1;
        let raw = if value.get(cursor) == Some(&b'"') {
            cursor += 1;
            let close = value[cursor..].iter().position(|&b| b == b'"')? + cursor;
            let raw = value[cursor..close].to_vec();
            at = close + 1;
            raw
        } else {
            let end = value[cursor..]
                .iter()
                .position(|&b| b == b';')
                .map_or(value.len(), |e| e + cursor);
            let raw = trim_bytes(&value[cursor..end]).to_vec();
            at = end;
            raw
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(raw);
        }
    }
    None
}

/// Compares JSON values and reports every difference with its path: object keys both ways,
/// array lengths and items, strings exactly or (when both are RFC 3339 date-times) as instants,
/// numbers exactly (`3` is not `3.0`).
pub fn diff_json(
    path: &str,
    expected: &Value,
    got: &Value,
    report: &mut dyn FnMut(String, String, String),
) {
    match (expected, got) {
        (Value::Object(expected), Value::Object(got)) => {
            for (key, value) in expected {
                let field = format!("{path}.{key}");
                match got.get(key) {
                    Some(got_value) => diff_json(&field, value, got_value, report),
                    None => report(field, shorten(&value.to_string()), ABSENT.to_owned()),
                }
            }
            for (key, value) in got {
                if !expected.contains_key(key) {
                    report(
                        format!("{path}.{key}"),
                        ABSENT.to_owned(),
                        shorten(&value.to_string()),
                    );
                }
            }
        }
        (Value::Array(expected_items), Value::Array(got_items)) => {
            if expected_items.len() != got_items.len() {
                report(
                    path.to_owned(),
                    format!(
                        "{} items {}",
                        expected_items.len(),
                        shorten(&expected.to_string())
                    ),
                    format!("{} items {}", got_items.len(), shorten(&got.to_string())),
                );
                return;
            }
            for (index, (e, g)) in expected_items.iter().zip(got_items).enumerate() {
                diff_json(&format!("{path}[{index}]"), e, g, report);
            }
        }
        (Value::String(e), Value::String(g)) => {
            let same_instant = matches!(
                (parse_instant(e), parse_instant(g)),
                (Some(a), Some(b)) if a == b
            );
            if e != g && !same_instant {
                report(
                    path.to_owned(),
                    shorten(&expected.to_string()),
                    shorten(&got.to_string()),
                );
            }
        }
        (e, g) if e == g => {}
        _ => report(
            path.to_owned(),
            shorten(&expected.to_string()),
            shorten(&got.to_string()),
        ),
    }
}

/// At most 200 characters of `text`.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 200;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(LIMIT).collect();
        short.push('…');
        short
    }
}

fn show_list(values: impl Iterator<Item = String>) -> String {
    let values: Vec<String> = values.map(|value| format!("{value:?}")).collect();
    format!("[{}]", values.join(", "))
}

fn show_headers(values: &[String]) -> String {
    match values {
        [] => ABSENT.to_owned(),
        [one] => format!("{one:?}"),
        many => format!("{} headers {many:?}", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPERATIONS: &str = r#"[
      {"api": "ThingsApi", "operation": "downloadThingFile", "verb": "GET",
       "path": "/things/{thing_id}/files/{file_name}",
       "params": [
         {"name": "thingId", "in": "path", "wire_name": "thing_id", "type": "str", "required": true},
         {"name": "fileName", "in": "path", "wire_name": "file_name", "type": "str", "required": true},
         {"name": "info", "in": "query", "wire_name": "info", "type": "bool", "required": false},
         {"name": "limit", "in": "query", "wire_name": "limit", "type": "int", "required": false},
         {"name": "tags", "in": "query", "wire_name": "tags", "type": "list[str]", "required": false},
         {"name": "after", "in": "query", "wire_name": "after", "type": "datetime", "required": false},
         {"name": "kind", "in": "query", "wire_name": "kind", "type": "ThingKind", "required": false},
         {"name": "range", "in": "header", "wire_name": "range", "type": "str", "required": false},
         {"name": "xAcceptFeature", "in": "header", "wire_name": "x-accept-feature", "type": "list[str]", "required": false}],
       "body": null, "consumes": [], "produces": ["application/octet-stream"], "response_type": null},
      {"api": "ThingsApi", "operation": "getThingFileZipInfo", "verb": "GET",
       "path": "/things/{thing_id}/files/{file_name}",
       "params": [
         {"name": "thingId", "in": "path", "wire_name": "thing_id", "type": "str", "required": true},
         {"name": "fileName", "in": "path", "wire_name": "file_name", "type": "str", "required": true},
         {"name": "info", "in": "query", "wire_name": "info", "type": "bool", "required": false}],
       "body": null, "consumes": [], "produces": ["application/json"], "response_type": "ThingAlias"},
      {"api": "ThingsApi", "operation": "addThing", "verb": "POST", "path": "/things",
       "params": [],
       "body": {"type": "Thing", "required": true, "content_type": "application/json"},
       "consumes": ["application/json"], "produces": ["application/json"], "response_type": "Thing"},
      {"api": "ThingsApi", "operation": "uploadThingFile", "verb": "POST", "path": "/things/{id}/files",
       "params": [
         {"name": "id", "in": "path", "wire_name": "id", "type": "str", "required": true},
         {"name": "file", "in": "file", "wire_name": "file", "type": "str", "required": true},
         {"name": "metadata", "in": "formData", "wire_name": "metadata", "type": "str", "required": false},
         {"name": "contentType", "in": "header", "wire_name": "content-type", "type": "str", "required": false}],
       "body": null, "consumes": ["multipart/form-data"], "produces": ["application/json"], "response_type": null}
    ]"#;

    const MODELS: &str = r#"{
      "aliases": {"ThingAlias": "Thing"},
      "models": {
        "Thing": {"fields": [
          {"name": "id", "wire_name": "_id", "type": "str"},
          {"name": "label", "wire_name": "label", "type": "str"},
          {"name": "created", "wire_name": "created", "type": "datetime"},
          {"name": "kind", "wire_name": "kind", "type": "ThingKind"},
          {"name": "children", "wire_name": "children", "type": "list[Thing]"},
          {"name": "parts", "wire_name": "parts", "type": "list[Part]"},
          {"name": "counts", "wire_name": "counts", "type": "dict(str, int)"},
          {"name": "size", "wire_name": "size", "type": "float"},
          {"name": "either", "wire_name": "either", "type": "union[ThingKind,Part]"}]},
        "Part": {"fields": [{"name": "name", "wire_name": "name", "type": "str"}]},
        "ThingKind": {"enum": ["first", "second"]}
      }
    }"#;

    fn reference() -> Arc<Reference> {
        Arc::new(Reference::parse(OPERATIONS, MODELS).unwrap())
    }

    fn values(operation: &str) -> Values {
        Values::new(reference(), operation).unwrap()
    }

    /// Form-URL-encodes like a correct client (everything but unreserved characters escaped,
    /// space as `+`).
    fn form_encode(text: &str) -> String {
        text.bytes()
            .map(|byte| match byte {
                b' ' => "+".to_owned(),
                b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => char::from(b).to_string(),
                b => format!("%{b:02X}"),
            })
            .collect()
    }

    /// The request a correct client sends for `downloadThingFile`, built from the arguments the
    /// generated call would be given.
    fn correct_download_request(values: &Values) -> RecordedRequest {
        let path = format!(
            "/api/things/{}/files/{}",
            encode_segment(&values.string(Key::Path(0))),
            encode_segment(&values.string(Key::Path(1)))
        );
        let mut query = vec![
            format!("info={}", values.boolean(Key::Query("info"))),
            format!("limit={}", values.integer(Key::Query("limit"))),
        ];
        for tag in values.strings(Key::Query("tags")) {
            query.push(format!("tags={}", form_encode(&tag)));
        }
        // An equal instant in another notation must be accepted.
        let after = values.datetime(Key::Query("after"));
        query.push(format!(
            "after={}",
            form_encode(&after.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string())
        ));
        query.push(format!(
            "kind={}",
            form_encode(&values.enum_value(Key::Query("kind")))
        ));
        let mut features = vec![CLIENT_FEATURE.to_owned()];
        features.extend(values.strings(Key::Header("x-accept-feature")));
        RecordedRequest {
            method: "GET".to_owned(),
            path,
            query: Some(query.join("&")),
            headers: vec![
                (
                    "authorization".to_owned(),
                    format!("scitran-user {API_KEY}").into_bytes(),
                ),
                (
                    "x-accept-feature".to_owned(),
                    features.join(",").into_bytes(),
                ),
                (
                    "range".to_owned(),
                    values.string(Key::Header("range")).into_bytes(),
                ),
                ("accept".to_owned(), b"application/octet-stream".to_vec()),
            ],
            body: Vec::new(),
        }
    }

    fn lines(mismatches: &[Mismatch]) -> Vec<String> {
        mismatches.iter().map(ToString::to_string).collect()
    }

    fn served_bytes(values: &Values) -> CallResult {
        CallResult::Done(Ok(values.response().expected.clone()))
    }

    #[test]
    fn path_segments_encode_everything_but_unreserved_characters() {
        assert_eq!(
            encode_segment("a/b c?d#e%f+g&h=i"),
            "a%2Fb%20c%3Fd%23e%25f%2Bg%26h%3Di"
        );
        assert_eq!(encode_segment("é🧠"), "%C3%A9%F0%9F%A7%A0");
        assert_eq!(encode_segment("~user.name_1-2"), "~user.name_1-2");
        assert_eq!(uppercase_escapes("/a%2fb%c3%A9"), "/a%2Fb%C3%A9");
        let values = values("downloadThingFile");
        let expected = values.expected_path();
        assert_eq!(
            expected,
            format!(
                "/api/things/{}/files/{}",
                encode_segment(&values.string(Key::Path(0))),
                encode_segment(&values.string(Key::Path(1)))
            )
        );
        assert!(!values.string(Key::Path(0)).is_empty());
    }

    #[test]
    fn form_urlencoded_decoding_keeps_order_repeats_and_empty_values() {
        assert_eq!(
            parse_form_urlencoded("a=1+2&b=%2B%26&c=&c=x&d&e=%F0%9F%A7%A0"),
            [
                ("a", "1 2"),
                ("b", "+&"),
                ("c", ""),
                ("c", "x"),
                ("d", ""),
                ("e", "🧠"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn types_parse() {
        assert_eq!(
            Ty::parse("dict(str, union[JobFileInput,integer,list[Object]])"),
            Ty::Map(Box::new(Ty::Union(vec![
                Ty::Named("JobFileInput".to_owned()),
                Ty::Int,
                Ty::List(Box::new(Ty::Object)),
            ])))
        );
        assert_eq!(
            Ty::parse("list[datetime]"),
            Ty::List(Box::new(Ty::DateTime))
        );
    }

    #[test]
    fn samples_set_every_field_and_stop_at_recursion() {
        let reference = reference();
        let sample = sample_json(
            &reference,
            Source::Reference,
            "op",
            &Ty::Named("ThingAlias".to_owned()),
        );
        let object = sample.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        // `children` (a Thing inside a Thing) is left out; everything else is set.
        assert_eq!(
            keys,
            [
                "_id", "counts", "created", "either", "kind", "label", "parts", "size"
            ]
        );
        let id = object["_id"].as_str().unwrap();
        assert!(
            id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(object["created"].as_str().unwrap().ends_with("+00:00"));
        assert!(parse_instant(object["created"].as_str().unwrap()).is_some());
        assert_eq!(object["kind"], "first");
        assert_eq!(object["either"], "first");
        assert_eq!(object["parts"].as_array().unwrap().len(), 2);
        assert_eq!(object["counts"].as_object().unwrap().len(), 1);
        let ids = sample_json(&reference, Source::Reference, "op", &Ty::parse("list[str]"));
        assert!(ids[0].is_string());
        let mut sampler = Sampler {
            reference: &reference,
            source: Source::Reference,
            seed: "op",
            stack: Vec::new(),
        };
        let job_ids = sampler.value(&Ty::parse("list[str]"), ".job_ids").unwrap();
        let first = job_ids[0].as_str().unwrap();
        assert!(
            first.len() == 24 && first.bytes().all(|b| b.is_ascii_hexdigit()),
            "{first}"
        );
        // Deterministic.
        assert_eq!(
            sample,
            sample_json(
                &reference,
                Source::Reference,
                "op",
                &Ty::Named("Thing".to_owned())
            )
        );
    }

    #[test]
    fn values_are_deterministic_and_lists_have_two_distinct_items() {
        let a = values("downloadThingFile");
        let b = values("downloadThingFile");
        assert_eq!(a.string(Key::Path(1)), b.string(Key::Path(1)));
        assert_eq!(a.chosen_arguments(), b.chosen_arguments());
        let tags = a.strings(Key::Query("tags"));
        assert_eq!(tags.len(), 2);
        assert_ne!(tags[0], tags[1]);
        assert!(["first", "second"].contains(&a.enum_value(Key::Query("kind")).as_str()));
        assert!(HEADER_STRINGS.contains(&a.string(Key::Header("range")).as_str()));
    }

    #[test]
    fn a_correct_request_has_no_mismatch() {
        let values = values("downloadThingFile");
        let request = correct_download_request(&values);
        assert_eq!(
            lines(&values.check(&[request], served_bytes(&values))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_wrong_request_reports_every_mismatch() {
        let values = values("downloadThingFile");
        let mut request = correct_download_request(&values);
        request.method = "POST".to_owned();
        // The file name sent raw instead of as one encoded segment.
        request.path = format!(
            "/api/things/{}/files/a/b",
            encode_segment(&values.string(Key::Path(0)))
        );
        // `limit` renamed, a boolean written as 1, an extra key.
        let query = request.query.take().unwrap();
        let query = query.replace("limit=", "limitt=").replace(
            &format!("info={}", values.boolean(Key::Query("info"))),
            "info=1",
        );
        request.query = Some(format!("{query}&extra=x"));
        request.headers.retain(|(name, _)| name != "range");
        request.headers[1].1 = b"per-call-only".to_vec();
        // What a client sends without asking for the operation's media type.
        for (name, value) in &mut request.headers {
            if name == "accept" {
                *value = b"*/*".to_vec();
            }
        }
        request
            .headers
            .push(("content-type".to_owned(), b"application/json".to_vec()));
        let got = lines(&values.check(
            &[request],
            CallResult::Done(Ok(Outcome::Bytes(b"other".to_vec()))),
        ));
        let expected_path = values.expected_path();
        let limit = values.integer(Key::Query("limit"));
        let info = values.boolean(Key::Query("info"));
        let range = values.string(Key::Header("range"));
        let mut features = vec![CLIENT_FEATURE.to_owned()];
        features.extend(values.strings(Key::Header("x-accept-feature")));
        let file_segment = encode_segment(&values.string(Key::Path(0)));
        assert_eq!(
            got,
            [
                "downloadThingFile: verb: expected GET, got POST".to_owned(),
                format!(
                    "downloadThingFile: path: expected {expected_path}, got /api/things/{file_segment}/files/a/b"
                ),
                format!("downloadThingFile: query.info: expected [\"{info}\"], got [\"1\"]"),
                format!("downloadThingFile: query.limit: expected [\"{limit}\"], got (nothing)"),
                format!("downloadThingFile: query.limitt: expected (nothing), got [\"{limit}\"]"),
                "downloadThingFile: query.extra: expected (nothing), got [\"x\"]".to_owned(),
                "downloadThingFile: header.accept: expected \"application/octet-stream\", got \"*/*\""
                    .to_owned(),
                format!(
                    "downloadThingFile: header.x-accept-feature: expected {:?}, got \"per-call-only\"",
                    features.join(",")
                ),
                format!("downloadThingFile: header.range: expected {range:?}, got (nothing)"),
                "downloadThingFile: header.content-type: expected (nothing), got \"application/json\""
                    .to_owned(),
                format!(
                    "downloadThingFile: response: expected {} bytes, got 5 other bytes: \"other\"",
                    values.response().body.len()
                ),
            ]
        );
    }

    #[test]
    fn a_client_default_is_expected_on_the_wire() {
        let mut reference = Reference::parse(OPERATIONS, MODELS).unwrap();
        let index = reference.by_name["downloadThingFile"];
        reference.operations[index].client_defaults = vec![("limit".to_owned(), "100".to_owned())];
        let values = Values::new(Arc::new(reference), "downloadThingFile").unwrap();
        let picked = values.integer(Key::Query("limit"));
        assert_ne!(
            picked, 100,
            "the pick differs from the default, so the test can tell"
        );
        // A call that sets `limit` itself (the generated call leaves it unset).
        let request = correct_download_request(&values);
        assert_eq!(
            lines(&values.check(std::slice::from_ref(&request), served_bytes(&values))),
            [format!(
                "downloadThingFile: query.limit: expected [\"100\"], got [\"{picked}\"]"
            )]
        );
        let mut right = request;
        right.query = right
            .query
            .map(|query| query.replace(&format!("limit={picked}"), "limit=100"));
        assert_eq!(
            lines(&values.check(&[right], served_bytes(&values))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn missing_requests_errors_and_panics_are_reported() {
        let values = values("downloadThingFile");
        let got = lines(&values.check(&[], CallResult::Panicked("boom".to_owned())));
        assert_eq!(
            got,
            [
                "downloadThingFile: requests: expected 1 request, got 0 requests",
                "downloadThingFile: call: expected no panic, got a panic: boom",
            ]
        );
        let request = correct_download_request(&values);
        let got = lines(&values.check(&[request.clone(), request], served_bytes(&values)));
        assert_eq!(
            got,
            ["downloadThingFile: requests: expected 1 request, got 2 requests"]
        );
    }

    #[test]
    fn variants_expect_their_fixed_query_values() {
        let values = values("getThingFileZipInfo");
        let path = values.expected_path();
        let request = RecordedRequest {
            method: "GET".to_owned(),
            path: path.clone(),
            query: Some("info=false".to_owned()),
            headers: vec![
                (
                    "authorization".to_owned(),
                    format!("scitran-user {API_KEY}").into_bytes(),
                ),
                (
                    "x-accept-feature".to_owned(),
                    CLIENT_FEATURE.as_bytes().to_vec(),
                ),
                ("accept".to_owned(), b"application/json".to_vec()),
            ],
            body: Vec::new(),
        };
        let mut right = request.clone();
        right.query = Some("info=true".to_owned());
        let served = values.response().expected.clone();
        assert_eq!(
            lines(&values.check(&[right], CallResult::Done(Ok(served.clone())))),
            Vec::<String>::new()
        );
        assert_eq!(
            lines(&values.check(&[request], CallResult::Done(Ok(served)))),
            ["getThingFileZipInfo: query.info: expected [\"true\"], got [\"false\"]"]
        );
    }

    #[test]
    fn json_bodies_and_answers_are_compared_by_wire_name() {
        let values = values("addThing");
        let sample = values.body::<Value>();
        let mut sent = sample.clone();
        let object = sent.as_object_mut().unwrap();
        let label = object.remove("label").unwrap();
        object.insert("labell".to_owned(), label.clone());
        // The same instant in chrono's notation is equal.
        let created = parse_instant(object["created"].as_str().unwrap()).unwrap();
        object.insert(
            "created".to_owned(),
            json!(created.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        );
        object.insert("size".to_owned(), json!(3));
        let request = RecordedRequest {
            method: "POST".to_owned(),
            path: "/api/things".to_owned(),
            query: None,
            headers: vec![
                (
                    "authorization".to_owned(),
                    format!("scitran-user {API_KEY}").into_bytes(),
                ),
                (
                    "x-accept-feature".to_owned(),
                    CLIENT_FEATURE.as_bytes().to_vec(),
                ),
                ("content-type".to_owned(), b"application/json".to_vec()),
                ("accept".to_owned(), b"application/json".to_vec()),
            ],
            body: serde_json::to_vec(&sent).unwrap(),
        };
        let mut answer = values.response().expected.clone();
        let Outcome::Json(Value::Object(fields)) = &mut answer else {
            panic!("a JSON answer is served");
        };
        fields["parts"][1] = json!({"nom": "x"});
        let got = lines(&values.check(&[request], CallResult::Done(Ok(answer))));
        let size = &sample["size"];
        let name = &values.response().expected;
        let Outcome::Json(served) = name else {
            unreachable!()
        };
        assert_eq!(
            got,
            [
                format!("addThing: body.label: expected {label}, got (nothing)"),
                format!("addThing: body.size: expected {size}, got 3"),
                format!("addThing: body.labell: expected (nothing), got {label}"),
                format!(
                    "addThing: response.parts[1].name: expected {}, got (nothing)",
                    served["parts"][1]["name"]
                ),
                "addThing: response.parts[1].nom: expected (nothing), got \"x\"".to_owned(),
            ]
        );
    }

    #[test]
    fn a_body_that_does_not_decode_panics_naming_the_operation() {
        let values = values("addThing");
        let panic =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| values.body::<Vec<u8>>()))
                .unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(
            message.starts_with(
                "addThing: body: the sample JSON of the reference body type `Thing` does not decode"
            ),
            "{message}"
        );
    }

    /// A part for [`multipart_request`]: name, file name, content type, contents.
    type TestPart<'a> = (&'a str, Option<&'a [u8]>, Option<&'a str>, Vec<u8>);

    fn multipart_request(values: &Values, parts: &[TestPart<'_>]) -> RecordedRequest {
        let boundary = "XyZ-boundary";
        let mut body = Vec::new();
        for (name, filename, content_type, bytes) in parts {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"")
                    .as_bytes(),
            );
            if let Some(filename) = filename {
                body.extend_from_slice(b"; filename=\"");
                body.extend_from_slice(filename);
                body.extend_from_slice(b"\"");
            }
            body.extend_from_slice(b"\r\n");
            if let Some(content_type) = content_type {
                body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        RecordedRequest {
            method: "POST".to_owned(),
            path: values.expected_path(),
            query: None,
            headers: vec![
                (
                    "authorization".to_owned(),
                    format!("scitran-user {API_KEY}").into_bytes(),
                ),
                (
                    "x-accept-feature".to_owned(),
                    CLIENT_FEATURE.as_bytes().to_vec(),
                ),
                (
                    "content-type".to_owned(),
                    format!("multipart/form-data; boundary={boundary}").into_bytes(),
                ),
                ("accept".to_owned(), b"application/json".to_vec()),
            ],
            body,
        }
    }

    #[test]
    fn multipart_parts_are_checked_byte_for_byte() {
        let values = values("uploadThingFile");
        let file = sample_file("file", 0);
        let metadata = values.form_text("metadata");
        let right = multipart_request(
            &values,
            &[
                (
                    "file",
                    Some(file.file_name.as_bytes()),
                    Some("application/dicom"),
                    file.bytes.clone(),
                ),
                ("metadata", None, None, metadata.clone().into_bytes()),
            ],
        );
        let parts = parse_multipart(
            &String::from_utf8(right.headers[2].1.clone()).unwrap(),
            &right.body,
        )
        .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0].filename.as_deref(),
            Some("scan é #1.dcm".as_bytes())
        );
        assert_eq!(parts[0].body, file.bytes);
        let done = || CallResult::Done(Ok(Outcome::Empty));
        assert_eq!(lines(&values.check(&[right], done())), Vec::<String>::new());

        let mut short = file.bytes.clone();
        short.pop();
        let wrong = multipart_request(
            &values,
            &[
                (
                    "file",
                    Some("scan %C3%A9 #1.dcm".as_bytes()),
                    Some("application/octet-stream"),
                    short.clone(),
                ),
                ("metadata", None, None, b"{}".to_vec()),
                ("extra", None, None, b"x".to_vec()),
            ],
        );
        let got = lines(&values.check(&[wrong], done()));
        assert_eq!(
            got,
            [
                "uploadThingFile: multipart.file[0].filename: expected \"scan é #1.dcm\", got \"scan %C3%A9 #1.dcm\"".to_owned(),
                "uploadThingFile: multipart.file[0].content-type: expected application/dicom, got application/octet-stream".to_owned(),
                format!(
                    "uploadThingFile: multipart.file[0].bytes: expected {} bytes {:?}, got {} bytes {:?}",
                    file.bytes.len(),
                    String::from_utf8_lossy(&file.bytes),
                    short.len(),
                    String::from_utf8_lossy(&short)
                ),
                format!("uploadThingFile: multipart.metadata: expected {metadata:?}, got \"{{}}\""),
                "uploadThingFile: multipart.extra: expected (nothing), got a part of 1 bytes".to_owned(),
            ]
        );
    }

    #[test]
    fn json_comparison_treats_instants_and_numbers_strictly_but_fairly() {
        let mut seen = Vec::new();
        diff_json(
            "x",
            &json!({"t": "2016-09-21T14:56:10.026000+00:00", "n": 3, "s": "a", "l": [1, 2]}),
            &json!({"t": "2016-09-21T14:56:10.026Z", "n": 3.0, "s": "a", "l": [1]}),
            &mut |field, expected, got| seen.push(format!("{field}: {expected} / {got}")),
        );
        // serde_json keeps key order (the client enables `preserve_order`): sort to compare.
        seen.sort();
        assert_eq!(seen, ["x.l: 2 items [1,2] / 1 items [1]", "x.n: 3 / 3.0"]);
    }

    // --------------------------------------------------------------------------------------------
    // Operations and schemas the reference lacks: from the spec
    // --------------------------------------------------------------------------------------------

    /// A spec for the mini reference: `addThing` (documented) and six operations the reference
    /// lacks, covering every shape the IR has (variants, multipart, downloads, text, aliases,
    /// unions, maps, recursion, an inline schema).
    const MINI_SPEC: &str = r##"openapi: 3.0.3
info: {title: Gadgets, version: "1"}
tags:
  - {name: things, description: Things.}
paths:
  /things:
    post:
      tags: [things]
      operationId: addThing
      summary: Add a thing (documented).
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /gadgets/{gadgetId}:
    get:
      tags: [things]
      operationId: getGadget
      summary: A gadget.
      parameters:
        - {name: gadgetId, in: path, required: true, schema: {type: string}}
        - {name: page-size, in: query, schema: {type: integer}}
        - {name: kinds, in: query, schema: {type: array, items: {$ref: '#/components/schemas/ThingKind'}}}
        - {name: x-accept-feature, in: header, style: simple, explode: false, schema: {type: array, items: {type: string}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Gadget'}}}}
    put:
      tags: [things]
      operationId: modifyGadget
      summary: Change a gadget.
      parameters:
        - {name: gadgetId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, additionalProperties: {$ref: '#/components/schemas/GadgetAlias'}}}}
      responses:
        '200': {description: ok}
  /gadgets/{gadgetId}/files/{name}:
    get:
      tags: [things]
      operationId: downloadGadgetFile
      summary: Download.
      parameters:
        - {name: gadgetId, in: path, required: true, schema: {type: string}}
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: info, in: query, schema: {type: boolean}}
      responses:
        '200': {description: bytes, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
      x-flywheel-variants:
        - operationId: getGadgetFileZipInfo
          summary: Zip member information.
          fixedQuery: {info: true}
          responses:
            '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Part'}}}}
  /gadgets/{gadgetId}/files:
    post:
      tags: [things]
      operationId: uploadGadgetFiles
      summary: Upload.
      parameters:
        - {name: gadgetId, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [files]
              properties:
                files: {type: array, items: {type: string, format: binary}}
                metadata: {type: string}
                options: {$ref: '#/components/schemas/Part'}
      responses:
        '200': {description: ok}
  /gadgets/{gadgetId}/notes:
    get:
      tags: [things]
      operationId: getGadgetNotes
      summary: Notes.
      parameters:
        - {name: gadgetId, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: text, content: {text/plain: {schema: {type: string}}}}
components:
  schemas:
    Thing: {type: object, properties: {_id: {type: string}, label: {type: string}}}
    Part: {type: object, properties: {name: {type: string}}}
    ThingKind: {type: string, enum: [first, second]}
    Gadget:
      type: object
      properties:
        _id: {type: string}
        thing: {$ref: '#/components/schemas/Thing'}
        children: {type: array, items: {$ref: '#/components/schemas/Gadget'}}
        state: {$ref: '#/components/schemas/GadgetState'}
        either:
          oneOf:
            - {$ref: '#/components/schemas/ThingKind'}
            - {type: integer}
        extra:
          type: object
          properties:
            note: {type: string}
    GadgetAlias: {$ref: '#/components/schemas/Gadget'}
    GadgetState: {type: string, enum: [on, off]}
"##;

    fn param(location: &str, wire_name: &str, ty: &str) -> RefParam {
        RefParam {
            location: location.to_owned(),
            wire_name: wire_name.to_owned(),
            ty: ty.to_owned(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    /// The mini reference plus an unrelated documented schema named like the spec's inline
    /// `GadgetExtra`, then the mini spec added.
    fn mini_reference_with_spec() -> (Reference, usize) {
        let mut reference = Reference::parse(OPERATIONS, MODELS).unwrap();
        reference.models.insert(
            "GadgetExtra".to_owned(),
            Model::Enum(strings(&["unrelated"])),
        );
        let api = lower_spec(MINI_SPEC, "mini.yaml").unwrap();
        let added = reference.add_spec(&api);
        (reference, added)
    }

    #[test]
    fn type_notation_reads_back() {
        for text in [
            "str",
            "int",
            "float",
            "bool",
            "datetime",
            "object",
            "Thing",
            "list[union[HeaderFeature,str]]",
            "dict(str, list[Thing])",
            "union[ThingKind,int,dict(str, float)]",
        ] {
            let ty = Ty::parse(text);
            assert_eq!(ty.to_string(), text);
            assert_eq!(Ty::parse(&ty.to_string()), ty);
        }
    }

    #[test]
    fn operations_the_reference_lacks_are_translated_from_the_spec() {
        let (reference, added) = mini_reference_with_spec();
        // `addThing` is documented: the reference's entry stays.
        assert_eq!(added, 6);
        let add_thing = reference.operation("addThing").unwrap();
        assert_eq!(add_thing.source, Source::Reference);
        assert_eq!(add_thing.body.as_ref().unwrap().ty, "Thing");

        let spec_operation =
            |name: &str,
             verb: &str,
             path: &str,
             params: Vec<RefParam>,
             (body, consumes): (Option<&str>, &[&str]),
             (produces, response_type): (&[&str], Option<&str>),
             fixed_query: &[(&str, &str)]| RefOperation {
                operation: name.to_owned(),
                verb: verb.to_owned(),
                path: path.to_owned(),
                params,
                body: body.map(|ty| RefBody { ty: ty.to_owned() }),
                consumes: strings(consumes),
                produces: strings(produces),
                response_type: response_type.map(str::to_owned),
                source: Source::Spec,
                fixed_query: fixed_query
                    .iter()
                    .map(|&(key, value)| (key.to_owned(), value.to_owned()))
                    .collect(),
                client_defaults: Vec::new(),
            };
        let gadget_id = || param("path", "gadgetId", "str");
        let expected = [
            spec_operation(
                "getGadget",
                "GET",
                "/gadgets/{gadgetId}",
                vec![
                    gadget_id(),
                    param("query", "page-size", "int"),
                    param("query", "kinds", "list[ThingKind]"),
                    param("header", "x-accept-feature", "list[str]"),
                ],
                (None, &[]),
                (&["application/json"], Some("Gadget")),
                &[],
            ),
            // The alias `GadgetAlias` (not in the reference) is written as its target.
            spec_operation(
                "modifyGadget",
                "PUT",
                "/gadgets/{gadgetId}",
                vec![gadget_id()],
                (Some("dict(str, Gadget)"), &["application/json"]),
                (&[], None),
                &[],
            ),
            spec_operation(
                "downloadGadgetFile",
                "GET",
                "/gadgets/{gadgetId}/files/{name}",
                vec![
                    gadget_id(),
                    param("path", "name", "str"),
                    param("query", "info", "bool"),
                ],
                (None, &[]),
                (&["application/octet-stream"], None),
                &[],
            ),
            spec_operation(
                "getGadgetFileZipInfo",
                "GET",
                "/gadgets/{gadgetId}/files/{name}",
                vec![gadget_id(), param("path", "name", "str")],
                (None, &[]),
                (&["application/json"], Some("Part")),
                &[("info", "true")],
            ),
            spec_operation(
                "uploadGadgetFiles",
                "POST",
                "/gadgets/{gadgetId}/files",
                vec![
                    gadget_id(),
                    param("file", "files", "str"),
                    param("formData", "metadata", "str"),
                    param("formData", "options", "Part"),
                ],
                (None, &["multipart/form-data"]),
                (&[], None),
                &[],
            ),
            spec_operation(
                "getGadgetNotes",
                "GET",
                "/gadgets/{gadgetId}/notes",
                vec![gadget_id()],
                (None, &[]),
                (&["text/plain"], None),
                &[],
            ),
        ];
        for operation in &expected {
            assert_eq!(reference.operation(&operation.operation), Some(operation));
        }
        assert_eq!(reference.operations().len(), 4 + expected.len());

        // Schemas: the reference's where it has them (`Thing`, `Part`, `ThingKind`), the spec's
        // otherwise; the inline `GadgetExtra` is renamed, the reference having that name.
        let named = |name: &str| Ty::Named(name.to_owned());
        let gadget = Model::Object(vec![
            ("_id".to_owned(), Ty::Str),
            ("thing".to_owned(), named("Thing")),
            ("children".to_owned(), Ty::List(Box::new(named("Gadget")))),
            ("state".to_owned(), named("GadgetState")),
            (
                "either".to_owned(),
                Ty::Union(vec![named("ThingKind"), Ty::Int]),
            ),
            ("extra".to_owned(), named("GadgetExtra_spec")),
        ]);
        let extra = Model::Object(vec![("note".to_owned(), Ty::Str)]);
        let state = Model::Enum(strings(&["on", "off"]));
        assert_eq!(
            reference.spec_models,
            BTreeMap::from([
                ("Gadget".to_owned(), gadget.clone()),
                ("GadgetExtra_spec".to_owned(), extra),
                ("GadgetState".to_owned(), state),
            ])
        );
        // Only operations from the spec see them.
        assert_eq!(
            reference.model("Gadget", Source::Spec),
            Some(("Gadget", &gadget))
        );
        assert_eq!(reference.model("Gadget", Source::Reference), None);
        assert!(matches!(
            reference.model("Thing", Source::Spec),
            Some(("Thing", Model::Object(fields))) if fields.len() == 9
        ));
    }

    #[test]
    fn operations_from_the_spec_get_values_and_expectations_like_documented_ones() {
        let reference = Arc::new(mini_reference_with_spec().0);
        let values = Values::new(Arc::clone(&reference), "getGadget").unwrap();
        assert_eq!(values.source(), Source::Spec);
        assert_eq!(
            values.expected_path(),
            format!(
                "/api/gadgets/{}",
                encode_segment(&values.string(Key::Path(0)))
            )
        );
        let query = values.expected_query();
        let keys: Vec<&str> = query.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["page-size", "kinds"]);
        let kinds = values.strings(Key::Query("kinds"));
        assert_eq!(kinds.len(), 2);
        assert!(
            kinds
                .iter()
                .all(|kind| ["first", "second"].contains(&kind.as_str()))
        );
        // The answer: the spec's `Gadget` (no `children`: a Gadget inside itself), with the
        // reference's `Thing` inside it (which has more fields than the spec's).
        let Outcome::Json(answer) = &values.response().expected else {
            panic!("a JSON answer is served");
        };
        let mut keys: Vec<&str> = answer
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["_id", "either", "extra", "state", "thing"]);
        assert_eq!(answer["state"], "on");
        assert_eq!(answer["either"], "first");
        assert!(answer["extra"]["note"].is_string());
        assert!(answer["thing"]["created"].is_string());

        let zip_info = Values::new(Arc::clone(&reference), "getGadgetFileZipInfo").unwrap();
        assert_eq!(
            zip_info.expected_query(),
            [("info".to_owned(), vec![Scalar::Str("true".to_owned())])]
        );
        let body = Values::new(Arc::clone(&reference), "modifyGadget").unwrap();
        let entry = &body.body::<Value>()["entry"];
        assert!(
            entry["_id"].is_string() && entry["thing"].is_object(),
            "{entry}"
        );
        let notes = Values::new(Arc::clone(&reference), "getGadgetNotes").unwrap();
        assert_eq!(notes.response().content_type, "text/plain; charset=utf-8");
        assert!(matches!(&notes.response().expected, Outcome::Text(text) if !text.is_empty()));
        let download = Values::new(Arc::clone(&reference), "downloadGadgetFile").unwrap();
        assert!(matches!(download.response().expected, Outcome::Bytes(_)));

        // The coverage check asks for a call of each of them too.
        fn run<'a>(_: &'a flywheel_client::Client, _: &'a Values) -> CallFuture<'a> {
            Box::pin(async { Ok(Outcome::Empty) })
        }
        let calls: Vec<Call> = reference
            .operations()
            .iter()
            .filter(|operation| operation.operation != "getGadgetNotes")
            .map(|operation| Call {
                operation_id: leak(&operation.operation),
                run,
            })
            .collect();
        assert_eq!(
            reference.coverage(&calls),
            ["getGadgetNotes: CALLS: operation of the spec without a generated call"]
        );
    }

    fn leak(text: &str) -> &'static str {
        Box::leak(text.to_owned().into_boxed_str())
    }

    /// The real spec with `GET /widgets/{widgetId}` and the schemas `Widget` and `WidgetKind`
    /// inserted (in memory): what a developer adding an operation to the spec would write.
    fn real_spec_with_widgets() -> String {
        const PATH: &str = "  /widgets/{widgetId}:
    get:
      tags: [acquisitions]
      operationId: getWidget
      summary: Get a widget
      parameters:
        - {name: widgetId, in: path, required: true, schema: {type: string}}
        - {name: page-size, in: query, schema: {type: integer}}
        - {name: since, in: query, schema: {type: string, format: date-time}}
        - {$ref: '#/components/parameters/XAcceptFeature'}
      responses:
        '200':
          description: Success.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
        default: {$ref: '#/components/responses/Error'}
";
        const SCHEMAS: &str = "    Widget:
      type: object
      properties:
        _id: {type: string}
        label: {type: string}
        created: {type: string, format: date-time}
        kind: {$ref: '#/components/schemas/WidgetKind'}
        permission: {$ref: '#/components/schemas/AccessPermission'}
        sizes: {type: array, items: {type: integer}}
        scores: {type: object, additionalProperties: {type: number}}
    WidgetKind:
      type: string
      enum: [gear, sprocket]
";
        let path = default_spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let insert_after = |text: &str, marker: &str, insert: &str| {
            let at = text
                .find(marker)
                .unwrap_or_else(|| panic!("no {marker:?} in the spec"))
                + marker.len();
            format!("{}{insert}{}", &text[..at], &text[at..])
        };
        let text = insert_after(&text, "\npaths:\n", PATH);
        insert_after(&text, "\n  schemas:\n", SCHEMAS)
    }

    fn real_reference() -> Reference {
        Reference::load(&Reference::default_dir()).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn an_operation_added_to_the_real_spec_is_expected_from_the_spec() {
        let api = lower_spec(&real_spec_with_widgets(), "spec/openapi.yaml").unwrap();
        let mut reference = real_reference();
        let documented = reference.operations().len();
        assert_eq!(reference.add_spec(&api), 1);
        assert_eq!(reference.operations().len(), documented + 1);
        assert_eq!(
            reference.operation("getWidget"),
            Some(&RefOperation {
                operation: "getWidget".to_owned(),
                verb: "GET".to_owned(),
                path: "/widgets/{widgetId}".to_owned(),
                params: vec![
                    param("path", "widgetId", "str"),
                    param("query", "page-size", "int"),
                    param("query", "since", "datetime"),
                    // The generator reads `oneOf: [HeaderFeature, string]` as the enum, which
                    // keeps unknown values.
                    param("header", "x-accept-feature", "list[HeaderFeature]"),
                ],
                body: None,
                consumes: Vec::new(),
                produces: strings(&["application/json"]),
                response_type: Some("Widget".to_owned()),
                source: Source::Spec,
                fixed_query: Vec::new(),
                client_defaults: Vec::new(),
            })
        );
        // `Widget` and `WidgetKind` from the spec; the documented `AccessPermission` and
        // `HeaderFeature` from the reference.
        let named = |name: &str| Ty::Named(name.to_owned());
        assert_eq!(
            reference.spec_models,
            BTreeMap::from([
                (
                    "Widget".to_owned(),
                    Model::Object(vec![
                        ("_id".to_owned(), Ty::Str),
                        ("label".to_owned(), Ty::Str),
                        ("created".to_owned(), Ty::DateTime),
                        ("kind".to_owned(), named("WidgetKind")),
                        ("permission".to_owned(), named("AccessPermission")),
                        ("sizes".to_owned(), Ty::List(Box::new(Ty::Int))),
                        ("scores".to_owned(), Ty::Map(Box::new(Ty::Float))),
                    ])
                ),
                (
                    "WidgetKind".to_owned(),
                    Model::Enum(strings(&["gear", "sprocket"]))
                ),
            ])
        );
        let values = Values::new(Arc::new(reference), "getWidget").unwrap();
        assert_eq!(values.source(), Source::Spec);
        let Outcome::Json(answer) = &values.response().expected else {
            panic!("a JSON answer is served");
        };
        assert_eq!(answer["kind"], "gear");
        // `access` is the reference's `AccessLevel`, the first of its values.
        assert_eq!(answer["permission"]["access"], "ro");
        let features = values.strings(Key::Header("x-accept-feature"));
        assert_eq!(features.len(), 2);
    }

    #[test]
    fn documented_methods_keep_their_reference_expectations() {
        let plain = Arc::new(real_reference());
        let mut with_spec = real_reference();
        let api = lower_spec(&real_spec_with_widgets(), "spec/openapi.yaml").unwrap();
        with_spec.add_spec(&api);
        let with_spec = Arc::new(with_spec);
        assert_eq!(plain.operations().len(), 496);
        let (mut with_ticket, mut with_defaults) = (Vec::new(), Vec::new());
        for operation in plain.operations() {
            let name = operation.operation.as_str();
            // The spec adds only the SDK's defaults and the parameters the reference lacks, after
            // the reference's own.
            let mut merged = with_spec.operation(name).unwrap().clone();
            let extra: Vec<RefParam> = merged.params.drain(operation.params.len()..).collect();
            let defaults = std::mem::take(&mut merged.client_defaults);
            assert_eq!(&merged, operation);
            if !extra.is_empty() {
                assert_eq!(extra, [param("query", "ticket", "str")], "{name}");
                with_ticket.push(name);
            }
            if !defaults.is_empty() {
                with_defaults.push((name, defaults));
            }
            let before = Values::new(Arc::clone(&plain), name).unwrap();
            let after = Values::new(Arc::clone(&with_spec), name).unwrap();
            assert_eq!(after.source(), Source::Reference, "{name}");
            assert_eq!(before.expected_path(), after.expected_path(), "{name}");
            if extra.is_empty() && with_defaults.last().is_none_or(|(last, _)| *last != name) {
                assert_eq!(before.expected_query(), after.expected_query(), "{name}");
                assert_eq!(
                    before.chosen_arguments(),
                    after.chosen_arguments(),
                    "{name}"
                );
            }
            assert_eq!(before.body_sample(), after.body_sample(), "{name}");
            let (served_before, served_after) = (before.response(), after.response());
            assert_eq!(
                served_before.content_type, served_after.content_type,
                "{name}"
            );
            assert_eq!(served_before.body, served_after.body, "{name}");
            assert_eq!(served_before.expected, served_after.expected, "{name}");
        }
        // `ticket` on the 18 downloads; the SDK's defaults on 7 methods.
        assert_eq!(with_ticket.len(), 18);
        assert!(with_ticket.iter().all(|name| name.starts_with("download")));
        let pair = |key: &str, value: &str| vec![(key.to_owned(), value.to_owned())];
        assert_eq!(
            with_defaults,
            [
                ("addAcquisitionAnalysis", pair("job", "true")),
                ("getAnalysis", pair("inflate_job", "true")),
                ("addContainerAnalysis", pair("job", "true")),
                ("search", {
                    let mut both = pair("simple", "true");
                    both.extend(pair("size", "100"));
                    both
                }),
                ("addProjectAnalysis", pair("job", "true")),
                ("addSessionAnalysis", pair("job", "true")),
                ("addSubjectAnalysis", pair("job", "true")),
            ]
        );
    }

    #[test]
    fn coverage_names_missing_extra_and_repeated_calls() {
        fn run<'a>(_: &'a flywheel_client::Client, _: &'a Values) -> CallFuture<'a> {
            Box::pin(async { Ok(Outcome::Empty) })
        }
        let call = |operation_id| Call { operation_id, run };
        let reference = reference();
        let calls = [
            call("downloadThingFile"),
            call("downloadThingFile"),
            call("getThingFileZipInfo"),
            call("uploadThingFile"),
            call("notDocumented"),
        ];
        assert_eq!(
            reference.coverage(&calls),
            [
                "downloadThingFile: CALLS: listed more than once",
                "notDocumented: CALLS: neither a documented method (not in operations.json) nor an operation of the spec",
                "addThing: CALLS: documented method without a generated call",
            ]
        );
    }
}
