//! Email from a Worker (email.js): `EmailMessage` and the send_email binding. The native half
//! reads the headers the binding checks from raw MIME (mail-parser) and hands a sent message to
//! the host.

use rquickjs::{Array, Ctx, TypedArray};

use crate::engine::catalog::{OpGroup, OpSet};
use crate::engine::ops::{copy_bytes, require_request};

pub const OPS: OpGroup = OpGroup {
    name: "email",
    install,
};

/// A message a send_email binding accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub from: String,
    /// Every recipient: the envelope's one, or a builder's `to`, `cc` and `bcc`.
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
    let i = ops.io.clone();
    ops.add(
        "emailSent",
        move |ctx: Ctx<'js>,
              binding: String,
              from: String,
              to: Vec<String>,
              size_bytes: f64,
              message_id: String|
              -> rquickjs::Result<()> {
            require_request(&ctx, &i)?;
            let host = i.borrow().host.clone();
            let email = SentEmail {
                from,
                to,
                message_id,
                size_bytes: size_bytes as u64,
            };
            host.email_sent(&binding, email);
            Ok(())
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
