//! Everyday Flywheel work in a few lines: finders, [`Filter`], `get`/`lookup`/`resolve`, and
//! containers you can act on, on top of the generated operations (which stay available for
//! anything these do not cover).
//!
//! What repeats per container kind (which operation gets one, which lists all, which lists a
//! container's children) is named once in the spec's `x-flywheel-containers` extension and
//! generated (`generated/conveniences.rs`: [`ContainerKind`], the aliases [`Project`],
//! [`Session`], …, the finders and the [`ContainerData`] implementations); this module is the
//! generic part. Each item is behind the Cargo features of the operations it calls.
//!
//! # From the Python SDK
//!
//! | Python SDK (`flywheel-sdk` 20.0.0) | this crate |
//! | --- | --- |
//! | `fw.get(id)` | [`client.get(id)`](crate::Client::get) → [`AnyContainer`] |
//! | `fw.lookup("g/p/s")`, `fw.resolve(path)` | [`client.lookup("g/p/s")`](crate::Client::lookup) (or `["g", "p/with/slash"]`), [`client.resolve(..)`](crate::Client::resolve) |
//! | `fw.projects.find("label=x")` | `client.projects().find(Filter::new().eq("label", "x"))` |
//! | `fw.projects.find_first(..)`, `find_one(..)` | [`find_first`](Finder::find_first) (→ `Option`), [`find_one`](Finder::find_one) (error unless exactly one) |
//! | `fw.projects.iter_find(..)`, `project.sessions.iter()` | [`client.projects().stream(..)`](Finder::stream), `project.sessions().stream(Filter::new())` |
//! | `fw.subjects`, `sessions`, `acquisitions`, `analyses`, `collections`, `groups`, `files`, `jobs`, `gears`, `users` | `client.subjects()`, … (same names) |
//! | `"label=1001"` (string compared as a number) | `Filter::new().eq("label", "1001")` → `label="1001"`; raw strings still accepted |
//! | `sort="label:asc"` | [`.sort(Sort::asc("label"))`](Finder::sort) |
//! | `project.reload()`, `update(..)`, `delete` | [`reload()`](Container::reload), [`update(..)`](Container::update), [`delete()`](Container::delete) |
//! | `add_tag`, `delete_tag`, `add_note` | [`add_tag`](Container::add_tag), [`delete_tag`](Container::delete_tag), [`add_note`](Container::add_note) |
//! | `update_info`, `replace_info`, `delete_info` (warn on `.`/`$` keys) | [`update_info`](Container::update_info), [`replace_info`](Container::replace_info), [`delete_info`](Container::delete_info) (`tracing` WARN, keys not printed) |
//! | `group.add_project`, `project.add_subject`, `subject.add_session`, `session.add_acquisition`, `add_analysis` | the same names, answering the created container (not an id) |
//! | `file.update_classification(..)` | [`container.update_file_classification(name, delta)`](Container::update_file_classification) |
//! | `acquisition.upload_file(path, metadata=..)` (signed URL or multipart, see [`files`]) | [`acquisition.upload_file(UploadFile::from_path(path))`](Container::upload_file), [`upload_file_with(.., UploadOptions::new().metadata(json!(..)))`](Container::upload_file_with) |
//! | `analysis.upload_output([..])` | [`analysis.upload_output([..])`](Container::upload_output) |
//! | `acquisition.download_file(name, path)`, `read_file(name)` | [`acquisition.file(name).download_to(path)`](FileRef::download_to), [`.read()`](FileRef::read), [`.download()`](FileRef::download) (stream) |
//! | `get_file_download_url(name)`, `range=` | [`.download_url()`](FileRef::download_url), [`.read_range(a..b)`](FileRef::read_range) |
//! | `get_file_zip_info(name)`, `read_file_zip_member(name, member)` | [`.zip_info()`](FileRef::zip_info), [`.read_zip_member(member)`](FileRef::read_zip_member) |
//! | `file.update_info`, `update_classification`, `update(modality=..)`, `add_tags` | [`FileRef::update_info`], [`update_classification`](FileRef::update_classification), [`set_modality`](FileRef::set_modality), [`add_tags`](FileRef::add_tags) |
//! | `fw.download_tar([session], path, include_types=[..])` | [`Archive::new().container(&session).include_types([..]).download_to(&client, path)`](Archive::download_to) |
//!
//! # Lines per task
//!
//! Essential lines (statements: a `let`, a call, a loop head, a print; not braces, imports or
//! blank lines, and a statement rustfmt spreads over several lines counts once) of each task
//! of `examples/everyday.rs`, beside the same task written with the Python SDK:
//!
//! | task | Python SDK | `examples/everyday.rs` |
//! | --- | --- | --- |
//! | find a project by group and label, walk its sessions | 3 | 4 |
//! | `lookup("group/project")` | 1 | 1 |
//! | create subject, session and acquisition with `info` | 3 | 3 |
//! | set a file's classification and add a tag | 2 | 3 |
//!
//! The Python lines counted:
//!
//! ```text
//! project = fw.projects.find_one('group=neuro,label="Study A"')
//! for session in project.sessions.iter():
//!     print(session.label)
//!
//! project = fw.lookup("neuro/Study A")
//!
//! subject = project.add_subject(label="sub-01", info={"cohort_year": 2024})
//! session = subject.add_session(label="ses-01")
//! acquisition = session.add_acquisition(label="T1w")
//!
//! acquisition.update_file_classification("t1.nii.gz", {"Intent": ["Structural"]})
//! acquisition.add_tag("reviewed")
//! ```
//!
//! Every Rust task is within 1.5× the SDK's lines and needs no `unwrap` or `expect`.
//!
//! ```no_run
//! use flywheel_client::Client;
//! use flywheel_client::conveniences::Filter;
//!
//! # async fn example(client: Client) -> flywheel_client::Result<()> {
//! let project = client
//!     .projects()
//!     .find_one(Filter::new().eq("group", "neuro").eq("label", "Study A"))
//!     .await?;
//! let mut sessions = project.sessions().stream(Filter::new());
//! while let Some(session) = sessions.next().await {
//!     println!("{:?}", session?.label);
//! }
//! # Ok(())
//! # }
//! ```

mod container;
pub mod files;
mod filter;
mod finder;
mod path;

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask gen --check` guards it
#[path = "../generated/conveniences.rs"]
mod generated;

pub use container::{Container, ContainerData};
pub use files::{Archive, ArchiveFormat, FileRef, UploadOptions, UploadProtocol};
pub use filter::{Filter, FilterValue, Sort};
pub use finder::{Finder, FinderQuery, Found, keep_item};
pub use generated::*;
pub use path::{HierarchyPath, Resolved};
