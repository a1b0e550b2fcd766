//! Doc comments from spec text: rustdoc-safe Markdown, one `#[doc]` attribute per line.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for the given Markdown (already built by the caller).
pub fn attrs(markdown: &str) -> TokenStream {
    let lines = markdown.trim_end().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// The indefinite article for `word` (`an` before a vowel letter, ignoring a leading backtick):
/// "an acquisition", "an `AcquisitionInput`", "a project".
pub fn article(word: &str) -> &'static str {
    match word.trim_start_matches('`').chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

/// A cleaned description followed by a blank line, or nothing: the lead paragraph of a doc.
pub fn lead(description: Option<&str>) -> String {
    match description.map(clean) {
        Some(text) if !text.is_empty() => format!("{text}\n\n"),
        _ => String::new(),
    }
}

/// The doc of a tag's operations: `Operations of tag `x` (Cargo feature `x`): description`.
pub fn tag(tag: &crate::ir::Tag) -> String {
    let description = tag
        .description
        .as_deref()
        .map(|d| format!(": {}", clean(d)));
    format!(
        "Operations of tag `{}` (Cargo feature `{}`){}",
        tag.name,
        tag.feature,
        description.unwrap_or_else(|| ".".into())
    )
}

/// Makes free text from the spec safe for rustdoc: no accidental doctests, HTML tags,
/// intra-doc links or bare URLs.
pub fn clean(text: &str) -> String {
    let text = text
        .replace("<br/>", "\n\n")
        .replace("<br />", "\n\n")
        .replace("</br>", "\n\n")
        .replace("<br>", "\n\n");
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        // Indented lines would become (compiled) code blocks: keep the text, drop the indent.
        let line = line.trim();
        if line.starts_with("```") {
            in_fence = !in_fence;
            out.push(if in_fence {
                "```text".to_owned()
            } else {
                "```".to_owned()
            });
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(escape_inline(line));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // Collapse runs of blank lines.
    let mut result = String::new();
    let mut blank = false;
    for line in out {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank && !result.is_empty() {
            result.push('\n');
        }
        blank = false;
        result.push_str(&line);
        result.push('\n');
    }
    result.trim_end().to_owned()
}

fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                // Keep real Markdown links `[text](url)`; escape everything else.
                let close = chars[i..].iter().position(|&ch| ch == ']').map(|p| p + i);
                match close {
                    Some(end) if chars.get(end + 1) == Some(&'(') => {
                        let text: String = chars[i..=end].iter().collect();
                        out.push_str(&text.replace('<', "\\<").replace('>', "\\>"));
                        let url_end = chars[end..]
                            .iter()
                            .position(|&ch| ch == ')')
                            .map(|p| p + end);
                        let stop = url_end.unwrap_or(chars.len() - 1);
                        out.extend(&chars[end + 1..=stop]);
                        i = stop + 1;
                        continue;
                    }
                    _ => out.push_str("\\["),
                }
            }
            ']' => out.push_str("\\]"),
            'h' if starts_url(&chars[i..]) => {
                let end = chars[i..]
                    .iter()
                    .position(|ch| ch.is_whitespace() || *ch == ')' || *ch == '"')
                    .map_or(chars.len(), |p| p + i);
                let mut url: String = chars[i..end].iter().collect();
                let mut trailing = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    trailing.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&trailing);
                i = end;
                continue;
            }
            '*' | '_' if i == 0 || chars[i - 1].is_whitespace() => {
                // A lone emphasis marker would start emphasis that never closes.
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("https://") || s.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_links_and_urls() {
        assert_eq!(clean("a <b> [c] d"), "a \\<b\\> \\[c\\] d");
        assert_eq!(
            clean("see [RFC](https://x.y/z)."),
            "see [RFC](https://x.y/z)."
        );
        assert_eq!(clean("go to https://x.y/z."), "go to <https://x.y/z>.");
        assert_eq!(clean("one</br>two"), "one\n\ntwo");
        assert_eq!(clean("    indented"), "indented");
        assert_eq!(clean("`<T>` [x]"), "`<T>` \\[x\\]");
        assert_eq!(clean("```\ncode\n```"), "```text\ncode\n```");
    }
}
