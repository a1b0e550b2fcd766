//! [`Finder`]: `find`, `find_first`, `find_one` and a lazy stream over one list operation, as
//! the Python SDK's finders offer them.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::{Filter, Sort};
use crate::{Client, Error, PageCursor, Paginator};

/// The query a finder sends: filter, sort and page size. Read by the generated list functions.
#[derive(Clone, Debug, Default)]
pub struct FinderQuery {
    filter: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
}

impl FinderQuery {
    /// The `filter` parameter, when set and not empty.
    pub fn filter(&self) -> Option<String> {
        self.filter.clone()
    }

    /// The `sort` parameter, when set.
    pub fn sort(&self) -> Option<String> {
        self.sort.clone()
    }

    /// The `limit` parameter (items per page), when set.
    pub fn limit(&self) -> Option<i64> {
        self.limit
    }
}

type ListFn<T> = fn(&Client, &str, &FinderQuery) -> Paginator<T>;

/// The item as decoded: the wrapping of finders whose items are not containers.
pub fn keep_item<T>(_client: Client, item: T) -> T {
    item
}

/// A finder over one list operation (`client.projects()`, `project.sessions()`): each call
/// sends the operation with the given [`Filter`], the finder's [`Sort`] and page size, and
/// yields the items as `O` (a [`Container`](super::Container) for container kinds, the
/// decoded item `T` otherwise).
///
/// Errors: every method fails with the list operation's [`Error`]s; `find_one` also with
/// [`Error::Unexpected`] when not exactly one item matches. No error text quotes the filter.
pub struct Finder<T, O> {
    client: Client,
    operation_id: &'static str,
    parent: String,
    list: ListFn<T>,
    wrap: fn(Client, T) -> O,
    query: FinderQuery,
}

impl<T, O> fmt::Debug for Finder<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The parent id is not patient data, but filter values may be: leave them out.
        f.debug_struct("Finder")
            .field("operation_id", &self.operation_id)
            .field("parent", &self.parent)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static, O> Finder<T, O> {
    /// A finder over `list` (a generated function calling the list operation `operation_id`
    /// for the parent container `parent`, empty for top-level lists).
    pub fn new(
        client: Client,
        operation_id: &'static str,
        parent: String,
        list: ListFn<T>,
        wrap: fn(Client, T) -> O,
    ) -> Self {
        Finder {
            client,
            operation_id,
            parent,
            list,
            wrap,
            query: FinderQuery::default(),
        }
    }

    /// Sorts the results (`sort` parameter). The server forbids `after_id` with `sort`, so
    /// pages are then fetched by number. Ignored by the few list operations that take no
    /// `sort` (the generated list function sends only the parameters the operation has).
    pub fn sort(mut self, sort: impl Into<Sort>) -> Self {
        self.query.sort = Some(sort.into().to_string());
        self
    }

    /// Items per page (`limit`, 250 unless set).
    pub fn page_size(mut self, limit: u32) -> Self {
        self.query.limit = Some(i64::from(limit));
        self
    }

    fn paginator(&self, filter: Filter, limit: Option<i64>) -> Paginator<T> {
        let mut query = self.query.clone();
        if !filter.is_empty() {
            query.filter = Some(filter.to_string());
        }
        if limit.is_some() {
            query.limit = limit;
        }
        (self.list)(&self.client, &self.parent, &query)
    }

    /// A lazy stream of every item matching `filter` (`Filter::new()` for all), fetching pages
    /// as it is consumed.
    pub fn stream(&self, filter: impl Into<Filter>) -> Found<T, O> {
        Found {
            pages: self.paginator(filter.into(), None),
            client: self.client.clone(),
            wrap: self.wrap,
        }
    }

    /// Every item matching `filter`, all pages collected.
    pub async fn find(&self, filter: impl Into<Filter>) -> crate::Result<Vec<O>> {
        let mut found = self.stream(filter);
        let mut items = Vec::new();
        while let Some(item) = found.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    /// The first item matching `filter`, or `None`; asks for a page of one.
    pub async fn find_first(&self, filter: impl Into<Filter>) -> crate::Result<Option<O>> {
        let mut pages = self.paginator(filter.into(), Some(1));
        match pages.next().await {
            Some(item) => Ok(Some((self.wrap)(self.client.clone(), item?))),
            None => Ok(None),
        }
    }

    /// The one item matching `filter`.
    ///
    /// # Errors
    ///
    /// [`Error::Unexpected`] when no item or more than one matches, or the list operation's
    /// errors. Pages of two are asked for: two matches fail after one request; one match
    /// takes a second request (the next page, empty) to be sure it is alone.
    pub async fn find_one(&self, filter: impl Into<Filter>) -> crate::Result<O> {
        let mut pages = self.paginator(filter.into(), Some(2));
        let first = pages.next().await.transpose()?;
        let Some(first) = first else {
            return Err(self.not_one("no item matches the filter"));
        };
        if pages.next().await.transpose()?.is_some() {
            return Err(self.not_one("more than one item matches the filter"));
        }
        Ok((self.wrap)(self.client.clone(), first))
    }

    fn not_one(&self, what: &str) -> Error {
        Error::Unexpected {
            operation_id: self.operation_id,
            message: format!("find_one: {what} (expected exactly one)"),
        }
    }
}

/// The lazy stream of a [`Finder`]: a [`Paginator`] whose items come wrapped as `O`.
///
/// `next().await` and `try_collect().await` need no trait import; it is also a
/// `futures_core::Stream`.
pub struct Found<T, O> {
    pages: Paginator<T>,
    client: Client,
    wrap: fn(Client, T) -> O,
}

impl<T, O> fmt::Debug for Found<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Found").field("pages", &self.pages).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static, O> Found<T, O> {
    /// The next item, fetching a page when needed; `None` at the end.
    pub async fn next(&mut self) -> Option<crate::Result<O>> {
        let item = self.pages.next().await?;
        Some(item.map(|item| (self.wrap)(self.client.clone(), item)))
    }

    /// Every remaining item; the first error ends the collection.
    pub async fn try_collect(&mut self) -> crate::Result<Vec<O>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    /// Where the listing stands (see [`Paginator::cursor`]).
    pub fn cursor(&self) -> &PageCursor {
        self.pages.cursor()
    }
}

impl<T, O> Unpin for Found<T, O> {}

impl<T: DeserializeOwned + Send + 'static, O> Stream for Found<T, O> {
    type Item = crate::Result<O>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.pages).poll_next(cx) {
            Poll::Ready(Some(item)) => Poll::Ready(Some(
                item.map(|item| (this.wrap)(this.client.clone(), item)),
            )),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
