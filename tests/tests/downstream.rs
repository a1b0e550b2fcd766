//! The crate as a downstream user sees it: a new crate outside the workspace, compiled on its own
//! against `flywheel-client`'s public API, calls `get_acquisition` with optional setters against a
//! local server (awaiting the builder directly) and decodes a realistic answer (an unknown enum
//! value, a `null`, missing fields and an unknown extra field).
//!
//! The new crate reuses the workspace's build instead of building the client again: Cargo lists
//! the artifacts of `cargo test --workspace` (all fresh when this test runs under it, so listing
//! takes a second), and `rustc` compiles the one-file crate against the client, tokio and
//! serde_json found there. Only that small crate compiles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN_RS: &str = r##"
use flywheel_client::types::{AcquisitionOutput, JoinType, OriginType};
use std::io::{Read, Write};

/// Serves one HTTP answer on a loopback port and hands back the request it read.
fn serve_once(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            request.extend_from_slice(&buf[..n]);
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (format!("127.0.0.1:{}", addr.port()), handle)
}

#[tokio::main]
async fn main() {
    let body = r#"{
        "_id": "5f0c5e5b3f0f3f0f3f0f3f0f",
        "label": null,
        "created": "2016-09-21T14:56:10.026000+00:00",
        "modified": "2016-09-21T14:56:10Z",
        "files": [{"name": "scan é.dcm", "origin": {"type": "brand-new-origin", "id": "u"}, "size": 12}],
        "a_field_this_client_has_never_heard_of": {"nested": [1, 2, 3]}
    }"#;
    let (host, server) = serve_once(body);
    let client = flywheel_client::Client::from_api_key(&format!("{host}:__force_insecure:downstream-key"))
        .expect("client from an API key string");
    // `.await` on the builder sends it (`IntoFuture`), as `.send().await` does.
    let acquisition: AcquisitionOutput = client
        .get_acquisition("5f0c5e5b3f0f3f0f3f0f3f0f")
        .join_avatars(true)
        .join(JoinType::from("origin"))
        .await
        .expect("the answer decodes");
    let request = server.join().unwrap();
    assert!(request.starts_with("GET /api/acquisitions/5f0c5e5b3f0f3f0f3f0f3f0f?"), "{request}");
    assert!(request.contains("join_avatars=true"), "{request}");
    assert!(request.to_ascii_lowercase().contains("authorization: scitran-user downstream-key"), "{request}");

    assert_eq!(acquisition.id.as_deref(), Some("5f0c5e5b3f0f3f0f3f0f3f0f"));
    assert_eq!(acquisition.id(), "5f0c5e5b3f0f3f0f3f0f3f0f", "required fields read without unwrap");
    assert_eq!(acquisition.label, None, "null decodes as None");
    assert_eq!(acquisition.session, None, "a missing field decodes as None");
    let created = acquisition.created.expect("created");
    assert_eq!(created.timestamp_millis(), 1_474_469_770_026);
    assert!(acquisition.modified.is_some());
    let file = &acquisition.files.as_ref().expect("files")[0];
    assert_eq!(file.name.as_deref(), Some("scan é.dcm"));
    // `Origin` is also a request type: its required `type` is a plain value.
    let origin_type = file.origin.as_ref().map(|o| o.r#type.clone()).expect("origin type");
    assert_eq!(origin_type, OriginType::Unknown("brand-new-origin".to_owned()));
    assert_eq!(origin_type.as_str(), "brand-new-origin");
    assert_eq!(OriginType::from("job"), OriginType::Job);
    let json = serde_json::to_value(&origin_type).unwrap();
    assert_eq!(json, "brand-new-origin", "unknown values round-trip");
    println!("downstream ok");
}
"##;

/// The workspace build's artifacts a downstream crate links against.
#[derive(Default)]
struct Artifacts {
    /// Crate name -> its `.rlib`, for the crates `main.rs` names.
    rlibs: BTreeMap<String, PathBuf>,
    /// Search paths that build scripts asked for (native libraries, e.g. the TLS backend's).
    link_paths: BTreeSet<String>,
}

/// Asks Cargo which artifacts `cargo test --workspace` uses (building what is not fresh).
fn workspace_artifacts(root: &Path) -> Artifacts {
    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--workspace",
            "--no-run",
            "--offline",
            "--message-format=json",
        ])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo test --no-run failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut artifacts = Artifacts::default();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                let name = message["target"]["name"].as_str().unwrap_or_default();
                if !["flywheel_client", "tokio", "serde_json"].contains(&name) {
                    continue;
                }
                let rlib = message["filenames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(serde_json::Value::as_str)
                    .find(|file| file.ends_with(".rlib"));
                if let Some(rlib) = rlib {
                    let previous = artifacts.rlibs.insert(name.to_owned(), PathBuf::from(rlib));
                    assert!(
                        previous.is_none_or(|p| p == Path::new(rlib)),
                        "two builds of {name} in one workspace build"
                    );
                }
            }
            Some("build-script-executed") => {
                let paths = message["linked_paths"].as_array().into_iter().flatten();
                artifacts.link_paths.extend(
                    paths
                        .filter_map(serde_json::Value::as_str)
                        .map(str::to_owned),
                );
            }
            _ => {}
        }
    }
    artifacts
}

#[test]
fn a_new_crate_can_call_and_decode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root");
    let artifacts = workspace_artifacts(&root);
    let client = &artifacts.rlibs["flywheel_client"];
    let deps = client.parent().expect("the deps folder");

    let dir = tempfile::tempdir().expect("temp dir");
    let main_rs = dir.path().join("main.rs");
    std::fs::write(&main_rs, MAIN_RS).expect("write main.rs");
    let binary = dir.path().join("downstream-check");
    let mut rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    rustc
        .args(["--edition", "2024", "--crate-type", "bin"])
        .args(["--crate-name", "downstream_check", "-C", "debuginfo=0"])
        .arg(&main_rs)
        .arg("-o")
        .arg(&binary)
        .arg("-L")
        .arg(format!("dependency={}", deps.display()));
    for (name, rlib) in &artifacts.rlibs {
        rustc
            .arg("--extern")
            .arg(format!("{name}={}", rlib.display()));
    }
    for path in &artifacts.link_paths {
        rustc.arg("-L").arg(path);
    }
    let compiled = rustc.output().expect("rustc runs");
    assert!(
        compiled.status.success(),
        "the downstream crate does not compile:\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );

    let output = Command::new(&binary)
        .output()
        .expect("the downstream crate runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "downstream crate failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("downstream ok"), "{stdout}\n{stderr}");
}
