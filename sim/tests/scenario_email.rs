//! Mail delivered to a Worker's `email` handler in a scenario, through `wrangler dev`'s
//! `/cdn-cgi/handler/email` route: the client's answer says whether the Worker took or
//! rejected it, and what the handler forwarded and replied is in the trace.

use crate::common;

use edgesim_runtime::api::email::EmailRoute;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const WRANGLER: &str =
    "name = \"mail\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n";

const WORKER: &str = r#"
import { EmailMessage } from "cloudflare:email";
export default {
  async email(message, env, ctx) {
    const subject = message.headers.get("subject") ?? "";
    if (subject.includes("spam")) return message.setReject("No spam here");
    await message.forward("team@inbox.example");
    const id = message.headers.get("message-id");
    const raw = `From: ${message.to}\r\nTo: ${message.from}\r\nMessage-ID: <ack@app.example>\r\nIn-Reply-To: ${id}\r\nSubject: Re: ${subject}\r\n\r\nGot it`;
    await message.reply(new EmailMessage(message.to, message.from, raw));
  },
  async scheduled(controller) {
    console.log(`tick ${controller.cron}`);
  },
};
"#;

/// A traffic item that mails `subject` from alice to support at `at`.
fn mail(at: &str, subject: &str) -> String {
    let body = format!(
        "From: alice@sender.example\\r\\nTo: support@app.example\\r\\nMessage-ID: <{at}@sender.example>\\r\\nSubject: {subject}\\r\\n\\r\\nHello"
    );
    format!(
        "  - {{ at: {at}, colo: LHR, worker: app, method: POST, url: \"/cdn-cgi/handler/email?from=alice@sender.example&to=support@app.example\", body: \"{body}\" }}\n"
    )
}

#[test]
fn mail_sent_through_the_handler_route_is_forwarded_replied_or_rejected_and_traced() {
    let traffic = format!(
        "colos: [LHR]\nduration: 5s\ntraffic:\n{}{}  - {{ at: 3s, colo: LHR, worker: app, url: \"/cdn-cgi/handler/scheduled?cron=0+*+*+*+*\" }}\n  - {{ at: 4s, colo: LHR, worker: app, url: \"/cdn-cgi/handler/email?to=x@app.example\" }}\n",
        mail("1s", "Question"),
        mail("2s", "Buy spam"),
    );
    let s = common::scenario_with_worker(
        "email-handler",
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
        &traffic,
    );
    let out = run(&s, 1).unwrap();
    let answers: Vec<(Option<u16>, &str)> = (out.requests.iter())
        .map(|r| (r.status, r.body.as_str()))
        .collect();
    assert_eq!(
        answers,
        [
            (Some(200), "Worker successfully processed email"),
            (
                Some(400),
                "Worker rejected email with the following reason: No spam here"
            ),
            (Some(200), "ok"),
            (
                Some(400),
                "Invalid email. Your request must include URL parameters specifying the `from` and `to` addresses, as well as an email in the body"
            ),
        ]
    );
    let sent: Vec<(EmailRoute, String, Vec<String>)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::EmailSent { via, from, to, .. } => {
                Some((via.clone(), from.clone(), to.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [
            (
                EmailRoute::Forward,
                "support@app.example".to_string(),
                vec!["team@inbox.example".to_string()]
            ),
            (
                EmailRoute::Reply,
                "support@app.example".to_string(),
                vec!["alice@sender.example".to_string()]
            ),
        ]
    );
    let logs: Vec<&str> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::Log { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(logs, ["tick 0 * * * *"]);
}

#[test]
fn a_service_worker_gets_mail_as_an_email_event() {
    let worker = r#"
addEventListener("email", (event) => {
  event.message.setReject(`${event.type} from ${event.message.from} (${Object.prototype.toString.call(event)})`);
});
"#;
    let s = common::scenario_with_worker(
        "email-service-worker",
        &[("wrangler.toml", WRANGLER), ("index.js", worker)],
        &format!("colos: [LHR]\nduration: 3s\ntraffic:\n{}", mail("1s", "Hi")),
    );
    let out = run(&s, 1).unwrap();
    assert_eq!(
        out.requests[0].body,
        "Worker rejected email with the following reason: email from alice@sender.example ([object EmailEvent])"
    );
}
