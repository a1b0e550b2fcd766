//! `Client::from_env` reads `FLYWHEEL_API_KEY`. Its own test binary: it changes the process
//! environment, which must not race with other tests.

use flywheel_client::{API_KEY_ENV_VAR, Client, Error};

#[test]
fn from_env_reads_the_key_string_and_reports_its_absence() {
    // SAFETY: this binary runs this single test, so no other thread reads the environment.
    unsafe { std::env::set_var(API_KEY_ENV_VAR, "flywheel.example.org:8443:envkey123") };
    let client = Client::from_env().expect("a well-formed key string");
    assert_eq!(client.base_url(), "https://flywheel.example.org:8443/api");
    assert!(!format!("{client:?}").contains("envkey123"));

    // SAFETY: as above.
    unsafe { std::env::set_var(API_KEY_ENV_VAR, "envkey123") };
    let error = Client::from_env().unwrap_err();
    assert!(
        error.to_string().contains("`HOST:KEY` or `HOST:PORT:KEY`"),
        "{error}"
    );
    assert!(!error.to_string().contains("envkey123"), "{error}");

    // SAFETY: as above.
    unsafe { std::env::remove_var(API_KEY_ENV_VAR) };
    let error = Client::from_env().unwrap_err();
    assert!(matches!(error, Error::Config { .. }));
    assert_eq!(
        error.to_string(),
        "invalid client configuration: the environment variable FLYWHEEL_API_KEY is not set"
    );
}
