//! Whole-API passes after lowering: pagination, recursion boxing, tag reachability.

use crate::error::Problem;
use crate::ir::{
    Api, Body, IdAccess, Location, Operation, Pagination, PartKind, Response, TypeDef, TypeKind,
    TypeRef,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Array fields that hold the items of a page envelope, in order of preference.
const ENVELOPE_FIELDS: &[&str] = &["results", "jobs"];

pub(crate) fn finish(api: &mut Api) {
    let index: HashMap<String, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    for op in &mut api.operations {
        op.pagination = pagination(op, &api.types, &index);
    }
    box_cycles(&mut api.types, &index);
    mark_tags(api, &index);
}

fn resolve<'t>(
    ty: &'t TypeRef,
    types: &'t [TypeDef],
    index: &HashMap<String, usize>,
) -> &'t TypeRef {
    let mut current = ty;
    for _ in 0..types.len() + 1 {
        match current {
            TypeRef::Named(name) => match &types[index[name]].kind {
                TypeKind::Alias(target) => current = target,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

fn kind_of<'t>(
    ty: &TypeRef,
    types: &'t [TypeDef],
    index: &HashMap<String, usize>,
) -> Option<&'t TypeKind> {
    match resolve(ty, types, index) {
        TypeRef::Named(name) => Some(&types[index[name]].kind),
        _ => None,
    }
}

fn pagination(
    op: &Operation,
    types: &[TypeDef],
    index: &HashMap<String, usize>,
) -> Option<Pagination> {
    let has = |name: &str| {
        op.params
            .iter()
            .any(|p| p.location == Location::Query && p.name == name)
    };
    if !(has("limit") && has("after_id")) {
        return None;
    }
    let Response::Json(ty) = &op.response else {
        return None;
    };
    let (item, envelope_field) = page_item(ty, types, index)?;
    let cursor_field = op.page_cursor.clone().unwrap_or_else(|| "_id".to_owned());
    let id = id_access(&item, &cursor_field, types, index);
    Some(Pagination {
        item,
        envelope_field,
        cursor_field,
        id,
    })
}

/// The item type of a list response, and the envelope's array field.
fn page_item(
    ty: &TypeRef,
    types: &[TypeDef],
    index: &HashMap<String, usize>,
) -> Option<(TypeRef, String)> {
    let resolved = resolve(ty, types, index);
    if let TypeRef::Array(item) = resolved {
        return Some(((**item).clone(), ENVELOPE_FIELDS[0].to_owned()));
    }
    match kind_of(resolved, types, index)? {
        TypeKind::Union(variants) => {
            // The first bare-array variant gives the item type (a list may be served in two
            // shapes; all fields are optional, so the first decodes either).
            let item = variants
                .iter()
                .find_map(|v| match resolve(&v.ty, types, index) {
                    TypeRef::Array(item) => Some((**item).clone()),
                    _ => None,
                });
            let envelope = variants
                .iter()
                .find_map(|v| envelope_field(&v.ty, types, index));
            match (item, envelope) {
                (Some(item), Some((_, field))) => Some((item, field)),
                (Some(item), None) => Some((item, ENVELOPE_FIELDS[0].to_owned())),
                (None, Some((item, field))) => Some((item, field)),
                (None, None) => None,
            }
        }
        TypeKind::Struct(_) => envelope_field(resolved, types, index),
        _ => None,
    }
}

fn envelope_field(
    ty: &TypeRef,
    types: &[TypeDef],
    index: &HashMap<String, usize>,
) -> Option<(TypeRef, String)> {
    let Some(TypeKind::Struct(fields)) = kind_of(ty, types, index) else {
        return None;
    };
    ENVELOPE_FIELDS.iter().find_map(|wanted| {
        fields
            .iter()
            .find(|f| f.wire_name == *wanted)
            .and_then(|f| match resolve(&f.ty, types, index) {
                TypeRef::Array(item) => Some(((**item).clone(), f.wire_name.clone())),
                _ => None,
            })
    })
}

/// How to read `cursor_field` (a wire name, `_id` by default) of a listed item.
fn id_access(
    item: &TypeRef,
    cursor_field: &str,
    types: &[TypeDef],
    index: &HashMap<String, usize>,
) -> IdAccess {
    let id_field = |ty: &TypeRef| -> Option<String> {
        match kind_of(ty, types, index) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .find(|f| f.wire_name == cursor_field && f.ty == TypeRef::String)
                .map(|f| f.rust_name.clone()),
            _ => None,
        }
    };
    if let TypeRef::Json = resolve(item, types, index) {
        return IdAccess::JsonKey;
    }
    if let Some(field) = id_field(item) {
        return IdAccess::Field(field);
    }
    if let Some(TypeKind::Union(variants)) = kind_of(item, types, index) {
        let fields: Option<Vec<(String, String)>> = variants
            .iter()
            .map(|v| id_field(&v.ty).map(|f| (v.rust_name.clone(), f)))
            .collect();
        if let Some(fields) = fields {
            return IdAccess::UnionFields(fields);
        }
    }
    IdAccess::None
}

/// Named types a type mentions directly (not behind a `Vec` or map, which already box).
fn direct_names(ty: &TypeRef, out: &mut Vec<String>) {
    if let TypeRef::Named(name) = ty {
        out.push(name.clone());
    }
}

fn box_cycles(types: &mut [TypeDef], index: &HashMap<String, usize>) {
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut names = Vec::new();
            match &t.kind {
                TypeKind::Struct(fields) => {
                    fields.iter().for_each(|f| direct_names(&f.ty, &mut names))
                }
                TypeKind::Union(variants) => variants
                    .iter()
                    .for_each(|v| direct_names(&v.ty, &mut names)),
                TypeKind::Tagged(tagged) => tagged
                    .variants
                    .iter()
                    .for_each(|v| direct_names(&v.ty, &mut names)),
                TypeKind::Alias(target) => direct_names(target, &mut names),
                TypeKind::Enum(_) => {}
            }
            names.iter().map(|n| index[n]).collect()
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node) {
                stack.extend(edges[node].iter().copied());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let members: Vec<&TypeRef> = match &t.kind {
            TypeKind::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(variants) => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::Tagged(_) => continue,
        };
        for (j, ty) in members.into_iter().enumerate() {
            if let TypeRef::Named(name) = ty
                && reaches(index[name], i)
            {
                to_box.push((i, j));
            }
        }
    }
    for (i, j) in to_box {
        match &mut types[i].kind {
            TypeKind::Struct(fields) => fields[j].boxed = true,
            TypeKind::Union(variants) => variants[j].boxed = true,
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::Tagged(_) => {}
        }
    }
}

/// Cycles made of aliases alone (`A: $ref B`, `B: $ref A`, or `A` an array of `A`): no type
/// on them is ever defined, and Rust rejects a type alias that expands into itself. One
/// problem per cycle, at the schema of its first type.
pub(crate) fn alias_cycles(types: &[TypeDef]) -> Vec<Problem> {
    let index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    // An alias names at most one type (directly or as the item of an array or map).
    let next = |i: usize| -> Option<usize> {
        let TypeKind::Alias(target) = &types[i].kind else {
            return None;
        };
        let mut inner = target;
        while let TypeRef::Array(item) | TypeRef::Map(item) = inner {
            inner = item;
        }
        match inner {
            TypeRef::Named(name) => index.get(name.as_str()).copied(),
            _ => None,
        }
    };
    let mut done = vec![false; types.len()];
    let mut problems = Vec::new();
    for start in 0..types.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            if done[i] {
                break;
            }
            if let Some(at) = path.iter().position(|&p| p == i) {
                let cycle = &path[at..];
                let first = cycle.iter().copied().min().unwrap_or(i);
                let from = cycle.iter().position(|&p| p == first).unwrap_or(0);
                let names: Vec<&str> = cycle[from..]
                    .iter()
                    .chain(&cycle[..from])
                    .chain(std::iter::once(&first))
                    .map(|&p| display_name(&types[p]))
                    .collect();
                problems.push(Problem {
                    pointer: types[first].pointer.clone(),
                    message: format!(
                        "alias cycle {}: each of these schemas is only a $ref (or an array or \
                         map of one), so none of them is ever defined; make one of them an \
                         object or a oneOf, or point it at a schema that is",
                        names.join(" → ")
                    ),
                });
                break;
            }
            path.push(i);
            current = next(i);
        }
        for i in path {
            done[i] = true;
        }
    }
    problems
}

/// A type as the maintainer knows it: its schema name, else its Rust name.
fn display_name(t: &TypeDef) -> &str {
    t.schema_name.as_deref().unwrap_or(&t.name)
}

/// The types a request can contain: reachable from parameters and request bodies.
fn request_roots(op: &Operation) -> Vec<&TypeRef> {
    let mut roots: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    match &op.body {
        Some(Body::Json { ty, .. }) => roots.push(ty),
        Some(Body::Multipart { parts, .. }) => {
            roots.extend(parts.iter().filter_map(|p| match &p.kind {
                PartKind::Json(ty) => Some(ty),
                _ => None,
            }))
        }
        None => {}
    }
    roots
}

/// Indexes of every named type reachable from `roots`, through fields, variants and aliases.
fn reach(roots: &[&TypeRef], types: &[TypeDef], index: &HashMap<String, usize>) -> BTreeSet<usize> {
    let mut stack: Vec<usize> = Vec::new();
    for root in roots {
        named_in(root, index, &mut stack);
    }
    let mut seen = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        match &types[i].kind {
            TypeKind::Struct(fields) => fields
                .iter()
                .for_each(|f| named_in(&f.ty, index, &mut stack)),
            TypeKind::Union(variants) => variants
                .iter()
                .for_each(|v| named_in(&v.ty, index, &mut stack)),
            TypeKind::Tagged(tagged) => tagged
                .variants
                .iter()
                .for_each(|v| named_in(&v.ty, index, &mut stack)),
            TypeKind::Alias(target) => named_in(target, index, &mut stack),
            TypeKind::Enum(_) => {}
        }
    }
    seen
}

fn mark_tags(api: &mut Api, index: &HashMap<String, usize>) {
    let mut marks: Vec<BTreeSet<String>> = vec![BTreeSet::new(); api.types.len()];
    let mut sent = vec![false; api.types.len()];
    for op in &api.operations {
        let requests = request_roots(op);
        for i in reach(&requests, &api.types, index) {
            sent[i] = true;
        }
        let mut roots = requests;
        if let Response::Json(ty) = &op.response {
            roots.push(ty);
        }
        if let Some(p) = &op.pagination {
            roots.push(&p.item);
        }
        for i in reach(&roots, &api.types, index) {
            marks[i].insert(op.tag.clone());
        }
    }
    for (t, sent) in api.types.iter_mut().zip(sent) {
        t.sent = sent;
    }
    // An alias is another name for its target: it exists whenever the target does.
    loop {
        let mut changed = false;
        for (i, t) in api.types.iter().enumerate() {
            if let TypeKind::Alias(target) = &t.kind {
                let mut targets = Vec::new();
                named_in(target, index, &mut targets);
                for j in targets {
                    let missing: Vec<String> = marks[j].difference(&marks[i]).cloned().collect();
                    if !missing.is_empty() {
                        marks[i].extend(missing);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (t, tags) in api.types.iter_mut().zip(marks) {
        t.tags = tags;
    }
}

fn named_in(ty: &TypeRef, index: &HashMap<String, usize>, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(name) => out.push(index[name]),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, index, out),
        _ => {}
    }
}
