//! `Client::get`, `Client::lookup` and `Client::resolve`: containers by id or by path, typed
//! by their `container_type`; and child creation that answers the created container.

#[cfg(any(feature = "containers", feature = "resolve"))]
use super::decode_any;
#[allow(unused_imports)] // which are used depends on the features
use super::{AnyContainer, Container, ContainerData, kind};
use crate::Client;

/// A path in the hierarchy for [`Client::lookup`] and [`Client::resolve`], one label per
/// segment: group id, project label, subject label, session label, acquisition label, with
/// the literal segments `files` and `analyses` before a file name or analysis label, and
/// `<id:…>` in place of a label to name a container by id.
///
/// From a list of segments (`["neuro", "Study A/B", "sub-01"]`, where a label may hold `/`) or
/// from one string split at every `/` (`"neuro/Study A/sub-01"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HierarchyPath(Vec<String>);

impl HierarchyPath {
    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

impl From<&str> for HierarchyPath {
    fn from(path: &str) -> Self {
        HierarchyPath(path.split('/').map(str::to_owned).collect())
    }
}

impl From<String> for HierarchyPath {
    fn from(path: String) -> Self {
        HierarchyPath::from(path.as_str())
    }
}

impl From<Vec<String>> for HierarchyPath {
    fn from(segments: Vec<String>) -> Self {
        HierarchyPath(segments)
    }
}

impl From<&[&str]> for HierarchyPath {
    fn from(segments: &[&str]) -> Self {
        HierarchyPath(segments.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for HierarchyPath {
    fn from(segments: [&str; N]) -> Self {
        HierarchyPath(segments.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// What [`Client::resolve`] answers: the containers along the path, and the children of the
/// last one.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The nodes of the path, outermost (the group) first.
    pub path: Vec<AnyContainer>,
    /// The children of the last node (its projects, sessions, files, …).
    pub children: Vec<AnyContainer>,
}

#[cfg(any(feature = "containers", feature = "resolve"))]
fn decode_node(
    client: &Client,
    operation_id: &'static str,
    node: serde_json::Value,
) -> crate::Result<AnyContainer> {
    let container_type = node
        .get("container_type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let body = serde_json::to_vec(&node).unwrap_or_default();
    decode_any(client, &container_type, node).map_err(|source| crate::Error::Decode {
        operation_id,
        status: http::StatusCode::OK,
        body: body.into(),
        source: Box::new(source),
    })
}

impl Client {
    /// The container with this id, typed by its `container_type` (`GET /containers/{id}`,
    /// operation `getContainer`), as the SDK's `fw.get(id)`.
    ///
    /// # Errors
    ///
    /// The operation's errors ([`Error::Api`](crate::Error::Api) with 404 when there is no such container);
    /// [`Error::Decode`](crate::Error::Decode) when the answer does not decode as its kind.
    #[cfg(feature = "containers")]
    pub async fn get(&self, id: &str) -> crate::Result<AnyContainer> {
        let mut request = self.request(
            "getContainer",
            http::Method::GET,
            "/containers/{containerId}",
        );
        request.path_param("containerId", id);
        let node: serde_json::Value = request.send_json().await?;
        decode_node(self, "getContainer", node)
    }

    /// The one node at `path` (`POST /lookup`, operation `lookupPath`), typed by its
    /// `container_type`, as the SDK's `fw.lookup(path)`.
    ///
    /// ```no_run
    /// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
    /// use flywheel_client::conveniences::AnyContainer;
    ///
    /// if let AnyContainer::Subject(subject) = client.lookup("neuro/Study A/sub-01").await? {
    ///     println!("{:?}", subject.label);
    /// }
    /// // A label holding `/`: give the segments.
    /// let node = client.lookup(["neuro", "Study A/B"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The operation's errors ([`Error::Api`](crate::Error::Api) with 404 when nothing is at the path);
    /// [`Error::Decode`](crate::Error::Decode) when the node does not decode as its kind.
    #[cfg(feature = "resolve")]
    pub async fn lookup(&self, path: impl Into<HierarchyPath>) -> crate::Result<AnyContainer> {
        let body = crate::types::ResolveInput::new(path.into().0);
        let mut request = self.request("lookupPath", http::Method::POST, "/lookup");
        request.json_body(&body);
        let node: serde_json::Value = request.send_json().await?;
        decode_node(self, "lookupPath", node)
    }

    /// The nodes along `path` and the children of the last (`POST /resolve`, operation
    /// `resolvePath`), as the SDK's `fw.resolve(path)`.
    ///
    /// # Errors
    ///
    /// As [`lookup`](Client::lookup).
    #[cfg(feature = "resolve")]
    pub async fn resolve(&self, path: impl Into<HierarchyPath>) -> crate::Result<Resolved> {
        let body = crate::types::ResolveInput::new(path.into().0);
        let mut request = self.request("resolvePath", http::Method::POST, "/resolve");
        request.json_body(&body);
        let mut answer: serde_json::Value = request.send_json().await?;
        let mut nodes = |key: &str| -> crate::Result<Vec<AnyContainer>> {
            match answer.get_mut(key).map(serde_json::Value::take) {
                Some(serde_json::Value::Array(nodes)) => nodes
                    .into_iter()
                    .map(|node| decode_node(self, "resolvePath", node))
                    .collect(),
                _ => Ok(Vec::new()),
            }
        };
        Ok(Resolved {
            path: nodes("path")?,
            children: nodes("children")?,
        })
    }
}

#[cfg(any(
    feature = "projects",
    all(feature = "subjects", feature = "sessions"),
    all(feature = "sessions", feature = "acquisitions")
))]
fn id_value<T: ContainerData>(container: &Container<T>) -> serde_json::Value {
    serde_json::Value::from(container.data().id().unwrap_or_default())
}

#[cfg(feature = "projects")]
impl<T: ContainerData<Kind = kind::Group>> Container<T> {
    /// Creates a project in this group (`addProject`, with `group` set) and returns it as
    /// `getProject` answers it, as the SDK's `group.add_project(label=…)`.
    ///
    /// # Errors
    ///
    /// The operations' errors; [`Error::Unexpected`](crate::Error::Unexpected) when the create answers no id.
    pub async fn add_project(
        &self,
        input: crate::types::ProjectInput,
    ) -> crate::Result<super::Project> {
        let parents = [("group", id_value(self))];
        super::container::create_child::<crate::types::ProjectOutput>(
            self.client(),
            "addProject",
            "/projects",
            input,
            &parents,
        )
        .await
    }
}

#[cfg(all(feature = "projects", feature = "subjects"))]
impl<T: ContainerData<Kind = kind::Project>> Container<T> {
    /// Creates a subject in this project (`addSubject`, with `project` set) and returns it as
    /// `getSubject` answers it, as the SDK's `project.add_subject(label=…)`.
    ///
    /// # Errors
    ///
    /// The operations' errors; [`Error::Unexpected`](crate::Error::Unexpected) when the create answers no id.
    pub async fn add_subject(
        &self,
        input: crate::types::SubjectInput,
    ) -> crate::Result<super::Subject> {
        let parents = [("project", id_value(self))];
        super::container::create_child::<crate::types::SubjectOutput>(
            self.client(),
            "addSubject",
            "/subjects",
            input,
            &parents,
        )
        .await
    }
}

#[cfg(all(feature = "subjects", feature = "sessions"))]
impl<T: ContainerData<Kind = kind::Subject>> Container<T> {
    /// Creates a session of this subject (`addSession`, with `project` and `subject._id`
    /// set) and returns it as `getSession` answers it, as the SDK's
    /// `subject.add_session(label=…)`.
    ///
    /// # Errors
    ///
    /// The operations' errors; [`Error::Unexpected`](crate::Error::Unexpected) when the create answers no id.
    pub async fn add_session(
        &self,
        input: crate::types::SessionInput,
    ) -> crate::Result<super::Session> {
        let project = serde_json::Value::from(self.data().project_id().unwrap_or_default());
        let parents = [
            ("project", project),
            ("subject", serde_json::json!({ "_id": id_value(self) })),
        ];
        super::container::create_child::<crate::types::SessionOutput>(
            self.client(),
            "addSession",
            "/sessions",
            input,
            &parents,
        )
        .await
    }
}

#[cfg(all(feature = "sessions", feature = "acquisitions"))]
impl<T: ContainerData<Kind = kind::Session>> Container<T> {
    /// Creates an acquisition in this session (`addAcquisition`, with `session` set) and
    /// returns it as `getAcquisition` answers it, as the SDK's
    /// `session.add_acquisition(label=…)`.
    ///
    /// # Errors
    ///
    /// The operations' errors; [`Error::Unexpected`](crate::Error::Unexpected) when the create answers no id.
    pub async fn add_acquisition(
        &self,
        input: crate::types::AcquisitionInput,
    ) -> crate::Result<super::Acquisition> {
        let parents = [("session", id_value(self))];
        super::container::create_child::<crate::types::AcquisitionOutput>(
            self.client(),
            "addAcquisition",
            "/acquisitions",
            input,
            &parents,
        )
        .await
    }
}

#[cfg(all(feature = "containers", feature = "analyses"))]
impl<T: ContainerData> Container<T> {
    /// Attaches an analysis to this container (`addContainerAnalysis`) and returns it as
    /// `getAnalysis` answers it, as the SDK's `container.add_analysis(..)`.
    ///
    /// # Errors
    ///
    /// The operations' errors; [`Error::Unexpected`](crate::Error::Unexpected) when the create answers no id.
    pub async fn add_analysis(
        &self,
        input: crate::types::AdhocAnalysisInputOrJobAnalysisInput,
    ) -> crate::Result<super::Analysis> {
        let id = self.data().id().unwrap_or_default().to_owned();
        let inserted = self
            .client()
            .add_container_analysis(id, input)
            .send()
            .await?;
        let Some(id) = inserted.id else {
            return Err(crate::Error::Unexpected {
                operation_id: "addContainerAnalysis",
                message: "the server answered no `_id` for the created analysis".into(),
            });
        };
        let data = self.client().get_analysis(id).send().await?;
        Ok(Container::new(self.client().clone(), data))
    }
}
