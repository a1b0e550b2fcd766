//! Named types → Rust structs, enums, unions and aliases with serde attributes.

use super::docs;
use super::{cfg_attr, ident, ty};
use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef, UnionVariant};
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
            quote! {
                #doc
                #cfg
                #[derive(Clone, Debug, Default, PartialEq)]
                #serialize
                pub struct #name { #(#rendered)* }
                #cfg
                #deserialize
            }
        }
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
        TypeKind::Struct(_) => doc.push_str(
            "\n\nEvery field is optional: servers omit fields freely, and a missing or `null` \
             field decodes as `None`. Unknown fields are ignored. Values of another JSON kind \
             follow the crate's [decoding policy](crate#decoding-policy).",
        ),
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

fn field(f: &Field, sent: bool) -> TokenStream {
    let name = ident(&f.rust_name);
    let inner = ty(&f.ty);
    let inner = if f.boxed {
        quote! { ::std::boxed::Box<#inner> }
    } else {
        inner
    };
    let mut doc = docs::lead(f.description.as_deref());
    doc.push_str(&format!("JSON key `{}`.", f.wire_name));
    if f.required {
        doc.push_str(" Required in requests.");
    }
    let doc = docs::attrs(&doc);
    let plain = f.rust_name.trim_start_matches("r#");
    let rename = if plain != f.wire_name {
        let wire = &f.wire_name;
        quote! { rename = #wire, }
    } else {
        quote! {}
    };
    // These serde attributes serve the `Serialize` derive only (decoding is generated below).
    let serde = quote! { serde(#rename skip_serializing_if = "::std::option::Option::is_none") };
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

/// A lean `Deserialize` for a struct: one pass over the object's keys, each known key decoded
/// into its (optional) field, unknown keys skipped, missing ones left `None`. It is a fraction
/// of the code of serde's derive (no field enum, no sequence form, no byte-key matching),
/// which matters across hundreds of schemas.
fn struct_deserialize(def: &TypeDef, fields: &[Field]) -> TokenStream {
    let name = ident(&def.name);
    let arms = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        // Scalars (and lists or maps of them) go through the decoding policy of
        // `support::Lenient`; named types and free-form JSON decode themselves.
        if !f.boxed && lenient(&f.ty) {
            quote! { #wire => value.#field = crate::support::lenient(&mut map)?, }
        } else {
            quote! { #wire => value.#field = map.next_value()?, }
        }
    });
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
                        let mut value = #name::default();
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
    let rendered = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let inner = ty(&v.ty);
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
                        crate::support::ArrayOrObject::Array(value) => Self::#array_variant(value),
                        crate::support::ArrayOrObject::Object(value) => Self::#object_variant(value),
                    })
                }
            }
        };
    }
    // Otherwise: buffer the value, then try the variants that fit its JSON kind, the struct
    // knowing most of the object's keys first (see `support::candidates`).
    let shapes = variants.iter().map(|v| shape(&v.ty, api));
    let arms = variants.iter().enumerate().map(|(index, v)| {
        let variant = ident(&v.rust_name);
        let inner = ty(&v.ty);
        quote! { #index => crate::support::decode_variant::<#inner>(&raw, explain).map(Self::#variant), }
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
    }
}

/// The `support::Shape` of a variant's type, for choosing the variant to decode.
fn shape(t: &TypeRef, api: &Api) -> TokenStream {
    match t {
        TypeRef::String | TypeRef::DateTime => quote! { Shape::String },
        TypeRef::Integer | TypeRef::Number => quote! { Shape::Number },
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
