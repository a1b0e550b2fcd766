//! Rust names for spec names: case conversion, keywords and collisions.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Keywords that can be raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
/// Keywords that cannot be raw identifiers: they get a trailing underscore.
const NO_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A snake_case value identifier (field, argument, method) for a spec name.
///
/// `_id` → `id`, `join-origin` → `join_origin`, `type` → `r#type`, `3d` → `field_3d`.
pub fn snake(name: &str) -> String {
    let mut s = name.to_snake_case();
    if s.is_empty() {
        s = "field".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("field_{s}");
    }
    keyword_safe(s)
}

/// An UpperCamelCase type or variant identifier for a spec name.
///
/// `ContainerType` stays, `slim-containers` → `SlimContainers`, `3T` → `V3t`, `` → `Empty`.
pub fn pascal(name: &str) -> String {
    let mut s = name.to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    keyword_safe(s)
}

fn keyword_safe(s: String) -> String {
    if NO_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if RAW_OK.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Hands out unique names within one scope: a taken name gets `_2`, `_3`, … (or `2`, `3`
/// for UpperCamelCase names).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Returns `wanted`, or the first free numbered form of it, and marks it taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let base = wanted.trim_start_matches("r#");
        let sep = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Whether a name is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_handles_wire_names_and_keywords() {
        assert_eq!(snake("_id"), "id");
        assert_eq!(snake("join-origin"), "join_origin");
        assert_eq!(snake("x-accept-feature"), "x_accept_feature");
        assert_eq!(snake("acquisitionId"), "acquisition_id");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("3d"), "field_3d");
        assert_eq!(snake("getConfigJs"), "get_config_js");
    }

    #[test]
    fn pascal_handles_values() {
        assert_eq!(pascal("slim-containers"), "SlimContainers");
        assert_eq!(pascal("json_flat"), "JsonFlat");
        assert_eq!(pascal("3T"), "V3t");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("Self"), "Self_");
    }

    #[test]
    fn scope_numbers_collisions() {
        let mut scope = Scope::with_reserved(&["send"]);
        assert_eq!(scope.claim("send"), "send_2");
        assert_eq!(scope.claim("id"), "id");
        assert_eq!(scope.claim("id"), "id_2");
        assert_eq!(scope.claim("Page"), "Page");
        assert_eq!(scope.claim("Page"), "Page2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type_2");
    }
}
