//! Files on containers: uploads ([`Container::upload_file`], [`Container::upload_output`]) that
//! pick the signed-URL or the multipart protocol as the Python SDK does, and [`FileRef`], one
//! named file of a container to download, read, range-read, share by URL or look into (zip).
//!
//! # Which upload protocol is used
//!
//! With [`UploadProtocol::Auto`] (the default), as `flywheel-sdk` 20.0.0 does:
//!
//! 1. `GET /config` (`getConfig`): when neither `features.signed_url` nor `signed_url` is
//!    `true`, the site stores files itself and the file goes up as a direct
//!    `multipart/form-data` `POST /{kind}s/{id}/files` (`uploadFileTo…`, for an analysis
//!    `uploadOutputToAnalysis`).
//! 2. Otherwise the client asks for an upload ticket: `POST /{kind}s/{id}/files?ticket=` with
//!    `{"metadata": …, "filenames": [name]}` (the metadata gets `name` and `size` when it lacks
//!    them; for an analysis it is sent as a one-item list). The answer holds the ticket, the
//!    signed URL(s) of the file and the headers to send to storage. An answer of `null`, an
//!    answer without `headers`, or a `409 Conflict` means the site takes this upload the direct
//!    way: the client falls back to step 1's multipart upload.
//! 3. The file is `PUT` to its URL; when the server gives several URLs (a multipart upload to an
//!    S3-compatible store), the file is cut into as many parts of `ceil(size / urls)` bytes,
//!    each `PUT` to its URL in order with the given headers. A `PUT` that fails with a
//!    connection error, 408, 429 or 5xx is retried (up to the client's
//!    [`max_attempts`](crate::ClientBuilder::max_attempts), with its backoff), without sending
//!    again the parts that already succeeded. A reader source is read once, so its parts are not
//!    retried. The storage gets no API key; the client's total
//!    [`timeout`](crate::ClientBuilder::timeout), when set, bounds each `PUT`.
//! 4. The ticket is completed: `POST /{kind}s/{id}/files?ticket=TICKET`, with
//!    `{"multipart": {"e_tags": [...], "upload_id": …}}` when the URLs carry an `uploadId`
//!    (an S3 multipart upload, AWS or another S3-compatible store). The answer lists the files.
//!
//! Force one protocol with [`UploadOptions::protocol`]: [`UploadProtocol::Multipart`] never
//! asks for a ticket; [`UploadProtocol::SignedUrl`] skips the `/config` check and fails with
//! [`Error::Unexpected`] instead of falling back.
//!
//! Both protocols stream the contents (from disk, bytes or a reader): memory use does not grow
//! with the file size.

use std::ops::Range;
use std::path::Path;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use super::{Container, ContainerData, ContainerKind};
use crate::error::{ApiError, Error, TransportKind};
use crate::retry::RetryPolicy;
use crate::{Client, Download, UploadFile};

/// Which protocol an upload uses; see the [module docs](self) for when `Auto` picks which.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadProtocol {
    /// Signed URLs when the site offers them, else the direct multipart upload (as the SDK).
    #[default]
    Auto,
    /// Always the upload ticket and signed URLs; an error when the server does not offer them.
    SignedUrl,
    /// Always the direct `multipart/form-data` upload to the API.
    Multipart,
}

/// Options of [`Container::upload_file_with`] and [`Container::upload_output_with`]: the file
/// metadata and the protocol.
///
/// ```
/// use flywheel_client::conveniences::{UploadOptions, UploadProtocol};
/// let options = UploadOptions::new()
///     .metadata(serde_json::json!({"modality": "MR", "info": {"cohort": 2024}}))
///     .protocol(UploadProtocol::Multipart);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct UploadOptions {
    /// The metadata as JSON, or why it did not serialize (reported when the upload is sent).
    metadata: Option<Result<serde_json::Value, String>>,
    protocol: UploadProtocol,
}

impl UploadOptions {
    /// No metadata, [`UploadProtocol::Auto`].
    pub fn new() -> UploadOptions {
        UploadOptions::default()
    }

    /// The file metadata (`modality`, `classification`, `info`, `tags`, `type`, …): a typed
    /// value (e.g. `types::FileInput`) or `serde_json::json!`. Sent as the ticket's `metadata`,
    /// or as the `metadata` form field of a multipart upload. A value that does not serialize
    /// makes the upload fail with [`Error::InvalidRequest`].
    pub fn metadata(mut self, metadata: impl serde::Serialize) -> UploadOptions {
        self.metadata = Some(serde_json::to_value(metadata).map_err(|e| e.to_string()));
        self
    }

    /// The protocol; [`UploadProtocol::Auto`] when not set.
    pub fn protocol(mut self, protocol: UploadProtocol) -> UploadOptions {
        self.protocol = protocol;
        self
    }
}

/// The upload operation of a kind: operation id and path template.
fn upload_operation(kind: ContainerKind) -> crate::Result<(&'static str, &'static str)> {
    Ok(match kind {
        ContainerKind::Project => ("uploadFileToProject", "/projects/{containerId}/files"),
        ContainerKind::Subject => ("uploadFileToSubject", "/subjects/{containerId}/files"),
        ContainerKind::Session => ("uploadFileToSession", "/sessions/{containerId}/files"),
        ContainerKind::Acquisition => (
            "uploadFileToAcquisition",
            "/acquisitions/{containerId}/files",
        ),
        ContainerKind::Collection => ("uploadFileToCollection", "/collections/{containerId}/files"),
        ContainerKind::Analysis => ("uploadOutputToAnalysis", "/analyses/{containerId}/files"),
        ContainerKind::Group => {
            return Err(Error::invalid_request(
                "uploadFileToContainer",
                "groups take no files; upload to a project, subject, session, acquisition, analysis or collection",
            ));
        }
    })
}

impl<T: ContainerData> Container<T> {
    /// Uploads one file (from a path, bytes or a reader with a length, see [`UploadFile`]) with
    /// no metadata, by the protocol the site prefers (see the [module docs](crate::conveniences::files)),
    /// and returns the files as the server answered them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a group or a file name that
    /// cannot be sent; [`Error::Io`] when the file cannot be read; an
    /// [`Error::Api`] of the API or of the storage (after retries); the
    /// errors of each operation called.
    pub async fn upload_file(
        &self,
        file: UploadFile,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        self.upload_file_with(file, UploadOptions::new()).await
    }

    /// Uploads one file with metadata and/or a forced protocol.
    ///
    /// # Errors
    ///
    /// As [`upload_file`](Container::upload_file); [`Error::Unexpected`]
    /// when [`UploadProtocol::SignedUrl`] is forced and the server offers no signed URL.
    pub async fn upload_file_with(
        &self,
        file: UploadFile,
        options: UploadOptions,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        self.upload_files(vec![file], options).await
    }

    /// Uploads several output files to an analysis (the SDK's `analysis.upload_output([..])`),
    /// each by the protocol the site prefers.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the container is not an
    /// analysis; as [`upload_file`](Container::upload_file) otherwise.
    pub async fn upload_output(
        &self,
        files: impl IntoIterator<Item = UploadFile>,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        self.upload_output_with(files, UploadOptions::new()).await
    }

    /// [`upload_output`](Container::upload_output) with options; the metadata applies to
    /// every file.
    ///
    /// # Errors
    ///
    /// As [`upload_output`](Container::upload_output).
    pub async fn upload_output_with(
        &self,
        files: impl IntoIterator<Item = UploadFile>,
        options: UploadOptions,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        if T::KIND != ContainerKind::Analysis {
            return Err(Error::invalid_request(
                "uploadOutputToAnalysis",
                "outputs are uploaded to analyses; use upload_file on other containers",
            ));
        }
        self.upload_files(files.into_iter().collect(), options)
            .await
    }

    async fn upload_files(
        &self,
        files: Vec<UploadFile>,
        options: UploadOptions,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        let (operation_id, path) = upload_operation(T::KIND)?;
        let metadata = match options.metadata {
            None => None,
            Some(Ok(metadata)) => Some(metadata),
            Some(Err(message)) => {
                return Err(Error::invalid_request(
                    operation_id,
                    format!("the metadata does not serialize: {message}"),
                ));
            }
        };
        for file in &files {
            file.validate(operation_id)?;
        }
        let upload = Upload {
            client: self.client(),
            operation_id,
            path,
            container_id: self.data().id().unwrap_or_default(),
            analysis: T::KIND == ContainerKind::Analysis,
        };
        let signed = match options.protocol {
            UploadProtocol::Multipart => false,
            UploadProtocol::SignedUrl => true,
            UploadProtocol::Auto => site_offers_signed_urls(self.client()).await?,
        };
        let mut uploaded = Vec::new();
        let mut direct = Vec::new();
        for file in files {
            if signed {
                let forced = options.protocol == UploadProtocol::SignedUrl;
                match upload.signed(&file, metadata.as_ref(), forced).await? {
                    Some(files) => {
                        uploaded.extend(files);
                        continue;
                    }
                    None if options.protocol == UploadProtocol::SignedUrl => {
                        return Err(Error::Unexpected {
                            operation_id,
                            message: "the server offered no signed URL for the upload (forced with UploadProtocol::SignedUrl)".into(),
                        });
                    }
                    None => {}
                }
            }
            direct.push(file);
        }
        if !direct.is_empty() {
            uploaded.extend(upload.multipart(direct, metadata.as_ref()).await?);
        }
        Ok(uploaded)
    }

    /// One named file of this container, to download, read or look into. The name is sent as
    /// one path segment: `/` and non-ASCII characters are allowed.
    pub fn file(&self, name: impl Into<String>) -> FileRef {
        FileRef {
            client: self.client().clone(),
            container_id: self.data().id().unwrap_or_default().to_owned(),
            name: name.into(),
            file_id: None,
        }
    }
}

/// Whether `GET /config` says the site offers signed upload URLs (`features.signed_url` or
/// `signed_url`).
async fn site_offers_signed_urls(client: &Client) -> crate::Result<bool> {
    let config: serde_json::Value = client
        .request("getConfig", Method::GET, "/config")
        .send_json()
        .await?;
    let flag = |value: Option<&serde_json::Value>| {
        value.and_then(serde_json::Value::as_bool).unwrap_or(false)
    };
    Ok(flag(config.pointer("/features/signed_url")) || flag(config.get("signed_url")))
}

/// One upload's target: the operation and container.
struct Upload<'a> {
    client: &'a Client,
    operation_id: &'static str,
    path: &'static str,
    container_id: &'a str,
    analysis: bool,
}

/// What an upload ticket answer holds, once checked.
struct Ticket {
    ticket: String,
    urls: Vec<String>,
    headers: HeaderMap,
}

impl Upload<'_> {
    fn request(&self) -> crate::OperationRequest {
        let mut request = self
            .client
            .request(self.operation_id, Method::POST, self.path);
        request.path_param("containerId", self.container_id);
        request
    }

    /// The direct `multipart/form-data` upload of `files` in one request.
    async fn multipart(
        &self,
        files: Vec<UploadFile>,
        metadata: Option<&serde_json::Value>,
    ) -> crate::Result<Vec<crate::types::FileOutput>> {
        let mut request = self.request();
        for file in files {
            request.multipart_file("file", file);
        }
        if let Some(metadata) = metadata {
            request.multipart_json("metadata", metadata);
        }
        request.send_json().await
    }

    /// The signed-URL upload of one file; `Ok(None)` when the server answers that this upload
    /// goes the direct way (`null`, no `headers`, `409`), before anything was sent to storage.
    async fn signed(
        &self,
        file: &UploadFile,
        metadata: Option<&serde_json::Value>,
        forced: bool,
    ) -> crate::Result<Option<Vec<crate::types::FileOutput>>> {
        let Some(size) = file.content_length(self.operation_id).await? else {
            // The parts cannot be cut without a size (the SDK refuses such a source too):
            // the direct upload takes it, unless signed URLs were forced.
            if forced {
                return Err(Error::invalid_request(
                    self.operation_id,
                    "a signed-URL upload needs the size of a reader source (UploadFile::from_reader with a length)",
                ));
            }
            return Ok(None);
        };
        let name = file.file_name().unwrap_or_default().to_owned();
        let Some(ticket) = self.create_ticket(&name, size, metadata).await? else {
            return Ok(None);
        };
        let reader = file.take_shared_reader(self.operation_id)?;
        let parts = ticket.urls.len() as u64;
        let part_size = size.div_ceil(parts.max(1));
        let mut e_tags = Vec::with_capacity(ticket.urls.len());
        for (index, url) in ticket.urls.iter().enumerate() {
            let offset = part_size * index as u64;
            let length = part_size.min(size.saturating_sub(offset));
            let e_tag = self
                .put_part(file, url, &ticket.headers, offset, length, reader.as_ref())
                .await?;
            e_tags.push(e_tag);
        }
        let upload_id = ticket
            .urls
            .iter()
            .map(|url| upload_id_of(url))
            .collect::<Option<Vec<_>>>()
            .and_then(|ids| ids.into_iter().next());
        let mut request = self.request();
        request.query("ticket", ticket.ticket.as_str());
        if let Some(upload_id) = upload_id {
            let e_tags: Option<Vec<String>> = e_tags.into_iter().collect();
            let Some(e_tags) = e_tags else {
                return Err(Error::Unexpected {
                    operation_id: self.operation_id,
                    message: "the storage answered a multipart part without an ETag".into(),
                });
            };
            request.json_body(&serde_json::json!({
                "multipart": {"e_tags": e_tags, "upload_id": upload_id}
            }));
        }
        request.send_json().await.map(Some)
    }

    /// `POST …/files?ticket=` with the file name and metadata; `None` for the answers that
    /// mean "upload directly".
    async fn create_ticket(
        &self,
        name: &str,
        size: u64,
        metadata: Option<&serde_json::Value>,
    ) -> crate::Result<Option<Ticket>> {
        let mut metadata = metadata.cloned().unwrap_or_else(|| serde_json::json!({}));
        if let Some(object) = metadata.as_object_mut() {
            object.entry("name").or_insert_with(|| name.into());
            object.entry("size").or_insert_with(|| size.into());
        }
        if self.analysis {
            metadata = serde_json::Value::Array(vec![metadata]);
        }
        let mut request = self.request();
        request.query("ticket", "");
        request.json_body(&serde_json::json!({"metadata": metadata, "filenames": [name]}));
        let answer: serde_json::Value = match request.send_json().await {
            Ok(answer) => answer,
            Err(error) if error.status() == Some(StatusCode::CONFLICT) => return Ok(None),
            Err(error) => return Err(error),
        };
        let unexpected = |what: &str| Error::Unexpected {
            operation_id: self.operation_id,
            message: format!("the upload ticket answer {what}"),
        };
        let serde_json::Value::Object(answer) = answer else {
            return if answer.is_null() {
                Ok(None)
            } else {
                Err(unexpected("is not a JSON object"))
            };
        };
        let Some(headers) = answer.get("headers").and_then(serde_json::Value::as_object) else {
            return Ok(None);
        };
        let ticket = answer
            .get("ticket")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| unexpected("has no `ticket`"))?
            .to_owned();
        let urls = match answer.get("urls").and_then(|urls| urls.get(name)) {
            Some(serde_json::Value::String(url)) => vec![url.clone()],
            Some(serde_json::Value::Array(urls)) => urls
                .iter()
                .map(|url| url.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| unexpected("has a URL that is not a string"))?,
            _ => return Err(unexpected("has no URL for the file")),
        };
        if urls.is_empty() {
            return Err(unexpected("has no URL for the file"));
        }
        let mut header_map = HeaderMap::new();
        for (key, value) in headers {
            let value = value
                .as_str()
                .ok_or_else(|| unexpected("has a header that is not a string"))?;
            let (Ok(key), Ok(value)) = (
                HeaderName::try_from(key.as_str()),
                HeaderValue::try_from(value),
            ) else {
                return Err(unexpected("has a header that cannot be sent"));
            };
            header_map.insert(key, value);
        }
        Ok(Some(Ticket {
            ticket,
            urls,
            headers: header_map,
        }))
    }

    /// `PUT`s bytes `offset..offset + length` to `url`, retrying transient failures when the
    /// source can be read again; answers the part's `ETag` (quotes removed), when given.
    async fn put_part(
        &self,
        file: &UploadFile,
        url: &str,
        headers: &HeaderMap,
        offset: u64,
        length: u64,
        reader: Option<&crate::upload::RangeReader>,
    ) -> crate::Result<Option<String>> {
        let transport = &self.client.inner;
        // A reader is read once, in order: its parts cannot be sent again.
        let policy = RetryPolicy::new(
            self.operation_id,
            STORAGE_PUT,
            &Method::PUT,
            transport.settings,
            reader.is_none(),
            None,
        );
        policy
            .run_when(storage_put_retryable, |_| async {
                let body = file
                    .range_body(self.operation_id, offset, length, reader)
                    .await?;
                let mut put = transport
                    .http
                    .put(url)
                    .headers(headers.clone())
                    .header(http::header::CONTENT_LENGTH, length)
                    .body(body);
                // The client's total timeout, when set, bounds each `PUT`.
                if let Some(timeout) = transport.settings.timeout {
                    put = put.timeout(timeout);
                }
                let response = put
                    .send()
                    .await
                    .map_err(|error| Error::transport(self.operation_id, error))?;
                let status = response.status();
                if status.is_success() {
                    return Ok(response
                        .headers()
                        .get(http::header::ETAG)
                        .and_then(|value| value.to_str().ok())
                        .map(|value| value.trim_matches('"').to_owned()));
                }
                let headers = response.headers().clone();
                let body = response.bytes().await.unwrap_or_default();
                Err(Error::Api(Box::new(ApiError::new(
                    self.operation_id,
                    status,
                    headers,
                    body,
                ))))
            })
            .await
    }
}

/// Stands for the signed storage URL in retry warnings: the URL itself may name the file.
const STORAGE_PUT: &str = "(signed storage URL)";

/// Storage answers worth another `PUT`: a timeout, rate limiting or a server error, and
/// failures of the connection or the transfer.
fn storage_put_retryable(error: &Error) -> bool {
    match error {
        Error::Api(api) => {
            let status = api.status();
            status == StatusCode::REQUEST_TIMEOUT
                || status == StatusCode::TOO_MANY_REQUESTS
                || status.is_server_error()
        }
        Error::Transport { kind, .. } => matches!(
            kind,
            TransportKind::Connect
                | TransportKind::Timeout
                | TransportKind::Body
                | TransportKind::Other
        ),
        _ => false,
    }
}

/// The `uploadId` query value of a signed URL (an S3 multipart upload part).
fn upload_id_of(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "uploadId").then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// One named file of a container (from [`Container::file`]): download it to a path, read it
/// into memory or as a stream, read a byte range, get a URL someone else can fetch, or look
/// into a zip file. Calls the `containers` file operations (`/containers/{id}/files/{name}`),
/// which serve every container kind.
#[derive(Debug, Clone)]
pub struct FileRef {
    client: Client,
    container_id: String,
    name: String,
    /// The file's own id (`file_id`), known when made from an answer; the tag operations need it.
    file_id: Option<String>,
}

const FILE_PATH: &str = "/containers/{containerId}/files/{fileName}";

impl FileRef {
    /// The file a listing or an upload answered (its `parent_ref.id` and `name`), e.g. an item
    /// of `client.files().stream(..)` or of [`Container::upload_file`]'s answer; `None` when the
    /// answer lacks either.
    pub fn from_output(client: &Client, file: &crate::types::FileOutput) -> Option<FileRef> {
        Some(FileRef {
            client: client.clone(),
            container_id: Some(file.parent_ref.as_ref()?.id.clone()).filter(|id| !id.is_empty())?,
            name: file.name.clone()?,
            file_id: file.file_id.clone(),
        })
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn request(&self, operation_id: &'static str) -> crate::OperationRequest {
        let mut request = self.client.request(operation_id, Method::GET, FILE_PATH);
        request.path_param("containerId", &self.container_id);
        request.path_param("fileName", &self.name);
        request
    }

    /// Starts the download (`downloadFileFromContainer`): the [`Download`] is the body as a
    /// `Stream` of bytes, or an `AsyncRead` with [`Download::into_async_read`].
    pub async fn download(&self) -> crate::Result<Download> {
        self.request("downloadFileFromContainer")
            .send_download()
            .await
    }

    /// Downloads the file to `path`, atomically: the bytes go to a temporary file beside it,
    /// renamed to `path` only once complete, so an interrupted transfer leaves no partial file
    /// at `path`. Answers the number of bytes written.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be written; the transfer's errors.
    pub async fn download_to(&self, path: impl AsRef<Path>) -> crate::Result<u64> {
        self.download().await?.write_to_path(path).await
    }

    /// Reads the whole file into memory (for files known to be small).
    pub async fn read(&self) -> crate::Result<Bytes> {
        self.download().await?.bytes().await
    }

    /// Reads bytes `range.start..range.end` (end exclusive) of the file: an RFC 7233 `Range`
    /// header with `view=true`, as the spec documents. An empty range reads nothing and sends
    /// nothing.
    pub async fn read_range(&self, range: Range<u64>) -> crate::Result<Bytes> {
        if range.is_empty() {
            return Ok(Bytes::new());
        }
        let mut request = self.request("downloadFileFromContainer");
        request.query("view", &true);
        request.header("range", format!("bytes={}-{}", range.start, range.end - 1));
        request.send_download().await?.bytes().await
    }

    /// A URL anyone can fetch the file from without credentials for a while: a download ticket
    /// (`getContainerDownloadTicket`) on the file's URL, as the SDK's `get_*_download_url`.
    ///
    /// # Errors
    ///
    /// [`Error::Unexpected`] when the answer holds no ticket.
    pub async fn download_url(&self) -> crate::Result<String> {
        let mut request = self.request("getContainerDownloadTicket");
        request.query("ticket", "");
        let answer: serde_json::Value = request.send_json().await?;
        let Some(ticket) = answer.get("ticket").and_then(serde_json::Value::as_str) else {
            return Err(Error::Unexpected {
                operation_id: "getContainerDownloadTicket",
                message: "the answer holds no ticket".into(),
            });
        };
        let segment = |value: &str| {
            percent_encoding::utf8_percent_encode(value, crate::request::PATH_SEGMENT).to_string()
        };
        Ok(format!(
            "{}/containers/{}/files/{}?ticket={}",
            self.client.base_url(),
            segment(&self.container_id),
            segment(&self.name),
            segment(ticket)
        ))
    }

    /// The members of a zip file (`getContainerFileZipInfo`, `info=true`).
    pub async fn zip_info(&self) -> crate::Result<crate::types::ZipfileInfo> {
        let mut request = self.request("getContainerFileZipInfo");
        request.query("info", &true);
        request.send_json().await
    }

    /// Starts the download of one member of a zip file (`member=PATH`).
    pub async fn download_zip_member(&self, member: &str) -> crate::Result<Download> {
        let mut request = self.request("downloadFileFromContainer");
        request.query("member", member);
        request.send_download().await
    }

    /// Reads one member of a zip file into memory.
    pub async fn read_zip_member(&self, member: &str) -> crate::Result<Bytes> {
        self.download_zip_member(member).await?.bytes().await
    }

    fn file_change(
        &self,
        operation_id: &'static str,
        method: Method,
        path: &'static str,
        body: &serde_json::Value,
    ) -> crate::OperationRequest {
        let mut request = self.client.request(operation_id, method, path);
        request.path_param(
            if path.contains("{cid}") {
                "cid"
            } else {
                "containerId"
            },
            &self.container_id,
        );
        request.path_param(
            if path.contains("{filename}") {
                "filename"
            } else {
                "fileName"
            },
            &self.name,
        );
        request.json_body(body);
        request
    }

    async fn change_info(&self, body: serde_json::Value) -> crate::Result<()> {
        self.file_change(
            "modifyContainerFileInfo",
            Method::PATCH,
            "/containers/{cid}/files/{filename}/info",
            &body,
        )
        .send_empty()
        .await
    }

    /// Sets the given keys of the file's `info`, keeping the others (`modifyContainerFileInfo`
    /// with `set`).
    pub async fn update_info(
        &self,
        info: serde_json::Map<String, serde_json::Value>,
    ) -> crate::Result<()> {
        self.change_info(serde_json::json!({"set": info})).await
    }

    /// Replaces the file's whole `info` (`modifyContainerFileInfo` with `replace`).
    pub async fn replace_info(
        &self,
        info: serde_json::Map<String, serde_json::Value>,
    ) -> crate::Result<()> {
        self.change_info(serde_json::json!({"replace": info})).await
    }

    /// Deletes top-level keys of the file's `info` (`modifyContainerFileInfo` with `delete`).
    pub async fn delete_info<K: Into<String>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> crate::Result<()> {
        let keys: Vec<String> = keys.into_iter().map(Into::into).collect();
        self.change_info(serde_json::json!({"delete": keys})).await
    }

    /// Changes the file's classification (`modifyContainerFileClassification`): the delta adds
    /// (`add`), removes (`delete`) or replaces (`replace`, with `modality`) values per key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the delta does not
    /// serialize; the operation's errors.
    pub async fn update_classification(
        &self,
        delta: &crate::types::FileClassificationDelta,
    ) -> crate::Result<()> {
        let body = serde_json::to_value(delta).map_err(|e| {
            Error::invalid_request(
                "modifyContainerFileClassification",
                format!("the delta does not serialize: {e}"),
            )
        })?;
        self.file_change(
            "modifyContainerFileClassification",
            Method::PATCH,
            "/containers/{cid}/files/{filename}/classification",
            &body,
        )
        .send_empty()
        .await
    }

    async fn tags(
        &self,
        operation_id: &'static str,
        method: Method,
        tags: Vec<String>,
    ) -> crate::Result<()> {
        let Some(file_id) = &self.file_id else {
            return Err(Error::invalid_request(
                operation_id,
                "file tags need the file id: make the FileRef from an answer with FileRef::from_output",
            ));
        };
        let mut request = self
            .client
            .request(operation_id, method, "/files/{fileId}/tags");
        request.path_param("fileId", file_id);
        request.json_body(&tags);
        request.send_empty().await
    }

    /// Adds tags to the file (`addFileTags`, `PATCH /files/{fileId}/tags`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the file id is unknown (a `FileRef` from
    /// [`Container::file`]; use [`FileRef::from_output`]); the operation's errors.
    pub async fn add_tags<S: Into<String>>(
        &self,
        tags: impl IntoIterator<Item = S>,
    ) -> crate::Result<()> {
        self.tags(
            "addFileTags",
            Method::PATCH,
            tags.into_iter().map(Into::into).collect(),
        )
        .await
    }

    /// Replaces the file's tags (`setFileTags`); errors as [`add_tags`](FileRef::add_tags).
    pub async fn set_tags<S: Into<String>>(
        &self,
        tags: impl IntoIterator<Item = S>,
    ) -> crate::Result<()> {
        self.tags(
            "setFileTags",
            Method::PUT,
            tags.into_iter().map(Into::into).collect(),
        )
        .await
    }

    /// Removes tags from the file (`deleteFileTags`); errors as [`add_tags`](FileRef::add_tags).
    pub async fn delete_tags<S: Into<String>>(
        &self,
        tags: impl IntoIterator<Item = S>,
    ) -> crate::Result<()> {
        self.tags(
            "deleteFileTags",
            Method::DELETE,
            tags.into_iter().map(Into::into).collect(),
        )
        .await
    }

    /// Sets the file's modality (`modifyContainerFile` with `{"modality": …}`), e.g. `MR`.
    pub async fn set_modality(&self, modality: &str) -> crate::Result<()> {
        self.update(serde_json::json!({"modality": modality})).await
    }

    /// Changes the file's fields (`modifyContainerFile`): `type`, `modality`, … as a typed value
    /// or `serde_json::json!`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `changes` does not
    /// serialize; the operation's errors.
    pub async fn update(&self, changes: impl serde::Serialize) -> crate::Result<()> {
        let body = serde_json::to_value(changes).map_err(|e| {
            Error::invalid_request(
                "modifyContainerFile",
                format!("the changes do not serialize: {e}"),
            )
        })?;
        self.file_change("modifyContainerFile", Method::PUT, FILE_PATH, &body)
            .send_empty()
            .await
    }
}

/// The archive format of [`Archive`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveFormat {
    /// A tar archive (the server's default).
    #[default]
    Tar,
    /// A zip archive.
    Zip,
}

/// A bulk download of whole containers as one archive, through the download-ticket protocol:
/// `POST /download` (`createDownloadTicket`) with the containers and file-type filters, then
/// `GET /download?ticket=…&format=tar|zip` (`downloadTicket`) streamed to a path, as the SDK's
/// `download_tar` / `download_zip`.
///
/// ```no_run
/// # async fn example(session: flywheel_client::conveniences::Session) -> flywheel_client::Result<()> {
/// use flywheel_client::conveniences::Archive;
/// let written = Archive::new()
///     .container(&session)
///     .include_types(["nifti"])
///     .download_to(session.client(), "/tmp/session.tar")
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Archive {
    nodes: Vec<(ContainerKind, String)>,
    include_types: Vec<String>,
    exclude_types: Vec<String>,
    format: ArchiveFormat,
}

impl Archive {
    /// No containers yet, no filter, tar.
    pub fn new() -> Archive {
        Archive::default()
    }

    /// Adds a container (project, subject, session, acquisition, analysis, …).
    pub fn container<T: ContainerData>(self, container: &Container<T>) -> Archive {
        let id = container.data().id().unwrap_or_default().to_owned();
        self.node(T::KIND, id)
    }

    /// Adds a container by kind and id.
    pub fn node(mut self, kind: ContainerKind, id: impl Into<String>) -> Archive {
        self.nodes.push((kind, id.into()));
        self
    }

    /// Only files of these types (`nifti`, `dicom`, …): the filter's `plus` list.
    pub fn include_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Archive {
        self.include_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// No files of these types: the filter's `minus` list.
    pub fn exclude_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Archive {
        self.exclude_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// Tar (the default) or zip.
    pub fn format(mut self, format: ArchiveFormat) -> Archive {
        self.format = format;
        self
    }

    /// Creates the download ticket and starts the archive download: the [`Download`] streams
    /// the archive as the server builds it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] without containers;
    /// [`Error::Unexpected`] when the ticket answer holds no ticket;
    /// the operations' errors.
    pub async fn download(&self, client: &Client) -> crate::Result<Download> {
        if self.nodes.is_empty() {
            return Err(Error::invalid_request(
                "createDownloadTicket",
                "the archive has no containers",
            ));
        }
        let nodes: Vec<serde_json::Value> = self
            .nodes
            .iter()
            .map(|(kind, id)| serde_json::json!({"level": kind.as_str(), "_id": id}))
            .collect();
        let mut body = serde_json::json!({"nodes": nodes, "optional": true});
        if !self.include_types.is_empty() || !self.exclude_types.is_empty() {
            let mut types = serde_json::Map::new();
            if !self.include_types.is_empty() {
                types.insert("plus".into(), self.include_types.clone().into());
            }
            if !self.exclude_types.is_empty() {
                types.insert("minus".into(), self.exclude_types.clone().into());
            }
            body["filters"] = serde_json::json!([{"types": types}]);
        }
        let mut request = client.request("createDownloadTicket", Method::POST, "/download");
        request.json_body(&body);
        let answer: serde_json::Value = request.send_json().await?;
        let Some(ticket) = answer.get("ticket").and_then(serde_json::Value::as_str) else {
            return Err(Error::Unexpected {
                operation_id: "createDownloadTicket",
                message: "the answer holds no ticket".into(),
            });
        };
        let mut request = client.request("downloadTicket", Method::GET, "/download");
        request.query("ticket", ticket);
        request.query(
            "format",
            match self.format {
                ArchiveFormat::Tar => "tar",
                ArchiveFormat::Zip => "zip",
            },
        );
        request.send_download().await
    }

    /// Downloads the archive to `path` (atomically, as [`FileRef::download_to`]) and answers
    /// the number of bytes written. Memory stays flat whatever the archive size.
    ///
    /// # Errors
    ///
    /// As [`download`](Archive::download); [`Error::Io`] when the file
    /// cannot be written.
    pub async fn download_to(&self, client: &Client, path: impl AsRef<Path>) -> crate::Result<u64> {
        self.download(client).await?.write_to_path(path).await
    }
}
