//! Mail to a Worker: what its `email` handler's message holds, and what Email Routing allows a
//! reply to it to be. The rules and texts are Miniflare's, which it gives as production's
//! (workers-sdk miniflare/src/workers/email/validate.ts); header fields are read as postal-mime,
//! which Miniflare parses with, reads them.

/// A message delivered to a Worker's `email` handler: the SMTP envelope and the raw message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingEmail {
    /// `MAIL FROM`.
    pub from: String,
    /// `RCPT TO`.
    pub to: String,
    pub raw: Vec<u8>,
}

/// The largest message Email Routing accepts (its documented limit).
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// The header fields of `raw` in order: names lower-case, continuation lines joined, each run
/// of white space one space, values trimmed — as postal-mime gives them, and so as
/// `message.headers` holds them under `wrangler dev`.
pub fn header_fields(raw: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.is_empty() {
            break;
        }
        match lines.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => {
                last.push('\n');
                last.push_str(line);
            }
            _ => lines.push(line.to_string()),
        }
    }
    lines
        .iter()
        .map(|line| {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            match line.split_once(':') {
                Some((name, value)) => (name.trim().to_lowercase(), value.trim().to_string()),
                None => (line.trim().to_lowercase(), String::new()),
            }
        })
        .collect()
}

/// The value of header `name` that postal-mime reports for the message: the last field of
/// that name that is not empty.
fn last_field(fields: &[(String, String)], name: &str) -> Option<String> {
    let found = fields.iter().rev().find(|(n, _)| n == name)?;
    (!found.1.is_empty()).then(|| found.1.clone())
}

/// Why a reply cannot be sent, with the texts Miniflare gives as production's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyRefusal {
    #[error("Original email is not replyable")]
    NotReplyable,
    #[error("From: header does not match mail from")]
    FromMismatch,
    #[error("invalid message-id")]
    NoMessageId,
    #[error("invalid headers set")]
    ReceivedSet,
    #[error("no In-Reply-To header found in reply message")]
    NoInReplyTo,
    #[error("In-Reply-To does not match original Message-ID")]
    InReplyToMismatch,
    #[error("provided References header is invalid")]
    BadReferences,
}

/// Whether Email Routing lets a Worker reply to `incoming`: not to mail that asks for no
/// automatic answers, nor to a thread whose threading headers are half there or whose
/// `References` names 100 messages or more.
pub fn replyable(incoming: &[u8]) -> bool {
    replyable_fields(&header_fields(incoming))
}

/// [`replyable`], of a message's header fields.
fn replyable_fields(fields: &[(String, String)]) -> bool {
    let lower = |name: &str| {
        (fields.iter().find(|(n, _)| n == name)).map(|(_, value)| value.to_lowercase())
    };
    if lower("x-auto-response-suppress").is_some_and(|v| v != "none")
        || lower("auto-submitted").is_some_and(|v| v != "no")
    {
        return false;
    }
    match (
        last_field(fields, "in-reply-to"),
        last_field(fields, "references"),
    ) {
        (None, None) => true,
        (Some(_), Some(references)) => references.matches('@').count() < 100,
        _ => false,
    }
}

/// The message a reply to `incoming` sends: `reply` as it is when it threads correctly, with
/// a `References` header put first when it has none; or why it may not be sent.
/// `envelope_from` is the reply's `MAIL FROM`.
pub fn checked_reply(
    incoming: &[u8],
    reply: &[u8],
    envelope_from: &str,
) -> Result<Vec<u8>, ReplyRefusal> {
    let original = header_fields(incoming);
    if !replyable_fields(&original) {
        return Err(ReplyRefusal::NotReplyable);
    }
    let (_, header_from, received) = super::raw_headers(reply);
    if header_from.as_deref() != Some(envelope_from) {
        return Err(ReplyRefusal::FromMismatch);
    }
    let fields = header_fields(reply);
    if last_field(&fields, "message-id").is_none() {
        return Err(ReplyRefusal::NoMessageId);
    }
    if received {
        return Err(ReplyRefusal::ReceivedSet);
    }
    let original_id = last_field(&original, "message-id").unwrap_or_default();
    let in_reply_to = last_field(&fields, "in-reply-to").ok_or(ReplyRefusal::NoInReplyTo)?;
    if in_reply_to != original_id {
        return Err(ReplyRefusal::InReplyToMismatch);
    }
    let original_references = last_field(&original, "references").unwrap_or_default();
    match last_field(&fields, "references") {
        Some(references) => {
            if references.contains(&original_id) && references.contains(&original_references) {
                Ok(reply.to_vec())
            } else {
                Err(ReplyRefusal::BadReferences)
            }
        }
        None => {
            let separator = if original_references.is_empty() {
                ""
            } else {
                " "
            };
            let header = format!("References: {original_id}{separator}{original_references}\r\n");
            Ok([header.as_bytes(), reply].concat())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &[u8] = b"From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <m1@example.com>\r\nSubject: hi\r\n there\r\n\r\nbody";

    fn reply(extra: &str) -> Vec<u8> {
        format!("From: b@example.com\r\nTo: a@example.com\r\nMessage-ID: <r1@example.com>\r\n{extra}\r\nre").into_bytes()
    }

    #[test]
    fn header_fields_are_unfolded_lower_cased_and_stop_at_the_body() {
        let fields = header_fields(ORIGINAL);
        assert_eq!(fields[3], ("subject".to_string(), "hi there".to_string()));
        assert_eq!(fields.len(), 4);
    }

    #[test]
    fn a_reply_without_references_gets_them_first() {
        let out = checked_reply(
            ORIGINAL,
            &reply("In-Reply-To: <m1@example.com>\r\n"),
            "b@example.com",
        );
        let text = String::from_utf8(out.expect("allowed")).expect("utf-8");
        assert!(text.starts_with("References: <m1@example.com>\r\nFrom: b@example.com"));
    }

    #[test]
    fn replies_that_break_the_thread_are_refused() {
        let check = |extra: &str, from: &str| checked_reply(ORIGINAL, &reply(extra), from);
        assert_eq!(check("", "b@example.com"), Err(ReplyRefusal::NoInReplyTo));
        assert_eq!(
            check("In-Reply-To: <x@y>\r\n", "b@example.com"),
            Err(ReplyRefusal::InReplyToMismatch)
        );
        assert_eq!(
            check("In-Reply-To: <m1@example.com>\r\n", "c@example.com"),
            Err(ReplyRefusal::FromMismatch)
        );
        assert_eq!(
            check(
                "In-Reply-To: <m1@example.com>\r\nReferences: <x@y>\r\n",
                "b@example.com"
            ),
            Err(ReplyRefusal::BadReferences)
        );
        assert_eq!(
            check("Received: by x\r\n", "b@example.com"),
            Err(ReplyRefusal::ReceivedSet)
        );
    }

    #[test]
    fn mail_asking_for_no_automatic_answer_is_not_replyable() {
        let with = |h: &str| [h.as_bytes(), ORIGINAL].concat();
        assert!(replyable(ORIGINAL));
        assert!(!replyable(&with("Auto-Submitted: auto-replied\r\n")));
        assert!(replyable(&with("Auto-Submitted: no\r\n")));
        assert!(!replyable(&with("X-Auto-Response-Suppress: All\r\n")));
        assert!(!replyable(&with("In-Reply-To: <a@b>\r\n")));
    }
}
