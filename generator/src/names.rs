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
    let mut s = ascii_words(name).to_snake_case();
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
    let mut s = ascii_words(name).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    // `Self_` would be a non-camel-case name (a warning); `SelfValue` reads like `UnknownValue`.
    if s == "Self" {
        s = "SelfValue".to_owned();
    }
    keyword_safe(s)
}

/// The name with every character other than an ASCII letter or digit made a word break.
///
/// Identifiers stay ASCII: a letter or digit that Rust does not accept in an identifier
/// (`²`, a non-ASCII digit at the start) would make `proc_macro2` panic, and accepted
/// non-ASCII letters draw `confusable_idents`-style lints. A name left without letters or
/// digits gets the caller's fallback (`field`, `Empty`), and scopes number collisions.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Whether `name` is an identifier the generator may emit: ASCII, `r#` only before a
/// keyword that allows it, not a keyword otherwise, not `_`.
pub fn is_valid_ident(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let well_formed = bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_";
    let keyword = RAW_OK.contains(&bare);
    well_formed && !NO_RAW.contains(&bare) && raw == keyword
}

/// The Cargo feature name for a tag: kebab-case ASCII (`Audit Trail` → `audit-trail`), or
/// `None` when the tag has no ASCII letter or digit.
pub fn feature(tag: &str) -> Option<String> {
    use heck::ToKebabCase;
    let feature = ascii_words(tag).to_kebab_case();
    (!feature.is_empty()).then_some(feature)
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
        // `self_` numbers as `self_2`: a double underscore is not snake case (a warning).
        let base = wanted.trim_start_matches("r#").trim_end_matches('_');
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
        assert_eq!(pascal("Self"), "SelfValue");
        assert_eq!(pascal("m²"), "M");
        assert_eq!(pascal("٣things"), "Things");
        assert_eq!(pascal("😀"), "Empty");
    }

    #[test]
    fn names_stay_ascii_identifiers() {
        assert_eq!(snake("x²"), "x");
        assert_eq!(snake("٣get"), "get");
        assert_eq!(snake("²"), "field");
        assert_eq!(snake("café-au-lait"), "caf_au_lait");
        for name in [
            "x²", "٣", "self", "Self", "_", "type", "r#x", "😀", "a b", "-1",
        ] {
            assert!(is_valid_ident(&snake(name)), "{name} → {}", snake(name));
            assert!(is_valid_ident(&pascal(name)), "{name} → {}", pascal(name));
        }
        assert!(!is_valid_ident("r#x"));
        assert!(!is_valid_ident("self"));
        assert!(!is_valid_ident("x²"));
        assert!(is_valid_ident("r#type"));
    }

    #[test]
    fn features_are_kebab_ascii() {
        assert_eq!(feature("Audit Trail").as_deref(), Some("audit-trail"));
        assert_eq!(feature("things"), feature("Things"));
        assert_eq!(feature("😀"), None);
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
        assert_eq!(scope.claim("self_"), "self_");
        assert_eq!(scope.claim("self_"), "self_2");
    }
}
