//! [`Transport`], the shared state one client's calls are sent with: the HTTP connection pool,
//! base URL, credentials, default headers and default settings.
//!
//! It sits below both the request layer (which sends through it) and
//! [`Client`](crate::Client) (which owns one behind an `Arc`), so neither needs the other.

use std::fmt;

use http::HeaderValue;

use crate::settings::CallSettings;

/// The state behind a [`Client`](crate::Client), shared by its clones and its requests.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `scitran-user KEY` or `Bearer KEY`, marked sensitive so `Debug` of header maps hides it.
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) accept_features: Vec<String>,
    pub(crate) settings: CallSettings,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("api_key", &self.authorization.as_ref().map(|_| Redacted))
            .field("user_agent", &self.user_agent)
            .field("accept_features", &self.accept_features)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Prints as `<redacted>`, in place of a secret.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
