//! The intermediate representation: plain data lowered from the spec, consumed by codegen.
//!
//! Nothing here knows about `openapiv3` or `quote`. Names are already resolved to Rust
//! identifiers (collisions and keywords handled) so that codegen only renders.

use std::collections::BTreeSet;

/// The whole API, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title` of the spec.
    pub title: String,
    /// `info.version` of the spec.
    pub version: String,
    /// Tags in spec order, each with its operations' module and Cargo feature names.
    pub tags: Vec<Tag>,
    /// Every generated method, in spec order (path items, then verbs, then variants).
    pub operations: Vec<Operation>,
    /// Every named type: component schemas first (spec order), then inline schemas that
    /// needed a name, in order of first use.
    pub types: Vec<TypeDef>,
}

/// One tag: a group of operations, a module and a Cargo feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// The tag's name in the spec (`audit-trail`).
    pub name: String,
    /// The tag's description.
    pub description: Option<String>,
    /// Rust module name of its operations (`audit_trail`).
    pub module: String,
    /// Cargo feature that gates it (`audit-trail`).
    pub feature: String,
}

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One generated method: an OpenAPI operation, or one of its `x-flywheel-variants`.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId` (`getAcquisition`).
    pub operation_id: String,
    /// Name of the method on `Client` (`get_acquisition`).
    pub method_name: String,
    /// Name of the builder struct (`GetAcquisition`).
    pub builder_name: String,
    /// Name of the tag the operation belongs to.
    pub tag: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as written in the spec (`/acquisitions/{acquisitionId}`).
    pub path: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// JSON pointer of the operation (or variant) in the spec.
    pub pointer: String,
    /// Parameters the caller can set, path first, then in spec order.
    pub params: Vec<Parameter>,
    /// Query parameters always sent with a fixed value (`info=true`), from `fixedQuery`.
    pub fixed_query: Vec<(String, String)>,
    /// Request body, if any.
    pub body: Option<Body>,
    /// What a successful response carries.
    pub response: Response,
    /// The `Accept` header: the media type of the success response, or `application/json`
    /// when it declares none (as the Flywheel SDK sends).
    pub accept: String,
    /// The error answers the spec declares (`default` and any non-2xx status), in spec order.
    pub error_responses: Vec<ErrorResponse>,
    /// The item field named by `x-flywheel-page-cursor`: the value a list continues after
    /// (`after_id`). `None`: the item's `_id`.
    pub page_cursor: Option<String>,
    /// Lazy paging support, for list operations that take `limit` and `after_id`.
    pub pagination: Option<Pagination>,
    /// For a variant, the operationId of the operation that carries it.
    pub variant_of: Option<String>,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query-string key.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Name in the spec (for path parameters, the template name; otherwise the wire name).
    pub name: String,
    /// Rust name of the argument or setter.
    pub rust_name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether it is required (then it is an argument of the client method).
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// How a list is written: repeated keys (`explode`, the default for query) or comma-joined.
    pub explode: bool,
    /// Its description.
    pub description: Option<String>,
    /// Marks the `x-accept-feature` header, which the runtime merges with client defaults.
    pub accept_feature: bool,
    /// The value sent when the caller sets none (`x-flywheel-client-default`), as written on
    /// the wire (`true`, `100`).
    pub client_default: Option<String>,
    /// Whether the Flywheel SDK reference lacks this parameter (`x-flywheel-not-in-sdk`).
    pub not_in_sdk: bool,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `application/json`.
    Json {
        /// The body's type.
        ty: TypeRef,
        /// Whether it is required (then it is an argument of the client method).
        required: bool,
        /// The body's description.
        description: Option<String>,
    },
    /// `multipart/form-data`.
    Multipart {
        /// The form's parts, in spec order.
        parts: Vec<MultipartPart>,
        /// The body's description.
        description: Option<String>,
    },
}

/// One property of a multipart body.
#[derive(Clone, Debug, PartialEq)]
pub struct MultipartPart {
    /// Part name on the wire.
    pub name: String,
    /// Rust name of the argument or setter.
    pub rust_name: String,
    /// What the part holds.
    pub kind: PartKind,
    /// Whether it is required.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
}

/// What a multipart part holds.
#[derive(Clone, Debug, PartialEq)]
pub enum PartKind {
    /// One file (`type: string, format: binary`).
    File,
    /// Several files under one name (an array of binary).
    Files,
    /// A text field.
    Text,
    /// A field holding JSON text of this type.
    Json(TypeRef),
}

/// What a successful response carries.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// Nothing the client decodes.
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// A text body (e.g. `application/javascript`).
    Text,
    /// Raw bytes, streamed (`application/octet-stream`).
    Binary,
}

/// An error answer an operation's spec declares.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorResponse {
    /// The status as the spec writes it: `default`, `404`, `4XX`.
    pub status: String,
    /// The response's description (after `$ref` resolution), if any.
    pub description: Option<String>,
}

/// How a paginated list operation pages.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// Type of one listed item.
    pub item: TypeRef,
    /// Name of the array field when the server answers an envelope object (`results`).
    pub envelope_field: String,
    /// The wire name of the item field the next page continues after (`_id`, or the
    /// operation's `x-flywheel-page-cursor`, e.g. `file_id` for `/files`).
    pub cursor_field: String,
    /// How to read that field of an item, used as the next `after_id`.
    pub id: IdAccess,
}

/// How to read the id of a listed item.
#[derive(Clone, Debug, PartialEq)]
pub enum IdAccess {
    /// A `String` field of a struct (Rust field name).
    Field(String),
    /// A union whose variants are all structs: (variant name, Rust field name).
    UnionFields(Vec<(String, String)>),
    /// A free-form JSON object: the key named by the cursor field.
    JsonKey,
    /// No id: page by page number.
    None,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64` (`type: integer` without a format, or `format: int64`).
    Integer,
    /// `i32` (`format: int32`).
    Integer32,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `chrono::DateTime<Utc>` (`format: date-time`).
    DateTime,
    /// Free-form JSON (`serde_json::Value`).
    Json,
    /// A named type (Rust name).
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust name (`AcquisitionOutput`).
    pub name: String,
    /// The component schema it comes from, if any (`AcquisitionOutput`).
    pub schema_name: Option<String>,
    /// JSON pointer of its schema in the spec.
    pub pointer: String,
    /// Its description.
    pub description: Option<String>,
    /// Its shape.
    pub kind: TypeKind,
    /// Tags whose operations reach it; empty when no operation does.
    pub tags: BTreeSet<String>,
    /// Whether a request (a parameter or body) can contain it, so it must serialize.
    pub sent: bool,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Vec<Field>),
    /// A string enum; unknown values are kept.
    Enum(Vec<EnumValue>),
    /// `oneOf`: one of several shapes.
    Union(Vec<UnionVariant>),
    /// `oneOf` with a `discriminator`: the variant is named by a property of the object.
    Tagged(Tagged),
    /// Another name for a type.
    Alias(TypeRef),
}

/// One property of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// JSON key (`_id`).
    pub wire_name: String,
    /// Rust field name (`id`).
    pub rust_name: String,
    /// Its type (the field is `Option` of it unless it is required in a request type).
    pub ty: TypeRef,
    /// Whether the spec lists it as required.
    pub required: bool,
    /// Boxed to break a cycle of directly nested types.
    pub boxed: bool,
    /// Its description.
    pub description: Option<String>,
}

/// One value of a string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// One variant of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The variant's type.
    pub ty: TypeRef,
    /// Boxed to break a cycle of directly nested types (a union that contains itself).
    pub boxed: bool,
}

/// A discriminated union (`oneOf` + `discriminator`).
#[derive(Clone, Debug, PartialEq)]
pub struct Tagged {
    /// The property whose string value picks the variant (`discriminator.propertyName`).
    pub property: String,
    /// The property read when `property` is absent (`x-flywheel-discriminator-fallback`).
    pub fallback: Option<String>,
    /// One variant per `mapping` entry, in spec order.
    pub variants: Vec<TaggedVariant>,
}

/// One mapped value of a discriminated union.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedVariant {
    /// The property value that picks it (`project`).
    pub value: String,
    /// The Rust variant name (`Project`).
    pub rust_name: String,
    /// The variant's type (the mapping's target schema).
    pub ty: TypeRef,
}
