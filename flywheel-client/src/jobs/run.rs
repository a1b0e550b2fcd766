//! Running a gear: [`Gear`], [`RunBuilder`] and the batch proposal.

use std::collections::BTreeMap;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use serde_json::{Map, Value};

use super::JobError;
use super::follow::Job;
use crate::Client;
use crate::types::{
    ContainerReference, FileOutput, FileReference, FileReferenceOrFileVersion, GearCategory,
    GearDocument, InputJob, JobPriority,
};

/// A container by type and id: a run's destination or a batch target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRef {
    /// Container type as the API names it: `project`, `subject`, `session`, `acquisition`, …
    pub container_type: String,
    /// Container id.
    pub id: String,
}

impl ContainerRef {
    /// A container of any type.
    pub fn new(container_type: impl Into<String>, id: impl Into<String>) -> ContainerRef {
        ContainerRef {
            container_type: container_type.into(),
            id: id.into(),
        }
    }

    /// A project.
    pub fn project(id: impl Into<String>) -> ContainerRef {
        ContainerRef::new("project", id)
    }

    /// A subject.
    pub fn subject(id: impl Into<String>) -> ContainerRef {
        ContainerRef::new("subject", id)
    }

    /// A session.
    pub fn session(id: impl Into<String>) -> ContainerRef {
        ContainerRef::new("session", id)
    }

    /// An acquisition.
    pub fn acquisition(id: impl Into<String>) -> ContainerRef {
        ContainerRef::new("acquisition", id)
    }

    /// An analysis.
    pub fn analysis(id: impl Into<String>) -> ContainerRef {
        ContainerRef::new("analysis", id)
    }

    fn to_reference(&self) -> ContainerReference {
        ContainerReference::new(self.container_type.clone(), self.id.clone())
    }
}

/// A file by its container and name: a gear input (schema `FileReference` on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocation {
    /// The container holding the file.
    pub container: ContainerRef,
    /// The file name, exactly as stored.
    pub name: String,
}

impl FileLocation {
    /// The file `name` of `container`.
    pub fn new(container: ContainerRef, name: impl Into<String>) -> FileLocation {
        FileLocation {
            container,
            name: name.into(),
        }
    }

    /// A file of an acquisition.
    pub fn acquisition(id: impl Into<String>, name: impl Into<String>) -> FileLocation {
        FileLocation::new(ContainerRef::acquisition(id), name)
    }

    /// A file of a session.
    pub fn session(id: impl Into<String>, name: impl Into<String>) -> FileLocation {
        FileLocation::new(ContainerRef::session(id), name)
    }

    /// A file of a subject.
    pub fn subject(id: impl Into<String>, name: impl Into<String>) -> FileLocation {
        FileLocation::new(ContainerRef::subject(id), name)
    }

    /// A file of a project.
    pub fn project(id: impl Into<String>, name: impl Into<String>) -> FileLocation {
        FileLocation::new(ContainerRef::project(id), name)
    }

    /// A file of an analysis (its outputs).
    pub fn analysis(id: impl Into<String>, name: impl Into<String>) -> FileLocation {
        FileLocation::new(ContainerRef::analysis(id), name)
    }

    /// The reference to a file object from a listing (its `name` and `parent_ref`), or `None`
    /// when either is missing.
    pub fn from_file(file: &FileOutput) -> Option<FileLocation> {
        let parent = file.parent_ref.as_ref()?;
        Some(FileLocation::new(
            ContainerRef::new(non_empty(&parent.r#type)?, non_empty(&parent.id)?),
            file.name.clone()?,
        ))
    }

    fn to_input(&self) -> FileReferenceOrFileVersion {
        FileReferenceOrFileVersion::FileReference(FileReference::new(
            self.container.container_type.clone(),
            self.container.id.clone(),
            self.name.clone(),
        ))
    }
}

/// A gear (its `GearDocument`) with the client to run it.
#[derive(Debug, Clone)]
pub struct Gear {
    client: Client,
    document: GearDocument,
}

impl Client {
    /// Fetches a gear by id or by name (`getGear`, `GET /gears/{gearIdOrName}`; by name the
    /// server returns the latest version).
    pub async fn gear(&self, id_or_name: &str) -> Result<Gear, JobError> {
        let document = self.get_gear(id_or_name).send().await?;
        Ok(Gear::new(self.clone(), document))
    }

    /// Finds the gear named `name` (`getAllGears` with filter `gear.name=NAME`; without
    /// `all_versions` the server lists the latest version of each gear).
    ///
    /// # Errors
    /// [`JobError::GearNotFound`] when no gear matches, also for a name with characters a gear
    /// name cannot have (gear names are lowercase letters, digits, `-`, `_` and `.`).
    pub async fn find_gear(&self, name: &str) -> Result<Gear, JobError> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(JobError::GearNotFound {
                name: name.to_owned(),
            });
        }
        let mut gears = self
            .get_all_gears()
            .filter(format!("gear.name={name}"))
            .limit(1)
            .into_stream();
        match gears.next().await {
            Some(document) => Ok(Gear::new(self.clone(), document?)),
            None => Err(JobError::GearNotFound {
                name: name.to_owned(),
            }),
        }
    }
}

impl Gear {
    /// Wraps a gear document obtained any other way (e.g. from `getAllGears`).
    pub fn new(client: Client, document: GearDocument) -> Gear {
        Gear { client, document }
    }

    /// The gear document: category, manifest (`gear`), dates.
    pub fn document(&self) -> &GearDocument {
        &self.document
    }

    /// The gear id (`_id`).
    pub fn id(&self) -> Option<&str> {
        self.document.id.as_deref()
    }

    /// The gear name from the manifest (`""` when absent).
    pub fn name(&self) -> &str {
        self.document
            .gear
            .as_ref()
            .map(|manifest| manifest.name.as_str())
            .unwrap_or("")
    }

    /// Whether the gear's category is `analysis`: running it creates an analysis with its job.
    pub fn is_analysis(&self) -> bool {
        self.document.category == Some(GearCategory::Analysis)
    }

    /// The manifest's config defaults: each key of `gear.config` that has a non-null
    /// `default`, with that value (the SDK's `get_default_config`).
    pub fn default_config(&self) -> Map<String, Value> {
        self.config_specs()
            .iter()
            .filter_map(|(key, spec)| {
                let default = spec.get("default").filter(|value| !value.is_null())?;
                Some((key.clone(), default.clone()))
            })
            .collect()
    }

    /// Starts a run: set inputs, config, destination, … then `.send().await` (or `.await`).
    pub fn run(&self) -> RunBuilder {
        RunBuilder {
            gear: self.clone(),
            settings: Settings::default(),
            inputs: BTreeMap::new(),
            destination: None,
            incomplete_file: None,
        }
    }

    /// Starts a batch proposal over `targets` (sessions or acquisitions, usually): the server
    /// matches the gear's inputs in each target. Set config, tags, … then `.send().await`.
    #[cfg(feature = "batch")]
    pub fn propose_batch(&self, targets: impl IntoIterator<Item = ContainerRef>) -> BatchBuilder {
        BatchBuilder {
            gear: self.clone(),
            settings: Settings::default(),
            targets: targets.into_iter().collect(),
            optional_input_policy: crate::types::OptionalInputPolicy::Ignored,
        }
    }

    fn config_specs(&self) -> Map<String, Value> {
        match self.document.gear.as_ref().map(|m| &m.config) {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        }
    }

    /// Input name → (`base`, optional) from the manifest.
    fn input_specs(&self) -> BTreeMap<String, (String, bool)> {
        let Some(inputs) = self.document.gear.as_ref().map(|m| &m.inputs) else {
            return BTreeMap::new();
        };
        inputs
            .iter()
            .map(|(name, spec)| {
                // Read as JSON: the manifest's input kinds are a union of similar objects.
                let spec = serde_json::to_value(spec).unwrap_or(Value::Null);
                let base = spec.get("base").and_then(Value::as_str).unwrap_or("file");
                let optional = spec
                    .get("optional")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                (name.clone(), (base.to_owned(), optional))
            })
            .collect()
    }

    fn require_id(&self) -> Result<String, JobError> {
        self.id()
            .map(str::to_owned)
            .ok_or(JobError::IncompleteGear { field: "_id" })
    }

    /// The manifest's defaults with `overrides` on top, checked against the manifest.
    fn merged_config(
        &self,
        overrides: &Map<String, Value>,
    ) -> Result<Map<String, Value>, JobError> {
        let specs = self.config_specs();
        let gear = self.name();
        for (key, value) in overrides {
            let spec = specs.get(key).ok_or_else(|| JobError::UnknownConfigKey {
                gear: gear.to_owned(),
                key: key.clone(),
            })?;
            check_config_value(gear, key, spec, value)?;
        }
        let mut config = self.default_config();
        config.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (key, spec) in &specs {
            let optional = spec
                .get("optional")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !optional && !config.contains_key(key) {
                return Err(JobError::MissingRequiredConfig {
                    gear: gear.to_owned(),
                    key: key.clone(),
                });
            }
        }
        Ok(config)
    }

    /// The analysis label: the one given, or `"<gear name> <local time>"` as the SDK makes it.
    fn analysis_label(&self, label: Option<&String>) -> String {
        match label {
            Some(label) => label.clone(),
            None => format!(
                "{} {}",
                self.name(),
                chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
            ),
        }
    }
}

/// Checks `value` against the manifest's `type` and `enum` for `key`.
fn check_config_value(gear: &str, key: &str, spec: &Value, value: &Value) -> Result<(), JobError> {
    if let Some(expected) = spec.get("type").and_then(Value::as_str) {
        let matches = match expected {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !matches {
            return Err(JobError::ConfigType {
                gear: gear.to_owned(),
                key: key.to_owned(),
                expected: expected.to_owned(),
                found: json_type(value),
            });
        }
    }
    if let Some(allowed) = spec.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(JobError::ConfigNotAllowed {
            gear: gear.to_owned(),
            key: key.to_owned(),
        });
    }
    Ok(())
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What a single run and a batch share.
#[derive(Debug, Clone, Default)]
struct Settings {
    config: Map<String, Value>,
    tags: Vec<String>,
    analysis_label: Option<String>,
    priority: Option<JobPriority>,
}

/// The one place an `InputJob` body is built (its required fields may become constructor
/// arguments).
fn input_job(
    gear_id: String,
    inputs: BTreeMap<String, FileReferenceOrFileVersion>,
    destination: Option<ContainerReference>,
    config: Map<String, Value>,
    tags: Vec<String>,
    priority: JobPriority,
) -> InputJob {
    InputJob {
        inputs: Some(inputs),
        destination,
        config: Some(Value::Object(config)),
        tags: Some(tags),
        priority: Some(priority),
        ..InputJob::new(gear_id)
    }
}

/// A gear run being set up ([`Gear::run`]). Nothing is sent until `.send().await`; the
/// inputs and config are checked against the gear's manifest first.
#[must_use = "a run does nothing until `.send().await`"]
#[derive(Debug)]
pub struct RunBuilder {
    gear: Gear,
    settings: Settings,
    inputs: BTreeMap<String, FileLocation>,
    destination: Option<ContainerRef>,
    /// An input given as a file object without name or parent (reported by `send`).
    incomplete_file: Option<String>,
}

impl RunBuilder {
    /// Sets the file input `name` (a key of the manifest's `inputs`).
    pub fn input(mut self, name: impl Into<String>, file: FileLocation) -> Self {
        self.inputs.insert(name.into(), file);
        self
    }

    /// Sets the file input `name` from a file object (its `name` and `parent_ref`).
    pub fn input_file(mut self, name: impl Into<String>, file: &FileOutput) -> Self {
        let name = name.into();
        match FileLocation::from_file(file) {
            Some(file) => {
                self.inputs.insert(name, file);
            }
            None => {
                self.incomplete_file.get_or_insert(name);
            }
        }
        self
    }

    /// Sets config `key` (a key of the manifest's `config`) over its default.
    pub fn config(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.settings.config.insert(key.into(), value.into());
        self
    }

    /// Sets several config values over their defaults.
    pub fn config_values(mut self, values: Map<String, Value>) -> Self {
        self.settings.config.extend(values);
        self
    }

    /// The container the job's outputs go to; for an analysis gear, the container the analysis
    /// is created on (required then).
    pub fn destination(mut self, destination: ContainerRef) -> Self {
        self.destination = Some(destination);
        self
    }

    /// Adds a job tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        let tag = tag.into();
        if !self.settings.tags.contains(&tag) {
            self.settings.tags.push(tag);
        }
        self
    }

    /// Adds job tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        for tag in tags {
            self = self.tag(tag);
        }
        self
    }

    /// The analysis label (analysis gears only; default `"<gear name> <local date time>"`).
    pub fn analysis_label(mut self, label: impl Into<String>) -> Self {
        self.settings.analysis_label = Some(label.into());
        self
    }

    /// The job priority (default `medium`, as the SDK sends).
    pub fn priority(mut self, priority: JobPriority) -> Self {
        self.settings.priority = Some(priority);
        self
    }

    /// The job body the run sends, after checking inputs and config against the manifest;
    /// nothing is sent.
    ///
    /// # Errors
    /// The first problem found: [`JobError::UnknownInput`], [`JobError::InputNotAFile`],
    /// [`JobError::MissingRequiredInput`], [`JobError::UnknownConfigKey`],
    /// [`JobError::ConfigType`], [`JobError::ConfigNotAllowed`],
    /// [`JobError::MissingRequiredConfig`], [`JobError::NotAnalysisGear`],
    /// [`JobError::IncompleteFile`], [`JobError::IncompleteGear`].
    pub fn input_job(&self) -> Result<InputJob, JobError> {
        if let Some(input) = &self.incomplete_file {
            return Err(JobError::IncompleteFile {
                input: input.clone(),
            });
        }
        let gear = &self.gear;
        let name = gear.name();
        let specs = gear.input_specs();
        for input in self.inputs.keys() {
            match specs.get(input) {
                None => {
                    return Err(JobError::UnknownInput {
                        gear: name.to_owned(),
                        input: input.clone(),
                    });
                }
                Some((base, _)) if base != "file" => {
                    return Err(JobError::InputNotAFile {
                        gear: name.to_owned(),
                        input: input.clone(),
                        base: base.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        for (input, (base, optional)) in &specs {
            if base == "file" && !optional && !self.inputs.contains_key(input) {
                return Err(JobError::MissingRequiredInput {
                    gear: name.to_owned(),
                    input: input.clone(),
                });
            }
        }
        let config = gear.merged_config(&self.settings.config)?;
        if self.settings.analysis_label.is_some() && !gear.is_analysis() {
            return Err(JobError::NotAnalysisGear {
                gear: name.to_owned(),
            });
        }
        Ok(input_job(
            gear.require_id()?,
            self.inputs
                .iter()
                .map(|(name, file)| (name.clone(), file.to_input()))
                .collect(),
            self.destination.as_ref().map(ContainerRef::to_reference),
            config,
            self.settings.tags.clone(),
            self.settings
                .priority
                .clone()
                .unwrap_or(JobPriority::Medium),
        ))
    }

    /// Checks the run and sends it: `addJob` for most gears; for an `analysis` gear,
    /// `add<Type>Analysis` with `job=true` on the destination, creating the analysis and its
    /// job together (the job then has no destination of its own: the analysis is it).
    pub async fn send(self) -> Result<GearRun, JobError> {
        let mut job = self.input_job()?;
        let client = self.gear.client.clone();
        if !self.gear.is_analysis() {
            let inserted = client.add_job(job).send().await?;
            let id = inserted.id.ok_or(JobError::MissingId {
                operation: "addJob",
            })?;
            return Ok(GearRun::Job(client.job(id)));
        }
        let destination = self
            .destination
            .ok_or_else(|| JobError::MissingDestination {
                gear: self.gear.name().to_owned(),
            })?;
        job.destination = None;
        let label = self
            .gear
            .analysis_label(self.settings.analysis_label.as_ref());
        let id = add_analysis(&client, &destination, label, job).await?;
        Ok(GearRun::Analysis(AnalysisRun { client, id }))
    }
}

impl IntoFuture for RunBuilder {
    type Output = Result<GearRun, JobError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Creates an analysis with its job on `destination` (`add<Type>Analysis?job=true`, as the SDK
/// sends it); returns the analysis id.
#[allow(unused_variables, unreachable_code)] // with no container feature on, only the error arm is left
async fn add_analysis(
    client: &Client,
    destination: &ContainerRef,
    label: String,
    job: InputJob,
) -> Result<String, JobError> {
    let unsupported = || JobError::UnsupportedDestination {
        container_type: destination.container_type.clone(),
    };
    #[cfg(any(
        feature = "projects",
        feature = "subjects",
        feature = "sessions",
        feature = "acquisitions"
    ))]
    {
        // The one place a `JobAnalysisInput` body is built.
        let body = crate::types::AdhocAnalysisInputOrJobAnalysisInput::JobAnalysisInput(
            crate::types::JobAnalysisInput::new(job, label),
        );
        let id = &destination.id;
        let inserted = match destination.container_type.as_str() {
            #[cfg(feature = "projects")]
            "project" => {
                client
                    .add_project_analysis(id, body)
                    .job(true)
                    .send()
                    .await?
            }
            #[cfg(feature = "subjects")]
            "subject" => {
                client
                    .add_subject_analysis(id, body)
                    .job(true)
                    .send()
                    .await?
            }
            #[cfg(feature = "sessions")]
            "session" => {
                client
                    .add_session_analysis(id, body)
                    .job(true)
                    .send()
                    .await?
            }
            #[cfg(feature = "acquisitions")]
            "acquisition" => {
                client
                    .add_acquisition_analysis(id, body)
                    .job(true)
                    .send()
                    .await?
            }
            _ => return Err(unsupported()),
        };
        return inserted.id.ok_or(JobError::MissingId {
            operation: "addAnalysis",
        });
    }
    Err(unsupported())
}

/// What [`RunBuilder::send`] created.
#[derive(Debug, Clone)]
pub enum GearRun {
    /// A job (gears whose category is not `analysis`).
    Job(Job),
    /// An analysis with its job (`analysis` gears).
    Analysis(AnalysisRun),
}

impl GearRun {
    /// The job: at once for a job; for an analysis, read from the analysis (`getAnalysis`,
    /// needs the `analyses` feature).
    pub async fn job(&self) -> Result<Job, JobError> {
        match self {
            GearRun::Job(job) => Ok(job.clone()),
            #[cfg(feature = "analyses")]
            GearRun::Analysis(analysis) => analysis.job().await,
            #[cfg(not(feature = "analyses"))]
            GearRun::Analysis(_) => Err(JobError::UnsupportedDestination {
                container_type: "analysis".to_owned(),
            }),
        }
    }

    /// The analysis id for an analysis run.
    pub fn analysis_id(&self) -> Option<&str> {
        match self {
            GearRun::Analysis(analysis) => Some(analysis.id()),
            GearRun::Job(_) => None,
        }
    }
}

/// An analysis created by running an analysis gear.
#[derive(Debug, Clone)]
pub struct AnalysisRun {
    #[cfg_attr(not(feature = "analyses"), allow(dead_code))] // only `get` and `job` use it
    client: Client,
    id: String,
}

impl AnalysisRun {
    /// The analysis id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Fetches the analysis (`getAnalysis`).
    #[cfg(feature = "analyses")]
    pub async fn get(
        &self,
    ) -> Result<crate::types::AnalysisOutputOrAnalysisOutputInflatedJob, JobError> {
        Ok(self.client.get_analysis(&self.id).send().await?)
    }

    /// The analysis's job (`getAnalysis`; the analysis names its job by id or holds it).
    #[cfg(feature = "analyses")]
    pub async fn job(&self) -> Result<Job, JobError> {
        use crate::types::{
            AnalysisOutputOrAnalysisOutputInflatedJob as Analysis, JobOutputOrString,
        };
        let id = match self.get().await? {
            Analysis::AnalysisOutput(analysis) => match analysis.job {
                Some(JobOutputOrString::String(id)) => Some(id),
                Some(JobOutputOrString::JobOutput(job)) => job.id,
                None => None,
            },
            Analysis::AnalysisOutputInflatedJob(analysis) => analysis
                .job_id
                .or_else(|| analysis.job.and_then(|job| job.id)),
        };
        let id = id.ok_or(JobError::MissingId {
            operation: "getAnalysis",
        })?;
        Ok(self.client.job(id))
    }
}

/// A batch proposal being set up ([`Gear::propose_batch`]).
#[cfg(feature = "batch")]
#[must_use = "a proposal does nothing until `.send().await`"]
#[derive(Debug)]
pub struct BatchBuilder {
    gear: Gear,
    settings: Settings,
    targets: Vec<ContainerRef>,
    optional_input_policy: crate::types::OptionalInputPolicy,
}

#[cfg(feature = "batch")]
impl BatchBuilder {
    /// Sets config `key` over its default.
    pub fn config(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.settings.config.insert(key.into(), value.into());
        self
    }

    /// Adds a job tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        let tag = tag.into();
        if !self.settings.tags.contains(&tag) {
            self.settings.tags.push(tag);
        }
        self
    }

    /// The analysis label (analysis gears; default `"<gear name> <local date time>"`).
    pub fn analysis_label(mut self, label: impl Into<String>) -> Self {
        self.settings.analysis_label = Some(label.into());
        self
    }

    /// The job priority (default `medium`).
    pub fn priority(mut self, priority: JobPriority) -> Self {
        self.settings.priority = Some(priority);
        self
    }

    /// How optional inputs are matched (default `ignored`, as in the SDK).
    pub fn optional_input_policy(mut self, policy: crate::types::OptionalInputPolicy) -> Self {
        self.optional_input_policy = policy;
        self
    }

    /// The proposal body, after checking the config against the manifest; nothing is sent.
    pub fn proposal_input(&self) -> Result<crate::types::ClassicBatchProposalInput, JobError> {
        let gear = &self.gear;
        let config = gear.merged_config(&self.settings.config)?;
        if self.settings.analysis_label.is_some() && !gear.is_analysis() {
            return Err(JobError::NotAnalysisGear {
                gear: gear.name().to_owned(),
            });
        }
        let analysis = gear
            .is_analysis()
            .then(|| crate::types::BatchJobAnalysisInput {
                label: Some(gear.analysis_label(self.settings.analysis_label.as_ref())),
                ..Default::default()
            });
        // The one place a `ClassicBatchProposalInput` body is built.
        let targets: Vec<ContainerReference> = self
            .targets
            .iter()
            .map(ContainerRef::to_reference)
            .collect();
        Ok(crate::types::ClassicBatchProposalInput {
            config: Some(Value::Object(config)),
            tags: Some(self.settings.tags.clone()),
            analysis,
            optional_input_policy: Some(self.optional_input_policy.clone()),
            priority: Some(
                self.settings
                    .priority
                    .clone()
                    .unwrap_or(JobPriority::Medium),
            ),
            ..crate::types::ClassicBatchProposalInput::new(gear.require_id()?, targets)
        })
    }

    /// Checks and sends the proposal (`proposeBatch`).
    pub async fn send(self) -> Result<BatchProposal, JobError> {
        let body = self.proposal_input()?;
        let client = self.gear.client.clone();
        let proposal = client.propose_batch(body).send().await?;
        Ok(BatchProposal { client, proposal })
    }
}

#[cfg(feature = "batch")]
impl IntoFuture for BatchBuilder {
    type Output = Result<BatchProposal, JobError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A batch proposal on the server (state `pending`): what matched, what did not; run or
/// cancel it.
#[cfg(feature = "batch")]
#[derive(Debug, Clone)]
pub struct BatchProposal {
    client: Client,
    proposal: crate::types::ClassicBatchProposalOutput,
}

#[cfg(feature = "batch")]
impl BatchProposal {
    /// The batch id.
    pub fn id(&self) -> Option<&str> {
        self.proposal.id.as_deref()
    }

    /// The proposal as the server answered it (`matched`, `not_matched`, `ambiguous`, …).
    pub fn proposal(&self) -> &crate::types::ClassicBatchProposalOutput {
        &self.proposal
    }

    fn require_id(&self) -> Result<&str, JobError> {
        self.id().ok_or(JobError::MissingId {
            operation: "proposeBatch",
        })
    }

    /// Runs the proposal (`startBatch`): one job per matched target.
    pub async fn run(&self) -> Result<Vec<Job>, JobError> {
        let jobs = self.client.start_batch(self.require_id()?).send().await?;
        jobs.into_iter()
            .map(|job| {
                job.id
                    .map(|id| self.client.job(id))
                    .ok_or(JobError::MissingId {
                        operation: "startBatch",
                    })
            })
            .collect()
    }

    /// Cancels the batch and its pending jobs (`cancelBatch`).
    pub async fn cancel(&self) -> Result<crate::types::CancelledBatchOutput, JobError> {
        Ok(self.client.cancel_batch(self.require_id()?).send().await?)
    }
}

/// `Some(text)` unless the answer left the field empty (a missing required field decodes as
/// `""`).
fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}
