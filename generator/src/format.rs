//! Stage 4: format token streams as Rust source with the generated-file header.

use proc_macro2::TokenStream;
use quote::quote;

/// Formats one file: header comment, module doc, then the items, pretty-printed.
///
/// Fails only if the tokens are not a valid Rust file, which is a generator bug; the
/// message carries the parser's explanation.
pub fn format_file(header: &str, doc: &str, tokens: TokenStream) -> Result<String, String> {
    let doc_lines = doc.trim_end().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #![doc = #line] }
    });
    let all = quote! { #(#doc_lines)* #tokens };
    let file: syn::File =
        syn::parse2(all).map_err(|e| format!("generated tokens do not parse: {e}"))?;
    let body = prettyplease::unparse(&file);
    Ok(format!("{header}\n{body}"))
}
