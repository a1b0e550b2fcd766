//! The crate as a downstream user sees it: a new crate outside the workspace depends on
//! `flywheel-client` by path, calls `get_acquisition` with optional setters against a local
//! server, and decodes a realistic answer (an unknown enum value, a `null`, missing fields and
//! an unknown extra field).
//!
//! The downstream crate builds into `target/downstream` with the workspace's `Cargo.lock`, so
//! after the first run only the new crate compiles.

use std::path::Path;
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
    let acquisition: AcquisitionOutput = client
        .get_acquisition("5f0c5e5b3f0f3f0f3f0f3f0f")
        .join_avatars(true)
        .join(JoinType::from("origin"))
        .send()
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

#[test]
fn a_new_crate_can_call_and_decode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root");
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = format!(
        r#"[package]
name = "downstream-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
flywheel-client = {{ path = {client:?} }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
serde_json = "1"

[workspace]
"#,
        client = root.join("flywheel-client").display().to_string()
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::create_dir(dir.path().join("src")).expect("src dir");
    std::fs::write(dir.path().join("src/main.rs"), MAIN_RS).expect("write main.rs");
    // Same versions as the workspace, so the shared target folder is reused.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).expect("copy Cargo.lock");

    let target = root.join("target/downstream");
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "downstream crate failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("downstream ok"), "{stdout}\n{stderr}");
}
