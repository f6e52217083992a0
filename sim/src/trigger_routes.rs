//! `wrangler dev`'s routes that run a Worker's other handlers from an HTTP request, so that a
//! client — `curl`, `edgesim fetch`, a scenario's traffic — can fire a cron tick or deliver mail:
//! `/cdn-cgi/handler/scheduled?cron=…&time=…` and `POST /cdn-cgi/handler/email?from=…&to=…`
//! with the raw message as the body. They are answered as Miniflare 4 answers them (workers-sdk
//! miniflare/src/workers/core/{scheduled,email}.ts), before static assets and before the
//! Worker's `fetch`.

use edgesim_runtime::api::email::incoming::{IncomingEmail, MAX_MESSAGE_BYTES};
use edgesim_runtime::http::{HttpRequest, HttpResponse};
use edgesim_runtime::{InvocationReport, Outcome};

const PREFIX: &str = "/cdn-cgi/handler/";
const SCHEDULED: &str = "/cdn-cgi/handler/scheduled";
const EMAIL: &str = "/cdn-cgi/handler/email";

/// The largest message `wrangler dev` delivers (a limit of its own, not production's).
const LOCAL_MAX_MESSAGE_BYTES: usize = 1024 * 1024;

const INVALID_EMAIL: &str = "Invalid email. Your request must include URL parameters specifying the `from` and `to` addresses, as well as an email in the body";

/// The event a request to one of the routes asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    Scheduled {
        cron: String,
        scheduled_time_ms: u64,
    },
    Email(IncomingEmail),
}

/// Which route fired an event: what its answer is made from ([`answer`]), kept once the event
/// itself has been handed to the Worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Scheduled,
    Email,
}

impl Trigger {
    pub fn route(&self) -> Route {
        match self {
            Trigger::Scheduled { .. } => Route::Scheduled,
            Trigger::Email(_) => Route::Email,
        }
    }
}

/// What `request` asks of the routes: `None` when it is for the Worker; else the event to
/// deliver, or the answer when the request itself is wrong. `now_ms`: ms since the epoch,
/// the tick's time when the request names none.
pub fn route(request: &HttpRequest, now_ms: u64) -> Option<Result<Trigger, HttpResponse>> {
    let url = url::Url::parse(&request.url).ok()?;
    let path = url.path();
    if !path.starts_with(PREFIX) {
        return None;
    }
    let param = |name: &str| {
        (url.query_pairs())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    Some(match path {
        SCHEDULED => Ok(Trigger::Scheduled {
            cron: param("cron").unwrap_or_default(),
            scheduled_time_ms: param("time")
                .and_then(|t| leading_integer(&t))
                .unwrap_or(now_ms),
        }),
        EMAIL => email(request, param("from"), param("to")),
        _ => Err(text(
            404,
            &format!(
                "\"{path}\" is not a valid handler. Did you mean to use \"{SCHEDULED}\" or \"{EMAIL}\"?"
            ),
        )),
    })
}

/// `parseInt`'s reading of a number: its leading digits.
fn leading_integer(text: &str) -> Option<u64> {
    let digits: String = (text.trim_start().chars())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn email(
    request: &HttpRequest,
    from: Option<String>,
    to: Option<String>,
) -> Result<Trigger, HttpResponse> {
    let raw = &request.body;
    let (Some(from), Some(to)) = (from.filter(|f| !f.is_empty()), to.filter(|t| !t.is_empty()))
    else {
        return Err(text(400, INVALID_EMAIL));
    };
    if raw.is_empty() {
        return Err(text(400, INVALID_EMAIL));
    }
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(text(
            400,
            "Email message size is bigger than the production size limit of 25MiB. Local development has a lower limit of 1Mib.",
        ));
    }
    if raw.len() > LOCAL_MAX_MESSAGE_BYTES {
        return Err(text(
            400,
            "Email message size is within the production size limit of 25MiB, but exceeds the lower 1Mib limit for testing locally.",
        ));
    }
    let (message_id, _, _) = edgesim_runtime::api::email::raw_headers(raw);
    if message_id.is_none() {
        return Err(text(
            400,
            "Email could not be parsed: invalid or no message id provided",
        ));
    }
    Ok(Trigger::Email(IncomingEmail {
        from,
        to,
        raw: raw.clone(),
    }))
}

/// The answer to the request that fired an event through `route`, once its invocation ended
/// with `report`.
pub fn answer(route: Route, report: &InvocationReport) -> HttpResponse {
    let ok = report.outcome == Outcome::Ok;
    match route {
        Route::Scheduled => text(if ok { 200 } else { 500 }, report.outcome.as_str()),
        Route::Email if !ok => text(
            500,
            report
                .exception
                .as_deref()
                .unwrap_or(report.outcome.as_str()),
        ),
        Route::Email => match &report.returned {
            Some(reason) => text(
                400,
                &format!("Worker rejected email with the following reason: {reason}"),
            ),
            None => text(200, "Worker successfully processed email"),
        },
    }
}

/// `new Response(body, { status })` as workerd makes it.
fn text(status: u16, body: &str) -> HttpResponse {
    let content_type = ("content-type".into(), "text/plain;charset=UTF-8".into());
    HttpResponse::new(status, vec![content_type], body.as_bytes().to_vec())
}
