//! Schemas → named types and type references.

use super::{Ctx, component_name};
use crate::error::child;
use crate::ir::{
    EnumValue, Field, Tagged, TaggedVariant, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::names::{self, Scope};
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::borrow::Borrow;
use std::collections::BTreeSet;

impl Ctx<'_> {
    /// First pass: give every component schema its Rust name, so references resolve in any order.
    pub(crate) fn declare_component_schemas(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for name in components.schemas.keys() {
            let rust = self.type_names.claim(&names::pascal(name));
            let index = self.types.len();
            self.types.push(TypeDef {
                name: rust,
                schema_name: Some(name.clone()),
                pointer: crate::error::pointer(&["components", "schemas", name]),
                description: None,
                kind: TypeKind::Alias(TypeRef::Json),
                tags: BTreeSet::new(),
                sent: false,
            });
            self.components.insert(name.clone(), index);
        }
    }

    /// Second pass: lower each component schema's shape.
    pub(crate) fn lower_component_schemas(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        // Page envelopes (`x-flywheel-page`) first: a union anywhere may specialise them.
        let is_page = |schema: &ReferenceOr<Schema>| match schema {
            ReferenceOr::Item(s) => s.schema_data.extensions.contains_key("x-flywheel-page"),
            ReferenceOr::Reference { .. } => false,
        };
        let pages = components.schemas.iter().filter(|(_, s)| is_page(s));
        let others = components.schemas.iter().filter(|(_, s)| !is_page(s));
        for (name, schema) in pages.chain(others) {
            let index = self.components[name];
            let rust = self.types[index].name.clone();
            let pointer = self.types[index].pointer.clone();
            let (kind, description) = match schema {
                ReferenceOr::Reference { reference } => {
                    (TypeKind::Alias(self.schema_ref(reference, &pointer)), None)
                }
                ReferenceOr::Item(schema) => (
                    self.shape(schema, &pointer, &rust),
                    schema.schema_data.description.clone(),
                ),
            };
            self.types[index].kind = kind;
            self.types[index].description = description;
        }
    }

    /// The shape of a schema that has a name of its own.
    fn shape(&mut self, schema: &Schema, pointer: &str, name: &str) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                TypeKind::Enum(enum_values(&s.enumeration))
            }
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                if matches!(
                    &o.additional_properties,
                    Some(AdditionalProperties::Schema(_))
                ) {
                    self.problems.push(
                        child(pointer, "additionalProperties"),
                        "an object with both properties and an additionalProperties schema is \
                         not supported",
                    );
                }
                TypeKind::Struct(self.fields(o, pointer, name))
            }
            SchemaKind::OneOf { one_of } => {
                if let Some(discriminator) = &schema.schema_data.discriminator {
                    return self.tagged(schema, discriminator, one_of, pointer, name);
                }
                let members = self.union_members(one_of, pointer, name);
                match collapse(members) {
                    Collapsed::One(ty) => TypeKind::Alias(ty),
                    Collapsed::Many(written) => {
                        let types = self.typed_pages(&written, pointer);
                        TypeKind::Union(typed_variants(&written, &types))
                    }
                }
            }
            _ => TypeKind::Alias(self.inline(schema, pointer, name)),
        }
    }

    fn fields(&mut self, o: &openapiv3::ObjectType, pointer: &str, owner: &str) -> Vec<Field> {
        // Wire names that are already Rust names keep them (`id`); others yield (`_id` → `id_2`).
        let mut scope = Scope::default();
        for wire in o.properties.keys() {
            let rust = names::snake(wire);
            if rust == *wire {
                scope.claim(&rust);
            }
        }
        let properties = child(pointer, "properties");
        o.properties
            .iter()
            .map(|(wire, schema)| {
                let at = child(&properties, wire);
                let hint = format!("{owner}{}", names::pascal(wire).trim_start_matches("r#"));
                let description = match schema {
                    ReferenceOr::Item(s) => s.schema_data.description.clone(),
                    ReferenceOr::Reference { .. } => None,
                };
                let ty = self.type_ref(schema, &at, &hint);
                Field {
                    wire_name: wire.clone(),
                    rust_name: {
                        let rust = names::snake(wire);
                        if rust == *wire {
                            rust
                        } else {
                            scope.claim(&rust)
                        }
                    },
                    ty,
                    required: o.required.contains(wire),
                    boxed: false,
                    description,
                }
            })
            .collect()
    }

    /// A reference to the type of a schema, defining a named type for inline enums, objects
    /// and unions (named after `hint`). Takes `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
    pub(crate) fn type_ref<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.inline(schema.borrow(), pointer, hint),
        }
    }

    pub(crate) fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        match component_name(reference, "schemas") {
            Ok(name) => match self.components.get(&*name) {
                Some(&index) => TypeRef::Named(self.types[index].name.clone()),
                None => {
                    self.problems.push(
                        child(pointer, "$ref"),
                        format!("$ref {reference:?} does not resolve: no schema named {name:?}"),
                    );
                    TypeRef::Json
                }
            },
            Err(message) => {
                self.problems.push(child(pointer, "$ref"), message);
                TypeRef::Json
            }
        }
    }

    /// An inline schema's type.
    pub(crate) fn inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if !s.enumeration.is_empty() {
                    let kind = TypeKind::Enum(enum_values(&s.enumeration));
                    return self.define(hint, pointer, schema, kind);
                }
                match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => {
                        self.problems.push(
                            pointer.to_owned(),
                            "`format: binary` is only supported as a multipart file part or an \
                             application/octet-stream response",
                        );
                        TypeRef::String
                    }
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::Integer32,
                _ => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item_hint = format!("{hint}Item");
                    TypeRef::Array(Box::new(self.type_ref(
                        items,
                        &child(pointer, "items"),
                        &item_hint,
                    )))
                }
                None => {
                    self.problems
                        .push(pointer.to_owned(), "an array schema needs `items`");
                    TypeRef::Array(Box::new(TypeRef::Json))
                }
            },
            SchemaKind::Type(Type::Object(o)) => {
                if !o.properties.is_empty() {
                    let kind = self.shape(schema, pointer, hint);
                    return self.define(hint, pointer, schema, kind);
                }
                match &o.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => {
                        let value_hint = format!("{hint}Value");
                        let at = child(pointer, "additionalProperties");
                        TypeRef::Map(Box::new(self.type_ref(value, &at, &value_hint)))
                    }
                    _ => TypeRef::Json,
                }
            }
            SchemaKind::OneOf { one_of } => {
                if schema.schema_data.discriminator.is_some() {
                    return self.unsupported(
                        pointer,
                        "an inline oneOf with a discriminator (give it a component schema)",
                    );
                }
                let members = self.union_members(one_of, pointer, hint);
                match collapse(members) {
                    Collapsed::One(ty) => ty,
                    Collapsed::Many(written) => {
                        // Variants are named for the members as written (`Page`), typed with
                        // the generic page envelope specialised to the listed item.
                        let types = self.typed_pages(&written, pointer);
                        if let Some(name) = self.inline_unions.get(&types) {
                            return TypeRef::Named(name.clone());
                        }
                        // Small unions are named for what they hold (`DownloadTicketStubOrZipfileInfo`),
                        // which reads right wherever they are reused; bigger ones for their first use.
                        let structural = written
                            .iter()
                            .map(variant_name)
                            .collect::<Vec<_>>()
                            .join("Or");
                        let short = written.len() <= 3 && structural.len() <= 48;
                        let name = if short { structural.as_str() } else { hint };
                        let kind = TypeKind::Union(typed_variants(&written, &types));
                        let ty = self.define(name, pointer, schema, kind);
                        if let TypeRef::Named(name) = &ty {
                            self.inline_unions.insert(types, name.clone());
                        }
                        ty
                    }
                }
            }
            SchemaKind::AllOf { .. } => self.unsupported(pointer, "allOf"),
            SchemaKind::AnyOf { .. } => self.unsupported(pointer, "anyOf (use oneOf)"),
            SchemaKind::Not { .. } => self.unsupported(pointer, "not"),
            SchemaKind::Any(any) => {
                if *any == openapiv3::AnySchema::default() {
                    TypeRef::Json
                } else {
                    self.unsupported(
                        pointer,
                        "a schema mixing several kinds (type with oneOf, …)",
                    )
                }
            }
        }
    }

    fn unsupported(&mut self, pointer: &str, what: &str) -> TypeRef {
        self.problems.push(
            pointer.to_owned(),
            format!("{what} is not supported by the generator"),
        );
        TypeRef::Json
    }

    fn union_members(
        &mut self,
        one_of: &[ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
    ) -> Vec<TypeRef> {
        let at = child(pointer, "oneOf");
        let members: Vec<TypeRef> = one_of
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let member_hint = format!("{hint}Variant{}", i + 1);
                self.type_ref(member, &child(&at, &i.to_string()), &member_hint)
            })
            .collect();
        if members.is_empty() {
            self.problems.push(at, "oneOf needs at least one schema");
        }
        // A string enum keeps unknown values, so `oneOf: [Enum, string]` is just the enum.
        let enums: Vec<&TypeRef> = members
            .iter()
            .filter(|m| matches!(m, TypeRef::Named(n) if self.is_enum(n)))
            .collect();
        if enums.len() == 1 && members.len() == 2 && members.contains(&TypeRef::String) {
            return vec![enums[0].clone()];
        }
        members
    }

    /// A discriminated union: one variant per `mapping` entry, picked by the property (or the
    /// `x-flywheel-discriminator-fallback` property when it is absent).
    fn tagged(
        &mut self,
        schema: &Schema,
        discriminator: &openapiv3::Discriminator,
        one_of: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> TypeKind {
        let at = child(pointer, "discriminator");
        // The members are checked (references resolve), but the mapping names the variants.
        let members = self.union_members(one_of, pointer, name);
        if discriminator.mapping.is_empty() {
            self.problems.push(
                child(&at, "mapping"),
                "a discriminator needs a `mapping` (value → schema) for the generator",
            );
        }
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (value, reference) in &discriminator.mapping {
            let ty = self.schema_ref(reference, &child(&child(&at, "mapping"), value));
            if !members.contains(&ty) {
                self.problems.push(
                    child(&child(&at, "mapping"), value),
                    format!("the mapping target {reference:?} is not one of the oneOf schemas"),
                );
            }
            let mut rust = names::pascal(value);
            if rust == "Unknown" {
                rust = "UnknownValue".to_owned();
            }
            variants.push(TaggedVariant {
                value: value.clone(),
                rust_name: scope.claim(&rust),
                ty,
            });
        }
        let fallback = match schema
            .schema_data
            .extensions
            .get("x-flywheel-discriminator-fallback")
        {
            None => None,
            Some(serde_json::Value::String(property)) => Some(property.clone()),
            Some(_) => {
                self.problems.push(
                    child(pointer, "x-flywheel-discriminator-fallback"),
                    "x-flywheel-discriminator-fallback must name a property (a string)",
                );
                None
            }
        };
        TypeKind::Tagged(Tagged {
            property: discriminator.property_name.clone(),
            fallback,
            variants,
        })
    }

    /// Union members with a generic page envelope (a schema marked `x-flywheel-page`) beside
    /// `type: array` of X replaced by the envelope typed for X (`XPage`, defined once per X).
    fn typed_pages(&mut self, members: &[TypeRef], pointer: &str) -> Vec<TypeRef> {
        // The item of a list member, also through an alias (`JobsList` = `type: array`).
        let items: Vec<TypeRef> = members
            .iter()
            .filter_map(|m| match m {
                TypeRef::Array(item) => Some((**item).clone()),
                TypeRef::Named(name) => match self.type_def(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(TypeRef::Array(item))) => Some((**item).clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let [item] = items.as_slice() else {
            return members.to_vec();
        };
        let item = item.clone();
        members
            .iter()
            .map(|member| match self.page_field(member, pointer) {
                Some((page, field)) => self.typed_page(&page, &field, &item),
                None => member.clone(),
            })
            .collect()
    }

    /// For a component schema marked `x-flywheel-page: <field>`: its Rust name and the field.
    fn page_field(&mut self, member: &TypeRef, pointer: &str) -> Option<(String, String)> {
        let TypeRef::Named(name) = member else {
            return None;
        };
        let def = self.type_def(name)?;
        let schema_name = def.schema_name.as_ref()?;
        let schema = self.spec.components.as_ref()?.schemas.get(schema_name)?;
        let ReferenceOr::Item(schema) = schema else {
            return None;
        };
        match schema.schema_data.extensions.get("x-flywheel-page")? {
            serde_json::Value::String(field) => Some((name.clone(), field.clone())),
            _ => {
                self.problems.push(
                    pointer.to_owned(),
                    format!(
                        "x-flywheel-page of schema {schema_name:?} must name its array property"
                    ),
                );
                None
            }
        }
    }

    fn typed_page(&mut self, page: &str, field: &str, item: &TypeRef) -> TypeRef {
        let key = (page.to_owned(), item.clone());
        if let Some(name) = self.typed_pages.get(&key) {
            return TypeRef::Named(name.clone());
        }
        let Some(def) = self.type_def(page).cloned() else {
            return TypeRef::Named(page.to_owned());
        };
        let TypeKind::Struct(mut fields) = def.kind else {
            self.problems.push(
                def.pointer.clone(),
                "x-flywheel-page is only supported on an object schema with properties",
            );
            return TypeRef::Named(page.to_owned());
        };
        match fields.iter_mut().find(|f| f.wire_name == field) {
            Some(f) => f.ty = TypeRef::Array(Box::new(item.clone())),
            None => {
                self.problems.push(
                    def.pointer.clone(),
                    format!("x-flywheel-page names {field:?}, which is not a property"),
                );
                return TypeRef::Named(page.to_owned());
            }
        }
        let name = self
            .type_names
            .claim(&format!("{}{}", variant_name(item), def.name));
        let item_doc = match item {
            TypeRef::Named(n) => format!("[`{n}`](crate::types::{n})"),
            other => format!("`{}`", variant_name(other)),
        };
        self.types.push(TypeDef {
            name: name.clone(),
            schema_name: None,
            pointer: def.pointer.clone(),
            description: Some(format!(
                "A page of {item_doc} items: the envelope `{}` with `{field}` typed by its item \
                 (`x-flywheel-page`).",
                def.schema_name.as_deref().unwrap_or(&def.name)
            )),
            kind: TypeKind::Struct(fields),
            tags: BTreeSet::new(),
            sent: false,
        });
        self.typed_pages.insert(key, name.clone());
        TypeRef::Named(name)
    }

    fn is_enum(&self, name: &str) -> bool {
        // Follows aliases iteratively and at most once per type: an alias cycle (reported by
        // `check_alias_cycles`) must not recurse forever.
        let mut current = name;
        for _ in 0..=self.types.len() {
            match self.type_def(current).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => return true,
                Some(TypeKind::Alias(TypeRef::Named(target))) => current = target,
                _ => return false,
            }
        }
        false
    }

    fn define(&mut self, hint: &str, pointer: &str, schema: &Schema, kind: TypeKind) -> TypeRef {
        let name = self.type_names.claim(&names::pascal(hint));
        self.types.push(TypeDef {
            name: name.clone(),
            schema_name: None,
            pointer: pointer.to_owned(),
            description: schema.schema_data.description.clone(),
            kind,
            tags: BTreeSet::new(),
            sent: false,
        });
        TypeRef::Named(name)
    }
}

enum Collapsed {
    One(TypeRef),
    Many(Vec<TypeRef>),
}

/// Identical members are one; a single member is no union at all.
fn collapse(members: Vec<TypeRef>) -> Collapsed {
    let mut unique: Vec<TypeRef> = Vec::new();
    for member in members {
        if !unique.contains(&member) {
            unique.push(member);
        }
    }
    if unique.len() == 1 {
        Collapsed::One(unique.remove(0))
    } else {
        Collapsed::Many(unique)
    }
}

fn enum_values(values: &[Option<String>]) -> Vec<EnumValue> {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .iter()
        .flatten()
        // A value listed twice is one value (two match arms for it would be unreachable).
        .filter(|wire| seen.insert(wire.as_str()))
        .map(|wire| {
            // `Unknown(String)` is the catch-all for values this client does not know, so a
            // documented value `unknown` becomes `UnknownValue`.
            let mut rust = names::pascal(wire);
            if rust == "Unknown" {
                rust = "UnknownValue".to_owned();
            }
            EnumValue {
                wire: wire.clone(),
                rust_name: scope.claim(&rust),
            }
        })
        .collect()
}

/// Variant names for a union's member types: `AcquisitionOutput`, `FileOutputList`, `String`.
pub(crate) fn variants(types: &[TypeRef]) -> Vec<UnionVariant> {
    let mut scope = Scope::default();
    types
        .iter()
        .map(|ty| UnionVariant {
            rust_name: scope.claim(&variant_name(ty)),
            ty: ty.clone(),
            boxed: false,
        })
        .collect()
}

/// Variants named for the members as written (`Page`), typed as lowered (`ThingPage`).
fn typed_variants(written: &[TypeRef], types: &[TypeRef]) -> Vec<UnionVariant> {
    variants(written)
        .into_iter()
        .zip(types)
        .map(|(v, ty)| UnionVariant {
            ty: ty.clone(),
            ..v
        })
        .collect()
}

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "Integer".into(),
        TypeRef::Integer32 => "Integer32".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Json => "Object".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
    }
}
