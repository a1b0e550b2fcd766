//! [`Container`]: a group, project, subject, session, acquisition, analysis or collection with
//! the client to act on it, and [`ContainerData`], what the generated code says of each kind's
//! types.

use std::ops::Deref;

use serde::de::DeserializeOwned;

use super::ContainerKind;
use crate::{Client, ResponseFuture};

/// A type the API answers for one container kind (`ProjectOutput`, `ProjectListOutput`, …).
/// Implemented by the generated code (`x-flywheel-containers` in the spec), not by hand.
pub trait ContainerData: DeserializeOwned + Send + 'static {
    /// The kind's marker type (`kind::Project`).
    type Kind;
    /// The kind's full type, as its `get` operation answers it (`ProjectOutput`).
    type Full: ContainerData<Kind = Self::Kind>;
    /// The kind.
    const KIND: ContainerKind;
    /// The container's id (`_id`), when the answer had one.
    fn id(&self) -> Option<&str>;
    /// The id of the project the container is in (`project`), for the types that carry it.
    fn project_id(&self) -> Option<&str>;
    /// Fetches one container of the kind by id (the kind's `get` operation).
    fn get(client: &Client, id: &str) -> ResponseFuture<Self::Full>;
}

/// A container as the API answered it (`T`, readable through `Deref`: `project.label`), with
/// the client, so it can be acted on: [`reload`](Container::reload), tags, notes, `info`,
/// [`update`](Container::update), [`delete`](Container::delete), child finders
/// (`project.sessions()`) and child creation (`project.add_subject(..)`).
///
/// Actions use the container's id; one without an id (an answer that omitted `_id`) fails
/// with [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
#[derive(Clone, Debug)]
pub struct Container<T> {
    client: Client,
    data: T,
}

impl<T> Container<T> {
    /// Wraps data the API answered, with the client that fetched it.
    pub fn new(client: Client, data: T) -> Self {
        Container { client, data }
    }

    /// The client the container acts through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The container as answered.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The container as answered, without the client.
    pub fn into_data(self) -> T {
        self.data
    }
}

impl<T> Deref for Container<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ContainerData> Container<T> {
    /// The container's id (`_id`), or `""` when the answer carried none; a convenient
    /// argument for the constructors of child inputs (`SubjectInput::new(project.id())`).
    pub fn id(&self) -> &str {
        self.data.id().unwrap_or_default()
    }

    /// The container's kind.
    pub fn kind(&self) -> ContainerKind {
        T::KIND
    }

    fn id_or_empty(&self) -> String {
        self.data.id().unwrap_or_default().to_owned()
    }

    /// Fetches the container again with the kind's `get` operation (its full type, also for
    /// an item a finder listed).
    pub async fn reload(&self) -> crate::Result<Container<T::Full>> {
        let data = T::get(&self.client, &self.id_or_empty()).await?;
        Ok(Container::new(self.client.clone(), data))
    }
}

/// Actions through the `containers` operations, which take any kind's id.
#[cfg(feature = "containers")]
impl<T: ContainerData> Container<T> {
    /// Changes the fields set in `changes` (`PUT /containers/{id}`, `modifyContainer`):
    /// a partial update, e.g. a `types::…Modify`/`…Input` value or `serde_json::json!`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when `changes` does not serialize to a JSON object; the
    /// operation's errors.
    pub async fn update(&self, changes: impl serde::Serialize) -> crate::Result<()> {
        let body = serde_json::to_value(changes).map_err(|e| crate::Error::InvalidRequest {
            operation_id: "modifyContainer",
            message: format!("the changes do not serialize: {e}"),
        })?;
        self.client
            .modify_container(self.id_or_empty(), body)
            .send()
            .await?;
        Ok(())
    }

    /// Deletes the container (`deleteContainer`).
    pub async fn delete(&self) -> crate::Result<()> {
        self.client
            .delete_container(self.id_or_empty())
            .send()
            .await?;
        Ok(())
    }

    /// Adds a tag (`addContainerTag`).
    pub async fn add_tag(&self, tag: impl Into<String>) -> crate::Result<()> {
        let body = crate::types::Tag::new(tag);
        self.client
            .add_container_tag(self.id_or_empty(), body)
            .send()
            .await?;
        Ok(())
    }

    /// Removes a tag (`deleteContainerTag`).
    pub async fn delete_tag(&self, tag: impl Into<String>) -> crate::Result<()> {
        self.client
            .delete_container_tag(self.id_or_empty(), tag)
            .send()
            .await?;
        Ok(())
    }

    /// Adds a note (`addContainerNote`) and returns it as the server stored it.
    pub async fn add_note(&self, text: impl Into<String>) -> crate::Result<crate::types::Note> {
        let body = crate::types::NoteInput::new(text);
        self.client
            .add_container_note(self.id_or_empty(), body)
            .send()
            .await
    }

    /// Sets the given keys of the container's `info`, keeping the others
    /// (`modifyContainerInfo` with `set`).
    ///
    /// As the Python SDK does, logs a `tracing` WARN when a key (at any depth) contains `.`
    /// or `$`, which the server rewrites to `_` and `-`; the warning counts such keys without
    /// naming them (keys may carry patient information).
    pub async fn update_info(
        &self,
        info: serde_json::Map<String, serde_json::Value>,
    ) -> crate::Result<()> {
        let info = serde_json::Value::Object(info);
        warn_rewritten_keys("update_info", &info);
        let body = crate::types::Info {
            set: Some(info),
            ..Default::default()
        };
        self.modify_info(body).await
    }

    /// Replaces the container's whole `info` (`modifyContainerInfo` with `replace`); warns
    /// about `.` and `$` in keys as [`update_info`](Container::update_info) does.
    pub async fn replace_info(
        &self,
        info: serde_json::Map<String, serde_json::Value>,
    ) -> crate::Result<()> {
        let info = serde_json::Value::Object(info);
        warn_rewritten_keys("replace_info", &info);
        let body = crate::types::Info {
            replace: Some(info),
            ..Default::default()
        };
        self.modify_info(body).await
    }

    /// Deletes the given top-level keys of the container's `info` (`modifyContainerInfo` with
    /// `delete`).
    pub async fn delete_info<K: Into<String>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> crate::Result<()> {
        let body = crate::types::Info {
            delete: Some(keys.into_iter().map(Into::into).collect()),
            ..Default::default()
        };
        self.modify_info(body).await
    }

    /// One `modifyContainerInfo` call: what `update_info`, `replace_info` and `delete_info`
    /// share.
    async fn modify_info(&self, body: crate::types::Info) -> crate::Result<()> {
        self.client
            .modify_container_info(self.id_or_empty(), body)
            .send()
            .await?;
        Ok(())
    }

    /// Changes a file's classification (`modifyContainerFileClassification`): the
    /// `FileClassificationDelta` adds, removes or replaces values per classification key.
    pub async fn update_file_classification(
        &self,
        file_name: impl Into<String>,
        delta: crate::types::FileClassificationDelta,
    ) -> crate::Result<()> {
        self.client
            .modify_container_file_classification(self.id_or_empty(), file_name, delta)
            .send()
            .await?;
        Ok(())
    }
}

#[cfg(feature = "containers")]
/// Logs one WARN when keys of `info` contain `.` or `$` (the server rewrites them), with how
/// many, never the keys.
pub(crate) fn warn_rewritten_keys(action: &'static str, info: &serde_json::Value) {
    fn count(value: &serde_json::Value, dots: &mut usize, dollars: &mut usize) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    if key.contains('.') {
                        *dots += 1;
                    }
                    if key.contains('$') {
                        *dollars += 1;
                    }
                    count(value, dots, dollars);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    count(item, dots, dollars);
                }
            }
            _ => {}
        }
    }
    let (mut dots, mut dollars) = (0, 0);
    count(info, &mut dots, &mut dollars);
    if dots + dollars > 0 {
        tracing::warn!(
            action,
            keys_with_dot = dots,
            keys_with_dollar = dollars,
            "info keys contain '.' or '$'; the server replaces '.' with '_' and '$' with '-'"
        );
    }
}

/// Creates a child with `operation_id` (`POST path`), the parent's ids set in the body, then
/// fetches it by the id the server answered: a create answers only `{"_id": …}`.
// The bodies go through JSON because the generated input types lack the parent fields the
// SDK sends (`SubjectInput` has no `project`); switch to the typed bodies once they have them.
#[cfg(any(
    feature = "projects",
    all(feature = "subjects", feature = "sessions"),
    all(feature = "sessions", feature = "acquisitions")
))]
pub(crate) async fn create_child<C: ContainerData>(
    client: &Client,
    operation_id: &'static str,
    path: &'static str,
    input: impl serde::Serialize,
    parents: &[(&str, serde_json::Value)],
) -> crate::Result<Container<C::Full>> {
    let mut body = serde_json::to_value(input).map_err(|e| crate::Error::InvalidRequest {
        operation_id,
        message: format!("the input does not serialize: {e}"),
    })?;
    let Some(object) = body.as_object_mut() else {
        return Err(crate::Error::InvalidRequest {
            operation_id,
            message: "the input is not a JSON object".into(),
        });
    };
    for (key, value) in parents {
        object.insert((*key).to_owned(), value.clone());
    }
    let mut request = client.request(operation_id, http::Method::POST, path);
    request.json_body(&body);
    let inserted: crate::types::InsertedId = request.send_json().await?;
    let Some(id) = inserted.id else {
        return Err(crate::Error::Unexpected {
            operation_id,
            message: "the server answered no `_id` for the created container".into(),
        });
    };
    let data = C::get(client, &id).await?;
    Ok(Container::new(client.clone(), data))
}
