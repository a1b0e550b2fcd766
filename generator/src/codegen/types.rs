//! Named types → Rust structs, enums, unions and aliases with serde attributes.

use super::docs;
use super::{cfg_attr, ident, ty};
use crate::ir::{Api, Field, Tagged, TypeDef, TypeKind, TypeRef, UnionVariant};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashMap;

/// Renders one type definition.
pub fn type_def(def: &TypeDef, api: &Api, kinds: &HashMap<&str, JsonKind>) -> TokenStream {
    // A type of one tag lives in that tag's module, which the feature gates as a whole.
    let cfg = if def.tags.len() == 1 {
        quote! {}
    } else {
        cfg_attr(&def.tags, api)
    };
    let doc = docs::attrs(&type_doc(def));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(fields) => {
            let rendered = fields.iter().map(|f| field(f, def.sent));
            let serialize = serialize_attr(def, false);
            let deserialize = struct_deserialize(def, fields);
            // A request type with required fields has no `Default`: its constructor is the
            // only way to build one without naming every field, so none can be forgotten.
            let default = if has_plain_fields(def, fields) {
                quote! {}
            } else {
                quote! { Default, }
            };
            let methods = struct_methods(def, fields, &cfg);
            quote! {
                #doc
                #cfg
                #[derive(Clone, Debug, #default PartialEq)]
                #serialize
                pub struct #name { #(#rendered)* }
                #cfg
                #deserialize
                #methods
            }
        }
        TypeKind::Tagged(tagged) => self::tagged(def, tagged, &cfg, &doc),
        TypeKind::Enum(values) => {
            let variants = values.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let doc = docs::attrs(&format!("`{}`", v.wire.replace('`', "'")));
                quote! { #doc #variant, }
            });
            let as_str = values.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let wire = &v.wire;
                quote! { Self::#variant => #wire, }
            });
            let from_str = values.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let wire = &v.wire;
                quote! { #wire => Self::#variant, }
            });
            let wires = values.iter().map(|v| &v.wire);
            quote! {
                #doc
                #cfg
                #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this client does not know (the server may have gained one); kept verbatim.
                    Unknown(::std::string::String),
                }
                #cfg
                impl #name {
                    /// Every value known to this client, as sent on the wire, in spec order.
                    pub const VALUES: &'static [&'static str] = &[#(#wires),*];
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self { #(#as_str)* Self::Unknown(value) => value }
                    }
                }
                #cfg
                impl ::std::convert::From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value { #(#from_str)* other => Self::Unknown(other.to_owned()) }
                    }
                }
                #cfg
                crate::support::string_enum_impls!(#name);
            }
        }
        TypeKind::Union(variants) => union(def, variants, &cfg, &doc, kinds, api),
        TypeKind::Alias(target) => {
            let target = ty(target);
            quote! { #doc #cfg pub type #name = #target; }
        }
    }
}

fn type_doc(def: &TypeDef) -> String {
    let mut doc = docs::lead(def.description.as_deref());
    let source = match (&def.schema_name, &def.kind) {
        (Some(schema), TypeKind::Alias(TypeRef::Named(target))) => {
            format!("Schema `{schema}`: another name for [`{target}`](crate::types::{target}).")
        }
        (Some(schema), _) => format!("Schema `{schema}` (`{}`).", def.pointer),
        (None, _) => format!("Inline schema at `{}`.", def.pointer),
    };
    doc.push_str(&source);
    match &def.kind {
        TypeKind::Struct(fields) if has_plain_fields(def, fields) => {
            let names: Vec<String> = fields
                .iter()
                .filter(|f| plain(def, f))
                .map(|f| format!("`{}`", f.rust_name.trim_start_matches("r#")))
                .collect();
            doc.push_str(&format!(
                "\n\nA request type. Its required fields ({}) are plain values that \
                 [`new`](Self::new) takes, so a request without one does not compile; the \
                 others are optional. Decoding stays tolerant: a required field that is missing \
                 or `null` decodes as its empty value (`\"\"`, `0`, `[]`). Unknown fields are \
                 ignored.",
                names.join(", ")
            ))
        }
        TypeKind::Struct(fields) if fields.iter().any(|f| accessor(def, f).is_some()) => doc
            .push_str(
                "\n\nEvery field is optional: servers omit fields freely, and a missing or \
                 `null` field decodes as `None`. Unknown fields are ignored. The fields the \
                 server always sends (required in the reference) also have a method of the same \
                 name that reads the value, or its empty value (`\"\"`, `0`, `[]`) if the \
                 server omitted it: `id()` instead of `id.as_deref().unwrap()`.",
            ),
        TypeKind::Struct(_) => doc.push_str(
            "\n\nEvery field is optional: servers omit fields freely, and a missing or `null` \
             field decodes as `None`. Unknown fields are ignored. Values of another JSON kind \
             follow the crate's [decoding policy](crate#decoding-policy).",
        ),
        TypeKind::Tagged(tagged) => {
            let by = match &tagged.fallback {
                Some(fallback) => format!(
                    "the `{}` property (or `{fallback}` when `{}` is absent, \
                     `x-flywheel-discriminator-fallback`)",
                    tagged.property, tagged.property
                ),
                None => format!("the `{}` property", tagged.property),
            };
            doc.push_str(&format!(
                "\n\nOne of several objects (`oneOf` with a `discriminator`), chosen by {by}. \
                 A value this client does not map decodes as `Unknown` with the whole object."
            ))
        }
        TypeKind::Enum(_) => doc.push_str(
            "\n\nA string enum. Values this client does not know decode as `Unknown` and \
             encode back unchanged.",
        ),
        TypeKind::Union(_) => doc.push_str(
            "\n\nOne of several shapes (`oneOf`). Decoding picks a variant of the right JSON kind and, for objects, the one that knows most of the keys.",
        ),
        TypeKind::Alias(_) => {}
    }
    doc
}

/// Whether a field is a plain value rather than an `Option`: a required field of a request type.
fn plain(def: &TypeDef, f: &Field) -> bool {
    def.sent && f.required
}

fn has_plain_fields(def: &TypeDef, fields: &[Field]) -> bool {
    fields.iter().any(|f| plain(def, f))
}

/// The field's Rust type inside its `Option` (boxed when it breaks a cycle).
fn field_type(f: &Field) -> TokenStream {
    let inner = ty(&f.ty);
    if f.boxed {
        quote! { ::std::boxed::Box<#inner> }
    } else {
        inner
    }
}

fn field(f: &Field, sent: bool) -> TokenStream {
    let name = ident(&f.rust_name);
    let inner = field_type(f);
    let mut doc = docs::lead(f.description.as_deref());
    doc.push_str(&format!("JSON key `{}`.", f.wire_name));
    if f.required && sent {
        doc.push_str(" Required: requests always send it.");
    } else if f.required {
        doc.push_str(" The server normally sends it (required in the reference).");
    }
    let doc = docs::attrs(&doc);
    let plain_name = f.rust_name.trim_start_matches("r#");
    let rename = if plain_name != f.wire_name {
        let wire = &f.wire_name;
        quote! { rename = #wire, }
    } else {
        quote! {}
    };
    let required = sent && f.required;
    // These serde attributes serve the `Serialize` derive only (decoding is generated below).
    let serde = if required {
        if rename.is_empty() {
            return quote! { #doc pub #name: #inner, };
        }
        quote! { serde(#rename) }
    } else {
        quote! { serde(#rename skip_serializing_if = "::std::option::Option::is_none") }
    };
    if required {
        return quote! { #doc #[#serde] pub #name: #inner, };
    }
    let serde = if sent {
        quote! { #[#serde] }
    } else {
        let feature = SERIALIZE_RESPONSES_FEATURE;
        quote! { #[cfg_attr(feature = #feature, #serde)] }
    };
    quote! {
        #doc
        #serde
        pub #name: ::std::option::Option<#inner>,
    }
}

/// What an accessor method of a required response field returns: (type, body).
fn accessor(def: &TypeDef, f: &Field) -> Option<(TokenStream, TokenStream)> {
    if def.sent || !f.required || f.boxed {
        return None;
    }
    let field = ident(&f.rust_name);
    Some(match &f.ty {
        TypeRef::String => (
            quote! { &str },
            quote! { self.#field.as_deref().unwrap_or_default() },
        ),
        TypeRef::Integer | TypeRef::Integer32 | TypeRef::Number | TypeRef::Boolean => {
            let t = ty(&f.ty);
            (t, quote! { self.#field.unwrap_or_default() })
        }
        TypeRef::Array(item) => {
            let item = ty(item);
            (
                quote! { &[#item] },
                quote! { self.#field.as_deref().unwrap_or_default() },
            )
        }
        _ => return None,
    })
}

/// The constructor of a request type with required fields, or the accessors of a response
/// type's required fields.
fn struct_methods(def: &TypeDef, fields: &[Field], cfg: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    if has_plain_fields(def, fields) {
        let required: Vec<&Field> = fields.iter().filter(|f| plain(def, f)).collect();
        let args = required.iter().map(|f| {
            let arg = ident(&f.rust_name);
            let t = field_type(f);
            quote! { #arg: impl ::std::convert::Into<#t> }
        });
        let inits = fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            if plain(def, f) {
                quote! { #field: #field.into(), }
            } else {
                quote! { #field: ::std::option::Option::None, }
            }
        });
        let list = required
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect::<Vec<_>>()
            .join(", ");
        let article = docs::article(&def.name);
        let article = format!("{}{}", article[..1].to_uppercase(), &article[1..]);
        let doc = docs::attrs(&format!(
            "{article} `{}` with its required fields ({list}); the optional ones start as `None`.",
            def.name
        ));
        let allow = if required.len() > 7 {
            quote! { #[allow(clippy::too_many_arguments)] }
        } else {
            quote! {}
        };
        let empties = fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            if plain(def, f) {
                quote! { #field: crate::support::Empty::empty(), }
            } else {
                quote! { #field: ::std::option::Option::None, }
            }
        });
        return quote! {
            #cfg
            impl #name {
                #doc
                #allow
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits)* }
                }
            }
            #cfg
            impl crate::support::Empty for #name {
                fn empty() -> Self {
                    Self { #(#empties)* }
                }
            }
        };
    }
    let methods: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let (returns, body) = accessor(def, f)?;
            let method = ident(&f.rust_name);
            let doc = docs::attrs(&format!(
                "The `{}` field, or its empty value if the server omitted it.",
                f.wire_name
            ));
            Some(quote! { #doc pub fn #method(&self) -> #returns { #body } })
        })
        .collect();
    if methods.is_empty() {
        return quote! {};
    }
    quote! {
        #cfg
        impl #name { #(#methods)* }
    }
}

/// A discriminated union: the object is buffered, the property (or its fallback) read, and
/// the mapped variant decoded; an unmapped or missing value keeps the object whole.
fn tagged(def: &TypeDef, tagged: &Tagged, cfg: &TokenStream, doc: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let serialize_cfg = if def.sent {
        quote! {}
    } else {
        let feature = SERIALIZE_RESPONSES_FEATURE;
        quote! { #[cfg(feature = #feature)] }
    };
    let property = &tagged.property;
    let rendered = tagged.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let inner = ty(&v.ty);
        let doc = docs::attrs(&format!(
            "`{property}`: `{}`, a [`{}`](crate::types::{}).",
            v.value,
            super::operations::type_name(&v.ty),
            super::operations::type_name(&v.ty)
        ));
        quote! { #doc #variant(#inner), }
    });
    let arms = tagged.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let inner = ty(&v.ty);
        let value = &v.value;
        quote! {
            ::std::option::Option::Some(#value) => ::serde_json::from_value::<#inner>(value)
                .map(Self::#variant)
                .map_err(<D::Error as ::serde::de::Error>::custom),
        }
    });
    let serialize_arms = tagged.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = &v.value;
        quote! { Self::#variant(inner) => crate::support::serialize_tagged(inner, #property, #value, serializer), }
    });
    let tags = tagged.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = &v.value;
        quote! { Self::#variant(_) => ::std::option::Option::Some(#value), }
    });
    let tag_of = match &tagged.fallback {
        Some(fallback) => quote! {
            crate::support::tag_of(&value, #property).or_else(|| crate::support::tag_of(&value, #fallback))
        },
        None => quote! { crate::support::tag_of(&value, #property) },
    };
    let tag_doc = docs::attrs(&format!(
        "The `{property}` value this variant stands for; `None` for [`Unknown`](Self::Unknown)."
    ));
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // unboxed, so variants match like their types
        pub enum #name {
            #(#rendered)*
            /// A value this client does not map, or an object without the property: kept whole.
            Unknown(::serde_json::Value),
        }
        #cfg
        impl #name {
            #tag_doc
            pub fn tag(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(#tags)*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }
        }
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = #tag_of.map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
        #cfg
        #serialize_cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    }
}

/// A lean `Deserialize` for a struct: one pass over the object's keys, each known key decoded
/// into its (optional) field, unknown keys skipped, missing ones left `None`. It is a fraction
/// of the code of serde's derive (no field enum, no sequence form, no byte-key matching),
/// which matters across hundreds of schemas.
fn struct_deserialize(def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let arms = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        if plain(def, f) {
            // Tolerant like every response field: missing or `null` leaves the empty value;
            // scalars still go through the decoding policy.
            if !f.boxed && lenient(&f.ty) {
                quote! {
                    #wire => value.#field = crate::support::lenient(&mut map)?
                        .unwrap_or_else(crate::support::Empty::empty),
                }
            } else {
                let inner = field_type(f);
                quote! {
                    #wire => value.#field = map
                        .next_value::<::std::option::Option<#inner>>()?
                        .unwrap_or_else(crate::support::Empty::empty),
                }
            }
        } else if !f.boxed && lenient(&f.ty) {
            // Scalars (and lists or maps of them) go through the decoding policy of
            // `support::Lenient`; named types and free-form JSON decode themselves.
            quote! { #wire => value.#field = crate::support::lenient(&mut map)?, }
        } else {
            quote! { #wire => value.#field = map.next_value()?, }
        }
    });
    let start = if has_plain_fields(def, fields) {
        quote! { <#name as crate::support::Empty>::empty() }
    } else {
        quote! { #name::default() }
    };
    let expecting = format!("a JSON object ({})", def.name);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        let mut value = #start;
                        while let ::std::option::Option::Some(key) = map.next_key::<crate::support::Key<'de>>()? {
                            match key.as_str() {
                                #(#arms)*
                                _ => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok(value)
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}

/// Whether a field of this type decodes through `support::Lenient` (the crate's tolerant
/// decoding policy for scalars): strings, numbers, booleans and date-times, and lists or maps
/// of them.
fn lenient(t: &TypeRef) -> bool {
    match t {
        TypeRef::String
        | TypeRef::Integer
        | TypeRef::Integer32
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::DateTime => true,
        TypeRef::Json | TypeRef::Named(_) => false,
        TypeRef::Array(inner) | TypeRef::Map(inner) => lenient(inner),
    }
}

/// The name of the Cargo feature that derives `Serialize` on types only responses contain.
pub const SERIALIZE_RESPONSES_FEATURE: &str = "serialize-responses";

/// `Serialize` for a type requests can contain; for the rest (read from responses only) it
/// is behind the `serialize-responses` feature, which saves a good part of the build.
/// `untagged` adds the serde attribute a union's `Serialize` needs.
fn serialize_attr(def: &TypeDef, untagged: bool) -> TokenStream {
    if def.sent {
        let untagged = if untagged {
            quote! { #[serde(untagged)] }
        } else {
            quote! {}
        };
        quote! { #[derive(::serde::Serialize)] #untagged }
    } else {
        let untagged = if untagged {
            quote! { , serde(untagged) }
        } else {
            quote! {}
        };
        let feature = SERIALIZE_RESPONSES_FEATURE;
        quote! { #[cfg_attr(feature = #feature, derive(::serde::Serialize) #untagged)] }
    }
}

/// The JSON value kind a type decodes from, used to pick a union's decoding strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// A JSON array.
    Array,
    /// A JSON object.
    Object,
    /// Anything else, or not known from the type alone.
    Other,
}

/// The JSON kind of every named type (aliases followed).
pub fn json_kinds(api: &Api) -> HashMap<&str, JsonKind> {
    let by_name: HashMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    api.types
        .iter()
        .map(|t| (t.name.as_str(), kind_of_def(t, &by_name, 0)))
        .collect()
}

fn kind_of_def(def: &TypeDef, by_name: &HashMap<&str, &TypeDef>, depth: usize) -> JsonKind {
    match &def.kind {
        TypeKind::Struct(_) => JsonKind::Object,
        TypeKind::Tagged(_) => JsonKind::Object,
        TypeKind::Enum(_) | TypeKind::Union(_) => JsonKind::Other,
        TypeKind::Alias(target) => kind_of_ref(target, by_name, depth + 1),
    }
}

fn kind_of_ref(ty: &TypeRef, by_name: &HashMap<&str, &TypeDef>, depth: usize) -> JsonKind {
    match ty {
        TypeRef::Array(_) => JsonKind::Array,
        TypeRef::Map(_) => JsonKind::Object,
        TypeRef::Named(name) if depth < 64 => match by_name.get(name.as_str()) {
            Some(def) => kind_of_def(def, by_name, depth),
            None => JsonKind::Other,
        },
        _ => JsonKind::Other,
    }
}

fn union(
    def: &TypeDef,
    variants: &[UnionVariant],
    cfg: &TokenStream,
    doc: &TokenStream,
    kinds: &HashMap<&str, JsonKind>,
    api: &Api,
) -> TokenStream {
    let name = ident(&def.name);
    let serialize = serialize_attr(def, true);
    // A request type's required field may hold a union: its empty value is the first variant's.
    // A variant off every cycle (not boxed) is preferred, and a scalar or list most, so the
    // empty value never recurses.
    let plain = |v: &&UnionVariant| !v.boxed && !matches!(v.ty, TypeRef::Named(_));
    let chosen = variants
        .iter()
        .find(plain)
        .or_else(|| variants.iter().find(|v| !v.boxed))
        .or_else(|| variants.first());
    let empty = match chosen {
        Some(chosen) if def.sent => {
            let variant = ident(&chosen.rust_name);
            let value = if chosen.boxed {
                quote! { ::std::boxed::Box::new(crate::support::Empty::empty()) }
            } else {
                quote! { crate::support::Empty::empty() }
            };
            quote! {
                #cfg
                impl crate::support::Empty for #name {
                    fn empty() -> Self {
                        Self::#variant(#value)
                    }
                }
            }
        }
        _ => quote! {},
    };
    // A request type's union converts from each variant's value, so constructors can take
    // `impl Into<Union>` (`SessionInput::new(project, label, "subject-id")`).
    let from = if def.sent {
        let impls = variants.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let inner = ty(&v.ty);
            let from_str = if v.ty == TypeRef::String {
                quote! {
                    #cfg
                    impl ::std::convert::From<&str> for #name {
                        fn from(value: &str) -> Self {
                            Self::#variant(value.to_owned())
                        }
                    }
                }
            } else {
                quote! {}
            };
            let value = if v.boxed {
                quote! { ::std::boxed::Box::new(value) }
            } else {
                quote! { value }
            };
            quote! {
                #cfg
                impl ::std::convert::From<#inner> for #name {
                    fn from(value: #inner) -> Self {
                        Self::#variant(#value)
                    }
                }
                #from_str
            }
        });
        quote! { #(#impls)* }
    } else {
        quote! {}
    };
    let empty = quote! { #empty #from };
    let rendered = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let inner = variant_ty(v);
        let doc = docs::attrs(&format!("A `{}`.", super::operations::type_name(&v.ty)));
        quote! { #doc #variant(#inner), }
    });
    let kind = |v: &UnionVariant| match &v.ty {
        TypeRef::Array(_) => JsonKind::Array,
        TypeRef::Map(_) => JsonKind::Object,
        TypeRef::Named(n) => kinds.get(n.as_str()).copied().unwrap_or(JsonKind::Other),
        _ => JsonKind::Other,
    };
    // An array-or-object union (a bare list, or a page envelope) is told apart by the first
    // JSON token, without buffering the whole value as an untagged enum would.
    let array = variants.iter().find(|v| kind(v) == JsonKind::Array);
    let object = variants.iter().find(|v| kind(v) == JsonKind::Object);
    if let (2, Some(array), Some(object)) = (variants.len(), array, object) {
        let array_variant = ident(&array.rust_name);
        let object_variant = ident(&object.rust_name);
        let array_value = wrap(array, quote! { value });
        let object_value = wrap(object, quote! { value });
        return quote! {
            #doc
            #cfg
            #[derive(Clone, Debug, PartialEq)]
            #serialize
            #[allow(clippy::large_enum_variant)] // unboxed, so variants match like their types
            pub enum #name { #(#rendered)* }
            #cfg
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::std::result::Result::Ok(match crate::support::ArrayOrObject::deserialize(deserializer)? {
                        crate::support::ArrayOrObject::Array(value) => Self::#array_variant(#array_value),
                        crate::support::ArrayOrObject::Object(value) => Self::#object_variant(#object_value),
                    })
                }
            }
            #empty
        };
    }
    // Otherwise: buffer the value, then try the variants that fit its JSON kind, the struct
    // knowing most of the object's keys first (see `support::candidates`).
    let shapes = variants.iter().map(|v| shape(&v.ty, api));
    let arms = variants.iter().enumerate().map(|(index, v)| {
        let variant = ident(&v.rust_name);
        let inner = ty(&v.ty);
        let make = if v.boxed {
            quote! { |value| Self::#variant(::std::boxed::Box::new(value)) }
        } else {
            quote! { Self::#variant }
        };
        quote! { #index => crate::support::decode_variant::<#inner>(&raw, explain).map(#make), }
    });
    let variant_names = variants
        .iter()
        .map(|v| v.rust_name.trim_start_matches("r#"));
    let union_name = &def.name;
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        #serialize
        #[allow(clippy::large_enum_variant)] // unboxed, so variants match like their types
        pub enum #name { #(#rendered)* }
        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use crate::support::Shape;
                const SHAPES: &[Shape] = &[#(#shapes),*];
                const VARIANTS: &[&str] = &[#(#variant_names),*];
                let raw = <::std::boxed::Box<::serde_json::value::RawValue> as ::serde::Deserialize>::deserialize(deserializer)?;
                crate::support::pick_variant(#union_name, VARIANTS, crate::support::candidates(&raw, SHAPES), |index, explain| {
                    ::std::option::Option::Some(match index {
                        #(#arms)*
                        _ => return ::std::option::Option::None,
                    })
                })
            }
        }
        #empty
    }
}

/// A union variant's payload type: boxed when the variant leads back to the union.
fn variant_ty(v: &UnionVariant) -> TokenStream {
    let inner = ty(&v.ty);
    if v.boxed {
        quote! { ::std::boxed::Box<#inner> }
    } else {
        inner
    }
}

/// A decoded value as a variant's payload (`Box::new(value)` for a boxed variant).
fn wrap(v: &UnionVariant, value: TokenStream) -> TokenStream {
    if v.boxed {
        quote! { ::std::boxed::Box::new(#value) }
    } else {
        value
    }
}

/// The `support::Shape` of a variant's type, for choosing the variant to decode.
fn shape(t: &TypeRef, api: &Api) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::DateTime => quote! { Shape::String },
        TypeRef::Integer | TypeRef::Integer32 | TypeRef::Number => quote! { Shape::Number },
        TypeRef::Boolean => quote! { Shape::Bool },
        TypeRef::Array(_) => quote! { Shape::Array },
        TypeRef::Map(_) => quote! { Shape::AnyObject },
        TypeRef::Json => quote! { Shape::Any },
        TypeRef::Named(name) => match api.types.iter().find(|d| &d.name == name).map(|d| &d.kind) {
            Some(TypeKind::Struct(fields)) => {
                let wires = fields.iter().map(|f| &f.wire_name);
                quote! { Shape::Object(&[#(#wires),*]) }
            }
            Some(TypeKind::Enum(_)) => quote! { Shape::String },
            Some(TypeKind::Alias(target)) => shape(target, api),
            _ => quote! { Shape::Any },
        },
    }
}
