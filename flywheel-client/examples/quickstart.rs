//! Connect → list projects as a stream → upload a file → download it back, against a real
//! Flywheel site.
//!
//! ```text
//! FLYWHEEL_API_KEY=flywheel.example.org:KEY cargo run -p flywheel-client --example quickstart
//! ```
//!
//! It uploads `flywheel-client-quickstart.txt` to the first project it can see (replacing a file
//! of that name) and downloads it again.

use flywheel_client::http::Method;
use flywheel_client::{Client, Paginator, UploadFile};
use futures_util::StreamExt;
use serde::Deserialize;

/// The fields of a project this example uses.
#[derive(Debug, Deserialize)]
struct Project {
    #[serde(rename = "_id")]
    id: String,
    label: Option<String>,
}

fn project_id(project: &Project) -> Option<&str> {
    Some(&project.id)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> flywheel_client::Result<()> {
    // Connect: FLYWHEEL_API_KEY holds `HOST:KEY` or `HOST:PORT:KEY`.
    let client = Client::from_env()?;
    println!("connected to {}", client.base_url());

    // Stream: every project, 250 per request, fetched as the loop consumes them.
    let request = client.request("getAllProjects", Method::GET, "/projects");
    let mut projects = Paginator::new(request, project_id, "results");
    let mut first = None;
    let mut count = 0;
    while let Some(project) = projects.next().await {
        let project = project?;
        count += 1;
        println!(
            "{}  {}",
            project.id,
            project.label.as_deref().unwrap_or("(no label)")
        );
        first.get_or_insert(project);
    }
    println!("{count} projects");
    let Some(project) = first else {
        println!("no project to upload to");
        return Ok(());
    };

    // Upload: a small file, streamed as a multipart part, with metadata as JSON text.
    let file_name = "flywheel-client-quickstart.txt";
    let mut upload = client.request(
        "uploadFileToProject",
        Method::POST,
        "/projects/{containerId}/files",
    );
    upload.path_param("containerId", &project.id);
    upload.multipart_file(
        "file",
        UploadFile::from_bytes(file_name, "uploaded by the flywheel-client quickstart\n"),
    );
    upload.multipart_json(
        "metadata",
        &serde_json::json!({"info": {"source": "quickstart"}}),
    );
    upload.send_empty().await?;
    println!("uploaded {file_name} to project {}", project.id);

    // Download: streamed to a local file.
    let mut download = client.request(
        "downloadFileFromProject",
        Method::GET,
        "/projects/{projectId}/files/{fileName}",
    );
    download.path_param("projectId", &project.id);
    download.path_param("fileName", file_name);
    let target = std::env::temp_dir().join(file_name);
    let written = download
        .send_download()
        .await?
        .write_to_path(&target)
        .await?;
    println!("downloaded {written} bytes to {}", target.display());
    Ok(())
}
