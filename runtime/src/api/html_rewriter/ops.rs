//! The native half of `HTMLRewriter` (html_rewriter.js) on `lol_html`, the streaming
//! rewriter workerd itself links, with workerd's settings (strict mode, a 3 MiB memory limit).
//!
//! workerd runs lol_html on a fiber so a handler may await I/O in the middle of a document. An
//! isolate here has no fibers, so handlers answer with *commands* (set this attribute, append
//! that) which Rust applies to the token, and the rewrite is resumable by replay: every
//! handler call is numbered in document order and its commands recorded. When a handler's
//! promise is still pending, or an `onEndTag` handler is due (lol_html wants those `'static`,
//! so they cannot call into JavaScript), the run stops; JavaScript settles the handler, records
//! its commands and runs the document again, replaying what it recorded instead of calling
//! handlers twice. Synchronous handlers cost nothing extra; each pending one costs a re-parse.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lol_html::html_content::TextChunk;
use lol_html::html_content::{Comment, ContentType, Doctype, DocumentEnd, Element, EndTag};
use lol_html::{
    AsciiCompatibleEncoding, DocumentContentHandlers, ElementContentHandlers, HandlerResult,
    HtmlRewriter, MemorySettings, Selector, Settings,
};
use rquickjs::{Ctx, Exception, Function, IntoJs, Object, TypedArray, Value};
use serde::Deserialize;

use crate::engine::catalog::OpSet;

/// workerd html-rewriter.c++: `max_allowed_memory_usage = 3 * 1024 * 1024`.
const MEMORY_BYTES_MAX: usize = 3 << 20;

/// One mutation a handler asked for, as the JavaScript token recorded it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
enum Command {
    Before { content: String, html: bool },
    After { content: String, html: bool },
    Prepend { content: String, html: bool },
    Append { content: String, html: bool },
    Replace { content: String, html: bool },
    SetInnerContent { content: String, html: bool },
    Remove,
    RemoveAndKeepContent,
    SetAttribute { name: String, value: String },
    RemoveAttribute { name: String },
    TagName { name: String },
    Text { text: String },
    OnEndTag { handler: u32 },
}

/// The handlers `on()` / `onDocument()` registered, in order; which kinds each one has.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Registration {
    Element {
        selector: String,
        element: bool,
        comments: bool,
        text: bool,
    },
    Document {
        doctype: bool,
        comments: bool,
        text: bool,
        end: bool,
    },
}

/// Why a run stopped before the end of the document.
enum Stop {
    /// Handler call `token` returned a promise that has not settled.
    Pending { token: usize },
    /// Call `token` is the end tag `name`, for `onEndTag` handler `handler`.
    EndTag {
        token: usize,
        handler: u32,
        name: String,
    },
    /// A handler threw; the exception is pending in the context.
    Threw,
}

/// What the `'static` end-tag handlers share with the run.
struct Replay {
    recorded: Vec<Vec<Command>>,
    calls: Cell<usize>,
    stop: RefCell<Option<Stop>>,
}

impl Replay {
    /// Numbers the next handler call; its recorded commands, if it ran before.
    fn next(&self) -> (usize, Option<&Vec<Command>>) {
        let token = self.calls.get();
        self.calls.set(token + 1);
        (token, self.recorded.get(token))
    }

    fn halt(&self, stop: Stop) -> HandlerResult {
        *self.stop.borrow_mut() = Some(stop);
        Err("the run stopped for JavaScript".into())
    }
}

fn content_type(html: bool) -> ContentType {
    if html {
        ContentType::Html
    } else {
        ContentType::Text
    }
}

fn unexpected(command: &Command, token: &str) -> HandlerResult {
    Err(format!("internal: {command:?} does not apply to {token}").into())
}

fn apply_to_element(el: &mut Element, commands: &[Command], replay: &Rc<Replay>) -> HandlerResult {
    for command in commands {
        match command {
            Command::Before { content, html } => el.before(content, content_type(*html)),
            Command::After { content, html } => el.after(content, content_type(*html)),
            Command::Prepend { content, html } => el.prepend(content, content_type(*html)),
            Command::Append { content, html } => el.append(content, content_type(*html)),
            Command::Replace { content, html } => el.replace(content, content_type(*html)),
            Command::SetInnerContent { content, html } => {
                el.set_inner_content(content, content_type(*html))
            }
            Command::Remove => el.remove(),
            Command::RemoveAndKeepContent => el.remove_and_keep_content(),
            Command::SetAttribute { name, value } => el.set_attribute(name, value)?,
            Command::RemoveAttribute { name } => el.remove_attribute(name),
            Command::TagName { name } => el.set_tag_name(name)?,
            Command::OnEndTag { handler } => {
                let name = el.tag_name();
                let Some(handlers) = el.end_tag_handlers() else {
                    return Err(format!("{name} can't have content").into());
                };
                // workerd clears earlier ones: the last onEndTag() wins.
                handlers.clear();
                let (replay, handler) = (replay.clone(), *handler);
                handlers.push(Box::new(move |end: &mut EndTag| match replay.next() {
                    (_, Some(commands)) => apply_to_end_tag(end, commands),
                    (token, None) => replay.halt(Stop::EndTag {
                        token,
                        handler,
                        name: end.name(),
                    }),
                }));
            }
            other @ Command::Text { .. } => return unexpected(other, "an element"),
        }
    }
    Ok(())
}

fn apply_to_end_tag(end: &mut EndTag, commands: &[Command]) -> HandlerResult {
    for command in commands {
        match command {
            Command::Before { content, html } => end.before(content, content_type(*html)),
            Command::After { content, html } => end.after(content, content_type(*html)),
            Command::Remove => end.remove(),
            Command::TagName { name } => end.set_name_str(name.clone()),
            other => return unexpected(other, "an end tag"),
        }
    }
    Ok(())
}

fn apply_to_text(chunk: &mut TextChunk, commands: &[Command]) -> HandlerResult {
    for command in commands {
        match command {
            Command::Before { content, html } => chunk.before(content, content_type(*html)),
            Command::After { content, html } => chunk.after(content, content_type(*html)),
            Command::Replace { content, html } => chunk.replace(content, content_type(*html)),
            Command::Remove => chunk.remove(),
            other => return unexpected(other, "text"),
        }
    }
    Ok(())
}

fn apply_to_comment(comment: &mut Comment, commands: &[Command]) -> HandlerResult {
    for command in commands {
        match command {
            Command::Before { content, html } => comment.before(content, content_type(*html)),
            Command::After { content, html } => comment.after(content, content_type(*html)),
            Command::Replace { content, html } => comment.replace(content, content_type(*html)),
            Command::Remove => comment.remove(),
            Command::Text { text } => comment.set_text(text)?,
            other => return unexpected(other, "a comment"),
        }
    }
    Ok(())
}

fn apply_to_document_end(end: &mut DocumentEnd, commands: &[Command]) -> HandlerResult {
    for command in commands {
        match command {
            Command::Append { content, html } => end.append(content, content_type(*html)),
            other => return unexpected(other, "the document end"),
        }
    }
    Ok(())
}

/// What a handler call comes to: commands to apply, or the run stops here.
enum Asked {
    Apply(Vec<Command>),
    Stop(HandlerResult),
}

fn js_error(e: rquickjs::Error) -> Box<dyn std::error::Error + Send + Sync> {
    e.to_string().into()
}

/// One run over the document: calls JavaScript for handler calls it has no record of.
struct Run<'js> {
    ctx: Ctx<'js>,
    dispatch: Function<'js>,
    replay: Rc<Replay>,
}

impl<'js> Run<'js> {
    /// Handler call of registration `index`, kind `kind`, on the token `fields` describe:
    /// replayed from the record, or asked of JavaScript, which answers its commands as JSON,
    /// or `null` while the handler's promise is pending.
    fn ask(&self, kind: &str, index: usize, fields: &[(&str, Value<'js>)]) -> Asked {
        let (token, recorded) = self.replay.next();
        if let Some(commands) = recorded {
            return Asked::Apply(commands.clone());
        }
        let snapshot = match self.snapshot(fields) {
            Ok(s) => s,
            Err(e) => return Asked::Stop(Err(js_error(e))),
        };
        let answer: rquickjs::Result<Option<String>> =
            self.dispatch
                .call((token as f64, kind, index as f64, snapshot));
        match answer {
            Ok(Some(json)) => match serde_json::from_str(&json) {
                Ok(commands) => Asked::Apply(commands),
                Err(e) => Asked::Stop(Err(format!("internal: bad commands: {e}").into())),
            },
            Ok(None) => Asked::Stop(self.replay.halt(Stop::Pending { token })),
            Err(_) => Asked::Stop(self.replay.halt(Stop::Threw)),
        }
    }

    fn snapshot(&self, fields: &[(&str, Value<'js>)]) -> rquickjs::Result<Object<'js>> {
        let object = Object::new(self.ctx.clone())?;
        for (key, value) in fields {
            object.set(*key, value.clone())?;
        }
        Ok(object)
    }

    fn value(&self, v: impl IntoJs<'js>) -> Value<'js> {
        v.into_js(&self.ctx)
            .unwrap_or_else(|_| Value::new_undefined(self.ctx.clone()))
    }

    fn element(&self, index: usize, el: &mut Element) -> HandlerResult {
        let attributes: Vec<Vec<String>> = el
            .attributes()
            .iter()
            .map(|a| vec![a.name(), a.value()])
            .collect();
        let fields = [
            ("tagName", self.value(el.tag_name())),
            ("namespaceURI", self.value(el.namespace_uri())),
            ("attributes", self.value(attributes)),
            ("removed", self.value(el.removed())),
            ("canHaveContent", self.value(el.can_have_content())),
        ];
        match self.ask("element", index, &fields) {
            Asked::Apply(commands) => apply_to_element(el, &commands, &self.replay),
            Asked::Stop(result) => result,
        }
    }

    fn text(&self, index: usize, chunk: &mut TextChunk) -> HandlerResult {
        let fields = [
            ("text", self.value(chunk.as_str())),
            ("lastInTextNode", self.value(chunk.last_in_text_node())),
            ("removed", self.value(chunk.removed())),
        ];
        match self.ask("text", index, &fields) {
            Asked::Apply(commands) => apply_to_text(chunk, &commands),
            Asked::Stop(result) => result,
        }
    }

    fn comment(&self, index: usize, comment: &mut Comment) -> HandlerResult {
        let fields = [
            ("text", self.value(comment.text())),
            ("removed", self.value(comment.removed())),
        ];
        match self.ask("comments", index, &fields) {
            Asked::Apply(commands) => apply_to_comment(comment, &commands),
            Asked::Stop(result) => result,
        }
    }

    fn doctype(&self, index: usize, doctype: &mut Doctype) -> HandlerResult {
        let fields = [
            ("name", self.value(doctype.name())),
            ("publicId", self.value(doctype.public_id())),
            ("systemId", self.value(doctype.system_id())),
        ];
        match self.ask("doctype", index, &fields) {
            Asked::Apply(_) => Ok(()),
            Asked::Stop(result) => result,
        }
    }

    fn end(&self, index: usize, end: &mut DocumentEnd) -> HandlerResult {
        match self.ask("end", index, &[]) {
            Asked::Apply(commands) => apply_to_document_end(end, &commands),
            Asked::Stop(result) => result,
        }
    }
}

/// What a run came to, for JavaScript: `["done", output]`, `["pending", token]` or
/// `["endTag", token, handler, name]`.
fn rewrite<'js>(
    ctx: &Ctx<'js>,
    input: &[u8],
    registrations: &[Registration],
    encoding: AsciiCompatibleEncoding,
    recorded: Vec<Vec<Command>>,
    dispatch: Function<'js>,
) -> rquickjs::Result<Value<'js>> {
    let run = Run {
        ctx: ctx.clone(),
        dispatch,
        replay: Rc::new(Replay {
            recorded,
            calls: Cell::new(0),
            stop: RefCell::new(None),
        }),
    };
    let run = &run;
    let mut element_handlers = Vec::new();
    let mut document_handlers = Vec::new();
    for (index, r) in registrations.iter().enumerate() {
        match r {
            Registration::Element {
                selector,
                element,
                comments,
                text,
            } => {
                let selector: Selector = selector
                    .parse()
                    .map_err(|e| Exception::throw_type(ctx, &format!("Parser error: {e}")))?;
                let mut h = ElementContentHandlers::default();
                if *element {
                    h = h.element(move |el: &mut Element| run.element(index, el));
                }
                if *comments {
                    h = h.comments(move |c: &mut Comment| run.comment(index, c));
                }
                if *text {
                    h = h.text(move |t: &mut TextChunk| run.text(index, t));
                }
                element_handlers.push((std::borrow::Cow::Owned(selector), h));
            }
            Registration::Document {
                doctype,
                comments,
                text,
                end,
            } => {
                let mut h = DocumentContentHandlers::default();
                if *doctype {
                    h = h.doctype(move |d: &mut Doctype| run.doctype(index, d));
                }
                if *comments {
                    h = h.comments(move |c: &mut Comment| run.comment(index, c));
                }
                if *text {
                    h = h.text(move |t: &mut TextChunk| run.text(index, t));
                }
                if *end {
                    h = h.end(move |e: &mut DocumentEnd| run.end(index, e));
                }
                document_handlers.push(h);
            }
        }
    }
    let settings = Settings {
        element_content_handlers: element_handlers,
        document_content_handlers: document_handlers,
        encoding,
        memory_settings: MemorySettings {
            preallocated_parsing_buffer_size: 1024,
            max_allowed_memory_usage: MEMORY_BYTES_MAX,
        },
        strict: true,
        ..Settings::new()
    };
    let mut output = Vec::new();
    let result = {
        let mut rewriter =
            HtmlRewriter::new(settings, |chunk: &[u8]| output.extend_from_slice(chunk));
        match rewriter.write(input) {
            Ok(()) => rewriter.end(),
            Err(e) => Err(e),
        }
    };
    let stop = run.replay.stop.borrow_mut().take();
    match (stop, result) {
        (Some(Stop::Threw), _) => Err(rquickjs::Error::Exception),
        (Some(Stop::Pending { token }), _) => {
            list(ctx, &[run.value("pending"), run.value(token as f64)])
        }
        (
            Some(Stop::EndTag {
                token,
                handler,
                name,
            }),
            _,
        ) => list(
            ctx,
            &[
                run.value("endTag"),
                run.value(token as f64),
                run.value(handler),
                run.value(name),
            ],
        ),
        (None, Ok(())) => {
            let out = TypedArray::<u8>::new(ctx.clone(), output)?.into_value();
            list(ctx, &[run.value("done"), out])
        }
        (None, Err(e)) => Err(Exception::throw_type(ctx, &format!("Parser error: {e}"))),
    }
}

/// lol_html's C API refuses a label it does not know, or an encoding that is not
/// ASCII-compatible, with one text (workerd passes it on).
fn unsupported(ctx: &Ctx<'_>) -> rquickjs::Error {
    Exception::throw_type(
        ctx,
        "Parser error: Unknown character encoding has been provided.",
    )
}

fn list<'js>(ctx: &Ctx<'js>, items: &[Value<'js>]) -> rquickjs::Result<Value<'js>> {
    let array = rquickjs::Array::new(ctx.clone())?;
    for (i, item) in items.iter().enumerate() {
        array.set(i, item.clone())?;
    }
    Ok(array.into_value())
}

/// The document's encoding from the response's `charset` (default UTF-8); lol_html rewrites
/// only ASCII-compatible encodings.
fn encoding_of(label: &str) -> Option<AsciiCompatibleEncoding> {
    encoding_rs::Encoding::for_label_no_replacement(label.trim().as_bytes())
        .and_then(AsciiCompatibleEncoding::new)
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    // An `async` handler that never awaited has already settled: it needs no second run.
    ops.add_named("promiseFulfilled", |promise: rquickjs::Promise<'js>| {
        matches!(promise.state(), rquickjs::promise::PromiseState::Resolved)
    })?;
    ops.add_named(
        "htmlEncodingCheck",
        |ctx: Ctx<'js>, charset: String| -> rquickjs::Result<()> {
            encoding_of(&charset)
                .map(|_| ())
                .ok_or_else(|| unsupported(&ctx))
        },
    )?;
    ops.add_named(
        "htmlSelectorCheck",
        |ctx: Ctx<'js>, selector: String| -> rquickjs::Result<()> {
            selector
                .parse::<Selector>()
                .map(|_| ())
                .map_err(|e| Exception::throw_type(&ctx, &format!("Parser error: {e}")))
        },
    )?;
    ops.add_named(
        "htmlRewrite",
        |ctx: Ctx<'js>,
         input: TypedArray<'js, u8>,
         registrations: String,
         charset: String,
         recorded: Vec<String>,
         dispatch: Function<'js>|
         -> rquickjs::Result<Value<'js>> {
            let internal = |what: &str| Exception::throw_type(&ctx, &format!("internal: {what}"));
            let registrations: Vec<Registration> =
                serde_json::from_str(&registrations).map_err(|_| internal("handlers"))?;
            let recorded = recorded
                .iter()
                .map(|json| serde_json::from_str(json))
                .collect::<Result<Vec<Vec<Command>>, _>>()
                .map_err(|_| internal("recorded commands"))?;
            let encoding = encoding_of(&charset).ok_or_else(|| unsupported(&ctx))?;
            let bytes = crate::engine::ops::copy_bytes(&input);
            rewrite(&ctx, &bytes, &registrations, encoding, recorded, dispatch)
        },
    )?;
    Ok(())
}
