//! [`Paginator`], a lazy stream over every item of a list operation, and [`PageCursor`], its
//! position.
//!
//! Flywheel list endpoints take `limit` and one way to say where a page starts: `after_id` (the
//! value of the last item already seen, its `_id` unless the operation names another field),
//! `page` (numbered from 1; the server skips `limit * (page - 1)` items) or `skip` (items to
//! skip). The server rejects `after_id` together with `sort`, `page` or `skip`, and `page <= 0`.
//! The paginator's rules are on [`Paginator`].

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};

use crate::error::Error;
use crate::request::{OperationRequest, RawResponse};

/// Items per page when the request does not set `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 250;

/// Where a [`Paginator`] stands: the position of the next page it will fetch, and how far it
/// got.
///
/// To resume a listing in a fresh request (another process, after a failure), set the request's
/// `after_id` to [`after_id`](PageCursor::after_id), or its `page` to [`page`](PageCursor::page),
/// or its `skip` to [`skip`](PageCursor::skip), whichever is `Some` (at most one is), with the
/// same `limit`, `sort` and filters. Items already
/// fetched but not yet yielded ([`Paginator::buffered_count`]) come before that position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCursor {
    after_id: Option<String>,
    page: Option<u64>,
    skip: Option<u64>,
    items_yielded: u64,
    pages_fetched: u64,
    finished: bool,
}

impl PageCursor {
    /// The `after_id` the next page is requested with: the cursor field (`_id`, or e.g.
    /// `file_id` for `/files`) of the last item of the previous page, or the request's own
    /// `after_id` before the first page. `None` before the first page of a listing without one,
    /// and in page-number and `skip` modes.
    pub fn after_id(&self) -> Option<&str> {
        self.after_id.as_deref()
    }

    /// The page number (from 1) the next page is requested with, in page-number mode (the
    /// request sets `sort` or `page`, or an item had no id); `None` otherwise.
    pub fn page(&self) -> Option<u64> {
        self.page
    }

    /// The `skip` the next page is requested with, in `skip` mode (the request sets `skip`): the
    /// request's own `skip` plus the items received so far. `None` otherwise.
    pub fn skip(&self) -> Option<u64> {
        self.skip
    }

    /// How many items the stream has yielded.
    pub fn items_yielded(&self) -> u64 {
        self.items_yielded
    }

    /// How many pages were fetched successfully (the final empty page included).
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched
    }

    /// Whether the listing is complete (an empty page was received).
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

type PageFuture<T> = Pin<Box<dyn Future<Output = crate::Result<Vec<T>>> + Send>>;

/// A lazy `Stream` of every item of a list operation, fetching one page at a time as the
/// items are consumed.
///
/// Paging rules:
/// - `limit` is 250 unless the request already sets it;
/// - by default each page is requested with `after_id` = the cursor field of the last item of
///   the previous page (taken with the `id_of` function): the item's `_id`, or the field the
///   operation names in the spec's `x-flywheel-page-cursor` extension (`file_id` for
///   `getAllFiles`, whose pages are sorted by it);
/// - when the request sets `sort` (the API forbids `after_id` with `sort`) or `page`, pages are
///   requested by number instead: `page` = 1, 2, 3, … (the server skips `limit * (page - 1)`
///   items), starting from the request's own `page` if set;
/// - when the request sets `skip`, pages are requested with `skip` = the request's `skip`, then
///   that plus every item received so far (any `page` is dropped);
/// - `after_id` is never sent together with `sort`, `page` or `skip`: a request that sets
///   `after_id` and one of those fails with [`Error::InvalidRequest`] before anything is sent;
/// - an item without an id (in `after_id` mode) switches to page numbers, continuing with the
///   page after those already fetched; when the request started from its own `after_id`, that
///   cannot be combined with page numbers, and the stream fails with
///   [`Error::InvalidRequest`] instead;
/// - the listing ends at the first empty page (not at a short page: servers cap `limit`);
/// - a page body is either a bare JSON array of items or an object whose `envelope_field`
///   (`results`, `jobs`, …) is that array (the `pagination` feature's page envelope).
///
/// Errors end the stream: when a page fails (any [`Error`] of
/// [`OperationRequest::send_json`], after the client's own bounded retries, or
/// [`Error::Decode`] for a body of neither shape), the stream yields that error once and then
/// ends (`None`), sending nothing more; [`has_failed`](Paginator::has_failed) tells the two
/// endings apart. So a caller that skips errors (`filter_map(Result::ok)`) cannot turn a failing
/// page into a stream of requests. The [`cursor`](Paginator::cursor) stays at the failed page:
/// to try again, start a new stream from it.
///
/// ```no_run
/// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
/// use flywheel_client::{Paginator, http::Method};
///
/// // Generated list operations offer this directly: `client.get_all_sessions().into_stream()`.
/// let request = client.request("getAllSessions", Method::GET, "/sessions");
/// let mut sessions = Paginator::<serde_json::Value>::new(
///     request,
///     |session| session.get("_id").and_then(|id| id.as_str()),
///     "results",
/// );
/// while let Some(session) = sessions.next().await {
///     println!("{}", session?["label"]);
/// }
/// # Ok(())
/// # }
/// ```
pub struct Paginator<T> {
    template: OperationRequest,
    id_of: fn(&T) -> Option<&str>,
    envelope_field: &'static str,
    /// Whether the request set its own `after_id` (which page numbers cannot continue).
    started_after_id: bool,
    cursor: PageCursor,
    buffer: VecDeque<T>,
    in_flight: Option<PageFuture<T>>,
    /// An error to yield before anything is sent (conflicting paging parameters).
    pending_error: Option<Error>,
    /// A page failed: the stream has ended.
    failed: bool,
}

// No field is structurally pinned: items are only moved in and out of the buffer.
impl<T> Unpin for Paginator<T> {}

impl<T: DeserializeOwned + Send + 'static> Paginator<T> {
    /// A paginator over the list operation `request` (already holding its filters, `sort`,
    /// `limit`, …). `id_of` gives an item's id (its `_id`), `envelope_field` the member holding
    /// the items when a page comes as an object.
    ///
    /// Nothing is sent until the stream is polled.
    pub fn new(
        mut request: OperationRequest,
        id_of: fn(&T) -> Option<&str>,
        envelope_field: &'static str,
    ) -> Self {
        if !request.has_query("limit") {
            request.query("limit", &DEFAULT_PAGE_LIMIT);
        }
        let after_id = request.query_value("after_id").map(str::to_owned);
        let number = |name: &str| {
            request
                .query_value(name)
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let mut cursor = PageCursor::default();
        let mut conflict = None;
        if request.has_query("skip") {
            cursor.skip = Some(number("skip").unwrap_or(0));
            request.remove_query("page");
            conflict = Some("skip");
        } else if request.has_query("sort") || request.has_query("page") {
            cursor.page = Some(number("page").unwrap_or(1));
            conflict = Some(if request.has_query("sort") {
                "sort"
            } else {
                "page"
            });
        }
        let pending_error = match (conflict, &after_id) {
            (Some(other), Some(_)) => Some(Error::invalid_request(
                request.operation_id(),
                format!(
                    "a listing cannot be paged with `after_id` together with `{other}` (the server rejects the pair); drop one of them"
                ),
            )),
            _ => None,
        };
        if cursor.page.is_none() && cursor.skip.is_none() {
            cursor.after_id = after_id.clone();
        }
        request.remove_query("after_id");
        Paginator {
            template: request,
            id_of,
            envelope_field,
            started_after_id: after_id.is_some(),
            cursor,
            buffer: VecDeque::new(),
            in_flight: None,
            pending_error,
            failed: false,
        }
    }

    /// Whether the stream ended because a page failed (errors end the stream; see [`Paginator`]).
    pub fn has_failed(&self) -> bool {
        self.failed
    }

    /// Where the next page starts (see [`PageCursor`]).
    pub fn cursor(&self) -> &PageCursor {
        &self.cursor
    }

    /// How many items were fetched but not yet yielded.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }

    /// The next item, fetching the next page when the current one is used up; `None` after
    /// the last item. The same as `StreamExt::next`, without importing a futures crate.
    ///
    /// # Errors
    ///
    /// `Some(Err(_))` when a page cannot be fetched or decoded; the stream then ends (calling
    /// again gives `None`).
    pub async fn next(&mut self) -> Option<crate::Result<T>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining item, fetched page by page, in one `Vec`.
    ///
    /// # Errors
    ///
    /// The first error of any page; [`cursor`](Self::cursor) then tells where to resume.
    pub async fn try_collect(&mut self) -> crate::Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn fetch(&self) -> PageFuture<T> {
        let mut request = self.template.duplicate();
        if let Some(skip) = self.cursor.skip {
            request.query("skip", &skip);
        } else if let Some(page) = self.cursor.page {
            request.query("page", &page);
        } else if let Some(after_id) = &self.cursor.after_id {
            request.query("after_id", after_id.as_str());
        }
        let envelope_field = self.envelope_field;
        let operation_id = request.operation_id();
        Box::pin(async move {
            let response = request.execute().await?;
            decode_page(operation_id, response, envelope_field)
        })
    }

    /// Moves the cursor past a page that was just received; an error when the next page cannot
    /// be asked for.
    fn advance(&mut self, items: &[T]) -> crate::Result<()> {
        self.cursor.pages_fetched += 1;
        let Some(last) = items.last() else {
            self.cursor.finished = true;
            return Ok(());
        };
        if let Some(skip) = &mut self.cursor.skip {
            *skip += items.len() as u64;
            return Ok(());
        }
        if let Some(page) = &mut self.cursor.page {
            *page += 1;
            return Ok(());
        }
        match (self.id_of)(last) {
            Some(id) => self.cursor.after_id = Some(id.to_owned()),
            None if self.started_after_id => {
                return Err(Error::invalid_request(
                    self.template.operation_id(),
                    "a listed item has no id to continue after, and a listing started from `after_id` cannot continue by page number; list without `after_id`",
                ));
            }
            None => {
                // Nothing to continue after: number the pages after those already fetched.
                self.cursor.after_id = None;
                self.cursor.page = Some(self.cursor.pages_fetched + 1);
            }
        }
        Ok(())
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Paginator<T> {
    type Item = crate::Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                this.cursor.items_yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(error) = this.pending_error.take() {
                this.failed = true;
                return Poll::Ready(Some(Err(error)));
            }
            if this.cursor.finished || this.failed {
                return Poll::Ready(None);
            }
            let in_flight = match &mut this.in_flight {
                Some(in_flight) => in_flight,
                None => this.in_flight.insert(this.fetch()),
            };
            let outcome = match in_flight.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(outcome) => outcome,
            };
            this.in_flight = None;
            let advanced = match outcome {
                Ok(items) => {
                    let advanced = this.advance(&items);
                    this.buffer = items.into();
                    advanced
                }
                Err(error) => Err(error),
            };
            if let Err(error) = advanced {
                // Yielded after the page's items (if any); nothing more is fetched.
                this.pending_error = Some(error);
            }
        }
    }
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("request", &self.template)
            .field("envelope_field", &self.envelope_field)
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffer.len())
            .field("in_flight", &self.in_flight.is_some())
            .field("failed", &self.failed)
            .finish()
    }
}

/// Decodes a page: a bare array of `T`, or an object whose `envelope_field` is that array.
fn decode_page<T: DeserializeOwned>(
    operation_id: &'static str,
    response: RawResponse,
    envelope_field: &'static str,
) -> crate::Result<Vec<T>> {
    let seed = PageSeed {
        envelope_field,
        item: PhantomData,
    };
    crate::support::decode_seed(&response.body, seed).map_err(|error| Error::Decode {
        operation_id,
        status: response.status,
        body: response.body,
        source: Box::new(error),
    })
}

/// Deserializes the items of a page in one pass, whichever of the two shapes it has.
struct PageSeed<T> {
    envelope_field: &'static str,
    item: PhantomData<fn() -> T>,
}

// Not derived: a derive would ask for `T: Clone`.
impl<T> Clone for PageSeed<T> {
    fn clone(&self) -> Self {
        PageSeed {
            envelope_field: self.envelope_field,
            item: PhantomData,
        }
    }
}

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for PageSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: de::Deserialize<'de>> de::Visitor<'de> for PageSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a JSON array of items or an object with a `{}` array",
            self.envelope_field
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.envelope_field && items.is_none() {
                items = Some(map.next_value::<Vec<T>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        items.ok_or_else(|| {
            de::Error::custom(format_args!(
                "the page object has no `{}` array",
                self.envelope_field
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::StatusCode;

    fn page(body: &str) -> crate::Result<Vec<u32>> {
        decode_page(
            "op",
            RawResponse {
                status: StatusCode::OK,
                headers: http::HeaderMap::new(),
                body: Bytes::copy_from_slice(body.as_bytes()),
            },
            "results",
        )
    }

    #[test]
    fn both_page_shapes_decode() {
        assert_eq!(page("[1, 2, 3]").unwrap(), [1, 2, 3]);
        assert_eq!(
            page(r#"{"count": 2, "total": 9, "results": [4, 5], "extra": {"a": [1]}}"#).unwrap(),
            [4, 5]
        );
        assert_eq!(page(r#"{"results": []}"#).unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn other_shapes_are_decode_errors_keeping_the_body() {
        for body in [
            r#"{"count": 2}"#,
            r#"{"results": ["x"]}"#,
            "42",
            "[1] trailing",
        ] {
            match page(body) {
                Err(Error::Decode { body: kept, .. }) => assert_eq!(kept, body.as_bytes()),
                other => panic!("{body}: expected a decode error, got {other:?}"),
            }
        }
    }
}
