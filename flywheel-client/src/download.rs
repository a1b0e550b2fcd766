//! [`Download`], the streamed body of a successful download call.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderMap, StatusCode};
use tokio::io::{AsyncRead, AsyncWriteExt};
use tokio_util::io::StreamReader;

use crate::error::Error;
use crate::timeout::IdleTimeoutStream;

/// The body of a successful download, not yet read: the status and headers have arrived, the
/// bytes come as they are consumed.
///
/// Read it exactly one way: [`bytes_stream`](Download::bytes_stream) (chunks),
/// [`into_async_read`](Download::into_async_read) (`tokio::io::AsyncRead`),
/// [`write_to_path`](Download::write_to_path) (a file) or [`bytes`](Download::bytes) (all in
/// memory). All but `bytes` keep memory bounded whatever the size.
///
/// The read timeout applies between two chunks, so a long download is not cut off while data
/// keeps flowing; a total timeout, when set, also covers reading the body. Redirects (e.g. to a
/// signed storage URL) have already been followed.
///
/// ```no_run
/// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
/// let mut request = client.request(
///     "downloadFileFromAcquisition",
///     http::Method::GET,
///     "/acquisitions/{acquisitionId}/files/{fileName}",
/// );
/// request.path_param("acquisitionId", "5f0c1ab2c3d4e5f60718293a");
/// request.path_param("fileName", "scan é #1.dcm");
/// let written = request.send_download().await?.write_to_path("/tmp/scan.dcm").await?;
/// println!("{written} bytes");
/// # Ok(())
/// # }
/// ```
pub struct Download {
    operation_id: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    body: IdleTimeoutStream,
}

impl Download {
    pub(crate) fn new(
        operation_id: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        content_length: Option<u64>,
        body: IdleTimeoutStream,
    ) -> Download {
        Download {
            operation_id,
            status,
            headers,
            content_length,
            body,
        }
    }

    /// The HTTP status: 200, or 206 for a `range` request.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (`content-type`, `content-disposition`, …).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body size in bytes, when the server announced it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The body as a stream of chunks. Ends after the first error: [`Error::Transport`] (the
    /// connection broke, the total timeout expired) or [`Error::ReadTimeout`].
    pub fn bytes_stream(self) -> impl Stream<Item = crate::Result<Bytes>> + Send + Unpin {
        self.body
    }

    /// The body as a `tokio::io::AsyncRead`. Read errors are `std::io::Error`s wrapping the
    /// client [`Error`] (get it back with `into_inner` and `downcast`).
    pub fn into_async_read(self) -> impl AsyncRead + Unpin + Send {
        StreamReader::new(self.body.map_err(std::io::Error::other))
    }

    /// Reads the whole body into memory. Only for bodies known to be small.
    ///
    /// # Errors
    /// As for [`bytes_stream`](Download::bytes_stream).
    pub async fn bytes(self) -> crate::Result<Bytes> {
        let capacity = self
            .content_length
            .and_then(|length| usize::try_from(length).ok())
            .unwrap_or(0)
            .min(64 * 1024 * 1024);
        let mut buffer = BytesMut::with_capacity(capacity);
        let mut body = self.body;
        while let Some(chunk) = body.next().await {
            buffer.extend_from_slice(&chunk?);
        }
        Ok(buffer.freeze())
    }

    /// Writes the body to `path` and returns the number of bytes written.
    ///
    /// The bytes go to a temporary file beside `path` (same directory, name starting with `.`
    /// and ending in `.part`), which is flushed to disk and renamed to `path` only when the whole
    /// body arrived, so `path` never holds a partial download; an existing file at `path` is
    /// replaced. On failure the temporary file is removed.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be created, written or renamed; the errors of
    /// [`bytes_stream`](Download::bytes_stream) when the transfer fails.
    pub async fn write_to_path(self, path: impl AsRef<Path>) -> crate::Result<u64> {
        let path = path.as_ref();
        let operation_id = self.operation_id;
        let temp_path = temporary_path_beside(path);
        let result = self.write_to_temp(&temp_path).await;
        if result.is_err() {
            // Best effort: the temporary file may not even exist.
            let _ = tokio::fs::remove_file(&temp_path).await;
            return result;
        }
        if let Err(error) = tokio::fs::rename(&temp_path, path).await {
            let _ = tokio::fs::remove_file(&temp_path).await;
            return Err(Error::io(
                operation_id,
                // No paths: a file name may carry patient information.
                "cannot rename the temporary download file to the target path",
                error,
            ));
        }
        result
    }

    async fn write_to_temp(self, temp_path: &Path) -> crate::Result<u64> {
        let operation_id = self.operation_id;
        let io_error = |error| {
            Error::io(
                operation_id,
                "cannot write the download to the target path",
                error,
            )
        };
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(temp_path)
            .await
            .map_err(io_error)?;
        let mut written: u64 = 0;
        let mut body = self.body;
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(io_error)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(io_error)?;
        file.sync_all().await.map_err(io_error)?;
        Ok(written)
    }
}

/// `dir/.name.<pid>.<n>.part` beside `path`; unique within the process and across processes.
fn temporary_path_beside(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".to_owned());
    let temp_name = format!(".{name}.{}.{n}.part", std::process::id());
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join(temp_name),
        _ => PathBuf::from(temp_name),
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation_id", &self.operation_id)
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl Stream for Download {
    type Item = crate::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_sit_beside_the_target() {
        let temp = temporary_path_beside(Path::new("/data/out/scan.dcm"));
        assert_eq!(temp.parent(), Some(Path::new("/data/out")));
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with(".scan.dcm.") && name.ends_with(".part"),
            "{name}"
        );
        let bare = temporary_path_beside(Path::new("scan.dcm"));
        assert_eq!(bare.parent(), Some(Path::new("")));
        assert_ne!(bare, temporary_path_beside(Path::new("scan.dcm")));
    }
}
