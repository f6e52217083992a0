//! An origin that answers from a list of canned responses: a third-party API stood in for by
//! what it is known to answer.

use edgesim_runtime::{HttpRequest, HttpResponse};
use wildmatch::WildMatch;

use super::plain_response;
use super::spec::CannedSpec;

#[derive(Debug, Clone)]
pub struct CannedResponse {
    method: Option<String>,
    path: WildMatch,
    pub status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    pub delay_ms: u64,
}

impl CannedResponse {
    pub fn from_spec(spec: &CannedSpec) -> Result<CannedResponse, String> {
        if !(200..=599).contains(&spec.status) {
            return Err(format!(
                "status must be from 200 to 599, got {}",
                spec.status
            ));
        }
        let mut headers = Vec::new();
        for (name, value) in &spec.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || http::HeaderValue::from_str(value).is_err()
            {
                return Err(format!(
                    "headers: {name:?}: {value:?} is not a valid header"
                ));
            }
            headers.push((name.to_ascii_lowercase(), value.clone()));
        }
        Ok(CannedResponse {
            method: spec.method.as_ref().map(|m| m.to_ascii_uppercase()),
            path: WildMatch::new(spec.path.as_deref().unwrap_or("*")),
            status: spec.status,
            headers,
            body: spec.body.clone().unwrap_or_default().into_bytes(),
            delay_ms: spec.delay.map_or(0, |d| d.ms),
        })
    }

    pub fn matches(&self, request: &HttpRequest, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| *m == request.method) && self.path.matches(path)
    }

    pub fn response(&self) -> HttpResponse {
        let status_text = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_string();
        HttpResponse {
            status: self.status,
            status_text,
            headers: self.headers.clone(),
            body: self.body.clone(),
            web_socket: None,
        }
    }
}

/// The answer of the first canned response that matches, and how long the origin takes to give
/// it; a request none matches gets a 404 that says so.
pub fn answer(
    responses: &[CannedResponse],
    request: &HttpRequest,
    path: &str,
) -> (HttpResponse, u64) {
    match responses.iter().find(|r| r.matches(request, path)) {
        Some(r) => (r.response(), r.delay_ms),
        None => (
            plain_response(
                404,
                "Not Found",
                &format!(
                    "edgesim: no canned response of this origin matches {} {path}\n",
                    request.method
                ),
            ),
            0,
        ),
    }
}
