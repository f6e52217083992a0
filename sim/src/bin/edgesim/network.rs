//! `edgesim fetch --network`: a Worker's `fetch()` to a host no origin answers goes to the real
//! Internet. The requests run on a thread of their own, started before the simulation: outside
//! it, so TLS gets the operating system's randomness and sockets its clock. What comes back
//! depends on the world, so a run with `--network` does not replay.

use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use edgesim_runtime::{HttpRequest, HttpResponse};
use edgesim_sim::origins::OriginFn;

/// A response as it crosses from the network thread: an `HttpResponse` without its socket end,
/// which cannot leave the simulation's thread.
struct Received {
    status: u16,
    status_text: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A request and where its answer goes (`None`: the host could not be reached).
type Exchange = (HttpRequest, mpsc::Sender<Option<Received>>);

/// What a real request may take before it counts as unreachable.
const REQUEST_TIMEOUT_S: u64 = 30;
/// The largest body read back.
const BODY_BYTES_MAX: u64 = 128 * 1024 * 1024;

/// Answers outbound `fetch()` calls from the real network; failures are printed on stderr and
/// reach the Worker as an unreachable host.
pub fn answerer() -> Rc<OriginFn> {
    let (requests, inbox) = mpsc::channel::<Exchange>();
    std::thread::spawn(move || {
        let agent = agent();
        for (request, reply) in inbox {
            let answer = send(&agent, &request)
                .map_err(|e| {
                    eprintln!(
                        "warning: --network: {} {}: {e}",
                        request.method, request.url
                    )
                })
                .ok();
            let _ = reply.send(answer);
        }
    });
    Rc::new(move |request: &HttpRequest| {
        let (reply, answer) = mpsc::channel();
        requests.send((request.clone(), reply)).ok()?;
        let received = answer.recv().ok().flatten()?;
        Some(HttpResponse {
            status: received.status,
            status_text: received.status_text,
            headers: received.headers,
            body: received.body,
            web_socket: None,
        })
    })
}

fn agent() -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        // The runtime follows redirects itself, as workerd's fetch does, and sees every status.
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(REQUEST_TIMEOUT_S)))
        .build()
        .into()
}

fn send(agent: &ureq::Agent, request: &HttpRequest) -> Result<Received, String> {
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(request.url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let outgoing = builder
        .body(request.body.clone())
        .map_err(|e| e.to_string())?;
    let mut response = agent.run(outgoing).map_err(|e| e.to_string())?;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(BODY_BYTES_MAX)
        .read_to_vec()
        .map_err(|e| e.to_string())?;
    Ok(Received {
        status: status.as_u16(),
        status_text: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
    })
}
