//! A Worker's `email` handler, fed through `wrangler dev`'s `/cdn-cgi/handler/email` route,
//! against what Miniflare 4.20260426 (workerd 1.20260426) answered: the probe
//! `email/worker.js`, unchanged, gets each mail of `email/cases.json` and says what it saw;
//! then the route's own refusals and `/cdn-cgi/handler/scheduled`. Recorded by
//! `reference/workerd/email.mjs`, whose requests are made the same way here.

use edgesim_conformance::{Run, body_json, body_text, get, reference};
use edgesim_runtime::http::HttpRequest;
use serde_json::{Value, json};

fn worker() -> edgesim_runtime::worker::WorkerDefinition {
    reference::recorded_probe(
        "email/worker.js",
        json!({ "name": "email", "compatibility_date": "2026-04-01" }),
    )
}

/// The mail of case `name`, as email.mjs writes it.
fn message(name: &str, headers: &str) -> String {
    format!(
        "From: Sender <sender@sender.example>\r\nTo: {name}@routing.example\r\nMessage-ID: <m-{name}@sender.example>\r\n{headers}\r\nHello from the sender\r\n"
    )
}

fn post(url: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        body: body.as_bytes().to_vec(),
        ..get(url)
    }
}

fn email_url(from: Option<&str>, to: &str) -> String {
    let from = from.map_or(String::new(), |f| format!("from={f}&"));
    format!("http://localhost/cdn-cgi/handler/email?{from}to={to}")
}

/// Every case of email.mjs: its name, its request, and where the Worker says what it saw.
fn cases() -> Vec<(String, HttpRequest, &'static str)> {
    let specs: serde_json::Map<String, Value> =
        serde_json::from_str(&reference::read("email/cases.json")).expect("cases.json");
    let sender = Some("sender@sender.example");
    let mut out: Vec<_> = (specs.iter())
        .map(|(name, spec)| {
            let headers = spec["headers"].as_str().unwrap_or_default();
            let url = email_url(sender, &format!("{name}@routing.example"));
            (name.clone(), post(&url, &message(name, headers)), "/seen")
        })
        .collect();
    let to = "reject@routing.example";
    let big = message("reject", "") + &"x".repeat(1024 * 1024);
    out.extend(
        [
            ("noFrom", post(&email_url(None, to), &message("reject", ""))),
            ("noBody", post(&email_url(sender, to), "")),
            (
                "noMessageId",
                post(
                    &email_url(sender, to),
                    "From: sender@sender.example\r\n\r\nhi",
                ),
            ),
            ("tooLargeLocally", post(&email_url(sender, to), &big)),
            (
                "unknownHandler",
                get("http://localhost/cdn-cgi/handler/other"),
            ),
        ]
        .map(|(name, request)| (name.to_string(), request, "/seen")),
    );
    out.push((
        "scheduled".into(),
        get("http://localhost/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*&time=1700000000000"),
        "/scheduled-seen",
    ));
    out.push((
        "scheduledDefaults".into(),
        get("http://localhost/cdn-cgi/handler/scheduled"),
        "/scheduled-seen",
    ));
    out
}

/// What edgesim answers for every case, in email.mjs's form.
fn answers() -> serde_json::Map<String, Value> {
    let cases = cases();
    let requests = (cases.iter())
        .flat_map(|(_, request, seen)| [request.clone(), get(&format!("http://localhost{seen}"))])
        .collect();
    let exchanges = Run::default()
        .sequence(&worker(), requests, 10)
        .expect("the Worker runs");
    let mut out = serde_json::Map::new();
    for ((name, _, _), pair) in cases.iter().zip(exchanges.chunks(2)) {
        let response = &pair[0].response;
        let text = body_text(response);
        let text = match response.status {
            500 => text.lines().next().unwrap_or_default().to_string(),
            _ => text,
        };
        let mut seen = body_json(&pair[1].response);
        if name == "scheduledDefaults" {
            seen = json!({ "cron": seen["cron"], "scheduledTimeType": "number" });
        }
        out.insert(
            name.clone(),
            json!({ "status": response.status, "text": text, "seen": seen }),
        );
    }
    out
}

/// Where edgesim answers otherwise, and why:
/// - `reject`, `rejectNumber`: Miniflare 4 reads the reason `setReject` gave before the
///   un-awaited call has crossed to it, and answers 200; production rejects the mail, and
///   Miniflare's own later versions wait for the call. edgesim answers 400 with the reason.
/// - `forwardNoArguments`: `forward()` without a recipient is refused with Web IDL's TypeError,
///   as workerd's generated bindings refuse a missing string; Miniflare's plain object sends it.
/// - `shape`: the message is a `ForwardableEmailMessage`, not Miniflare's plain object.
/// - `replyNotAnObject`: `reply("text")` is refused for not being an EmailMessage, as `send()`
///   refuses it, rather than with postal-mime's failure to parse `undefined`.
/// - `noBody`: an empty body is refused as a request without an email, rather than with
///   postal-mime's failure on empty input.
const DIFFERENCES: [&str; 6] = [
    "forwardNoArguments",
    "noBody",
    "reject",
    "rejectNumber",
    "replyNotAnObject",
    "shape",
];

#[test]
fn email_handlers_get_mail_and_check_replies_as_wrangler_dev_does() {
    let ours = Value::Object(answers());
    let recorded = reference::result("email");
    reference::assert_differences("email", &recorded, &ours, &DIFFERENCES);
    // What edgesim answers where it differs.
    assert_eq!(
        ours["reject"]["text"],
        "Worker rejected email with the following reason: Mailbox full"
    );
    assert_eq!(ours["reject"]["status"], 400);
    assert_eq!(
        ours["rejectNumber"]["text"],
        "Worker rejected email with the following reason: 42"
    );
    assert_eq!(
        ours["forwardNoArguments"]["seen"]["result"]["error"]["name"],
        "TypeError"
    );
    assert_eq!(
        ours["shape"]["seen"]["tag"],
        "[object ForwardableEmailMessage]"
    );
    let mut shape = ours["shape"]["seen"].clone();
    shape["tag"] = recorded["shape"]["seen"]["tag"].clone();
    assert_eq!(shape, recorded["shape"]["seen"]);
    assert_eq!(
        ours["replyNotAnObject"]["seen"]["result"]["error"]["name"],
        "TypeError"
    );
    assert_eq!(ours["noBody"]["status"], 400);
}
