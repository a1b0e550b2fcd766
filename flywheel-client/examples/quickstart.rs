//! Connect → list projects as a stream → upload a file → download it back, against a real
//! Flywheel site.
//!
//! ```text
//! FLYWHEEL_API_KEY=flywheel.example.org:KEY cargo run -p flywheel-client --example quickstart
//! ```
//!
//! It uploads `flywheel-client-quickstart.txt` to the first project it can see (replacing a file
//! of that name) and downloads it again.

use flywheel_client::{Client, UploadFile};

#[tokio::main(flavor = "current_thread")]
async fn main() -> flywheel_client::Result<()> {
    // Connect: FLYWHEEL_API_KEY holds `HOST:KEY` or `HOST:PORT:KEY`.
    let client = Client::from_env()?;
    println!("connected to {}", client.base_url());

    // Stream: every project, 250 per request, fetched as the loop consumes them.
    let mut projects = client.get_all_projects().into_stream();
    let mut first = None;
    let mut count = 0;
    while let Some(project) = projects.next().await {
        let project = project?;
        count += 1;
        println!(
            "{}  {}",
            project.id.as_deref().unwrap_or("?"),
            project.label.as_deref().unwrap_or("(no label)")
        );
        first.get_or_insert(project);
    }
    println!("{count} projects");
    let Some(project_id) = first.and_then(|p| p.id) else {
        println!("no project to upload to");
        return Ok(());
    };

    // Upload: a small file, streamed as a multipart part, with metadata as JSON text.
    let file_name = "flywheel-client-quickstart.txt";
    let file = UploadFile::from_bytes(file_name, "uploaded by the flywheel-client quickstart\n");
    client
        .upload_file_to_project(&project_id, file)
        .metadata(r#"{"info": {"source": "quickstart"}}"#)
        .send()
        .await?;
    println!("uploaded {file_name} to project {project_id}");

    // Download: streamed to a local file.
    let target = std::env::temp_dir().join(file_name);
    let written = client
        .download_file_from_project(&project_id, file_name)
        .send()
        .await?
        .write_to_path(&target)
        .await?;
    println!("downloaded {written} bytes to {}", target.display());
    Ok(())
}
