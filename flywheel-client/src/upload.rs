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

/// A reader taken out of an upload, read range by range for the parts of a signed-URL upload.
pub(crate) type RangeReader = Arc<tokio::sync::Mutex<Pin<Box<dyn AsyncRead + Send>>>>;

/// A file to upload as one part of a `multipart/form-data` request: from a path, from bytes in
/// memory, or from any async reader.
///
/// The part's `filename` is sent as UTF-8 as given (`scan é #1.dcm` arrives as that name, not
/// percent-encoded), except the three characters a quoted header parameter cannot hold, which
/// are encoded the way browsers (the WHATWG HTML standard) and the official Python SDK do:
/// `"` as `%22`, CR as `%0D`, LF as `%0A`. Its `Content-Type` is guessed from the file name's extension
/// (`application/dicom` for `.dcm`, `application/octet-stream` when unknown) unless set with
/// [`with_content_type`](UploadFile::with_content_type).
///
/// Contents are streamed: memory use does not grow with the file size. An upload never sends
/// other bytes than it declares: a file that grows or shrinks while it is sent, or a reader
/// that yields more or fewer bytes than its declared `length`, aborts the request before any
/// byte beyond the declared length (or the closing boundary) is sent, and the call fails with
/// [`Error::Io`].
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
    /// `Content-Length`; otherwise it is sent chunked. With a `length`, the reader must yield
    /// exactly that many bytes: more or fewer abort the request and the call fails with
    /// [`Error::Io`] (never a truncated or padded upload reported as success).
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
    /// content type). `"`, CR and LF are sent as `%22`, `%0D` and `%0A`; a backslash, which
    /// servers read differently, makes `send_*` fail with [`Error::InvalidRequest`].
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

    /// Checks the file name can be sent in a `Content-Disposition` header. Messages never quote
    /// the name (it may carry patient information).
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
        if name.contains('\\') {
            return Err(Error::invalid_request(
                operation_id,
                "the upload file name contains a backslash, which multipart parsers read differently (as is or as an escape); rename the file",
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

    /// The size in bytes: a file's length on disk, the bytes' length, or a reader's declared
    /// length (`None` when a reader has none).
    pub(crate) async fn content_length(
        &self,
        operation_id: &'static str,
    ) -> crate::Result<Option<u64>> {
        match &self.source {
            UploadSource::Path(path) => tokio::fs::metadata(path)
                .await
                .map(|meta| Some(meta.len()))
                // No path: a file name may carry patient information.
                .map_err(|error| {
                    Error::io(
                        operation_id,
                        "cannot read the size of the file to upload",
                        error,
                    )
                }),
            UploadSource::Bytes(bytes) => Ok(Some(bytes.len() as u64)),
            UploadSource::Reader { length, .. } => Ok(*length),
        }
    }

    /// Takes the reader of a reader source for sequential part bodies; `Ok(None)` for paths and
    /// bytes, which open each range on their own.
    pub(crate) fn take_shared_reader(
        &self,
        operation_id: &'static str,
    ) -> crate::Result<Option<RangeReader>> {
        let UploadSource::Reader { reader, .. } = &self.source else {
            return Ok(None);
        };
        match reader.lock().ok().and_then(|mut slot| slot.take()) {
            Some(reader) => Ok(Some(Arc::new(tokio::sync::Mutex::new(reader)))),
            None => Err(Error::invalid_request(
                operation_id,
                "the reader of an upload was already consumed by an earlier send",
            )),
        }
    }

    /// The body of bytes `offset..offset + length`, streamed in chunks (a file is opened and
    /// seeked; a reader, taken with [`take_shared_reader`](Self::take_shared_reader), yields
    /// its next `length` bytes, so ranges of a reader must be asked for in order).
    pub(crate) async fn range_body(
        &self,
        operation_id: &'static str,
        offset: u64,
        length: u64,
        reader: Option<&RangeReader>,
    ) -> crate::Result<reqwest::Body> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        match (&self.source, reader) {
            (UploadSource::Bytes(bytes), _) => {
                let start = usize::try_from(offset)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let end = usize::try_from(offset.saturating_add(length))
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                Ok(reqwest::Body::from(bytes.slice(start..end)))
            }
            (UploadSource::Path(path), _) => {
                let io_error =
                    |error| Error::io(operation_id, "cannot read the file to upload", error);
                let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
                file.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .map_err(io_error)?;
                let chunks = ReaderStream::with_capacity(file.take(length), UPLOAD_CHUNK_BYTES);
                Ok(reqwest::Body::wrap_stream(chunks))
            }
            (UploadSource::Reader { .. }, Some(reader)) => {
                let reader = Arc::clone(reader);
                let chunks = futures_util::stream::unfold(
                    (reader, length),
                    |(reader, remaining)| async move {
                        if remaining == 0 {
                            return None;
                        }
                        let want = usize::try_from(remaining)
                            .unwrap_or(usize::MAX)
                            .min(UPLOAD_CHUNK_BYTES);
                        let mut buffer = vec![0; want];
                        let read = reader.lock().await.read(&mut buffer).await;
                        match read {
                            Ok(0) => Some((
                                Err(std::io::Error::new(
                                    std::io::ErrorKind::UnexpectedEof,
                                    "the upload reader ended before its declared length",
                                )),
                                (reader, 0),
                            )),
                            Ok(n) => {
                                buffer.truncate(n);
                                Some((Ok(Bytes::from(buffer)), (reader, remaining - n as u64)))
                            }
                            Err(error) => Some((Err(error), (reader, 0))),
                        }
                    },
                );
                Ok(reqwest::Body::wrap_stream(chunks))
            }
            (UploadSource::Reader { .. }, None) => Err(Error::invalid_request(
                operation_id,
                "the reader of an upload was already consumed by an earlier send",
            )),
        }
    }

    /// The multipart part for one attempt: opens the file or takes the reader. Every chunk read
    /// counts as progress for the read timeout.
    async fn to_part(
        &self,
        operation_id: &'static str,
        activity: &Arc<Activity>,
        fault: &UploadFault,
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
                    // No path: a file name may carry patient information.
                    Error::io(operation_id, "cannot open the file to upload", error)
                })?;
                let length = file.metadata().await.map(|meta| meta.len()).ok();
                streamed_part(file, length, activity, fault)
            }
            UploadSource::Reader { reader, length } => {
                let taken = reader.lock().ok().and_then(|mut slot| slot.take());
                let Some(reader) = taken else {
                    return Err(Error::invalid_request(
                        operation_id,
                        "the reader of an upload was already consumed by an earlier send",
                    ));
                };
                streamed_part(reader, *length, activity, fault)
            }
        };
        part.file_name(encode_file_name(&file_name))
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

/// A file name as the WHATWG HTML standard (and the Python SDK, through urllib3) writes it in a
/// multipart `filename="..."`: `"` as `%22`, CR as `%0D`, LF as `%0A`, everything else as is.
pub(crate) fn encode_file_name(name: &str) -> String {
    let mut encoded = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => encoded.push_str("%22"),
            '\r' => encoded.push_str("%0D"),
            '\n' => encoded.push_str("%0A"),
            other => encoded.push(other),
        }
    }
    encoded
}

/// Set by an upload part whose source did not yield its declared length; read by the attempt
/// to report why the request was aborted. Holds the message (no file name).
#[derive(Debug, Clone, Default)]
pub(crate) struct UploadFault(Arc<Mutex<Option<String>>>);

impl UploadFault {
    fn set(&self, message: String) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(message);
        }
    }

    /// The recorded fault, as the error of the call.
    pub(crate) fn take_error(&self, operation_id: &'static str) -> Option<Error> {
        let message = self.0.lock().ok()?.take()?;
        Some(Error::io(
            operation_id,
            "the upload was aborted",
            std::io::Error::new(std::io::ErrorKind::InvalidData, message),
        ))
    }
}

/// A part streaming `reader` in chunks, touching `activity` for each. With a `length`, the
/// stream fails (aborting the request) instead of yielding a chunk that would pass the declared
/// length, or when it ends short of it, and records why in `fault`.
fn streamed_part(
    reader: impl AsyncRead + Send + 'static,
    length: Option<u64>,
    activity: &Arc<Activity>,
    fault: &UploadFault,
) -> Part {
    let activity = Arc::clone(activity);
    let chunks = ReaderStream::with_capacity(reader, UPLOAD_CHUNK_BYTES).inspect(move |_| {
        activity.touch();
    });
    let Some(declared) = length else {
        return Part::stream(reqwest::Body::wrap_stream(chunks));
    };
    let fault = fault.clone();
    let mut sent: u64 = 0;
    let mut ended = false;
    // A trailing `None` lets the check see the end of the source.
    let checked = chunks
        .map(Some)
        .chain(futures_util::stream::iter([None]))
        .filter_map(move |chunk| {
            let item = if ended {
                None
            } else {
                match chunk {
                    Some(Ok(bytes)) => {
                        sent += bytes.len() as u64;
                        if sent > declared {
                            ended = true;
                            Some(Err(length_fault(&fault, format!(
                                "the upload source yielded more bytes than the {declared} declared (the file grew while it was sent, or the reader is longer than its length)"
                            ))))
                        } else {
                            Some(Ok(bytes))
                        }
                    }
                    Some(Err(error)) => {
                        ended = true;
                        Some(Err(error))
                    }
                    None if sent < declared => {
                        ended = true;
                        Some(Err(length_fault(&fault, format!(
                            "the upload source ended after {sent} of the {declared} declared bytes (the file shrank while it was sent, or the reader is shorter than its length)"
                        ))))
                    }
                    None => None,
                }
            };
            std::future::ready(item)
        });
    Part::stream_with_length(reqwest::Body::wrap_stream(checked), declared)
}

/// Records `message` in `fault` and returns the I/O error that aborts the body.
fn length_fault(fault: &UploadFault, message: String) -> std::io::Error {
    fault.set(message.clone());
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
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
/// percent-encoding, so names reach the server as given (file names encoded as
/// [`encode_file_name`] says).
pub(crate) async fn build_form(
    fields: &[MultipartField],
    operation_id: &'static str,
    activity: &Arc<Activity>,
    fault: &UploadFault,
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
                form.part(*name, file.to_part(operation_id, activity, fault).await?)
            }
        };
    }
    Ok(form)
}
