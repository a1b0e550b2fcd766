//! The README's example, kept identical to it by `tests/tests/readme.rs`; `cargo test` builds it.
//! Run it against a site: `FLYWHEEL_API_KEY=HOST:KEY cargo run -p flywheel-client --example readme`.
use flywheel_client::Client;

#[tokio::main]
async fn main() -> flywheel_client::Result<()> {
    let client = Client::from_env()?; // FLYWHEEL_API_KEY: `HOST:KEY` from your Flywheel profile
    let me = client.get_current_user().await?; // `.await` on the builder sends the request
    println!("signed in as {:?}", me.email);
    let mut projects = client.get_all_projects().into_stream(); // pages fetched lazily
    while let Some(project) = projects.next().await {
        println!("{:?}", project?.label);
    }
    Ok(())
}
