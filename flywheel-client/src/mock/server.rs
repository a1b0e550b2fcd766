//! The mock's request handling: matches a request against the operation table by path
//! template, then against the stubs of those operations; serves pages of listed items; stores
//! uploaded files and serves them back.

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use wiremock::{Request, Respond, ResponseTemplate};

use super::{Answer, OPERATIONS, OperationInfo, PageShape, Shared, StubEntry, lock};

/// The catch-all responder mounted on the wiremock server.
pub(crate) struct Router {
    pub(crate) state: Shared,
}

/// The key of a stored file: the container id and the name, not the collection in the path,
/// because ids are unique across container kinds and the server answers
/// `/acquisitions/{id}/files/{name}` and `/containers/{id}/files/{name}` alike.
pub(crate) fn file_key(_containers: &str, id: &str, name: &str) -> String {
    format!("{id}/files/{name}")
}

/// A request as the mock sees it: method, decoded path segments below `/api`, query pairs,
/// body.
struct Seen<'a> {
    method: &'a str,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    content_type: String,
    body: &'a [u8],
}

/// The path values of `template` when `segments` fit it; `None` otherwise.
fn fit(template: &str, segments: &[String]) -> Option<Vec<(String, String)>> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut values = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => values.push((name.to_owned(), segment.clone())),
            None if part == segment => {}
            None => return None,
        }
    }
    Some(values)
}

/// Operations whose method and template fit the request, the most literal templates first.
fn candidates(seen: &Seen<'_>) -> Vec<(usize, Vec<(String, String)>)> {
    let mut found: Vec<(usize, Vec<(String, String)>)> = OPERATIONS
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == seen.method)
        .filter_map(|(i, op)| fit(op.path, &seen.segments).map(|values| (i, values)))
        .collect();
    found.sort_by_key(|(_, values)| values.len());
    found
}

/// Whether `actual` contains every field of `wanted` with an equal value.
fn contains(actual: &Value, wanted: &Value) -> bool {
    match (actual, wanted) {
        (Value::Object(actual), Value::Object(wanted)) => wanted
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|a| contains(a, value))),
        _ => actual == wanted,
    }
}

fn stub_matches(stub: &StubEntry, seen: &Seen<'_>, path_values: &[(String, String)]) -> bool {
    let paths_equal = stub
        .path_values
        .iter()
        .all(|(name, value)| path_values.iter().any(|(n, v)| n == name && v == value));
    let query_present = stub
        .query
        .iter()
        .all(|pair| seen.query.iter().any(|q| q == pair));
    let body_contains = match &stub.body {
        None => true,
        Some(wanted) => {
            serde_json::from_slice::<Value>(seen.body).is_ok_and(|actual| contains(&actual, wanted))
        }
    };
    paths_equal && query_present && body_contains
}

fn same_route(a: &OperationInfo, b: &OperationInfo) -> bool {
    a.method == b.method && a.path == b.path
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let below_api = path.strip_prefix("/api").unwrap_or(path);
        let seen = Seen {
            method: request.method.as_str(),
            segments: below_api
                .trim_start_matches('/')
                .split('/')
                .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
                .collect(),
            query: request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            content_type: request
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body: &request.body,
        };
        let candidates = candidates(&seen);
        let mut state = lock(&self.state);
        // The latest stub registered wins, so a test can override an earlier one; among
        // those, one whose expected count is not used up yet.
        let mut chosen = None;
        for (op, values) in &candidates {
            let info = &OPERATIONS[*op];
            let matching: Vec<usize> = (0..state.stubs.len())
                .rev()
                .filter(|&i| {
                    let stub = &state.stubs[i];
                    same_route(&OPERATIONS[stub.operation], info)
                        && stub_matches(stub, &seen, values)
                })
                .collect();
            let open = matching.iter().copied().find(|&i| {
                let stub = &state.stubs[i];
                !matches!(stub.expected, super::Expected::Exactly(n) if stub.calls >= n)
            });
            if let Some(i) = open.or(matching.first().copied()) {
                chosen = Some(i);
                break;
            }
        }
        if let Some(i) = chosen {
            let stub = &mut state.stubs[i];
            stub.calls += 1;
            return answer(&stub.answer, &seen.query);
        }
        if let Some(template) = files(&mut state.files, &seen) {
            return template;
        }
        let description = match candidates.first() {
            Some((op, _)) => {
                let info = &OPERATIONS[*op];
                format!(
                    "a request looking like `{}` ({} {}) matched no stub; add `mock.{}(..)`",
                    info.operation_id, info.method, info.path, info.method_name
                )
            }
            None => format!(
                "a {} request matched no operation of the spec (check the client's base URL)",
                seen.method
            ),
        };
        let body = serde_json::json!({ "message": format!("flywheel mock: {description}"), "status_code": 404 });
        state.unmatched.push(description);
        ResponseTemplate::new(404).set_body_raw(body.to_string().into_bytes(), "application/json")
    }
}

fn answer(answer: &Answer, query: &[(String, String)]) -> ResponseTemplate {
    match answer {
        Answer::Body {
            status,
            content_type,
            body,
        } => ResponseTemplate::new(*status).set_body_raw(body.to_vec(), content_type),
        Answer::Items { items, shape } => {
            let page = page(items, *shape, query);
            ResponseTemplate::new(200)
                .set_body_raw(page.to_string().into_bytes(), "application/json")
        }
    }
}

/// One page of `items` as the server cuts it.
fn page(items: &[Value], shape: PageShape, query: &[(String, String)]) -> Value {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let number = |name: &str| get(name).and_then(|v| v.parse::<usize>().ok());
    let limit = number("limit").filter(|&l| l > 0);
    let mut start = 0;
    if let Some(after) = get("after_id") {
        start = items
            .iter()
            .position(|item| cursor_of(item, shape.cursor).as_deref() == Some(after))
            .map_or(items.len(), |p| p + 1);
    }
    if let (Some(page), Some(limit)) = (number("page"), limit) {
        start = limit.saturating_mul(page.saturating_sub(1));
    }
    start = start
        .saturating_add(number("skip").unwrap_or(0))
        .min(items.len());
    let end = limit.map_or(items.len(), |l| start.saturating_add(l).min(items.len()));
    let slice = Value::Array(items[start..end].to_vec());
    if shape.envelope.is_empty() {
        slice
    } else {
        let count = end - start;
        let mut envelope = serde_json::Map::new();
        envelope.insert(shape.envelope.to_owned(), slice);
        envelope.insert("count".to_owned(), count.into());
        envelope.insert("total".to_owned(), items.len().into());
        Value::Object(envelope)
    }
}

fn cursor_of(item: &Value, field: &str) -> Option<String> {
    match item.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The in-memory file store: a multipart upload to `/{containers}/{id}/files` stores its
/// files; a GET of `/{containers}/{id}/files/{name}` serves a stored one.
fn files(
    store: &mut std::collections::BTreeMap<String, Bytes>,
    seen: &Seen<'_>,
) -> Option<ResponseTemplate> {
    match (seen.method, seen.segments.as_slice()) {
        ("POST", [containers, id, files]) if files == "files" => {
            let boundary = seen
                .content_type
                .split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))?
                .trim_matches('"')
                .to_owned();
            let mut uploaded = Vec::new();
            for (name, bytes) in multipart_files(seen.body, &boundary) {
                uploaded.push(serde_json::json!({
                    "name": name,
                    "size": bytes.len(),
                    "mimetype": mime_guess::from_path(&name).first_or_octet_stream().essence_str(),
                }));
                store.insert(file_key(containers, id, &name), bytes);
            }
            if uploaded.is_empty() {
                return None;
            }
            Some(ResponseTemplate::new(200).set_body_raw(
                Value::Array(uploaded).to_string().into_bytes(),
                "application/json",
            ))
        }
        ("GET", [containers, id, files, name]) if files == "files" => {
            let bytes = store.get(&file_key(containers, id, name))?;
            Some(
                ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), "application/octet-stream"),
            )
        }
        _ => None,
    }
}

/// The file parts of a `multipart/form-data` body: (file name, bytes). Enough for the forms
/// the client sends (no nested multiparts).
fn multipart_files(body: &[u8], boundary: &str) -> Vec<(String, Bytes)> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut out = Vec::new();
    let mut positions = Vec::new();
    let mut i = 0;
    while i + delimiter.len() <= body.len() {
        if &body[i..i + delimiter.len()] == delimiter {
            positions.push(i);
            i += delimiter.len();
        } else {
            i += 1;
        }
    }
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len()..pair[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let file_name = headers
            .lines()
            .filter(|line| {
                line.to_ascii_lowercase()
                    .starts_with("content-disposition:")
            })
            .flat_map(|line| line.split(';'))
            .find_map(|p| {
                p.trim()
                    .strip_prefix("filename=")
                    .map(|v| v.trim().trim_matches('"').to_owned())
            });
        if let Some(name) = file_name {
            let name = name
                .replace("%22", "\"")
                .replace("%0D", "\r")
                .replace("%0A", "\n");
            out.push((name, Bytes::copy_from_slice(content)));
        }
    }
    out
}
