//! Email from and to a Worker (email.js): `EmailMessage`, the send_email binding, and the
//! message an `email` handler gets (`ForwardableEmailMessage`). The native half reads headers
//! from raw MIME (mail-parser, and incoming.rs as postal-mime reads them), checks replies, and
//! hands every message sent to the host.

pub mod incoming;

use rquickjs::{Array, Ctx, IntoJs, TypedArray, Value};

use crate::engine::catalog::{OpGroup, OpSet};
use crate::engine::ops::{copy_bytes, require_request};

pub const OPS: OpGroup = OpGroup {
    name: "email",
    install,
};

/// How a message left the Worker.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailRoute {
    /// Through the send_email binding of this name.
    Binding(String),
    /// `message.forward()` in an `email` handler.
    Forward,
    /// `message.reply()` in an `email` handler.
    Reply,
}

/// A message a send_email binding accepted, or an `email` handler forwarded or replied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub from: String,
    /// Every recipient: the envelope's one, or a builder's `to`, `cc` and `bcc`; a forward's
    /// `rcptTo`; a reply's original sender.
    pub to: Vec<String>,
    pub message_id: String,
    pub size_bytes: u64,
}

/// What the binding checks of a raw message: its Message-ID, the address of its `From`
/// header, and whether it carries a `Received` header (which a sender may not set).
pub fn raw_headers(raw: &[u8]) -> (Option<String>, Option<String>, bool) {
    let Some(message) = mail_parser::MessageParser::default().parse(raw) else {
        return (None, None, false);
    };
    let message_id = message.message_id().map(str::to_string);
    let from = (message.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_string);
    let received = message.header("Received").is_some();
    (message_id, from, received)
}

fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "emailHeaders",
        |ctx: Ctx<'js>, raw: TypedArray<'js, u8>| -> rquickjs::Result<Array<'js>> {
            let (message_id, from, received) = raw_headers(&copy_bytes(&raw));
            let out = Array::new(ctx)?;
            out.set(0, message_id)?;
            out.set(1, from)?;
            out.set(2, received)?;
            Ok(out)
        },
    )?;
    install_incoming(ops)?;
    for (name, answers) in [("emailSent", false), ("emailAnswered", true)] {
        let i = ops.io.clone();
        // `emailSent(binding, …)` for the send_email binding; `emailAnswered("forward" |
        // "reply", …)` for an `email` handler's message.
        ops.add(
            name,
            move |ctx: Ctx<'js>,
                  via: String,
                  from: String,
                  to: Vec<String>,
                  size_bytes: f64,
                  message_id: String|
                  -> rquickjs::Result<()> {
                require_request(&ctx, &i)?;
                let route = match (answers, via.as_str()) {
                    (false, _) => EmailRoute::Binding(via),
                    (true, "forward") => EmailRoute::Forward,
                    (true, _) => EmailRoute::Reply,
                };
                let email = SentEmail {
                    from,
                    to,
                    message_id,
                    size_bytes: size_bytes as u64,
                };
                let host = i.borrow().host.clone();
                host.email_sent(route, email);
                Ok(())
            },
        )?;
    }
    Ok(())
}

/// What an `email` handler's message needs of its raw bytes: the header fields, whether it
/// may be replied to, and the checked reply.
fn install_incoming<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "emailHeaderFields",
        |raw: TypedArray<'js, u8>| -> Vec<Vec<String>> {
            (incoming::header_fields(&copy_bytes(&raw)).into_iter())
                .map(|(name, value)| vec![name, value])
                .collect()
        },
    )?;
    // The handler is done with invocation `id`: the reason it rejected the message, if it did,
    // is what the invocation returns ([`crate::invocation::InvocationKind::Email`]).
    let i = ops.io.clone();
    ops.add("emailSettled", move |id: f64, rejection: Option<String>| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = rejection;
        }
    })?;
    ops.add("emailReplyable", |raw: TypedArray<'js, u8>| {
        incoming::replyable(&copy_bytes(&raw))
    })?;
    // The reply to send (bytes), or why it may not be sent (a string).
    ops.add(
        "emailReply",
        |ctx: Ctx<'js>,
         original: TypedArray<'js, u8>,
         reply: TypedArray<'js, u8>,
         from: String|
         -> rquickjs::Result<Value<'js>> {
            match incoming::checked_reply(&copy_bytes(&original), &copy_bytes(&reply), &from) {
                Ok(bytes) => TypedArray::<u8>::new(ctx.clone(), bytes)?.into_js(&ctx),
                Err(refusal) => refusal.to_string().into_js(&ctx),
            }
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_messages_id_sender_and_received_header_are_read() {
        let raw = b"From: \"A\" <a@example.com>\r\nMessage-ID: <x@example.com>\r\nReceived: by y\r\n\r\nhi";
        assert_eq!(
            raw_headers(raw),
            (
                Some("x@example.com".to_string()),
                Some("a@example.com".to_string()),
                true
            )
        );
        assert_eq!(raw_headers(b"Subject: no id\r\n\r\n"), (None, None, false));
    }
}
