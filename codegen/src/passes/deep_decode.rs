//! Responses decoded on a stack of their own.
//!
//! progenitor decodes a response body with `ResponseValue::from_response`, on the caller's
//! stack. The structs of this client flatten their unknown properties (see [`crate::passes::lossless`]),
//! which makes serde buffer every nested object and take several times the stack per level:
//! a deeply nested response could overflow a 2 MiB thread. This pass points every such call
//! at the runtime's `crate::decode::from_response`, the same function with the decoding run
//! on a fresh, larger stack.

use syn::visit_mut::VisitMut;

/// The runtime's replacement for `ResponseValue::from_response`.
const DECODE: &str = "crate::decode::from_response";

/// Rewrites every `ResponseValue::from_response(…)` call in `file`; returns how many.
pub fn decode_on_own_stack(file: &mut syn::File) -> usize {
    let mut calls = Calls { count: 0 };
    calls.visit_file_mut(file);
    calls.count
}

struct Calls {
    count: usize,
}

impl VisitMut for Calls {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(p) = &*call.func else { return };
        let names: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if names.ends_with(&["ResponseValue".to_string(), "from_response".to_string()]) {
            *call.func = syn::parse_str(DECODE).expect("a path");
            self.count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn from_response_calls_go_to_the_runtime() {
        let mut file: syn::File = syn::parse_quote! {
            async fn f() {
                match status {
                    200u16 => ResponseValue::from_response(response).await,
                    400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => ResponseValue::empty(response),
                }
            }
        };
        assert_eq!(super::decode_on_own_stack(&mut file), 2);
        let code = prettyplease::unparse(&file);
        assert_eq!(
            code.matches("crate::decode::from_response(response)").count(),
            2,
            "{code}"
        );
        assert!(code.contains("ResponseValue::empty(response)"), "{code}");
    }
}
