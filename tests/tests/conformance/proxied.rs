//! Where `prism mock` accepts a request but cannot answer it (its faker gives up on Spotnana's
//! recursive schemas: "Schema too complex", "Prop not found", or drops a required property
//! and flags its own response), `prism proxy` on the same document judges a response sampled
//! from the document instead. The request goes through Prism to an upstream (wiremock on
//! 127.0.0.1) that answers with the sample, and Prism validates the request and that response
//! against the document: both verdicts stay Prism's, and the client must read what Prism
//! found valid.

use crate::calls::{Args, Call};
use crate::compose::Source;
use crate::harness::{Prism, Proxy};
use crate::judge::{Attempt, Decoded, attempt};
use crate::run::client;
use crate::support::sampler::{Sampler, UnionCheck};
use serde_json::Value;
use std::path::Path;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `prism proxy` on one document, its upstream, and a client sending through both.
pub struct Proxied {
    upstream: MockServer,
    recorder: Proxy,
    client: spotnana::Spotnana,
    // Last: dropped (killed) after the recorder stops using it.
    _prism: Prism,
}

impl Proxied {
    pub async fn start(module: &str, document: &Path, auth: &Prism) -> Self {
        let upstream = MockServer::start().await;
        let prism = Prism::proxy(module, document, &upstream.uri());
        prism.ready().await;
        let recorder = Proxy::start(prism.endpoint(), auth.endpoint());
        let client = client(&recorder, false);
        Self {
            upstream,
            recorder,
            client,
            _prism: prism,
        }
    }

    /// The upstream's answer to every request from now on: `status`, with `body` as JSON.
    async fn answer(&self, status: u16, body: Option<&Value>) {
        self.upstream.reset().await;
        let mut template = ResponseTemplate::new(status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        Mock::given(any()).respond_with(template).mount(&self.upstream).await;
    }

    /// Sends `args` through Prism with responses sampled from the operation's first success
    /// response: the document's examples first, then its schemas, then required properties
    /// only. The first response Prism finds valid, with the request, must deserialize: the
    /// source it came from, or why none passed.
    pub async fn check(
        &self,
        doc: &Value,
        unions: &UnionCheck,
        op: &Value,
        call: &Call,
        args: &Args,
    ) -> Result<(Source, Option<Result<(), String>>), String> {
        let mut tries = Vec::new();
        for source in [Source::Examples, Source::Schemas, Source::Required] {
            let sampler = source.sampler(doc, unions);
            let Some((status, body)) = success_response(&sampler, op) else {
                tries.push(format!("{}: no success response can be sampled", source.label()));
                continue;
            };
            self.answer(status, body.as_ref()).await;
            let attempt: Attempt = attempt(&self.client, &self.recorder, call, args).await;
            if attempt.conforms() {
                return Ok((source, attempt.lossless));
            }
            if attempt.violations.is_empty() && matches!(attempt.decoded, Decoded::Invalid(_)) {
                tries.push(format!(
                    "{}: OURS: Prism finds the response valid, the generated type refuses it: {}",
                    source.label(),
                    attempt.outcome()
                ));
            } else {
                tries.push(format!("{} response: {}", source.label(), attempt.reason()));
            }
        }
        Err(tries.join("; "))
    }
}

/// The operation's first success status (2xx, lowest) and a JSON body for it, if it has one.
fn success_response(sampler: &Sampler, op: &Value) -> Option<(u16, Option<Value>)> {
    let responses = op.get("responses")?.as_object()?;
    let (status, response) = responses
        .iter()
        .filter_map(|(code, r)| Some((code.parse::<u16>().ok().filter(|c| (200..300).contains(c))?, r)))
        .min_by_key(|(code, _)| *code)?;
    let response = sampler.resolve(response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Some((status, None));
    };
    let (_, media) = content.iter().find(|(media_type, _)| media_type.contains("json"))?;
    Some((status, Some(sampler.media(media)?)))
}
