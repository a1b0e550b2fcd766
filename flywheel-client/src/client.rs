//! [`Client`], the connection to one Flywheel site, and [`ClientBuilder`], its settings.
//!
//! A Flywheel API key string has the form `HOST:KEY` or `HOST:PORT:KEY`, an IPv6 host in
//! brackets (`[::1]:8080:KEY`); a part `__force_insecure` among the leading parts switches from
//! `https` to `http` (for local test servers). The API base URL is `SCHEME://HOST:PORT/api`,
//! port 443 by default.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Method};

use crate::error::Error;
use crate::request::OperationRequest;
use crate::settings::{CallSettings, DEFAULT_ACCEPT_FEATURES, DEFAULT_CONNECT_TIMEOUT};
use crate::transport::{Redacted, Transport};

/// The environment variable [`Client::from_env`] reads.
pub const API_KEY_ENV_VAR: &str = "FLYWHEEL_API_KEY";

/// The key part of a key string that is a session token: such keys are sent as `Bearer KEY`.
const SESSION_TOKEN_LEN: usize = 57;

/// The key-string part that selects plain `http`.
const FORCE_INSECURE: &str = "__force_insecure";

/// The expected forms, quoted by every key parsing error.
const KEY_FORMS: &str = "expected `HOST:KEY` or `HOST:PORT:KEY` (optionally with a `__force_insecure` part, e.g. `localhost:8080:__force_insecure:KEY`; an IPv6 host in brackets, e.g. `[::1]:8080:KEY`)";

/// A connection to one Flywheel site: base URL, credentials, HTTP connection pool and the
/// default settings of every call.
///
/// Cloning is cheap (one reference count); clones share the connection pool. The generated
/// operation builders each hold a clone.
///
/// `Debug` output shows the base URL and settings, never the API key.
///
/// # Example
///
/// ```no_run
/// # async fn example() -> flywheel_client::Result<()> {
/// let client = flywheel_client::Client::from_api_key("flywheel.example.org:0123456789abcdef")?;
/// assert_eq!(client.base_url(), "https://flywheel.example.org:443/api");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Transport>,
}

impl Client {
    /// Connects with an API key string as shown on the Flywheel profile page:
    /// `HOST:KEY` or `HOST:PORT:KEY`, port 443 by default; an IPv6 host goes in brackets
    /// (`[::1]:8080:KEY`, `[2001:db8::1]:KEY`). A `__force_insecure` part before the key switches
    /// to plain `http` (e.g. `localhost:8080:__force_insecure:KEY`).
    ///
    /// All other settings take their defaults (see [`ClientBuilder`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the string is not of one of those forms (empty host or key, a port
    /// that is not a number from 1 to 65535, too many parts, a host and port without a key such
    /// as `127.0.0.1:8080`). The message shows the expected forms and never quotes the key.
    pub fn from_api_key(key: &str) -> crate::Result<Client> {
        Client::builder().api_key_string(key).build()
    }

    /// Connects with the API key string in the `FLYWHEEL_API_KEY` environment variable, as
    /// [`Client::from_api_key`] does.
    ///
    /// # Errors
    /// [`Error::Config`] when the variable is unset, not Unicode, or malformed.
    pub fn from_env() -> crate::Result<Client> {
        match std::env::var(API_KEY_ENV_VAR) {
            Ok(key) => Client::from_api_key(&key),
            Err(std::env::VarError::NotPresent) => Err(Error::config(format!(
                "the environment variable {API_KEY_ENV_VAR} is not set"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
                "the environment variable {API_KEY_ENV_VAR} is not valid Unicode"
            ))),
        }
    }

    /// A builder with every setting at its default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The API base URL every path is appended to, `SCHEME://HOST:PORT/api` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Starts one API call: `operation_id` names it in errors and traces (the OpenAPI
    /// `operationId`, e.g. `getAllProjects`), `path_template` is the path below the base URL with
    /// `{name}` placeholders (e.g. `/projects/{projectId}`).
    ///
    /// This is what every generated operation builder calls; it is also the escape hatch for
    /// endpoints the generated code does not cover.
    ///
    /// ```no_run
    /// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
    /// let mut request = client.request("getProject", http::Method::GET, "/projects/{projectId}");
    /// request.path_param("projectId", "5f0c1ab2c3d4e5f60718293a");
    /// let project: serde_json::Value = request.send_json().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(
        &self,
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
    ) -> OperationRequest {
        OperationRequest::new(Arc::clone(&self.inner), operation_id, method, path_template)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// An API key, kept out of `Debug` output.
#[derive(Clone)]
struct SecretKey(String);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redacted.fmt(f)
    }
}

/// The parts of an API key string.
#[derive(Debug, Clone)]
struct ParsedKeyString {
    base_url: String,
    key: SecretKey,
}

/// Splits `HOST:KEY` / `HOST:PORT:KEY` (with an optional `__force_insecure` part before the key).
fn parse_key_string(text: &str) -> crate::Result<ParsedKeyString> {
    // Surrounding whitespace (a pasted newline) is not part of the key.
    let text = text.trim();
    if text.starts_with("https://") || text.starts_with("http://") {
        return Err(Error::config(format!(
            "malformed API key: it starts like a URL; the key string has no scheme: {KEY_FORMS}"
        )));
    }
    // An IPv6 host is written in brackets (`[::1]:8080:KEY`); its colons are not separators.
    let (bracketed, rest) = match text.strip_prefix('[') {
        Some(after) => match after.split_once(']') {
            Some((address, rest)) if !address.is_empty() => match rest.strip_prefix(':') {
                Some(rest) => (Some(&text[..address.len() + 2]), rest),
                None => {
                    return Err(Error::config(format!(
                        "malformed API key: a bracketed IPv6 host must be followed by `:`; {KEY_FORMS}"
                    )));
                }
            },
            _ => {
                return Err(Error::config(format!(
                    "malformed API key: an IPv6 host needs a closing `]`; {KEY_FORMS}"
                )));
            }
        },
        None => (None, text),
    };
    let mut parts: Vec<&str> = rest.split(':').collect();
    if let Some(host) = bracketed {
        parts.insert(0, host);
    }
    let Some(key) = parts.pop() else {
        return Err(Error::config(format!("malformed API key: {KEY_FORMS}")));
    };
    let insecure = parts.contains(&FORCE_INSECURE);
    parts.retain(|part| *part != FORCE_INSECURE);
    let (host, port) = match parts.as_slice() {
        [host] => (*host, None),
        [host, port] => (*host, Some(*port)),
        [] => {
            return Err(Error::config(format!(
                "malformed API key: no host; {KEY_FORMS}"
            )));
        }
        _ => {
            return Err(Error::config(format!(
                "malformed API key: too many `:`-separated parts (an IPv6 host goes in brackets, `[::1]:8080:KEY`); {KEY_FORMS}"
            )));
        }
    };
    // `127.0.0.1:8080` is a host and port without a key, not the key `8080`: a real key is
    // never a port number. (The part is not quoted either way.)
    if port.is_none() && key.parse::<u16>().is_ok_and(|port| port != 0) {
        return Err(Error::config(format!(
            "malformed API key: the last part is a port number, not a key (is the key missing?); {KEY_FORMS}"
        )));
    }
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return Err(Error::config(format!(
            "malformed API key: the key part is empty or contains whitespace; {KEY_FORMS}"
        )));
    }
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(address) => address.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && !host
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@' | '[' | ']'))
        }
    };
    if !host_ok {
        return Err(Error::config(format!(
            "malformed API key: the host part is empty or not a host name; {KEY_FORMS}"
        )));
    }
    let port: u16 = match port {
        None => 443,
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port != 0 => port,
            // The port is not quoted: in a mistyped string it may be the key.
            _ => {
                return Err(Error::config(format!(
                    "malformed API key: the port part is not a number from 1 to 65535; {KEY_FORMS}"
                )));
            }
        },
    };
    let scheme = if insecure { "http" } else { "https" };
    Ok(ParsedKeyString {
        base_url: format!("{scheme}://{host}:{port}/api"),
        key: SecretKey(key.to_owned()),
    })
}

/// The `Authorization` header value for a key: `Bearer KEY` for a 57-character session token,
/// `scitran-user KEY` otherwise. Marked sensitive.
fn authorization_header(key: &SecretKey) -> crate::Result<HeaderValue> {
    let scheme = if key.0.chars().count() == SESSION_TOKEN_LEN {
        "Bearer"
    } else {
        "scitran-user"
    };
    let mut value = HeaderValue::from_str(&format!("{scheme} {}", key.0)).map_err(|_| {
        Error::config("the API key contains characters that cannot be sent in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Settings for a [`Client`]; start with [`Client::builder`], finish with
/// [`build`](ClientBuilder::build).
///
/// Setters never fail; problems (a malformed key string, a bad URL) are reported by `build`.
///
/// | setting | default |
/// | --- | --- |
/// | [`base_url`](ClientBuilder::base_url) / [`api_key_string`](ClientBuilder::api_key_string) | required |
/// | [`api_key`](ClientBuilder::api_key) | none (no `Authorization` header) |
/// | [`connect_timeout`](ClientBuilder::connect_timeout) | 10 s |
/// | [`read_timeout`](ClientBuilder::read_timeout) | 60 s (idle time between reads) |
/// | [`timeout`](ClientBuilder::timeout) | none (no limit on a whole call) |
/// | [`max_attempts`](ClientBuilder::max_attempts) | 5 |
/// | [`initial_retry_delay`](ClientBuilder::initial_retry_delay) | 500 ms |
/// | [`max_retry_delay`](ClientBuilder::max_retry_delay) | 30 s |
/// | [`retry_non_idempotent`](ClientBuilder::retry_non_idempotent) | `false` |
/// | [`user_agent`](ClientBuilder::user_agent) | `flywheel-client/<version>` |
/// | [`accept_features`](ClientBuilder::accept_features) | [`DEFAULT_ACCEPT_FEATURES`]: `Safe-Redirect,multipart_signed_url` |
///
/// # Retries
///
/// A failed attempt is tried again when the failure is transient (an answer with status 429,
/// 502, 503 or 504, or a connection that could not be established, including a refused one)
/// and:
/// - for a status answer, the method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS) or
///   [`retry_non_idempotent`](Self::retry_non_idempotent) is on; a connection failure is
///   retried for every method, since the server never saw the request;
/// - the body can be sent again (no [`UploadFile::from_reader`](crate::UploadFile::from_reader)
///   part);
/// - attempts remain and the pause ends before the call's total timeout, if any.
///
/// Pauses grow exponentially from [`initial_retry_delay`](Self::initial_retry_delay), doubling,
/// with up to 100 % random jitter; a `Retry-After` header (delay-seconds, or an HTTP date in
/// the IMF-fixdate, RFC 850 or asctime form) replaces the computed pause; every pause is capped
/// by [`max_retry_delay`](Self::max_retry_delay). Each retry is logged as a `tracing` warning
/// (`retrying after a transient failure`, with the operation id, path template, attempt and
/// pause), so repeated connection failures are visible, and bounded by
/// [`max_attempts`](Self::max_attempts).
///
/// Not retried: a TLS connection answered in plain text
/// ([`TransportKind::NotTls`](crate::TransportKind::NotTls): the server most likely serves
/// plain `http`; the error says to add `__force_insecure` to the key), and any failure not
/// listed above.
///
/// ```no_run
/// # fn example() -> flywheel_client::Result<()> {
/// use std::time::Duration;
/// let client = flywheel_client::Client::builder()
///     .api_key_string("flywheel.example.org:0123456789abcdef")
///     .read_timeout(Duration::from_secs(120))
///     .max_attempts(3)
///     .build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    key_string: Option<Result<ParsedKeyString, String>>,
    key: Option<SecretKey>,
    connect_timeout: Duration,
    settings: CallSettings,
    user_agent: String,
    accept_features: Vec<String>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key_string_url = match &self.key_string {
            Some(Ok(parsed)) => Some(parsed.base_url.as_str()),
            _ => None,
        };
        let has_key = self.key.is_some() || matches!(self.key_string, Some(Ok(_)));
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().or(key_string_url))
            .field("api_key", &has_key.then_some(Redacted))
            .field("connect_timeout", &self.connect_timeout)
            .field("settings", &self.settings)
            .field("user_agent", &self.user_agent)
            .field("accept_features", &self.accept_features)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with every setting at its default (the same as [`Client::builder`]).
    pub fn new() -> ClientBuilder {
        ClientBuilder {
            base_url: None,
            key_string: None,
            key: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            settings: CallSettings::default(),
            user_agent: concat!("flywheel-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            accept_features: DEFAULT_ACCEPT_FEATURES
                .iter()
                .map(|feature| (*feature).to_owned())
                .collect(),
            http_client: None,
        }
    }

    /// The API base URL, e.g. `https://flywheel.example.org:443/api` (a trailing `/` is
    /// ignored). Takes precedence over the host in [`api_key_string`](Self::api_key_string).
    ///
    /// `build` fails with [`Error::Config`] unless it is an absolute `http` or `https` URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The key part alone (what follows the last `:` of a key string). Sent as
    /// `Authorization: scitran-user KEY`, or `Bearer KEY` when it has 57 characters (a session
    /// token). Takes precedence over the key in [`api_key_string`](Self::api_key_string).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(SecretKey(key.into()));
        self
    }

    /// A full API key string, `HOST:KEY` or `HOST:PORT:KEY` (see [`Client::from_api_key`]):
    /// sets both the base URL and the key. A malformed string makes `build` fail with
    /// [`Error::Config`].
    pub fn api_key_string(mut self, key_string: &str) -> Self {
        self.key_string = Some(parse_key_string(key_string).map_err(|error| match error {
            Error::Config { message } => message,
            other => other.to_string(),
        }));
        self
    }

    /// The longest wait for a TCP (and TLS) connection to be established. Default 10 s. Not
    /// applied when a caller-supplied [`http_client`](Self::http_client) is used; configure that
    /// client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest time the server may stay silent: while the client waits for a response after
    /// the request (body) was sent, and between two chunks of a response body. Default 60 s.
    ///
    /// This is an idle timeout, not a limit on the whole transfer: a multi-gigabyte download or
    /// upload runs as long as bytes keep flowing. Overridable per call with
    /// [`CallOptions::read_timeout`](crate::CallOptions::read_timeout). `Duration::MAX`: none.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.read_timeout = timeout;
        self
    }

    /// A limit on a whole call: all attempts and the pauses between them, up to the last byte of
    /// the response body. Default: none. Overridable per call with
    /// [`CallOptions::timeout`](crate::CallOptions::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// How many times a call is tried, the first attempt included. Default 5; `0` counts as 1
    /// (no retries). See [Retries](ClientBuilder#retries) for which failures are retried.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.settings.max_attempts = attempts;
        self
    }

    /// The longest pause between two attempts, including a server's `Retry-After`. Default 30 s.
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.settings.max_retry_delay = delay;
        self
    }

    /// The pause before the first retry; each later pause doubles, plus up to 100 % random
    /// jitter, up to [`max_retry_delay`](Self::max_retry_delay). Default 500 ms.
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.settings.initial_retry_delay = delay;
        self
    }

    /// Whether POST and PATCH calls are retried too. Default `false`: they may have taken effect
    /// on the server before a gateway error reached the client. Connection failures are retried
    /// for every method, since the server cannot have seen the request.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.settings.retry_non_idempotent = retry;
        self
    }

    /// The `User-Agent` header. Default `flywheel-client/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The `x-accept-feature` values sent with every call, replacing the default,
    /// [`DEFAULT_ACCEPT_FEATURES`] (`Safe-Redirect`, which tells the server that the client
    /// follows redirects to signed storage URLs without leaking credentials, as this client
    /// does, and `multipart_signed_url`, which lets upload tickets answer one signed URL per part). Calls add their own values
    /// with [`OperationRequest::accept_features`](crate::OperationRequest::accept_features), e.g.
    /// `pagination` to get list answers as a `{count, total, results}` page envelope.
    pub fn accept_features<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.accept_features = values.into_iter().map(Into::into).collect();
        self
    }

    /// Uses a caller-configured HTTP client (proxies, custom root certificates, …) instead of
    /// building one. Its own connect timeout and redirect policy then apply; the client sets the
    /// `Authorization` header per request, so the default redirect policy of `reqwest` still
    /// drops it on redirects to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when no base URL was given (neither [`base_url`](Self::base_url) nor
    /// [`api_key_string`](Self::api_key_string)), the key string is malformed, the base URL is
    /// not an absolute `http`/`https` URL, the user agent or key cannot be sent as a header, or
    /// the HTTP client cannot be initialised (e.g. no TLS root certificates).
    pub fn build(self) -> crate::Result<Client> {
        let parsed = match self.key_string {
            Some(Ok(parsed)) => Some(parsed),
            Some(Err(message)) => return Err(Error::config(message)),
            None => None,
        };
        let base_url = match (self.base_url, &parsed) {
            (Some(url), _) => url,
            (None, Some(parsed)) => parsed.base_url.clone(),
            (None, None) => {
                return Err(Error::config(
                    "no base URL: use Client::from_api_key, ClientBuilder::api_key_string or ClientBuilder::base_url",
                ));
            }
        };
        let base_url = base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {}
            _ => {
                return Err(Error::config(format!(
                    "the base URL `{base_url}` is not an absolute http or https URL"
                )));
            }
        }
        let key = self.key.or(parsed.map(|parsed| parsed.key));
        let authorization = key.as_ref().map(authorization_header).transpose()?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config("the user agent contains characters not allowed in an HTTP header")
        })?;
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::limited(10))
                .tcp_keepalive(Duration::from_secs(60))
                .build()
                .map_err(|error| {
                    Error::config(format!("the HTTP client cannot be initialised: {error}"))
                })?,
        };
        let mut accept_features: Vec<String> = Vec::new();
        for value in self.accept_features {
            if !accept_features.contains(&value) {
                accept_features.push(value);
            }
        }
        Ok(Client {
            inner: Arc::new(Transport {
                http,
                base_url,
                authorization,
                user_agent,
                accept_features,
                settings: self.settings,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_forms_give_base_urls() {
        let cases = [
            ("flywheel.io:abc", "https://flywheel.io:443/api"),
            ("flywheel.io:8443:abc", "https://flywheel.io:8443/api"),
            (
                "localhost:8080:__force_insecure:abc",
                "http://localhost:8080/api",
            ),
            ("localhost:__force_insecure:abc", "http://localhost:443/api"),
            ("__force_insecure:localhost:abc", "http://localhost:443/api"),
            ("[::1]:8080:abc", "https://[::1]:8080/api"),
            ("[2001:db8::1]:abc", "https://[2001:db8::1]:443/api"),
            ("[::1]:8080:__force_insecure:abc", "http://[::1]:8080/api"),
        ];
        for (text, url) in cases {
            let parsed = parse_key_string(text).unwrap();
            assert_eq!(parsed.base_url, url, "{text}");
            assert_eq!(parsed.key.0, "abc");
        }
    }

    #[test]
    fn malformed_keys_name_the_expected_form_without_the_key() {
        for text in [
            "justakey-secret",
            ":secret",
            "host:",
            "host:port:secret",
            "host:0:secret",
            "a:1:b:secret",
            "ho st:secret",
            "https://flywheel.example.org:secret",
            "127.0.0.1:8080",
            "flywheel.example.org:443",
            "::1:8080:secret",
            "[::1:8080:secret",
            "[::1]8080:secret",
            "[not-an-ip]:secret",
        ] {
            let error = parse_key_string(text).unwrap_err();
            let message = error.to_string();
            assert!(
                message.contains("`HOST:KEY` or `HOST:PORT:KEY`"),
                "{message}"
            );
            assert!(!message.contains("secret"), "{message}");
        }
        let url = parse_key_string("https://flywheel.example.org:secret").unwrap_err();
        assert!(url.to_string().contains("starts like a URL"), "{url}");
    }

    #[test]
    fn session_tokens_use_bearer() {
        let token = SecretKey("t".repeat(57));
        let value = authorization_header(&token).unwrap();
        assert_eq!(value.to_str().unwrap(), format!("Bearer {}", token.0));
        assert!(value.is_sensitive());
        let key = SecretKey("k".repeat(20));
        assert_eq!(
            authorization_header(&key).unwrap().to_str().unwrap(),
            format!("scitran-user {}", key.0)
        );
    }

    #[test]
    fn builder_reports_missing_base_url() {
        let error = Client::builder().api_key("k").build().unwrap_err();
        assert!(matches!(error, Error::Config { .. }));
        let error = Client::builder().base_url("ftp://x").build().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("not an absolute http or https URL")
        );
    }
}
