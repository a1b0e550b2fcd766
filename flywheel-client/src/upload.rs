//! [`UploadFile`], a file to send as a multipart part, and the streaming `multipart/form-data`
//! body built from it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::error::Error;
use crate::timeout::Activity;

/// Size of the chunks a file or reader is read in; the upload holds about one chunk per part in
/// memory at a time.
const UPLOAD_CHUNK_BYTES: usize = 256 * 1024;

/// A one-shot reader shared by the clones of a request; taken by the attempt that sends it.
type SharedReader = Arc<Mutex<Option<Pin<Box<dyn AsyncRead + Send>>>>>;

/// A file to upload as one part of a `multipart/form-data` request: from a path, from bytes in
/// memory, or from any async reader.
///
/// The part's `filename` is sent as UTF-8 exactly as given (`scan é #1.dcm` arrives as that
/// name, not percent-encoded); its `Content-Type` is guessed from the file name's extension
/// (`application/dicom` for `.dcm`, `application/octet-stream` when unknown) unless set with
/// [`with_content_type`](UploadFile::with_content_type).
///
/// Contents are streamed: memory use does not grow with the file size.
///
/// ```no_run
/// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
/// use flywheel_client::UploadFile;
/// let file = UploadFile::from_path("/data/scan 1.dcm").with_file_name("scan é #1.dcm");
/// let mut request = client.request(
///     "uploadFileToAcquisition",
///     http::Method::POST,
///     "/acquisitions/{containerId}/files",
/// );
/// request.path_param("containerId", "5f0c1ab2c3d4e5f60718293a");
/// request.multipart_file("file", file);
/// request.multipart_json("metadata", &serde_json::json!({"modality": "MR"}));
/// request.send_empty().await?;
/// # Ok(())
/// # }
/// ```
pub struct UploadFile {
    source: UploadSource,
    /// `None` when a path has no final component or a non-UTF-8 one.
    file_name: Option<String>,
    content_type: Option<String>,
}

enum UploadSource {
    Path(PathBuf),
    Bytes(Bytes),
    Reader {
        reader: SharedReader,
        length: Option<u64>,
    },
}

impl UploadFile {
    /// A file on disk, opened when the request is sent (again for each retry) and streamed. The
    /// part's file name is the last component of `path`.
    ///
    /// Errors (a missing file, a path without a UTF-8 file name) are reported by the `send_*`
    /// method: [`Error::Io`] or [`Error::InvalidRequest`].
    pub fn from_path(path: impl AsRef<Path>) -> UploadFile {
        let path = path.as_ref().to_path_buf();
        let file_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .map(str::to_owned);
        UploadFile {
            source: UploadSource::Path(path),
            file_name,
            content_type: None,
        }
    }

    /// Bytes already in memory (cheap to retry: the bytes are shared, not copied).
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> UploadFile {
        UploadFile {
            source: UploadSource::Bytes(bytes.into()),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Any async reader, streamed. `length` (in bytes), when known, lets the request carry a
    /// `Content-Length`; otherwise it is sent chunked.
    ///
    /// A reader can be read only once, so a request with a reader part is never retried.
    pub fn from_reader(
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + 'static,
        length: Option<u64>,
    ) -> UploadFile {
        UploadFile {
            source: UploadSource::Reader {
                reader: Arc::new(Mutex::new(Some(Box::pin(reader)))),
                length,
            },
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Replaces the file name sent in the part's `Content-Disposition` (and used to guess the
    /// content type). It must not contain `"`, `\`, CR or LF, which cannot be sent unescaped.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> UploadFile {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type`, e.g. `application/dicom`, instead of guessing it from the
    /// file name. A value that is not a media type makes `send_*` fail with
    /// [`Error::InvalidRequest`].
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> UploadFile {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name the part will carry, if known.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// Whether the contents can be sent again on a retry (paths and bytes can, readers cannot).
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.source, UploadSource::Reader { .. })
    }

    /// Checks the file name can be sent byte-for-byte in a `Content-Disposition` header.
    pub(crate) fn validate(&self, operation_id: &'static str) -> crate::Result<()> {
        let Some(name) = &self.file_name else {
            return Err(Error::invalid_request(
                operation_id,
                "the upload has no UTF-8 file name; set one with UploadFile::with_file_name",
            ));
        };
        if name.is_empty() {
            return Err(Error::invalid_request(
                operation_id,
                "the upload file name is empty",
            ));
        }
        if name.contains(['"', '\\', '\r', '\n']) {
            return Err(Error::invalid_request(
                operation_id,
                format!(
                    "the upload file name {name:?} contains a quote, backslash, CR or LF, which cannot be sent unescaped in a multipart header"
                ),
            ));
        }
        Ok(())
    }

    /// A second handle on the same contents; a reader is shared, so only one of the two can
    /// send it.
    pub(crate) fn duplicate(&self) -> UploadFile {
        let source = match &self.source {
            UploadSource::Path(path) => UploadSource::Path(path.clone()),
            UploadSource::Bytes(bytes) => UploadSource::Bytes(bytes.clone()),
            UploadSource::Reader { reader, length } => UploadSource::Reader {
                reader: Arc::clone(reader),
                length: *length,
            },
        };
        UploadFile {
            source,
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
        }
    }

    /// The multipart part for one attempt: opens the file or takes the reader. Every chunk read
    /// counts as progress for the read timeout.
    async fn to_part(
        &self,
        operation_id: &'static str,
        activity: &Arc<Activity>,
    ) -> crate::Result<Part> {
        let file_name = self.file_name.clone().unwrap_or_default();
        let content_type = match &self.content_type {
            Some(content_type) => content_type.clone(),
            None => guess_content_type(&file_name),
        };
        let part = match &self.source {
            UploadSource::Bytes(bytes) => {
                Part::stream_with_length(reqwest::Body::from(bytes.clone()), bytes.len() as u64)
            }
            UploadSource::Path(path) => {
                let file = tokio::fs::File::open(path).await.map_err(|error| {
                    Error::io(
                        operation_id,
                        format!("cannot open {} for upload", path.display()),
                        error,
                    )
                })?;
                let length = file.metadata().await.map(|meta| meta.len()).ok();
                streamed_part(file, length, activity)
            }
            UploadSource::Reader { reader, length } => {
                let taken = reader.lock().ok().and_then(|mut slot| slot.take());
                let Some(reader) = taken else {
                    return Err(Error::invalid_request(
                        operation_id,
                        format!(
                            "the reader of upload {file_name:?} was already consumed by an earlier send"
                        ),
                    ));
                };
                streamed_part(reader, *length, activity)
            }
        };
        part.file_name(file_name)
            .mime_str(&content_type)
            .map_err(|_| {
                Error::invalid_request(
                    operation_id,
                    format!("the content type {content_type:?} is not a media type"),
                )
            })
    }
}

/// The media type for a file name: `application/dicom` for `.dcm` / `.dicom` (which the
/// general table lacks), else `mime_guess`'s first guess, else `application/octet-stream`.
fn guess_content_type(file_name: &str) -> String {
    let extension = Path::new(file_name)
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default();
    if extension.eq_ignore_ascii_case("dcm") || extension.eq_ignore_ascii_case("dicom") {
        return "application/dicom".to_owned();
    }
    mime_guess::from_ext(extension)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// A part streaming `reader` in chunks, touching `activity` for each.
fn streamed_part(
    reader: impl AsyncRead + Send + 'static,
    length: Option<u64>,
    activity: &Arc<Activity>,
) -> Part {
    let activity = Arc::clone(activity);
    let stream = ReaderStream::with_capacity(reader, UPLOAD_CHUNK_BYTES).inspect(move |_| {
        activity.touch();
    });
    let body = reqwest::Body::wrap_stream(stream);
    match length {
        Some(length) => Part::stream_with_length(body, length),
        None => Part::stream(body),
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            UploadSource::Path(path) => format!("path {}", path.display()),
            UploadSource::Bytes(bytes) => format!("{} bytes in memory", bytes.len()),
            UploadSource::Reader { length, .. } => match length {
                Some(length) => format!("reader of {length} bytes"),
                None => "reader".to_owned(),
            },
        };
        f.debug_struct("UploadFile")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// One field of a multipart request body.
#[derive(Debug)]
pub(crate) enum MultipartField {
    Text {
        name: &'static str,
        value: String,
    },
    File {
        name: &'static str,
        file: UploadFile,
    },
}

impl MultipartField {
    pub(crate) fn duplicate(&self) -> MultipartField {
        match self {
            MultipartField::Text { name, value } => MultipartField::Text {
                name,
                value: value.clone(),
            },
            MultipartField::File { name, file } => MultipartField::File {
                name,
                file: file.duplicate(),
            },
        }
    }

    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            MultipartField::Text { .. } => true,
            MultipartField::File { file, .. } => file.is_replayable(),
        }
    }
}

/// The `multipart/form-data` body for one attempt. Part headers are written without
/// percent-encoding, so names reach the server as given.
pub(crate) async fn build_form(
    fields: &[MultipartField],
    operation_id: &'static str,
    activity: &Arc<Activity>,
) -> crate::Result<Form> {
    let mut form = Form::new().percent_encode_noop();
    // Text fields (such as `metadata`) go before file parts whatever the call order, so a
    // server that streams the form knows the metadata before the bytes arrive.
    let texts = fields
        .iter()
        .filter(|f| matches!(f, MultipartField::Text { .. }));
    let files = fields
        .iter()
        .filter(|f| matches!(f, MultipartField::File { .. }));
    for field in texts.chain(files) {
        form = match field {
            MultipartField::Text { name, value } => form.text(*name, value.clone()),
            MultipartField::File { name, file } => {
                form.part(*name, file.to_part(operation_id, activity).await?)
            }
        };
    }
    Ok(form)
}
