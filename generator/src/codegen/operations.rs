//! Operations → a method on `Client` plus a request builder per operation.

use super::docs;
use super::{ident, ty};
use crate::ir::{Body, IdAccess, Location, Operation, Parameter, PartKind, Response, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// Renders the `impl Client` methods and builders of one tag's operations.
pub fn tag_module(tag: &crate::ir::Tag, operations: &[&Operation]) -> TokenStream {
    let methods = operations.iter().map(|op| client_method(op));
    let builders = operations.iter().map(|op| builder(op));
    let doc = docs::attrs(&docs::tag(tag));
    quote! {
        #doc
        impl crate::Client { #(#methods)* }
        #(#builders)*
    }
}

fn method_tokens(op: &Operation) -> TokenStream {
    let name = ident(op.method.as_str());
    quote! { ::reqwest::Method::#name }
}

/// The parameter's argument type and the statements that apply it to `request`.
struct Arg {
    decl: TokenStream,
    apply: TokenStream,
}

/// The argument type for a scalar parameter, and the expression converting the argument
/// `var` to the parameter's Rust type.
fn scalar_input(t: &TypeRef, var: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match t {
        TypeRef::String => (
            quote! { impl ::std::convert::Into<::std::string::String> },
            quote! { ::std::convert::Into::<::std::string::String>::into(#var) },
        ),
        TypeRef::Named(_) => {
            let target = ty(t);
            (
                quote! { impl ::std::convert::Into<#target> },
                quote! { ::std::convert::Into::<#target>::into(#var) },
            )
        }
        other => (ty(other), quote! { #var }),
    }
}

fn param_arg(p: &Parameter) -> Arg {
    let wire = &p.name;
    let var = ident(&p.rust_name);
    if let TypeRef::Array(item) = &p.ty {
        let item_ty = ty(item);
        let item_in = match &**item {
            TypeRef::String => quote! { impl ::std::convert::Into<::std::string::String> },
            TypeRef::Named(_) => quote! { impl ::std::convert::Into<#item_ty> },
            other => ty(other),
        };
        let decl = quote! { #var: impl ::std::iter::IntoIterator<Item = #item_in> };
        let collect = quote! {
            let values: ::std::vec::Vec<::std::string::String> = #var
                .into_iter()
                .map(|item| crate::ParamValue::to_param(&::std::convert::Into::<#item_ty>::into(item)))
                .collect();
        };
        let apply = match (p.location, p.accept_feature, p.explode) {
            (_, true, _) => quote! { #collect request.accept_features(values); },
            (Location::Query, _, true) => quote! { #collect request.query_list(#wire, values); },
            (Location::Query, _, false) => {
                quote! { #collect request.query(#wire, &values.join(",")); }
            }
            (Location::Header, _, _) => {
                quote! { #collect request.header(#wire, values.join(",")); }
            }
            (Location::Path, _, _) => {
                quote! { #collect request.path_param(#wire, &values.join(",")); }
            }
        };
        return Arg { decl, apply };
    }
    let (input, convert) = scalar_input(&p.ty, &var);
    let decl = quote! { #var: #input };
    let apply = match (p.location, &p.ty) {
        (Location::Path, TypeRef::String) => quote! { request.path_param(#wire, &#convert); },
        (Location::Path, _) => {
            quote! { request.path_param(#wire, &crate::ParamValue::to_param(&#convert)); }
        }
        (Location::Query, _) => quote! { request.query(#wire, &#convert); },
        (Location::Header, _) => {
            quote! { request.header(#wire, crate::ParamValue::to_param(&#convert)); }
        }
    };
    Arg { decl, apply }
}

fn client_method(op: &Operation) -> TokenStream {
    let method_name = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let operation_id = &op.operation_id;
    let path = &op.path;
    let http_method = method_tokens(op);
    let mut decls = Vec::new();
    let mut applies = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let arg = param_arg(p);
        decls.push(arg.decl);
        applies.push(arg.apply);
    }
    for (name, value) in &op.fixed_query {
        applies.push(quote! { request.fixed_query(#name, #value); });
    }
    // `OperationRequest` asks for JSON unless told otherwise.
    if op.accept != "application/json" {
        let accept = &op.accept;
        applies.push(quote! { request.accept(#accept); });
    }
    // The values the Flywheel SDK sends when the caller sets none; the setter replaces them.
    for p in op.params.iter().filter(|p| !p.required) {
        if let Some(value) = &p.client_default {
            let wire = &p.name;
            applies.push(quote! { request.query(#wire, #value); });
        }
    }
    match &op.body {
        Some(Body::Json {
            ty: body_ty,
            required: true,
            ..
        }) => {
            let t = ty(body_ty);
            decls.push(quote! { body: #t });
            applies.push(quote! { request.json_body(&body); });
        }
        Some(Body::Multipart { parts, .. }) => {
            for part in parts.iter().filter(|p| p.required) {
                let var = ident(&part.rust_name);
                let wire = &part.name;
                match &part.kind {
                    PartKind::File => {
                        decls.push(quote! { #var: crate::UploadFile });
                        applies.push(quote! { request.multipart_file(#wire, #var); });
                    }
                    PartKind::Files => {
                        decls.push(quote! { #var: impl ::std::iter::IntoIterator<Item = crate::UploadFile> });
                        applies.push(
                            quote! { for file in #var { request.multipart_file(#wire, file); } },
                        );
                    }
                    PartKind::Text => {
                        decls.push(
                            quote! { #var: impl ::std::convert::Into<::std::string::String> },
                        );
                        applies.push(quote! { request.multipart_text(#wire, ::std::convert::Into::into(#var)); });
                    }
                    PartKind::Json(t) => {
                        let t = ty(t);
                        decls.push(quote! { #var: #t });
                        applies.push(quote! { request.multipart_json(#wire, &#var); });
                    }
                }
            }
        }
        _ => {}
    }
    let request_decl = if applies.is_empty() {
        quote! { let request = self.request(#operation_id, #http_method, #path); }
    } else {
        quote! { let mut request = self.request(#operation_id, #http_method, #path); }
    };
    let doc = docs::attrs(&method_doc(op));
    let deprecated = deprecated_attr(op);
    quote! {
        #doc
        #deprecated
        pub fn #method_name(&self, #(#decls),*) -> #builder {
            #request_decl
            #(#applies)*
            #builder { request }
        }
    }
}

fn deprecated_attr(op: &Operation) -> TokenStream {
    if op.deprecated {
        quote! { #[deprecated = "deprecated in the spec"] }
    } else {
        quote! {}
    }
}

fn builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let method_name = &op.method_name;
    let mut setters = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let name = ident(&p.rust_name);
        let arg = param_arg(p);
        let decl = arg.decl;
        let apply = arg.apply;
        let doc = docs::attrs(&param_doc(p));
        setters.push(quote! {
            #doc
            pub fn #name(mut self, #decl) -> Self {
                let request = &mut self.request;
                #apply
                self
            }
        });
    }
    match &op.body {
        Some(Body::Json {
            ty: body_ty,
            required: false,
            description,
        }) => {
            let t = ty(body_ty);
            let doc = docs::attrs(&format!(
                "{}Sets the JSON request body.",
                description
                    .as_deref()
                    .map(|d| format!("{}\n\n", docs::clean(d)))
                    .unwrap_or_default()
            ));
            setters.push(quote! {
                #doc
                pub fn body(mut self, body: #t) -> Self { self.request.json_body(&body); self }
            });
        }
        Some(Body::Multipart { parts, .. }) => {
            for part in parts.iter().filter(|p| !p.required) {
                let name = ident(&part.rust_name);
                let wire = &part.name;
                let mut doc = docs::lead(part.description.as_deref());
                let (decl, apply) = match &part.kind {
                    PartKind::File => {
                        doc.push_str(&format!("Multipart file part `{wire}`."));
                        (
                            quote! { value: crate::UploadFile },
                            quote! { self.request.multipart_file(#wire, value); },
                        )
                    }
                    PartKind::Files => {
                        doc.push_str(&format!("Multipart file parts, each named `{wire}`."));
                        (
                            quote! { values: impl ::std::iter::IntoIterator<Item = crate::UploadFile> },
                            quote! { for file in values { self.request.multipart_file(#wire, file); } },
                        )
                    }
                    PartKind::Text => {
                        doc.push_str(&format!("Multipart text field `{wire}`."));
                        (
                            quote! { value: impl ::std::convert::Into<::std::string::String> },
                            quote! { self.request.multipart_text(#wire, ::std::convert::Into::into(value)); },
                        )
                    }
                    PartKind::Json(t) => {
                        doc.push_str(&format!("Multipart field `{wire}`, sent as JSON text."));
                        let t = ty(t);
                        (
                            quote! { value: #t },
                            quote! { self.request.multipart_json(#wire, &value); },
                        )
                    }
                };
                let doc = docs::attrs(&doc);
                setters.push(quote! {
                    #doc
                    pub fn #name(mut self, #decl) -> Self { #apply self }
                });
            }
        }
        _ => {}
    }
    // The success type, the call that sends, and the call that also keeps status and headers
    // (none for a download: `Download` has them already).
    let (output, send_call, with_response_call) = match &op.response {
        Response::Empty => (
            quote! { () },
            quote! { self.request.send_empty() },
            Some(quote! { self.request.send_empty_with_response() }),
        ),
        Response::Json(t) => {
            let t = ty(t);
            (
                quote! { #t },
                quote! { self.request.send_json::<#t>() },
                Some(quote! { self.request.send_json_with_response::<#t>() }),
            )
        }
        Response::Text => (
            quote! { ::std::string::String },
            quote! { self.request.send_text() },
            Some(quote! { self.request.send_text_with_response() }),
        ),
        Response::Binary => (
            quote! { crate::Download },
            quote! { self.request.send_download() },
            None,
        ),
    };
    let send_with_response = with_response_call.map(|call| {
        let doc = docs::attrs(
            "Sends the request like [`send`](Self::send) and keeps the answer's status and headers beside the decoded value ([`crate::ResponseValue`]).\n\n# Errors\n\nAs [`send`](Self::send).",
        );
        quote! {
            #doc
            pub fn send_with_response(self) -> crate::ResponseFuture<crate::ResponseValue<#output>> {
                #call
            }
        }
    });
    let send_doc = docs::attrs(&format!(
        "Sends the request and {}.\n\n# Errors\n\nFails with [`crate::Error`]: `InvalidRequest` when an argument cannot be sent (an empty path parameter), `Transport` when the server cannot be reached or times out, `Api` when the server answers an error status (status, headers and body kept), `Decode` when the body is not the declared type.",
        match &op.response {
            Response::Empty => "waits for the server's success status".to_owned(),
            Response::Json(t) => format!("decodes the JSON answer as {}", type_link(t)),
            Response::Text => "returns the answer as text".to_owned(),
            Response::Binary =>
                "returns the body as a [`crate::Download`] stream, before reading it".to_owned(),
        }
    ));
    let paginate = op.pagination.as_ref().map(|p| {
        let item = ty(&p.item);
        let envelope = &p.envelope_field;
        let id_body = match &p.id {
            IdAccess::Field(field) => {
                let field = ident(field);
                quote! { item.#field.as_deref() }
            }
            IdAccess::UnionFields(fields) => {
                let union = ty(&p.item);
                let arms = fields.iter().map(|(variant, field)| {
                    let variant = ident(variant);
                    let field = ident(field);
                    quote! { #union::#variant(value) => value.#field.as_deref(), }
                });
                quote! { match item { #(#arms)* } }
            }
            IdAccess::JsonKey => {
                let key = &p.cursor_field;
                quote! { item.get(#key).and_then(::serde_json::Value::as_str) }
            }
            IdAccess::None => quote! { let _ = item; ::std::option::Option::None },
        };
        let doc = docs::attrs(&format!(
            "Streams every item of the list, fetching pages lazily.\n\nPages hold `limit` items (250 unless set) and continue after the last item's `{}` (`after_id`), or by page number (from 1) when `sort` is set, or by `skip` when the request sets `skip`. Items decode as {}; see [`crate::Paginator`] for the paging rules, errors and resuming.",
            p.cursor_field,
            type_link(&p.item)
        ));
        quote! {
            #doc
            pub fn into_stream(self) -> crate::Paginator<#item> {
                fn id_of(item: &#item) -> ::std::option::Option<&str> { #id_body }
                crate::Paginator::new(self.request, id_of, #envelope)
            }
        }
    });
    let doc = docs::attrs(&format!(
        "Request builder for [`Client::{method_name}`](crate::Client::{method_name}): `{} {}`.\n\nSet optional parameters with the methods below, then `.await` the builder (the same as `.send().await`).",
        op.method.as_str(),
        op.path
    ));
    quote! {
        #doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder { request: crate::OperationRequest }

        /// `.await` on the builder sends the request, as [`send`](Self::send) does.
        impl ::std::future::IntoFuture for #builder {
            type Output = crate::Result<#output>;
            type IntoFuture = crate::ResponseFuture<#output>;
            fn into_future(self) -> crate::ResponseFuture<#output> { self.send() }
        }

        impl #builder {
            #(#setters)*
            /// Per-call overrides of the client's timeouts and retry policy.
            pub fn options(mut self, options: crate::CallOptions) -> Self { self.request.options(options); self }
            #paginate
            #send_doc
            pub fn send(self) -> crate::ResponseFuture<#output> {
                #send_call
            }
            #send_with_response
        }
    }
}

/// A type for docs, with named types linked: [`FileOutput`](crate::types::FileOutput).
fn type_link(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => format!("[`{n}`](crate::types::{n})"),
        TypeRef::Array(inner) => format!("a list of {}", type_link(inner)),
        TypeRef::Map(inner) => format!("a map from names to {}", type_link(inner)),
        other => format!("`{}`", type_name(other)),
    }
}

/// A short readable name of a type, for docs (`Vec<FileOutput>`).
pub fn type_name(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Integer32 => "i32".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_name(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_name(inner)),
    }
}

fn location_name(p: &Parameter) -> &'static str {
    match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    }
}

fn param_doc(p: &Parameter) -> String {
    let mut doc = docs::lead(p.description.as_deref());
    let form = match (&p.ty, p.location, p.accept_feature, p.explode) {
        (TypeRef::Array(_), _, true, _) => {
            ", merged with the client's defaults into one comma-separated header"
        }
        (TypeRef::Array(_), Location::Query, _, true) => ", one `key=value` pair per item",
        (TypeRef::Array(_), _, _, _) => ", items joined with commas",
        _ => "",
    };
    doc.push_str(&format!(
        "{} parameter `{}` (`{}`){form}.",
        capitalize(location_name(p)),
        p.name,
        type_name(&p.ty)
    ));
    if let Some(value) = &p.client_default {
        doc.push_str(&format!(
            " When not set, the client sends `{value}`, as the Flywheel SDK does."
        ));
    }
    doc
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn method_doc(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(&docs::clean(summary));
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(&docs::clean(description));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`, tag `{}`).",
        op.method.as_str(),
        op.path,
        op.operation_id,
        op.tag
    ));
    if let Some(base) = &op.variant_of {
        let fixed: Vec<String> = op
            .fixed_query
            .iter()
            .map(|(k, v)| format!("`{k}={v}`"))
            .collect();
        doc.push_str(&format!(
            " A variant of `{base}` on the same path that always sends {}.",
            fixed.join(" and ")
        ));
    }
    doc.push('\n');
    let required: Vec<&Parameter> = op.params.iter().filter(|p| p.required).collect();
    let required_parts: Vec<_> = match &op.body {
        Some(Body::Multipart { parts, .. }) => parts.iter().filter(|p| p.required).collect(),
        _ => Vec::new(),
    };
    let json_body = matches!(&op.body, Some(Body::Json { required: true, .. }));
    if !required.is_empty() || !required_parts.is_empty() || json_body {
        doc.push_str("\n# Arguments\n\n");
        for p in &required {
            doc.push_str(&format!(
                "- `{}`: {}\n",
                p.rust_name.trim_start_matches("r#"),
                one_line(&param_doc(p))
            ));
        }
        if let Some(Body::Json {
            ty: t,
            description,
            required: true,
        }) = &op.body
        {
            let d = description
                .as_deref()
                .map(|d| format!("{} ", one_line(&docs::clean(d))))
                .unwrap_or_default();
            doc.push_str(&format!(
                "- `body`: {d}JSON request body (`{}`).\n",
                type_name(t)
            ));
        }
        for part in required_parts {
            let d = part
                .description
                .as_deref()
                .map(|d| format!("{} ", one_line(&docs::clean(d))))
                .unwrap_or_default();
            doc.push_str(&format!(
                "- `{}`: {d}Multipart part `{}`.\n",
                part.rust_name, part.name
            ));
        }
    }
    let optional: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`{}`", p.rust_name.trim_start_matches("r#")))
        .chain(match &op.body {
            Some(Body::Json {
                required: false, ..
            }) => vec!["`body`".to_owned()],
            Some(Body::Multipart { parts, .. }) => parts
                .iter()
                .filter(|p| !p.required)
                .map(|p| format!("`{}`", p.rust_name))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    if !optional.is_empty() {
        doc.push_str(&format!(
            "\nOptional parameters are setters on the returned [`{}`]: {}.\n",
            op.builder_name,
            optional.join(", ")
        ));
    }
    let returns = match &op.response {
        Response::Empty => "nothing (`()`)".to_owned(),
        Response::Json(t) => type_link(t),
        Response::Text => "the body as text".to_owned(),
        Response::Binary => "a [`Download`](crate::Download) byte stream".to_owned(),
    };
    doc.push_str(&format!(
        "\n`.await` on the builder (or `.send().await`) returns {returns}"
    ));
    if op.pagination.is_some() {
        doc.push_str("; `.into_stream()` pages through every item lazily");
    }
    doc.push('.');
    doc.push_str(&errors_doc(op));
    doc
}

/// The `# Errors` section: the error answers the spec declares for the operation.
fn errors_doc(op: &Operation) -> String {
    let mut doc = String::from("\n\n# Errors\n\n");
    if op.error_responses.is_empty() {
        doc.push_str("The spec declares no error answer for this operation; any status outside 2xx is still ");
    } else {
        doc.push_str("Error answers the spec declares:\n\n");
        for error in &op.error_responses {
            let status = if error.status == "default" {
                "any status outside 2xx (`default`)".to_owned()
            } else {
                format!("`{}`", error.status)
            };
            let description = error
                .description
                .as_deref()
                .map(|d| format!(": {}", one_line(&docs::clean(d))))
                .unwrap_or_default();
            doc.push_str(&format!("- {status}{description}\n"));
        }
        doc.push_str("\nAn error answer is ");
    }
    doc.push_str(
        "[`Error::Api`](crate::Error::Api), keeping status, headers and body; the builder's `send` lists the other failures.",
    );
    doc
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
