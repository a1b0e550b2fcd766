//! Path items and operations (with their `x-flywheel-variants`) → IR operations.

use super::{Ctx, component_name};
use crate::error::{child, pointer};
use crate::ir::{
    Body, ErrorResponse, Location, Method, MultipartPart, Operation, Parameter, PartKind, Response,
    Tag, TypeRef,
};
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    MediaType, ParameterSchemaOrContent, ReferenceOr, RequestBody, Responses, Schema, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde::Deserialize;

/// Name of the vendor extension that lists further methods served by one operation.
pub const VARIANTS_EXTENSION: &str = "x-flywheel-variants";
/// Name of the vendor extension giving the value a parameter is sent with when the caller sets
/// none (what the Flywheel SDK sends).
pub const CLIENT_DEFAULT_EXTENSION: &str = "x-flywheel-client-default";
/// Name of the vendor extension marking a parameter the Flywheel SDK reference lacks.
pub const NOT_IN_SDK_EXTENSION: &str = "x-flywheel-not-in-sdk";
/// The `Accept` header of an operation whose success response declares no media type.
const DEFAULT_ACCEPT: &str = "application/json";

/// The operation extension naming the item field a list continues after (`after_id`); see the
/// spec header. Without it, the item's `_id`.
pub const PAGE_CURSOR_EXTENSION: &str = "x-flywheel-page-cursor";

/// Methods every `Client` has, which generated methods must not shadow.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_api_key",
    "from_env",
    "request",
    "base_url",
    "clone",
    "fmt",
];
/// Methods every builder has, which setters must not shadow.
const BUILDER_METHODS: &[&str] = &["send", "options", "into_stream", "request", "body"];
/// Header parameters that OpenAPI says to ignore (the client sets them itself).
const IGNORED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

/// One entry of `x-flywheel-variants`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct VariantSpec {
    operation_id: String,
    summary: Option<String>,
    description: Option<String>,
    #[serde(default)]
    parameters: Vec<ReferenceOr<openapiv3::Parameter>>,
    #[serde(default)]
    fixed_query: IndexMap<String, serde_json::Value>,
    responses: Responses,
}

/// A parameter after `$ref` resolution, still in spec form.
struct RawParam<'s> {
    data: &'s openapiv3::ParameterData,
    location: Option<Location>,
    explode: bool,
    pointer: String,
}

impl<'a> Ctx<'a> {
    pub(crate) fn lower_operations(&mut self, tags: &[Tag]) -> Vec<Operation> {
        let mut out = Vec::new();
        let mut method_names = Scope::with_reserved(CLIENT_METHODS);
        let mut builder_names = Scope::default();
        for (path, item) in &self.spec.paths.paths {
            let item_ptr = pointer(&["paths", path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.problems
                        .push(item_ptr, "path item $ref is not supported");
                    continue;
                }
            };
            let verbs = [
                ("get", Method::Get, &item.get),
                ("put", Method::Put, &item.put),
                ("post", Method::Post, &item.post),
                ("delete", Method::Delete, &item.delete),
                ("options", Method::Options, &item.options),
                ("head", Method::Head, &item.head),
                ("patch", Method::Patch, &item.patch),
                ("trace", Method::Trace, &item.trace),
            ];
            for (verb, method, op) in verbs {
                let Some(op) = op else { continue };
                let op_ptr = child(&item_ptr, verb);
                let context = OpContext {
                    path,
                    method,
                    item,
                    op,
                    pointer: op_ptr.clone(),
                };
                let Some(base) = self.lower_operation(&context, tags) else {
                    continue;
                };
                let variants = self.lower_variants(&context, &base);
                for operation in std::iter::once(base).chain(variants) {
                    let wanted_method = names::snake(&operation.operation_id);
                    if method_names.contains(&wanted_method) {
                        self.problems.push(
                            operation.pointer.clone(),
                            format!(
                                "operationId {:?} gives the method name `{wanted_method}`, which \
                                 another operation or a Client method already has",
                                operation.operation_id
                            ),
                        );
                        continue;
                    }
                    let mut operation = operation;
                    operation.method_name = method_names.claim(&wanted_method);
                    operation.builder_name =
                        builder_names.claim(&names::pascal(&operation.operation_id));
                    out.push(operation);
                }
            }
        }
        out
    }

    fn lower_operation(&mut self, cx: &OpContext<'a>, tags: &[Tag]) -> Option<Operation> {
        let op = cx.op;
        let Some(operation_id) = op.operation_id.clone() else {
            self.problems
                .push(cx.pointer.clone(), "operation has no operationId");
            return None;
        };
        let tag = match op.tags.as_slice() {
            [tag] if tags.iter().any(|t| &t.name == tag) => tag.clone(),
            [tag] => {
                self.problems.push(
                    child(&cx.pointer, "tags"),
                    format!("tag {tag:?} is not declared in the top-level `tags` list"),
                );
                return None;
            }
            _ => {
                self.problems.push(
                    child(&cx.pointer, "tags"),
                    "each operation needs exactly one tag (it decides the module and feature)",
                );
                return None;
            }
        };
        let hint = names::pascal(&operation_id);
        let mut raw = self.raw_params(
            &cx.item.parameters,
            &child(&pointer(&["paths", cx.path]), "parameters"),
        );
        let own = self.raw_params(&op.parameters, &child(&cx.pointer, "parameters"));
        merge_params(&mut raw, own);
        let params = self.params(&raw, &hint);
        self.check_path_template(cx, &params);
        let body = match &op.request_body {
            Some(body) => self.body(body, &child(&cx.pointer, "requestBody"), &hint),
            None => None,
        };
        let (response, accept) =
            self.response(&op.responses, &child(&cx.pointer, "responses"), &hint);
        let error_responses = self.error_responses(&op.responses);
        let page_cursor = match op.extensions.get(PAGE_CURSOR_EXTENSION) {
            None => None,
            Some(serde_json::Value::String(field)) if !field.is_empty() => Some(field.clone()),
            Some(_) => {
                self.problems.push(
                    child(&cx.pointer, PAGE_CURSOR_EXTENSION),
                    "must be the wire name of an item field (a non-empty string), e.g. `file_id`",
                );
                None
            }
        };
        let mut operation = Operation {
            operation_id,
            method_name: String::new(),
            builder_name: String::new(),
            tag,
            method: cx.method,
            path: cx.path.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            pointer: cx.pointer.clone(),
            params,
            fixed_query: Vec::new(),
            body,
            response,
            accept,
            error_responses,
            page_cursor,
            pagination: None,
            variant_of: None,
        };
        self.name_arguments(&mut operation);
        Some(operation)
    }

    fn lower_variants(&mut self, cx: &OpContext<'a>, base: &Operation) -> Vec<Operation> {
        let Some(value) = cx.op.extensions.get(VARIANTS_EXTENSION) else {
            return Vec::new();
        };
        let ext_ptr = child(&cx.pointer, VARIANTS_EXTENSION);
        let list: Vec<serde_json::Value> = match value {
            serde_json::Value::Array(list) => list.clone(),
            _ => {
                self.problems
                    .push(ext_ptr, "must be a list of variant objects");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, entry) in list.into_iter().enumerate() {
            let at = child(&ext_ptr, &i.to_string());
            let spec: VariantSpec = match serde_path_to_error::deserialize(entry) {
                Ok(spec) => spec,
                Err(e) => {
                    let mut inner = at.clone();
                    for segment in e.path().iter() {
                        inner = child(&inner, &segment.to_string());
                    }
                    self.problems
                        .push(inner, format!("invalid variant: {}", e.inner()));
                    continue;
                }
            };
            let hint = names::pascal(&spec.operation_id);
            // The variant's parameters: the operation's (as lowered) plus its own.
            let extra = self.raw_params(&spec.parameters, &child(&at, "parameters"));
            let extra = self.params(&extra, &hint);
            let mut params = base.params.clone();
            for p in extra {
                params.retain(|q| !(q.name == p.name && q.location == p.location));
                params.push(p);
            }
            let mut fixed_query = Vec::new();
            for (name, value) in &spec.fixed_query {
                let fixed_at = child(&child(&at, "fixedQuery"), name);
                let Some(pos) = params
                    .iter()
                    .position(|p| p.location == Location::Query && &p.name == name)
                else {
                    self.problems.push(
                        fixed_at,
                        format!("fixedQuery names {name:?}, which is not a query parameter of this variant"),
                    );
                    continue;
                };
                params.remove(pos);
                match value {
                    serde_json::Value::String(s) => fixed_query.push((name.clone(), s.clone())),
                    serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                        fixed_query.push((name.clone(), value.to_string()))
                    }
                    _ => self.problems.push(
                        fixed_at,
                        "a fixed query value must be a string, number or boolean",
                    ),
                }
            }
            let (response, accept) =
                self.response(&spec.responses, &child(&at, "responses"), &hint);
            // The operation's error answers apply to its variants too, after the variant's own.
            let mut error_responses = self.error_responses(&spec.responses);
            for inherited in &base.error_responses {
                if !error_responses.iter().any(|e| e.status == inherited.status) {
                    error_responses.push(inherited.clone());
                }
            }
            let mut operation = Operation {
                operation_id: spec.operation_id,
                method_name: String::new(),
                builder_name: String::new(),
                tag: base.tag.clone(),
                method: base.method,
                path: base.path.clone(),
                summary: spec.summary,
                description: spec.description,
                deprecated: base.deprecated,
                pointer: at,
                params,
                fixed_query,
                body: base.body.clone(),
                response,
                accept,
                error_responses,
                page_cursor: base.page_cursor.clone(),
                pagination: None,
                variant_of: Some(base.operation_id.clone()),
            };
            self.name_arguments(&mut operation);
            out.push(operation);
        }
        out
    }

    /// Resolves parameter `$ref`s and checks each parameter's form.
    fn raw_params<'s>(
        &mut self,
        list: &'s [ReferenceOr<openapiv3::Parameter>],
        list_ptr: &str,
    ) -> Vec<RawParam<'s>>
    where
        'a: 's,
    {
        let mut out = Vec::new();
        for (i, param) in list.iter().enumerate() {
            let at = child(list_ptr, &i.to_string());
            let (param, at) = match param {
                ReferenceOr::Item(p) => (p, at),
                ReferenceOr::Reference { reference } => match self.parameter_component(reference) {
                    Ok((p, target)) => (p, target),
                    Err(message) => {
                        self.problems.push(child(&at, "$ref"), message);
                        continue;
                    }
                },
            };
            use openapiv3::{Parameter as P, QueryStyle};
            let (data, location, explode) = match param {
                P::Path { parameter_data, .. } => (parameter_data, Some(Location::Path), false),
                P::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    if !matches!(style, QueryStyle::Form) {
                        self.problems.push(
                            at.clone(),
                            "only `style: form` query parameters are supported",
                        );
                    }
                    let explode = parameter_data.explode.unwrap_or(true);
                    (parameter_data, Some(Location::Query), explode)
                }
                P::Header { parameter_data, .. } => {
                    let ignored = IGNORED_HEADERS
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(&parameter_data.name));
                    let location = if ignored {
                        None
                    } else {
                        Some(Location::Header)
                    };
                    (parameter_data, location, false)
                }
                P::Cookie { .. } => {
                    self.problems
                        .push(at, "cookie parameters are not supported");
                    continue;
                }
            };
            if matches!(data.format, ParameterSchemaOrContent::Content(_)) {
                self.problems.push(
                    child(&at, "content"),
                    "parameters with `content` are not supported; use `schema`",
                );
                continue;
            }
            out.push(RawParam {
                data,
                location,
                explode,
                pointer: at,
            });
        }
        out
    }

    fn parameter_component(
        &self,
        reference: &str,
    ) -> Result<(&'a openapiv3::Parameter, String), String> {
        let name = component_name(reference, "parameters")?;
        let found = self
            .spec
            .components
            .as_ref()
            .and_then(|c| c.parameters.get(&*name));
        match found {
            Some(ReferenceOr::Item(p)) => Ok((p, pointer(&["components", "parameters", &name]))),
            Some(ReferenceOr::Reference { .. }) => Err(format!(
                "$ref {reference:?} points at another $ref; chains are not supported"
            )),
            None => Err(format!(
                "$ref {reference:?} does not resolve: no parameter named {name:?}"
            )),
        }
    }

    fn params(&mut self, raw: &[RawParam<'_>], hint: &str) -> Vec<Parameter> {
        let mut out = Vec::new();
        for p in raw {
            let Some(location) = p.location else { continue };
            let ParameterSchemaOrContent::Schema(schema) = &p.data.format else {
                continue;
            };
            let param_hint = format!(
                "{hint}{}",
                names::pascal(&p.data.name).trim_start_matches("r#")
            );
            let ty = self.type_ref(schema, &child(&p.pointer, "schema"), &param_hint);
            if location == Location::Path && !p.data.required {
                self.problems.push(
                    child(&p.pointer, "required"),
                    "path parameters must be `required: true`",
                );
            }
            if !is_param_type(&ty, self) {
                self.problems.push(
                    child(&p.pointer, "schema"),
                    "a parameter must be a string, number, boolean, date-time, enum, free-form object or a list of those",
                );
            }
            let client_default = self.client_default(p, &ty);
            let not_in_sdk = self.not_in_sdk(p);
            out.push(Parameter {
                name: p.data.name.clone(),
                rust_name: String::new(),
                location,
                required: p.data.required || location == Location::Path,
                ty,
                explode: p.explode,
                description: p.data.description.clone(),
                accept_feature: location == Location::Header
                    && p.data.name.eq_ignore_ascii_case("x-accept-feature"),
                client_default,
                not_in_sdk,
            });
        }
        // Path parameters first: they are the leading arguments of the method.
        out.sort_by_key(|p| p.location != Location::Path);
        out
    }

    /// The `x-flywheel-client-default` of a parameter, as sent on the wire: a scalar of the
    /// parameter's type on an optional query parameter.
    fn client_default(&mut self, p: &RawParam<'_>, ty: &TypeRef) -> Option<String> {
        let value = p.data.extensions.get(CLIENT_DEFAULT_EXTENSION)?;
        let at = child(&p.pointer, CLIENT_DEFAULT_EXTENSION);
        if p.location != Some(Location::Query) || p.data.required {
            self.problems.push(
                at,
                "a client default belongs on an optional query parameter",
            );
            return None;
        }
        let wire = match (ty, value) {
            (TypeRef::Boolean, serde_json::Value::Bool(b)) => b.to_string(),
            (TypeRef::Integer, serde_json::Value::Number(n)) if n.is_i64() => n.to_string(),
            (TypeRef::Number, serde_json::Value::Number(n)) => n.to_string(),
            (TypeRef::String, serde_json::Value::String(text)) => text.clone(),
            _ => {
                self.problems.push(
                    at,
                    "a client default must be a boolean, integer, number or string matching the parameter's type",
                );
                return None;
            }
        };
        Some(wire)
    }

    /// Whether a parameter carries `x-flywheel-not-in-sdk` (a sentence saying where the server
    /// documents it).
    fn not_in_sdk(&mut self, p: &RawParam<'_>) -> bool {
        match p.data.extensions.get(NOT_IN_SDK_EXTENSION) {
            None => false,
            Some(serde_json::Value::String(text)) if !text.trim().is_empty() => true,
            Some(_) => {
                self.problems.push(
                    child(&p.pointer, NOT_IN_SDK_EXTENSION),
                    "must be a sentence saying where the server documents the parameter",
                );
                false
            }
        }
    }

    fn check_path_template(&mut self, cx: &OpContext<'a>, params: &[Parameter]) {
        let in_template = template_names(cx.path);
        for name in &in_template {
            if !params
                .iter()
                .any(|p| p.location == Location::Path && &p.name == name)
            {
                self.problems.push(
                    cx.pointer.clone(),
                    format!(
                        "path template names {{{name}}} but no path parameter {name:?} is declared"
                    ),
                );
            }
        }
        for p in params.iter().filter(|p| p.location == Location::Path) {
            if !in_template.contains(&p.name) {
                self.problems.push(
                    cx.pointer.clone(),
                    format!(
                        "path parameter {:?} does not appear in the path template",
                        p.name
                    ),
                );
            }
        }
    }

    fn body(&mut self, body: &'a ReferenceOr<RequestBody>, at: &str, hint: &str) -> Option<Body> {
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, at.to_owned()),
            ReferenceOr::Reference { reference } => {
                let resolved =
                    component_name(reference, "requestBodies").and_then(|name| {
                        match self
                            .spec
                            .components
                            .as_ref()
                            .and_then(|c| c.request_bodies.get(&*name))
                        {
                            Some(ReferenceOr::Item(b)) => {
                                Ok((b, pointer(&["components", "requestBodies", &name])))
                            }
                            _ => Err(format!(
                                "$ref {reference:?} does not resolve to a request body"
                            )),
                        }
                    });
                match resolved {
                    Ok(found) => found,
                    Err(message) => {
                        self.problems.push(child(at, "$ref"), message);
                        return None;
                    }
                }
            }
        };
        let content_ptr = child(&at, "content");
        let mut entries = body.content.iter();
        let (media, media_type) = match (entries.next(), entries.next()) {
            (Some(entry), None) => entry,
            _ => {
                self.problems
                    .push(content_ptr, "a request body needs exactly one media type");
                return None;
            }
        };
        let media_ptr = child(&content_ptr, media);
        let Some(schema) = &media_type.schema else {
            self.problems
                .push(media_ptr, "the request body's media type needs a schema");
            return None;
        };
        let schema_ptr = child(&media_ptr, "schema");
        if is_json(media) {
            let ty = self.type_ref(schema, &schema_ptr, &format!("{hint}Body"));
            return Some(Body::Json {
                ty,
                required: body.required,
                description: body.description.clone(),
            });
        }
        if media == "multipart/form-data" {
            return self.multipart(schema, &schema_ptr, hint, body.description.clone());
        }
        self.problems.push(
            media_ptr,
            format!("request media type {media:?} is not supported"),
        );
        None
    }

    fn multipart(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        description: Option<String>,
    ) -> Option<Body> {
        let ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) = schema
        else {
            self.problems.push(
                at.to_owned(),
                "a multipart body must be an inline object schema",
            );
            return None;
        };
        let mut parts = Vec::new();
        for (name, property) in &object.properties {
            let prop_ptr = child(&child(at, "properties"), name);
            let description = match property {
                ReferenceOr::Item(s) => s.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let kind = match property {
                ReferenceOr::Item(s) if is_binary(s) => PartKind::File,
                ReferenceOr::Item(s) => match &s.schema_kind {
                    SchemaKind::Type(Type::Array(a)) if matches!(&a.items, Some(ReferenceOr::Item(i)) if is_binary(i)) => {
                        PartKind::Files
                    }
                    SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() => {
                        PartKind::Text
                    }
                    _ => {
                        let part_hint =
                            format!("{hint}{}", names::pascal(name).trim_start_matches("r#"));
                        let ty = self.type_ref(property, &prop_ptr, &part_hint);
                        PartKind::Json(ty)
                    }
                },
                ReferenceOr::Reference { .. } => {
                    let part_hint = format!("{hint}{}", names::pascal(name));
                    PartKind::Json(self.type_ref(property, &prop_ptr, &part_hint))
                }
            };
            parts.push(MultipartPart {
                name: name.clone(),
                rust_name: String::new(),
                kind,
                required: object.required.contains(name),
                description,
            });
        }
        Some(Body::Multipart { parts, description })
    }

    /// The declared error answers: every status outside 2xx, then `default`. A `$ref` that does
    /// not resolve keeps the status without a description (`response` reports broken `$ref`s of
    /// success answers; error answers only feed docs).
    fn error_responses(&self, responses: &Responses) -> Vec<ErrorResponse> {
        let description = |response: &ReferenceOr<openapiv3::Response>| match response {
            ReferenceOr::Item(r) => Some(r.description.clone()),
            ReferenceOr::Reference { reference } => component_name(reference, "responses")
                .ok()
                .and_then(|name| self.spec.components.as_ref()?.responses.get(&*name))
                .and_then(|found| match found {
                    ReferenceOr::Item(r) => Some(r.description.clone()),
                    ReferenceOr::Reference { .. } => None,
                }),
        };
        let mut out: Vec<ErrorResponse> = responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(n) => !(200..300).contains(n),
                StatusCode::Range(n) => *n != 2,
            })
            .map(|(code, response)| ErrorResponse {
                status: code.to_string(),
                description: description(response).filter(|d| !d.trim().is_empty()),
            })
            .collect();
        if let Some(default) = &responses.default {
            out.push(ErrorResponse {
                status: "default".to_owned(),
                description: description(default).filter(|d| !d.trim().is_empty()),
            });
        }
        out
    }

    /// What the success response carries, and the `Accept` header that asks for it.
    fn response(&mut self, responses: &Responses, at: &str, hint: &str) -> (Response, String) {
        let default_accept = || DEFAULT_ACCEPT.to_owned();
        let success = responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(n) => (200..300).contains(n),
                StatusCode::Range(n) => *n == 2,
            })
            .min_by_key(|(code, _)| match code {
                StatusCode::Code(n) => *n,
                StatusCode::Range(_) => 299,
            });
        let Some((code, response)) = success else {
            self.problems
                .push(at.to_owned(), "no success (2xx) response is declared");
            return (Response::Empty, default_accept());
        };
        let at = child(at, &code.to_string());
        let response = match response {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let found = component_name(reference, "responses")
                    .ok()
                    .and_then(|name| {
                        self.spec
                            .components
                            .as_ref()
                            .and_then(|c| c.responses.get(&*name))
                    });
                match found {
                    Some(ReferenceOr::Item(r)) => r,
                    _ => {
                        self.problems.push(
                            child(&at, "$ref"),
                            format!("$ref {reference:?} does not resolve to a response"),
                        );
                        return (Response::Empty, default_accept());
                    }
                }
            }
        };
        let content_ptr = child(&at, "content");
        let mut entries = response.content.iter();
        match (entries.next(), entries.next()) {
            (None, _) => (Response::Empty, default_accept()),
            (Some((media, media_type)), None) => (
                self.response_media(media, media_type, &child(&content_ptr, media), hint),
                media.to_ascii_lowercase(),
            ),
            _ => {
                self.problems.push(
                    content_ptr,
                    "a success response needs at most one media type",
                );
                (Response::Empty, default_accept())
            }
        }
    }

    fn response_media(
        &mut self,
        media: &str,
        media_type: &MediaType,
        at: &str,
        hint: &str,
    ) -> Response {
        if is_json(media) {
            return match &media_type.schema {
                Some(schema) => Response::Json(self.type_ref(
                    schema,
                    &child(at, "schema"),
                    &format!("{hint}Response"),
                )),
                None => Response::Empty,
            };
        }
        if media == "application/octet-stream" {
            return Response::Binary;
        }
        if media.starts_with("text/") || media == "application/javascript" {
            return Response::Text;
        }
        self.problems.push(
            at.to_owned(),
            format!("response media type {media:?} is not supported"),
        );
        Response::Empty
    }

    /// Gives every parameter and multipart part its Rust name, unique within the operation.
    fn name_arguments(&mut self, operation: &mut Operation) {
        let mut scope = Scope::with_reserved(BUILDER_METHODS);
        for p in &mut operation.params {
            p.rust_name = scope.claim(&names::snake(&p.name));
        }
        if let Some(Body::Multipart { parts, .. }) = &mut operation.body {
            for part in parts {
                part.rust_name = scope.claim(&names::snake(&part.name));
            }
        }
    }
}

struct OpContext<'a> {
    path: &'a String,
    method: Method,
    item: &'a openapiv3::PathItem,
    op: &'a openapiv3::Operation,
    pointer: String,
}

/// Operation-level parameters override path-level ones with the same name and location.
fn merge_params<'s>(base: &mut Vec<RawParam<'s>>, own: Vec<RawParam<'s>>) {
    for p in own {
        base.retain(|q| !(q.data.name == p.data.name && q.location == p.location));
        base.push(p);
    }
}

/// The `{name}`s of a path template, in order.
pub fn template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

fn is_binary(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
        if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
}

fn is_param_type(ty: &TypeRef, ctx: &Ctx<'_>) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Integer
        | TypeRef::Integer32
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::DateTime
        | TypeRef::Json => true,
        TypeRef::Named(name) => matches!(
            ctx.type_def(name).map(|t| &t.kind),
            Some(crate::ir::TypeKind::Enum(_))
        ),
        TypeRef::Array(inner) => !matches!(**inner, TypeRef::Array(_)) && is_param_type(inner, ctx),
        TypeRef::Map(_) => false,
    }
}
