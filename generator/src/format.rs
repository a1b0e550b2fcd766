//! Stage 4: format token streams as Rust source with the generated-file header.

use proc_macro2::TokenStream;
use quote::quote;

/// Formats one file: header comment, module doc, then the items, pretty-printed.
///
/// Fails only if the tokens are not a valid Rust file, which is a generator bug; the
/// message carries the parser's explanation.
pub fn format_file(header: &str, doc: &str, tokens: TokenStream) -> Result<String, String> {
    format_source(header, &with_doc(doc, tokens).to_string())
}

/// The module doc as inner attributes, then the items.
fn with_doc(doc: &str, tokens: TokenStream) -> TokenStream {
    let doc_lines = doc.trim_end().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #![doc = #line] }
    });
    quote! { #(#doc_lines)* #tokens }
}

/// Formats one file from its tokens printed as text (`TokenStream::to_string`).
fn format_source(header: &str, source: &str) -> Result<String, String> {
    let file =
        syn::parse_file(source).map_err(|e| format!("generated tokens do not parse: {e}"))?;
    let body = prettyplease::unparse(&file);
    Ok(format!("{header}\n{body}"))
}

/// Formats many files `(path, doc, tokens)`, on as many threads as the machine has cores (at
/// most four): pretty-printing is two thirds of the generation time (BENCHMARKS.md). Token
/// streams cannot cross threads, so each is printed as text first. Returns `(path, text)`
/// in the input order, or the first file that fails with its message.
pub fn format_files(
    header: &str,
    files: Vec<(String, String, TokenStream)>,
) -> Result<Vec<(String, String)>, (String, String)> {
    let mut jobs: Vec<(usize, String, String)> = files
        .into_iter()
        .enumerate()
        .map(|(i, (path, doc, tokens))| (i, path, with_doc(&doc, tokens).to_string()))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(jobs.len().max(1));
    // Largest first, dealt round-robin, so the threads get similar work.
    jobs.sort_by_key(|(_, _, source)| std::cmp::Reverse(source.len()));
    let mut shares: Vec<Vec<(usize, String, String)>> = vec![Vec::new(); threads];
    for (n, job) in jobs.into_iter().enumerate() {
        shares[n % threads].push(job);
    }
    let format_share = |share: Vec<(usize, String, String)>| {
        share
            .into_iter()
            .map(|(i, path, source)| {
                let text = format_source(header, &source);
                (i, path, text)
            })
            .collect::<Vec<_>>()
    };
    let mut done: Vec<(usize, String, Result<String, String>)> = std::thread::scope(|scope| {
        let mut shares = shares.into_iter();
        let first = shares.next().unwrap_or_default();
        let handles: Vec<_> = shares
            .map(|share| scope.spawn(move || format_share(share)))
            .collect();
        let mut done = format_share(first);
        for handle in handles {
            match handle.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter()
        .map(|(_, path, text)| text.map(|text| (path.clone(), text)).map_err(|e| (path, e)))
        .collect()
}
