//! Stage 1: parse the spec text into `openapiv3` types, with pointer-bearing errors.

use crate::error::{Error, Problem, child};
use openapiv3::OpenAPI;

/// The spec's bytes as text, or an error giving the line, column and byte offset of the
/// first byte that is not UTF-8 (an editor's save in another encoding, a pasted character).
pub fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, as editors do.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Error::single(
            file,
            "#",
            format!(
                "line {line} column {column} (byte {}): not valid UTF-8 (byte 0x{:02x}); save the \
                 spec as UTF-8",
                e.valid_up_to(),
                bytes[e.valid_up_to()]
            ),
        )
    })
}

/// Parses YAML (or JSON) text into an OpenAPI 3.0 document.
///
/// Syntax errors report the line and column; structural errors report the JSON pointer
/// of the value that does not fit the OpenAPI schema.
pub fn load(text: &str, file: &str) -> Result<OpenAPI, Error> {
    check_depth(text, file)?;
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let message = e.to_string();
        let (at, message) = match e.location() {
            Some(l) => {
                let at = format!(" at line {} column {}", l.line(), l.column());
                let message = message.strip_suffix(&at).unwrap_or(&message).to_owned();
                (
                    format!("line {} column {}: ", l.line(), l.column()),
                    message,
                )
            }
            None => (String::new(), message),
        };
        Error::single(file, "#", format!("{at}not valid YAML: {message}"))
    })?;
    check_version(&value, file)?;
    let problems = check_raw(&value);
    if !problems.is_empty() {
        return Err(Error {
            file: file.to_owned(),
            problems,
        });
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(value.clone()).map_err(|e| {
        // `openapiv3` parses path items and schemas through untagged enums, which hide where
        // inside them the problem is; parsing the pieces one by one finds the deepest pointer.
        let (pointer, message) =
            locate(&value).unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        Error::single(
            file,
            pointer,
            format!("does not fit OpenAPI 3.0: {message}"),
        )
    })
}

/// Nesting the YAML parser refuses anyway (its recursion limit); checked first because the
/// parser takes time quadratic in the depth before it gives up.
const MAX_DEPTH: usize = 128;

/// Rejects flow collections (`[[[…`, `{a: {a: …`) and compact block sequences (`- - - …`)
/// nested deeper than [`MAX_DEPTH`], in one linear pass over the text.
fn check_depth(text: &str, file: &str) -> Result<(), Error> {
    let too_deep = |line: usize, column: usize| {
        Err(Error::single(
            file,
            "#",
            format!(
                "line {line} column {column}: nested more than {MAX_DEPTH} levels deep; the \
                 generator reads specs nested up to {MAX_DEPTH} levels (is a bracket doubled?)"
            ),
        ))
    };
    let mut depth = 0usize; // open flow collections
    let mut quote: Option<char> = None; // inside a quoted scalar within a flow collection
    for (index, line) in text.lines().enumerate() {
        // (column counted in characters, as editors do; character)
        let mut chars = line.chars().enumerate().peekable();
        let mut block_depth = 0usize;
        let mut value_start = depth == 0;
        let mut after_space = true;
        while let Some((column, c)) = chars.next() {
            let space_before = std::mem::replace(&mut after_space, c == ' ' || c == '\t');
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '#' if depth == 0 || space_before => break,
                '[' | '{' if depth > 0 || value_start => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return too_deep(index + 1, column + 1);
                    }
                }
                ']' | '}' if depth > 0 => depth -= 1,
                '"' | '\'' if depth > 0 => quote = Some(c),
                ' ' | '\t' => continue,
                '-' | '?' | ':' if depth == 0 && chars.peek().is_none_or(|(_, n)| *n == ' ') => {
                    if c != ':' && value_start {
                        block_depth += 1;
                        if block_depth > MAX_DEPTH {
                            return too_deep(index + 1, column + 1);
                        }
                    }
                    value_start = true;
                    continue;
                }
                _ => {}
            }
            value_start = depth > 0;
        }
    }
    Ok(())
}

/// Parses each path item and component alone and reports the first that fails.
fn locate(value: &serde_yaml::Value) -> Option<(String, String)> {
    use openapiv3::{Parameter, PathItem, RequestBody, Response, Schema};
    fn each<T: serde::de::DeserializeOwned>(
        map: Option<&serde_yaml::Value>,
        prefix: &[&str],
    ) -> Option<(String, String)> {
        let map = map?.as_mapping()?;
        for (key, item) in map {
            let key = key.as_str().unwrap_or_default();
            if item.get("$ref").is_some() {
                continue;
            }
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(item.clone()) {
                let mut segments: Vec<&str> = prefix.to_vec();
                segments.push(key);
                let base = crate::error::pointer(&segments);
                let inner = path_to_pointer(e.path());
                return Some((format!("{base}{}", &inner[1..]), e.inner().to_string()));
            }
        }
        None
    }
    let components = value.get("components");
    each::<PathItem>(value.get("paths"), &["paths"])
        .or_else(|| {
            each::<Schema>(
                components.and_then(|c| c.get("schemas")),
                &["components", "schemas"],
            )
        })
        .or_else(|| {
            each::<Parameter>(
                components.and_then(|c| c.get("parameters")),
                &["components", "parameters"],
            )
        })
        .or_else(|| {
            each::<Response>(
                components.and_then(|c| c.get("responses")),
                &["components", "responses"],
            )
        })
        .or_else(|| {
            each::<RequestBody>(
                components.and_then(|c| c.get("requestBodies")),
                &["components", "requestBodies"],
            )
        })
}

/// Keywords of the OpenAPI 3.0 Schema Object.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// Checks that `openapiv3` would accept silently but that are mistakes: a `$ref` that is not
/// a string, and an unknown keyword in a schema (`tpye: string`, `ref: …`), which would
/// otherwise read as a free-form schema.
fn check_raw(value: &serde_yaml::Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(value, "#", false, &mut problems);
    problems
}

fn walk(value: &serde_yaml::Value, at: &str, is_schema: bool, problems: &mut Vec<Problem>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, item) in map {
                let key = match key {
                    serde_yaml::Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                let here = child(at, &key);
                if key == "$ref" && !item.is_string() {
                    problems.push(Problem {
                        pointer: here.clone(),
                        message: "$ref must be a string such as '#/components/schemas/Name'".into(),
                    });
                }
                if is_schema && !key.starts_with("x-") && !SCHEMA_KEYWORDS.contains(&key.as_str()) {
                    problems.push(Problem {
                        pointer: here.clone(),
                        message: format!(
                            "`{key}` is not a schema keyword of OpenAPI 3.0{}",
                            did_you_mean(&key, SCHEMA_KEYWORDS)
                        ),
                    });
                }
                if is_schema && key == "type" {
                    match item {
                        serde_yaml::Value::String(t) if SCHEMA_TYPES.contains(&t.as_str()) => {}
                        serde_yaml::Value::String(t) => problems.push(Problem {
                            pointer: here.clone(),
                            message: format!(
                                "unknown type `{t}`{}",
                                match did_you_mean(t, SCHEMA_TYPES).as_str() {
                                    "" => format!("; use one of {}", SCHEMA_TYPES.join(", ")),
                                    hint => hint.to_owned(),
                                }
                            ),
                        }),
                        _ => problems.push(Problem {
                            pointer: here.clone(),
                            message: format!(
                                "`type` must be one word of {} (OpenAPI 3.0 has no type lists; \
                                 use `nullable: true` for null)",
                                SCHEMA_TYPES.join(", ")
                            ),
                        }),
                    }
                }
                // Which children are schemas themselves.
                match (is_schema, key.as_str()) {
                    (_, "schema") => walk(item, &here, item.is_mapping(), problems),
                    (true, "items" | "not" | "additionalProperties") => {
                        walk(item, &here, item.is_mapping(), problems)
                    }
                    (true, "properties") => each_schema(item, &here, problems),
                    (true, "allOf" | "oneOf" | "anyOf") => {
                        if let serde_yaml::Value::Sequence(list) = item {
                            for (i, member) in list.iter().enumerate() {
                                walk(
                                    member,
                                    &child(&here, &i.to_string()),
                                    member.is_mapping(),
                                    problems,
                                );
                            }
                        }
                    }
                    (
                        true,
                        "example" | "default" | "enum" | "required" | "discriminator" | "xml"
                        | "externalDocs",
                    ) => {}
                    _ if at == "#/components" && key == "schemas" => {
                        each_schema(item, &here, problems)
                    }
                    _ => walk(item, &here, false, problems),
                }
            }
        }
        serde_yaml::Value::Sequence(list) => {
            for (i, item) in list.iter().enumerate() {
                walk(item, &child(at, &i.to_string()), false, problems);
            }
        }
        _ => {}
    }
}

fn each_schema(map: &serde_yaml::Value, at: &str, problems: &mut Vec<Problem>) {
    if let serde_yaml::Value::Mapping(map) = map {
        for (key, item) in map {
            let key = key.as_str().unwrap_or_default();
            walk(item, &child(at, key), item.is_mapping(), problems);
        }
    }
}

fn check_version(value: &serde_yaml::Value, file: &str) -> Result<(), Error> {
    let fail = |message: String| Err(Error::single(file, "#/openapi", message));
    match value.get("openapi") {
        Some(serde_yaml::Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(serde_yaml::Value::String(v)) if v == "3.0" => fail(format!(
            "OpenAPI version {v:?} needs its patch number: write `openapi: 3.0.3`"
        )),
        Some(serde_yaml::Value::String(v)) => fail(format!(
            "OpenAPI version {v:?} is not supported; the generator reads 3.0.x (`openapi: 3.0.3`)"
        )),
        // `openapi: 3.0` unquoted is a YAML number.
        Some(serde_yaml::Value::Number(n)) => fail(format!(
            "`openapi: {n}` is read as a number; write the version as a string with its patch \
             number: `openapi: 3.0.3`"
        )),
        Some(_) => fail("`openapi` must be a version string: `openapi: 3.0.3`".to_owned()),
        None if value.as_mapping().is_none() => Err(Error::single(
            file,
            "#",
            "the spec must be a mapping (`openapi: 3.0.3`, `info`, `paths`, …)",
        )),
        None => fail("missing `openapi: 3.0.3` version field".to_owned()),
    }
}

/// The values `type` may take in an OpenAPI 3.0 schema.
const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// ` (did you mean `x`?)` when a known word is within two edits of `word`.
pub(crate) fn did_you_mean(word: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance (inputs are short keywords; case is ignored).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for segment in path.iter() {
        let text = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        out.push('/');
        out.push_str(&text.replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_error_names_line() {
        let err = load("openapi: 3.0.3\ninfo: [unclosed\n", "x.yaml").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x.yaml: #: line "), "{text}");
    }

    #[test]
    fn non_string_refs_and_unknown_schema_keywords_are_rejected() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 42}\n    B: {ref: '#/components/schemas/A'}\n    C:\n      type: object\n      properties:\n        x: {tpye: string}\n        y: {type: string, x-note: fine}\n";
        let err = load(text, "x.yaml").unwrap_err();
        let pointers: Vec<&str> = err.problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/A/$ref",
                "#/components/schemas/B/ref",
                "#/components/schemas/C/properties/x/tpye"
            ],
            "{err}"
        );
    }

    #[test]
    fn wrong_version_is_rejected() {
        let err = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "x.yaml",
        )
        .unwrap_err();
        assert_eq!(err.problems[0].pointer, "#/openapi");
    }

    #[test]
    fn structural_error_has_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let err = load(text, "x.yaml").unwrap_err();
        assert!(
            err.problems[0].pointer.starts_with("#/paths/~1a/get"),
            "{err}"
        );
    }
}
