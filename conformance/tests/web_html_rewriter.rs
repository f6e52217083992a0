//! HTMLRewriter (Workers' streaming HTML rewriter, on lol_html as workerd runs it): selectors,
//! element / text / comment / doctype / document-end handlers, async handlers, end tags, and
//! workerd's errors (html-rewriter.c++).

use edgesim_conformance::{eval_json, thrown};
use serde_json::json;

/// `body` builds `rw` (an HTMLRewriter) from `seen` (an array handlers may push to); the test
/// returns the rewritten `html` and `seen`.
fn rewritten(html: &str, body: &str) -> serde_json::Value {
    eval_json(&format!(
        "const seen = []; let rw;
         {body}
         const response = new Response({html:?}, {{ headers: {{ 'content-type': 'text/html; charset=utf-8' }} }});
         const out = rw.transform(response);
         return {{ html: await out.text(), seen, type: out.headers.get('content-type') }};"
    ))
}

#[test]
fn html_rewriter_element_handlers_read_and_change_attributes_and_content() {
    let v = rewritten(
        r#"<div id="a" data-x="1"><a href="/docs">Docs</a><span>old</span><br></div>"#,
        r#"class Rewriter { constructor(attr) { this.attr = attr; }
             element(el) { el.setAttribute(this.attr, 'https://example.com' + el.getAttribute(this.attr)); } }
           rw = new HTMLRewriter()
             .on('a[href]', new Rewriter('href'))
             .on('div', { element(el) {
               seen.push([el.tagName, el.hasAttribute('ID'), el.getAttribute('missing'), [...el.attributes], el.namespaceURI]);
               el.removeAttribute('data-x'); el.before('<p>', { html: false }); el.after('<hr>', { html: true });
             } })
             .on('span', { element(el) { el.setInnerContent('<b>new</b>', { html: true }); el.tagName = 'EM'; seen.push(el.tagName); } })
             .on('br', { element(el) { el.remove(); seen.push(el.removed); } });"#,
    );
    assert_eq!(
        v,
        json!({
            "html": "&lt;p&gt;<div id=\"a\"><a href=\"https://example.com/docs\">Docs</a><EM><b>new</b></EM></div><hr>",
            "seen": [["div", true, null, [["id", "a"], ["data-x", "1"]], "http://www.w3.org/1999/xhtml"], "em", true],
            "type": "text/html; charset=utf-8",
        })
    );
}

#[test]
fn html_rewriter_text_comment_doctype_and_document_end_handlers() {
    let v = rewritten(
        "<!DOCTYPE html><p>Hello <!-- note -->world</p>",
        r#"rw = new HTMLRewriter()
             .on('p', { text(t) { seen.push([t.text, t.lastInTextNode]); if (t.text === 'world') t.replace('there'); } })
             .onDocument({
               doctype(d) { seen.push([d.name, d.publicId, d.systemId]); },
               comments(c) { seen.push(c.text); c.text = ' edited '; },
               end(e) { e.append('<!-- end -->', { html: true }); },
             });"#,
    );
    assert_eq!(
        v["html"],
        "<!DOCTYPE html><p>Hello <!-- edited -->there</p><!-- end -->"
    );
    assert_eq!(
        v["seen"],
        // lol_html closes each text node with an empty chunk that is `lastInTextNode`.
        json!([
            ["html", null, null],
            ["Hello ", false],
            ["", true],
            " note ",
            ["world", false],
            ["", true]
        ])
    );
}

/// workerd runs handlers on a fiber so they may await; edgesim replays the document instead.
/// Either way the await's result lands where the handler was, and each handler runs once.
#[test]
fn html_rewriter_async_handlers_and_end_tag_handlers_apply_in_document_order() {
    let v = rewritten(
        "<ul><li>a</li><li>b</li><li>c</li></ul>",
        r#"let calls = 0;
           rw = new HTMLRewriter().on('li', {
             async element(el) {
               const n = ++calls;
               await new Promise((r) => setTimeout(r, 5));
               el.setAttribute('n', String(n));
               el.onEndTag((end) => { end.before(`#${n}`); seen.push(end.name); });
             },
           });"#,
    );
    assert_eq!(
        v["html"],
        "<ul><li n=\"1\">a#1</li><li n=\"2\">b#2</li><li n=\"3\">c#3</li></ul>"
    );
    assert_eq!(v["seen"], json!(["li", "li", "li"]));
}

#[test]
fn html_rewriter_refuses_bad_selectors_streams_in_comments_and_stale_tokens() {
    assert_eq!(
        thrown("new HTMLRewriter().on('p:hover', {});"),
        "TypeError: Parser error: Unsupported pseudo-class or pseudo-element in selector."
    );
    assert_eq!(
        thrown("new HTMLRewriter().on('', {});"),
        "TypeError: Parser error: The selector is empty."
    );
    assert_eq!(
        thrown("new HTMLRewriter().transform('<p>');"),
        "TypeError: Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'."
    );
    let v = rewritten(
        "<p>x</p><!--c-->",
        r#"let kept;
           rw = new HTMLRewriter().on('p', { element(el) {
             kept = el;
             try { el.setAttribute('a b', '1'); } catch (e) { seen.push(e.message); }
           } }).onDocument({ comments(c) {
             try { c.after(new Response('x')); } catch (e) { seen.push(`${e.constructor.name}: ${e.message}`); }
           } });
           const after = () => { try { kept.getAttribute('x'); return 'usable'; } catch (e) { return e.message; } };
           const r0 = rw.transform(new Response('<p>x</p><!--c-->'));
           await r0.text();
           seen.push(after());"#,
    );
    assert_eq!(
        v["seen"],
        json!([
            "Parser error: ` ` character is forbidden in the attribute name",
            "TypeError: Replacing content in HTML comments using a ReadableStream or Response object is not implemented. You must provide a string.",
            "This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.",
            "Parser error: ` ` character is forbidden in the attribute name",
            "TypeError: Replacing content in HTML comments using a ReadableStream or Response object is not implemented. You must provide a string.",
        ])
    );
}

#[test]
fn html_rewriter_handler_errors_reach_the_reader_and_bodiless_responses_pass_through() {
    let v = eval_json(
        r#"const rw = new HTMLRewriter().on('p', { element() { throw new RangeError('nope'); } });
           const empty = new Response(null, { status: 204 });
           let error;
           try { await rw.transform(new Response('<p>x</p>')).text(); } catch (e) { error = `${e.constructor.name}: ${e.message}`; }
           return { same: rw.transform(empty) === empty, error };"#,
    );
    assert_eq!(v, json!({ "same": true, "error": "RangeError: nope" }));
}

#[test]
fn html_rewriter_inserts_streamed_content_and_invalidates_attribute_iterators() {
    let v = rewritten(
        r#"<div a="1" b="2">text</div>"#,
        r#"rw = new HTMLRewriter().on('div', { async element(el) {
             const iter = el.attributes;
             seen.push(Object.getPrototypeOf(Object.getPrototypeOf(iter)) === Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
             seen.push(iter.next().value);
             el.setAttribute('c', '3');
             try { iter.next(); } catch (e) { seen.push(e.message); }
             const data = await fetch('data:text/plain,streamed%20in');
             el.prepend(data, { html: false });
             el.append(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('<b>s</b>')); c.close(); } }), { html: true });
           } });"#,
    );
    assert_eq!(
        v["html"],
        r#"<div a="1" b="2" c="3">streamed intext<b>s</b></div>"#
    );
    assert_eq!(
        v["seen"],
        json!([
            true,
            ["a", "1"],
            "The attributes of this element have been modified during iteration. You must create a new iterator after modifying attributes."
        ])
    );
    let bad = eval_json(
        r#"const rw = new HTMLRewriter().on('p', { element(el) { el.prepend(new Response(new Uint8Array([0x67, 0xe2, 0x28, 0xa1]))); } });
           return await rw.transform(new Response('<p>x</p>')).text().then(() => 'rewritten', (e) => `${e.name}: ${e.message}`);"#,
    );
    assert_eq!(bad, json!("TypeError: Parser error: Invalid UTF-8"));
}
