//! Stage 1: parse the spec text into `openapiv3` types, with pointer-bearing errors.

use crate::error::Error;
use openapiv3::OpenAPI;

/// Parses YAML (or JSON) text into an OpenAPI 3.0 document.
///
/// Syntax errors report the line and column; structural errors report the JSON pointer
/// of the value that does not fit the OpenAPI schema.
pub fn load(text: &str, file: &str) -> Result<OpenAPI, Error> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {} column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        Error::single(file, "#", format!("{at}not valid YAML: {e}"))
    })?;
    check_version(&value, file)?;
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

fn check_version(value: &serde_yaml::Value, file: &str) -> Result<(), Error> {
    let version = value.get("openapi").and_then(|v| v.as_str());
    match version {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(Error::single(
            file,
            "#/openapi",
            format!("OpenAPI version {v:?} is not supported; the generator reads 3.0.x"),
        )),
        None => Err(Error::single(
            file,
            "#/openapi",
            "missing `openapi: 3.0.x` version field",
        )),
    }
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
