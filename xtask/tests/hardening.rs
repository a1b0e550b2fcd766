//! The generator's rule, checked over many specs: for any input it either returns formatted
//! code or an error whose problems each name a JSON pointer; it never panics. Small specs are
//! mutated the way hand edits go wrong (names, cycles, kinds, missing parts), a bounded and
//! seeded number of times. A few outputs are compiled as the `flywheel-client` crate, together
//! with the fixtures whose output must compile, and must build without a warning.

use flywheel_generator::Generated;
use serde_yaml::{Mapping, Value};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Small specs the mutations start from: one per area (types, unions, operations).
const BASES: [&str; 3] = [
    r#"
openapi: 3.0.3
info: {title: Base, version: "1"}
tags: [{name: things}, {name: other-things}]
paths:
  /things/{thingId}:
    get:
      tags: [things]
      operationId: getThing
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: after_id, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}
  /other:
    post:
      tags: [other-things]
      operationId: postOther
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Other'}}}
      responses:
        '200': {description: ok}
components:
  schemas:
    Thing:
      type: object
      properties:
        _id: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        child: {$ref: '#/components/schemas/Thing'}
        tags: {type: array, items: {type: string}}
    Kind: {type: string, enum: [a, b, c-d]}
    Other:
      type: object
      required: [name]
      properties:
        name: {type: string}
        value: {oneOf: [{type: string}, {type: integer}]}
"#,
    r#"
openapi: 3.0.3
info: {title: Base, version: "1"}
tags: [{name: shapes}]
paths:
  /shapes:
    get:
      tags: [shapes]
      operationId: getShapes
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Shape'}}}
components:
  schemas:
    Shape:
      oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Group'}, {type: string}]
    Circle:
      type: object
      properties:
        radius: {type: number}
    Group:
      type: object
      properties:
        members: {type: array, items: {$ref: '#/components/schemas/Shape'}}
        first: {$ref: '#/components/schemas/ShapeAlias'}
    ShapeAlias: {$ref: '#/components/schemas/Shape'}
"#,
    r#"
openapi: 3.0.3
info: {title: Base, version: "1"}
tags: [{name: files}]
paths:
  /files/{name}:
    put:
      tags: [files]
      operationId: putFile
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: x-accept-feature, in: header, schema: {type: array, items: {type: string}}}
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                metadata: {type: string}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {type: object, additionalProperties: {type: string, format: date-time}}}}
    delete:
      tags: [files]
      operationId: deleteFile
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content: {application/octet-stream: {schema: {type: string, format: binary}}}
"#,
];

/// Names a maintainer may write that are awkward in Rust or in Cargo.
const NAMES: &[&str] = &[
    "self", "Self", "type", "x²", "٣x", "😀", "", "a/b", "a~b", "Things", "things", "default", "_",
    "1", "crate", "super", "Unknown", "unknown", "mod", "types", "send", "options", "m²", "Thing",
    "Kind", "Shape", "_id", "r#x", "a b", "ü",
];

/// Values a mutation may put where a schema or a `type` was.
const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "object", "array", "strin", "null", "file",
];

/// Cases per base spec: with three bases, about 600 generator runs in all.
const CASES: u64 = 200;

/// A small deterministic generator (xorshift), so every run tries the same mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every mapping in the document, as a path of keys and indexes from the root.
fn mapping_paths(value: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Mapping(map) => {
            out.push(at.clone());
            for (key, item) in map {
                at.push(key.clone());
                mapping_paths(item, at, out);
                at.pop();
            }
        }
        Value::Sequence(list) => {
            for (i, item) in list.iter().enumerate() {
                at.push(Value::from(i as u64));
                mapping_paths(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'v>(value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    let mut current = value;
    for key in path {
        current = match (current, key) {
            (Value::Mapping(map), key) if map.contains_key(key) => map.get_mut(key)?,
            (Value::Sequence(list), Value::Number(n)) => list.get_mut(n.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(current)
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn reference(rng: &mut Rng, doc: &Value) -> Value {
    let mut names = schema_names(doc);
    names.push("Missing".to_owned());
    let name = rng.pick(&names).replace('~', "~0").replace('/', "~1");
    let mut map = Mapping::new();
    map.insert("$ref".into(), format!("#/components/schemas/{name}").into());
    Value::Mapping(map)
}

/// One hand-edit-like change somewhere in the document.
fn mutate(rng: &mut Rng, doc: &mut Value) {
    let mut paths = Vec::new();
    mapping_paths(doc, &mut Vec::new(), &mut paths);
    let kind = rng.below(8);
    // Half of the renames and references hit the schemas, where names and cycles matter most.
    let schemas = vec![Value::from("components"), Value::from("schemas")];
    let path = if kind <= 4 && rng.below(2) == 0 && paths.contains(&schemas) {
        schemas
    } else {
        rng.pick(&paths).clone()
    };
    let new_ref = reference(rng, doc);
    let name = *rng.pick(NAMES);
    let ty = *rng.pick(TYPES);
    let Some(Value::Mapping(map)) = get_mut(doc, &path) else {
        return;
    };
    let keys: Vec<Value> = map.keys().cloned().collect();
    if keys.is_empty() {
        return;
    }
    let key = rng.pick(&keys).clone();
    match kind {
        // Rename a key (a schema, property, path, response…), keeping its value.
        0 | 1 => {
            if let Some(value) = map.remove(&key) {
                map.insert(name.into(), value);
            }
        }
        // A part goes missing.
        2 => {
            map.remove(&key);
        }
        // A value becomes a reference, maybe to itself or to nothing.
        3 => {
            map.insert(key, new_ref);
        }
        // A value becomes a union holding a reference.
        4 => {
            let mut string = Mapping::new();
            string.insert("type".into(), "string".into());
            let mut union = Mapping::new();
            union.insert(
                "oneOf".into(),
                Value::Sequence(vec![new_ref, Value::Mapping(string)]),
            );
            map.insert(key, Value::Mapping(union));
        }
        // A kind changes (or is misspelt).
        5 => {
            map.insert("type".into(), ty.into());
        }
        // A string value (a name, a tag, an enum value, an operationId) changes.
        6 => {
            if map.get(&key).is_some_and(Value::is_string) {
                map.insert(key, name.into());
            }
        }
        // A list gets a repeated or awkward entry (enum values, tags, required names).
        _ => {
            if let Some(Value::Sequence(list)) = map.get_mut(&key) {
                match list.first().cloned() {
                    Some(first) if rng.below(2) == 0 => list.push(first),
                    Some(Value::String(_)) => list.push(name.into()),
                    _ => {}
                }
            }
        }
    }
}

/// The mutated specs, in a fixed order: (label, spec text).
fn mutated_specs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (b, base) in BASES.iter().enumerate() {
        let original: Value = serde_yaml::from_str(base).expect("base specs are YAML");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (b as u64 + 1));
        for case in 0..CASES {
            let mut doc = original.clone();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut doc);
            }
            let text = serde_yaml::to_string(&doc).expect("a YAML value serializes");
            out.push((format!("base {b} case {case}"), text));
        }
    }
    out
}

/// Runs the generator, turning a panic into a test failure that shows the spec.
fn generate(label: &str, text: &str) -> Result<Generated, flywheel_generator::Error> {
    match catch_unwind(AssertUnwindSafe(|| {
        flywheel_generator::generate(text, "mutated.yaml")
    })) {
        Ok(result) => result,
        Err(_) => panic!("the generator panicked on {label}:\n{text}"),
    }
}

#[test]
fn mutated_specs_give_code_or_located_errors_never_a_panic() {
    let (mut generated, mut refused) = (0, 0);
    for (label, text) in mutated_specs() {
        match generate(&label, &text) {
            Ok(out) => {
                generated += 1;
                assert!(
                    out.files.values().all(|f| f.starts_with("// @generated")),
                    "{label}: every file is formatted with its header"
                );
            }
            Err(error) => {
                refused += 1;
                assert!(
                    !error.problems.is_empty(),
                    "{label}: an error names a problem"
                );
                for problem in &error.problems {
                    assert!(
                        problem.pointer.starts_with('#') && !problem.message.is_empty(),
                        "{label}: {problem:?}"
                    );
                    // Formatting failures and the last naming check are generator bugs.
                    assert!(
                        !problem.message.contains("generator bug")
                            && !problem.message.contains(".rs: "),
                        "{label}: {}\n{text}",
                        problem.message
                    );
                }
            }
        }
    }
    // The mutations exercise both outcomes, or the test proves little.
    assert!(
        generated >= 50 && refused >= 50,
        "generated {generated}, refused {refused}"
    );
}

/// Fixtures of the generator whose output must compile without warnings.
const COMPILING_FIXTURES: [&str; 2] = ["non_rust_names.yaml", "unions_contain_each_other.yaml"];
/// How many generated mutants are compiled too (the first ones with operations and types).
const COMPILED_MUTANTS: usize = 2;

/// Writes a workspace of crates, each the `flywheel-client` runtime with one generated
/// output, beside the workspace's own `target` (so dependencies built by `cargo test` are
/// reused), and builds it. Returns cargo's output when the build fails or warns.
fn build_as_client(outputs: &[(String, Generated)]) -> Result<(), String> {
    let root = xtask::workspace_root();
    // A fixed place, so incremental compilation and the dependencies' builds are reused.
    let dir = target_dir().join("hardening-crates");
    let _ = std::fs::remove_dir_all(&dir);
    let manifest = read(&root.join("Cargo.toml"));
    let client_manifest = read(&root.join(xtask::CLIENT_MANIFEST));
    // The client's manifest without dev-dependencies and benches, which need files not copied.
    let client_manifest = client_manifest
        .split("[dev-dependencies]")
        .next()
        .unwrap_or_default();
    let mut members = Vec::new();
    // Every feature but `mock`, whose hand-written half serves the Flywheel spec's own types.
    let mut features = Vec::new();
    for (i, (label, out)) in outputs.iter().enumerate() {
        let name = format!("generated-{i}");
        features.push(format!("{name}/serialize-responses"));
        features.extend(
            out.cargo_features
                .lines()
                .filter_map(|line| line.split_once(" = "))
                .filter(|(feature, _)| *feature != "default")
                .map(|(feature, _)| format!("{name}/{feature}")),
        );
        let krate = dir.join(&name);
        copy_runtime(&root.join("flywheel-client/src"), &krate.join("src"));
        for (path, text) in &out.files {
            write(&krate.join("src/generated").join(path), text);
        }
        let manifest = xtask::splice_features(client_manifest, &out.cargo_features, label)?;
        write(
            &krate.join("Cargo.toml"),
            &manifest.replacen(
                "name = \"flywheel-client\"",
                &format!("name = \"{name}\""),
                1,
            ),
        );
        members.push(format!("\"{name}\""));
    }
    let members = format!("[{}]", members.join(", "));
    let workspace: String = manifest
        .lines()
        .map(|line| match line.split_once('=') {
            Some(("members ", _)) => format!("members = {members}"),
            Some(("default-members ", _)) => format!("default-members = {members}"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(&dir.join("Cargo.toml"), &workspace);
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&dir)
        .args([
            "build",
            "--offline",
            "--workspace",
            "--lib",
            "--features",
            &features.join(","),
            "--message-format",
            "short",
        ])
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cargo did not run: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() || stderr.lines().any(counts_as_warning) {
        return Err(stderr);
    }
    Ok(())
}

/// The target folder this test was built in (`<target>/debug/xtask` is a sibling binary).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_xtask"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| xtask::workspace_root().join("target"))
}

/// The layers above the generated operations (folders of `flywheel-client/src`), which name
/// the Flywheel spec's own operations and types, so they are left out of crates generated from
/// other specs.
const CONVENIENCE_MODULES: [&str; 3] = ["conveniences", "jobs", "mock"];

fn copy_runtime(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("runtime sources").flatten() {
        let path = entry.path();
        if path.is_file() {
            let mut text = read(&path);
            if entry.file_name() == "lib.rs" {
                text = without_convenience_modules(&text);
            }
            write(&to.join(entry.file_name()), &text);
        }
    }
}

/// A warning line of the build that speaks of the generated code. Runtime helpers that only the
/// left-out convenience layers call (`upload.rs`'s part ranges) are dead code in these crates;
/// that is a fact of the copy, not of the generated code, so it does not count. Cargo's
/// summary lines (`warning: \`generated-0\` (lib) generated 2 warnings`) count only through
/// the warnings they sum up.
fn counts_as_warning(line: &str) -> bool {
    if !line.contains("warning") || line.starts_with("warning: `generated-") {
        return false;
    }
    let runtime_dead_code = !line.contains("/src/generated/") && line.contains("never used");
    !runtime_dead_code
}

/// `lib.rs` without the `mod` lines of [`CONVENIENCE_MODULES`] (and the `#[cfg]` before one).
fn without_convenience_modules(lib_rs: &str) -> String {
    let is_convenience = |line: &str| {
        CONVENIENCE_MODULES
            .iter()
            .any(|name| line.trim() == format!("pub mod {name};"))
    };
    let lines: Vec<&str> = lib_rs.lines().collect();
    let mut kept = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let before_convenience = line.trim_start().starts_with("#[cfg(")
            && lines.get(i + 1).is_some_and(|next| is_convenience(next));
        if !is_convenience(line) && !before_convenience {
            kept.push(*line);
        }
    }
    kept.join("\n") + "\n"
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(path: &PathBuf, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn fixtures_and_mutants_compile_without_warnings() {
    let fixtures = xtask::workspace_root().join("generator/tests/fixtures/hardening");
    let mut outputs: Vec<(String, Generated)> = COMPILING_FIXTURES
        .iter()
        .map(|name| {
            let text = read(&fixtures.join(name));
            let out = flywheel_generator::generate(&text, name).unwrap_or_else(|e| panic!("{e}"));
            (name.to_string(), out)
        })
        .collect();
    let mutants = mutated_specs()
        .into_iter()
        .filter_map(|(label, text)| {
            let out = generate(&label, &text).ok()?;
            let has_types = out.files.keys().filter(|p| p.starts_with("types/")).count() > 1;
            let has_operations = out.cargo_features.lines().count() > 1;
            (has_types && has_operations).then_some((label, out))
        })
        .take(COMPILED_MUTANTS);
    outputs.extend(mutants);
    assert_eq!(outputs.len(), COMPILING_FIXTURES.len() + COMPILED_MUTANTS);
    if let Err(cargo) = build_as_client(&outputs) {
        panic!(
            "generated code does not build cleanly ({}):\n{cargo}",
            outputs
                .iter()
                .map(|(label, _)| label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
