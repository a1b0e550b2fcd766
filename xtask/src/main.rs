//! `cargo xtask`: project automation.
//!
//! ```text
//! cargo xtask gen            regenerate flywheel-client/src/generated from spec/openapi.yaml
//! cargo xtask gen --check    fail (exit 1) naming the stale files, without writing
//! cargo xtask gen --spec F   use spec F (relative to the workspace root) instead
//! ```

use std::process::ExitCode;
use xtask::{SPEC, plan, stale, workspace_root, write};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => generate(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("usage: cargo xtask gen [--check] [--spec PATH]");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: cargo xtask gen [--check] [--spec PATH]");
            ExitCode::from(2)
        }
    }
}

fn generate(args: &[String]) -> ExitCode {
    let mut check = false;
    let mut spec = SPEC.to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => match rest.next() {
                Some(path) => spec = path.clone(),
                None => {
                    eprintln!("--spec needs a path");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!(
                    "unknown argument {other:?}; usage: cargo xtask gen [--check] [--spec PATH]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let root = workspace_root();
    let plan = match plan(&root, &spec) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written; the generated code is unchanged");
            return ExitCode::FAILURE;
        }
    };
    let stale = stale(&root, &plan);
    if check {
        if stale.is_empty() {
            println!("generated code is up to date with {spec}");
            return ExitCode::SUCCESS;
        }
        eprintln!("generated code is stale (run `cargo xtask gen`):");
        for path in &stale {
            eprintln!("  {}", path.display());
        }
        return ExitCode::FAILURE;
    }
    if let Err(e) = write(&root, &plan) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let lines: usize = plan
        .files
        .iter()
        .map(|(_, text)| text.lines().count())
        .sum();
    println!(
        "generated {} files ({lines} lines) from {spec}; {} changed",
        plan.files.len(),
        stale.len()
    );
    ExitCode::SUCCESS
}
