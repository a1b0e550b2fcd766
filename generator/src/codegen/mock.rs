//! The mock's per-operation part (`generated/mock.rs`, behind the client's `mock` feature): a
//! table of every operation's method and path template, which the mock matches requests
//! against, and one typed stub method per operation on `MockFlywheel`.

use crate::codegen::{ident, ty};
use crate::ir::{Api, Operation, Response};
use proc_macro2::TokenStream;
use quote::quote;

/// What the stub of one operation looks like, computed before rendering.
#[derive(Clone, Debug, PartialEq)]
pub struct MockStub {
    /// Index of the operation in the table (spec order).
    pub index: usize,
    /// `operationId`.
    pub operation_id: String,
    /// Stub method name (the client method's name).
    pub method_name: String,
    /// Rust names of the path parameters, in template order, with their template names.
    pub path_params: Vec<(String, String)>,
    /// Whether the answer is raw bytes or text (a raw stub) rather than JSON.
    pub raw: bool,
}

/// The stubs of every operation, in spec order.
pub fn stubs(api: &Api) -> Vec<MockStub> {
    api.operations
        .iter()
        .enumerate()
        .map(|(index, op)| MockStub {
            index,
            operation_id: op.operation_id.clone(),
            method_name: op.method_name.clone(),
            path_params: path_params(op),
            raw: matches!(op.response, Response::Binary | Response::Text),
        })
        .collect()
}

/// Path parameters in the order the template names them.
fn path_params(op: &Operation) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for segment in op.path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let rust = op
                .params
                .iter()
                .find(|p| p.name == name && p.location == crate::ir::Location::Path)
                .map(|p| p.rust_name.clone())
                .unwrap_or_else(|| heck::ToSnakeCase::to_snake_case(name));
            out.push((rust, name.to_owned()));
        }
    }
    out
}

/// The tokens of `generated/mock.rs`.
pub fn render(api: &Api) -> TokenStream {
    let stubs = stubs(api);
    let table = api.operations.iter().map(|op| {
        let id = &op.operation_id;
        let method_name = &op.method_name;
        let method = op.method.as_str();
        let path = &op.path;
        let page = match &op.pagination {
            Some(p) => {
                let envelope = &p.envelope_field;
                let cursor = &p.cursor_field;
                quote! { ::std::option::Option::Some(crate::mock::PageShape { envelope: #envelope, cursor: #cursor }) }
            }
            None => quote! { ::std::option::Option::None },
        };
        quote! {
            crate::mock::OperationInfo {
                operation_id: #id,
                method_name: #method_name,
                method: #method,
                path: #path,
                page: #page,
            }
        }
    });
    let count = api.operations.len();
    let tag_feature = |op: &Operation| {
        api.tags
            .iter()
            .find(|t| t.name == op.tag)
            .map(|t| t.feature.clone())
            .unwrap_or_default()
    };
    let methods = stubs.iter().zip(&api.operations).map(|(stub, op)| {
        let name = ident(&stub.method_name);
        let feature = tag_feature(op);
        let index = stub.index;
        let args = stub.path_params.iter().map(|(rust, _)| {
            let arg = ident(rust);
            quote! { #arg: impl ::std::fmt::Display }
        });
        let values = stub.path_params.iter().map(|(rust, template)| {
            let arg = ident(rust);
            quote! { (#template, #arg.to_string()) }
        });
        let answers = if stub.path_params.is_empty() {
            "answers every request of the operation"
        } else {
            "answers the requests whose path parameters equal the given values"
        };
        let doc = format!(
            " Stub of [`Client::{0}`](crate::Client::{0}) (`{1}`, `{2} {3}`): {answers}.",
            stub.method_name,
            stub.operation_id,
            op.method.as_str(),
            op.path
        );
        let (stub_ty, ctor) = if stub.raw {
            (
                quote! { crate::mock::RawStub<'_> },
                quote! { crate::mock::RawStub::new },
            )
        } else {
            let answer = match &op.response {
                Response::Json(t) => ty(t),
                _ => quote! { () },
            };
            let item = match &op.pagination {
                Some(p) => ty(&p.item),
                None => quote! { crate::mock::NoItems },
            };
            (
                quote! { crate::mock::Stub<'_, #answer, #item> },
                quote! { crate::mock::Stub::new },
            )
        };
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub fn #name(&self, #(#args),*) -> #stub_ty {
                #ctor(self, #index, ::std::vec![#(#values),*])
            }
        }
    });
    quote! {
        /// Every operation of the spec, in spec order: what the mock matches requests against
        /// and names in its failure messages. One stub method of
        /// [`MockFlywheel`](crate::mock::MockFlywheel) per entry.
        pub static OPERATIONS: [crate::mock::OperationInfo; #count] = [#(#table),*];

        impl crate::mock::MockFlywheel {
            #(#methods)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_take_path_parameters_in_template_order() {
        let text = include_str!("../../tests/fixtures/path_templates.yaml");
        let spec = crate::load(text, "path_templates.yaml").expect("fixture loads");
        let api = crate::lower(&spec, "path_templates.yaml").expect("fixture lowers");
        let stubs = stubs(&api);
        let shapes: Vec<(&str, Vec<&str>, bool)> = stubs
            .iter()
            .map(|s| {
                let names = s.path_params.iter().map(|(_, t)| t.as_str()).collect();
                (s.method_name.as_str(), names, s.raw)
            })
            .collect();
        assert_eq!(
            shapes,
            [
                (
                    "get_member",
                    vec!["containerId", "fileName", "memberPath"],
                    false
                ),
                ("count_jobs", vec!["state", "type"], false),
            ]
        );
        assert_eq!(stubs[0].path_params[0].0, "container_id");
        assert_eq!(stubs.iter().map(|s| s.index).collect::<Vec<_>>(), [0, 1]);
    }
}
