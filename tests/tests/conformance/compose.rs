//! Composing a request's arguments from the document (its examples, else its schemas, else its
//! required values only), and sending the same values without the client.

use crate::calls::{Args, Call};
use crate::harness::Proxy;
use crate::judge::violations;
use crate::support::sampler::{Sampler, UnionCheck};
use serde_json::{Value, json};

/// Where the values of a request come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The document's examples first (Redoc's order), then schemas.
    Examples,
    /// The schemas only (defaults, enum values, formats): used when an example is at fault.
    Schemas,
    /// The schemas, required properties and parameters only: a minimal request, used when
    /// the full one is rejected for a fault of the document.
    Required,
}

impl Source {
    /// What the values are, for the notes.
    pub(crate) fn values(self) -> &'static str {
        match self {
            Source::Examples => "the document's examples",
            Source::Schemas => "values sampled from the document's schemas",
            Source::Required => "required values sampled from the document's schemas",
        }
    }

    /// The sampler that draws values from this source.
    pub(crate) fn sampler<'a>(self, doc: &'a Value, unions: &'a UnionCheck) -> Sampler<'a> {
        Sampler {
            unions: Some(unions),
            ..Sampler::new(doc, self == Source::Examples, self == Source::Required)
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Source::Examples => "examples",
            Source::Schemas => "schemas",
            Source::Required => "required-only",
        }
    }
}

/// One operation's arguments, keyed by the generated method's parameter names, and the same
/// values as the document names them (to send them without the client, see [`raw`]).
#[derive(Debug, Clone)]
pub(crate) struct Composed {
    pub(crate) args: Args,
    /// (`in`, name, value) of each parameter.
    parameters: Vec<(String, String, Value)>,
    /// The JSON or form body.
    body: Option<(String, Value)>,
}

pub(crate) fn compose(
    doc: &Value,
    unions: &UnionCheck,
    item: &Value,
    op: &Value,
    call: &Call,
    source: Source,
) -> Result<Composed, String> {
    let sampler = source.sampler(doc, unions);
    // The operation's parameters, then those of its path item that it does not override.
    let mut parameters: Vec<Value> = Vec::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        parameters.push(sampler.resolve(p).clone());
    }
    for p in item.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let p = sampler.resolve(p);
        if !parameters.iter().any(|q| q["name"] == p["name"] && q["in"] == p["in"]) {
            parameters.push(p.clone());
        }
    }
    let mut args = Args::new();
    let mut raw_parameters = Vec::new();
    let mut raw_body = None;
    for &name in call.params {
        if name == "body" || name == "form" {
            let body = op.get("requestBody").map(|b| sampler.resolve(b).clone());
            let content = body
                .as_ref()
                .and_then(|b| b.get("content"))
                .ok_or_else(|| format!("`{name}`: the operation has no request body"))?;
            if name == "body" {
                // JSON, or a form (`application/x-www-form-urlencoded`, the token endpoint).
                let (media_type, media) = content
                    .as_object()
                    .and_then(|c| {
                        c.iter()
                            .find(|(k, _)| k.contains("json"))
                            .or_else(|| c.iter().find(|(k, _)| k.contains("x-www-form-urlencoded")))
                    })
                    .ok_or("`body`: no JSON or form request body")?;
                let value = sampler
                    .media(media)
                    .ok_or("`body`: the request body schema cannot be sampled")?;
                raw_body = Some((media_type.clone(), value.clone()));
                args.insert(name.into(), value);
            } else {
                let media = content
                    .get("multipart/form-data")
                    .ok_or("`form`: no multipart/form-data request body")?;
                args.insert(name.into(), sampler.parts(media)?);
            }
            continue;
        }
        let parameter = parameters
            .iter()
            .find(|p| {
                let doc_name = spotnana_codegen::method_name(p["name"].as_str().unwrap_or_default());
                doc_name == name || format!("{doc_name}_") == name
            })
            .ok_or_else(|| format!("method parameter `{name}` matches no parameter of the document"))?;
        let required = parameter["required"] == json!(true);
        if source == Source::Required && !required {
            continue;
        }
        match sampler.parameter(parameter) {
            Some(value) => {
                raw_parameters.push((
                    parameter["in"].as_str().unwrap_or_default().to_string(),
                    parameter["name"].as_str().unwrap_or_default().to_string(),
                    value.clone(),
                ));
                args.insert(name.into(), value);
            }
            None if required => {
                return Err(format!(
                    "required parameter `{}` cannot be sampled",
                    parameter["name"].as_str().unwrap_or_default()
                ));
            }
            None => {}
        }
    }
    Ok(Composed {
        args,
        parameters: raw_parameters,
        body: raw_body,
    })
}

/// Sends the composed values as they are, without the client (and its types): Prism's verdict
/// on the document's own values. `None` for multipart bodies.
pub(crate) async fn raw(proxy: &Proxy, method: &str, path: &str, composed: &Composed) -> Option<Vec<String>> {
    fn text(value: &Value) -> String {
        value.as_str().map_or_else(|| value.to_string(), str::to_string)
    }
    let mut url_path = path.to_string();
    let mut query = Vec::new();
    let mut headers = reqwest::header::HeaderMap::new();
    for (place, name, value) in &composed.parameters {
        match place.as_str() {
            "path" => url_path = url_path.replace(&format!("{{{name}}}"), &text(value)),
            "query" => match value {
                Value::Array(items) => query.extend(items.iter().map(|v| (name.clone(), text(v)))),
                other => query.push((name.clone(), text(other))),
            },
            "header" => {
                headers.insert(
                    reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok()?,
                    reqwest::header::HeaderValue::from_str(&text(value)).ok()?,
                );
            }
            _ => {}
        }
    }
    let url = format!("{}{url_path}", proxy.url());
    let mut request = reqwest::Client::new()
        .request(method.to_uppercase().parse().ok()?, url)
        .query(&query)
        .headers(headers)
        .bearer_auth("conformance-token");
    match &composed.body {
        Some((media_type, body)) if media_type.contains("json") => request = request.json(body),
        Some((_, body)) => request = request.form(body),
        None if composed.args.contains_key("form") => return None,
        None => {}
    }
    proxy.clear();
    request.send().await.ok()?.bytes().await.ok()?;
    proxy.last().map(|e| violations(&e))
}

/// The note for values that Prism rejects even when sent without the client: the document's
/// fault, with Prism's request violations (response ones are judged elsewhere).
pub(crate) fn rejected_without_client(values: &str, violations: Vec<String>) -> String {
    let request: Vec<String> = violations
        .into_iter()
        .filter(|v| !v.starts_with("(response)"))
        .collect();
    format!(
        "{values}, sent without the client, are rejected by Prism too: {}",
        request.join("; ")
    )
}
