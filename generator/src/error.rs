//! Errors: every problem names the spec file, the JSON pointer and what is wrong.

use std::fmt;

/// One problem found in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer to the offending item (`#/paths/~1acquisitions/post/requestBody`).
    pub pointer: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// Why generation failed: the spec file and every problem found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The spec's file name, as given to the generator.
    pub file: String,
    /// The problems, in the order found (at least one).
    pub problems: Vec<Problem>,
}

impl Error {
    pub(crate) fn single(
        file: &str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            file: file.to_owned(),
            problems: vec![Problem {
                pointer: pointer.into(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}: {}", self.file, problem.pointer, problem.message)?;
        }
        if count > 1 {
            write!(f, "\n({count} problems)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Builds JSON pointers (RFC 6901, in URI-fragment form) while walking the spec.
pub(crate) fn pointer(segments: &[&str]) -> String {
    let mut out = String::from("#");
    for segment in segments {
        out.push('/');
        out.push_str(&escape(segment));
    }
    out
}

/// Appends one segment to a pointer.
pub(crate) fn child(base: &str, segment: &str) -> String {
    format!("{base}/{}", escape(segment))
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Collects problems while lowering, so that one run reports all of them.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    /// The problems with repeats folded: problems with the same message become one, at the
    /// first pointer, saying how many more places have it (and the next few).
    pub(crate) fn grouped(self) -> Vec<Problem> {
        let mut order: Vec<String> = Vec::new();
        let mut by_message: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for problem in self.0 {
            let pointers = by_message.entry(problem.message.clone()).or_default();
            if pointers.is_empty() {
                order.push(problem.message);
            }
            pointers.push(problem.pointer);
        }
        order
            .into_iter()
            .map(|message| {
                let mut pointers = by_message.remove(&message).unwrap_or_default();
                let first = pointers.remove(0);
                let message = match pointers.len() {
                    0 => message,
                    more => {
                        let shown: Vec<&str> =
                            pointers.iter().take(3).map(String::as_str).collect();
                        let ellipsis = if more > shown.len() { ", …" } else { "" };
                        format!(
                            "{message} (and {more} more place{}: {}{ellipsis})",
                            if more == 1 { "" } else { "s" },
                            shown.join(", ")
                        )
                    }
                };
                Problem {
                    pointer: first,
                    message,
                }
            })
            .collect()
    }

    pub(crate) fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            pointer: pointer.into(),
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slash_and_tilde() {
        assert_eq!(pointer(&["paths", "/a/{b}", "get"]), "#/paths/~1a~1{b}/get");
        assert_eq!(child("#/x", "a~b"), "#/x/a~0b");
    }

    #[test]
    fn display_names_file_pointer_and_problem() {
        let e = Error::single("spec/openapi.yaml", "#/paths/~1a/get", "no operationId");
        assert_eq!(
            e.to_string(),
            "spec/openapi.yaml: #/paths/~1a/get: no operationId"
        );
    }
}
