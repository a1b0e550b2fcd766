//! The conformance calls: for every operation, a function that calls the generated client
//! with every parameter set, taking each value from the test harness (`flywheel-tests`).
//!
//! The harness decides the values and checks the request on the wire against the API
//! reference, so a new operation in the spec gets its conformance check without hand work.

use super::ident;
use crate::ir::{Api, Body, Location, Operation, Parameter, PartKind, Response, TypeRef};
use crate::lower::template_names;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Renders `calls.rs` for the `flywheel-tests` crate.
pub fn calls(api: &Api) -> TokenStream {
    let functions = api.operations.iter().map(call_fn);
    let entries = api.operations.iter().map(|op| {
        let id = &op.operation_id;
        let function = format_ident!("call_{}", op.method_name.trim_start_matches("r#"));
        quote! { crate::conformance::Call { operation_id: #id, run: #function }, }
    });
    quote! {
        /// One entry per generated method, in spec order.
        pub const CALLS: &[crate::conformance::Call] = &[#(#entries)*];
        #(#functions)*
    }
}

fn key(op: &Operation, p: &Parameter) -> TokenStream {
    let wire = &p.name;
    match p.location {
        Location::Path => {
            let index = template_names(&op.path)
                .iter()
                .position(|n| n == &p.name)
                .unwrap_or(0);
            quote! { crate::conformance::Key::Path(#index) }
        }
        Location::Query => quote! { crate::conformance::Key::Query(#wire) },
        Location::Header => quote! { crate::conformance::Key::Header(#wire) },
    }
}

fn value(op: &Operation, p: &Parameter) -> TokenStream {
    let key = key(op, p);
    match &p.ty {
        TypeRef::String => quote! { values.string(#key) },
        TypeRef::Integer => quote! { values.integer(#key) },
        TypeRef::Integer32 => quote! { i32::try_from(values.integer(#key)).unwrap_or_default() },
        TypeRef::Number => quote! { values.number(#key) },
        TypeRef::Boolean => quote! { values.boolean(#key) },
        TypeRef::DateTime => quote! { values.datetime(#key) },
        TypeRef::Json => quote! { values.json(#key) },
        TypeRef::Named(_) => quote! { values.enum_value(#key) },
        TypeRef::Array(_) | TypeRef::Map(_) => quote! { values.strings(#key) },
    }
}

fn part_value(kind: &PartKind, name: &str) -> TokenStream {
    match kind {
        PartKind::File => quote! { values.upload_file(#name) },
        PartKind::Files => quote! { values.upload_files(#name) },
        PartKind::Text => quote! { values.form_text(#name) },
        PartKind::Json(_) => quote! { values.form_json(#name) },
    }
}

fn call_fn(op: &Operation) -> TokenStream {
    let function = format_ident!("call_{}", op.method_name.trim_start_matches("r#"));
    let method = ident(&op.method_name);
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| value(op, p))
        .collect();
    let mut setters = Vec::new();
    // A parameter with a client default is left unset, so the wire shows the default.
    for p in op
        .params
        .iter()
        .filter(|p| !p.required && p.client_default.is_none())
    {
        let setter = ident(&p.rust_name);
        let value = value(op, p);
        setters.push(quote! { .#setter(#value) });
    }
    match &op.body {
        Some(Body::Json { required: true, .. }) => args.push(quote! { values.body() }),
        Some(Body::Json {
            required: false, ..
        }) => setters.push(quote! { .body(values.body()) }),
        Some(Body::Multipart { parts, .. }) => {
            for part in parts {
                let value = part_value(&part.kind, &part.name);
                if part.required {
                    args.push(value);
                } else {
                    let setter = ident(&part.rust_name);
                    setters.push(quote! { .#setter(#value) });
                }
            }
        }
        None => {}
    }
    let call = quote! { client.#method(#(#args),*) #(#setters)* .send().await };
    let body = match &op.response {
        Response::Json(_) => quote! {
            let output = #call?;
            ::std::result::Result::Ok(crate::conformance::Outcome::json(&output))
        },
        Response::Empty => quote! {
            #call?;
            ::std::result::Result::Ok(crate::conformance::Outcome::Empty)
        },
        Response::Text => quote! {
            let output = #call?;
            ::std::result::Result::Ok(crate::conformance::Outcome::Text(output))
        },
        Response::Binary => quote! {
            let output = #call?;
            crate::conformance::Outcome::download(output).await
        },
    };
    // Operations without parameters or body take no values.
    let values_arg = if args.is_empty() && setters.is_empty() {
        format_ident!("_values")
    } else {
        format_ident!("values")
    };
    let doc = format!(
        " Calls `{}` with every parameter set (those with a client default left unset).",
        op.operation_id
    );
    let allow = if op.deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        quote! {}
    };
    quote! {
        #[doc = #doc]
        #allow
        fn #function<'a>(
            client: &'a ::flywheel_client::Client,
            #values_arg: &'a crate::conformance::Values,
        ) -> crate::conformance::CallFuture<'a> {
            ::std::boxed::Box::pin(async move { #body })
        }
    }
}
