//! Workspace-level tests of the Flywheel client: the spec against the API reference, the
//! downstream view of the crate, and the wire conformance of every generated method.
//!
//! The integration tests live in `tests/tests/`; this library holds what they share.

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask gen --check` guards it
pub mod generated;

pub mod conformance;
