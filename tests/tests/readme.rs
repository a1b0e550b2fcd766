//! The README is what a new user follows from a fresh clone: it starts with the two commands
//! (regenerate, test), then shows how to depend on the client, the prerequisites and an example.
//! The example is `flywheel-client/examples/readme.rs` word for word, so building the examples
//! (as `cargo test` does) proves it compiles.

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The contents of the first fenced block whose opening line starts with "```" + `info`.
fn fenced_block<'a>(text: &'a str, info: &str) -> Option<&'a str> {
    let start = text.find(&format!("```{info}"))?;
    let body = &text[start..];
    let body = &body[body.find('\n')? + 1..];
    Some(&body[..body.find("\n```")?])
}

#[test]
fn readme_starts_with_the_two_commands() {
    let readme = read("README.md");
    let first_block = fenced_block(&readme, "").expect("a fenced block");
    assert!(
        readme.starts_with("# flywheel-rust\n\n```sh\n"),
        "the README opens with the commands"
    );
    let commands: Vec<&str> = first_block
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .collect();
    assert_eq!(commands, ["cargo xtask gen", "cargo test --workspace"]);
    let ci = read(".ci/run");
    assert!(
        ci.contains("cargo test --workspace"),
        ".ci/run runs the README's test command"
    );
}

#[test]
fn readme_shows_dependency_prerequisites_and_the_built_example() {
    let readme = read("README.md");
    let order = [
        "## Depending on the client",
        "## Prerequisites",
        "## Example",
    ]
    .map(|heading| {
        readme
            .find(heading)
            .unwrap_or_else(|| panic!("no `{heading}` section"))
    });
    assert!(
        order.is_sorted(),
        "dependency snippet, prerequisites, example, in that order"
    );

    let toml = fenced_block(&readme, "toml").expect("a ```toml dependency snippet");
    assert!(
        toml.starts_with("[dependencies]\nflywheel-client = "),
        "{toml}"
    );
    assert!(toml.contains("\"rt-multi-thread\", \"macros\""), "{toml}");
    let prerequisites = &readme[order[1]..order[2]];
    for needed in ["Rust 1.95", "C compiler", "rt-multi-thread"] {
        assert!(
            prerequisites.contains(needed),
            "prerequisites name {needed}"
        );
    }
    let rust_version = read("Cargo.toml");
    assert!(
        rust_version.contains("rust-version = \"1.95\""),
        "the README's Rust version is the workspace's rust-version"
    );

    let shown = fenced_block(&readme, "rust").expect("a ```rust example");
    let example = read("flywheel-client/examples/readme.rs");
    let built = &example[example.find("use ").expect("the example's code")..];
    assert_eq!(
        shown.trim_end(),
        built.trim_end(),
        "the README's example is flywheel-client/examples/readme.rs"
    );
    let code_lines = shown.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(code_lines <= 15, "a short example: {code_lines} lines");
}
