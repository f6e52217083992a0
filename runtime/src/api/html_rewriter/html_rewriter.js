// HTMLRewriter on lol_html (ops.rs beside this file). A handler gets a token object built
// from what the parser saw; what it does to the token is recorded as commands, which the native
// side applies. A handler whose promise is still pending stops the run; once it settles, the
// document runs again, replaying every recorded handler call instead of calling it twice.

const { G, define, Response, isReadableStream } = core;

const HTML_TOKEN_GONE = "This content token is no longer valid. Content tokens are only valid during the execution of the relevant content handler.";
const HTML_COMMENT_STRING_ONLY = "Replacing content in HTML comments using a ReadableStream or Response object is not implemented. You must provide a string.";
const HTML_INTERNAL = Symbol("html token");

/// Content given as a stream (or a Response's body), as UTF-8 text: lol_html refuses anything
/// else with workerd's text.
async function streamedContent(stream) {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TypeError("Parser error: Invalid UTF-8");
  }
}

class HtmlToken {
  #commands = []; #live = true;
  /// Streamed content still being read, which the token's commands wait for.
  #reads = [];
  constructor(key) { if (key !== HTML_INTERNAL) throw new TypeError("Illegal constructor"); }
  static _check(t) { if (!t.#live) throw new TypeError(HTML_TOKEN_GONE); }
  static _record(t, command) { HtmlToken._check(t); t.#commands.push(command); return t; }
  /// Inserts `content`: a string, or a ReadableStream or Response whose body is read to the end
  /// first (workerd's streaming replacers; not in comments, `streamable` false).
  static _content(t, op, content, options, streamable = true) {
    HtmlToken._check(t);
    const html = !!options?.html;
    const stream = isReadableStream(content) ? content : content instanceof Response ? content.body : undefined;
    if (stream === undefined) return HtmlToken._record(t, { op, content: String(content), html });
    if (!streamable) throw new TypeError(HTML_COMMENT_STRING_ONLY);
    // A Response without a body replaces nothing.
    if (stream === null) return t;
    const command = { op, content: "", html };
    t.#commands.push(command);
    t.#reads.push(streamedContent(stream).then((text) => { command.content = text; }));
    return t;
  }
  /// Settles once the streamed content read so far is in; null when there is none.
  static _reads(t) { return t.#reads.length ? Promise.all(t.#reads) : null; }
  /// The handler is over: the token stops working and its commands are final.
  static _end(t) { t.#live = false; return t.#commands; }
}

/// lol_html's rules for names it is given (rewritable_units/element.rs, tokens/attributes.rs).
function htmlCheckName(name, kind, forbidden) {
  if (name.length === 0) throw new TypeError(`Parser error: ${kind === "tag" ? "Tag" : "Attribute"} name can't be empty.`);
  if (kind === "tag" && !/^[A-Za-z]/.test(name)) throw new TypeError("Parser error: The first character of the tag name should be an ASCII alphabetical character.");
  const bad = [...name].find((c) => forbidden.includes(c));
  if (bad !== undefined) throw new TypeError(`Parser error: \`${bad}\` character is forbidden in the ${kind} name`);
}
const HTML_FORBIDDEN_IN_TAG = " \n\r\t\f/>";
const HTML_FORBIDDEN_IN_ATTRIBUTE = " \n\r\t\f/>=";

const ITERATOR_PROTOTYPE = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const ATTRIBUTES_CHANGED = "The attributes of this element have been modified during iteration. You must create a new iterator after modifying attributes.";

/// `element.attributes`: an iterator over `[name, value]` pairs that works only while its token
/// does and until the element's attributes change (workerd's AttributesIterator).
class AttributesIterator {
  #element; #attributes; #version; #index = 0;
  constructor(element, attributes, version) { this.#element = element; this.#attributes = attributes; this.#version = version; }
  next() {
    HtmlToken._check(this.#element);
    if (Element._attributesVersion(this.#element) !== this.#version) throw new TypeError(ATTRIBUTES_CHANGED);
    const pair = this.#attributes[this.#index];
    if (pair === undefined) return { value: undefined, done: true };
    this.#index++;
    return { value: [pair[0], pair[1]], done: false };
  }
}
Object.setPrototypeOf(AttributesIterator.prototype, ITERATOR_PROTOTYPE);

class Element extends HtmlToken {
  #tag; #namespace; #attributes; #removed; #canHaveContent; #endTagHandlers; #attributesVersion = 0;
  constructor(key, s, endTagHandlers) {
    super(key);
    this.#tag = s.tagName; this.#namespace = s.namespaceURI; this.#attributes = s.attributes;
    this.#removed = s.removed; this.#canHaveContent = s.canHaveContent; this.#endTagHandlers = endTagHandlers;
  }
  get tagName() { HtmlToken._check(this); return this.#tag; }
  set tagName(name) {
    name = String(name);
    htmlCheckName(name, "tag", HTML_FORBIDDEN_IN_TAG);
    HtmlToken._record(this, { op: "tagName", name });
    this.#tag = name.toLowerCase();
  }
  get namespaceURI() { HtmlToken._check(this); return this.#namespace; }
  get removed() { HtmlToken._check(this); return this.#removed; }
  get attributes() { HtmlToken._check(this); return new AttributesIterator(this, this.#attributes, this.#attributesVersion); }
  static _attributesVersion(e) { return e.#attributesVersion; }
  #find(name) { const lower = String(name).toLowerCase(); return this.#attributes.findIndex(([n]) => n.toLowerCase() === lower); }
  getAttribute(name) { HtmlToken._check(this); const i = this.#find(name); return i < 0 ? null : this.#attributes[i][1]; }
  hasAttribute(name) { HtmlToken._check(this); return this.#find(name) >= 0; }
  setAttribute(name, value) {
    HtmlToken._check(this);
    name = String(name); value = String(value);
    htmlCheckName(name, "attribute", HTML_FORBIDDEN_IN_ATTRIBUTE);
    const i = this.#find(name);
    if (i < 0) this.#attributes.push([name.toLowerCase(), value]); else this.#attributes[i][1] = value;
    this.#attributesVersion++;
    return HtmlToken._record(this, { op: "setAttribute", name, value });
  }
  removeAttribute(name) {
    HtmlToken._check(this);
    name = String(name);
    const i = this.#find(name);
    if (i >= 0) this.#attributes.splice(i, 1);
    this.#attributesVersion++;
    return HtmlToken._record(this, { op: "removeAttribute", name });
  }
  before(content, options) { return HtmlToken._content(this, "before", content, options); }
  after(content, options) { return HtmlToken._content(this, "after", content, options); }
  prepend(content, options) { return HtmlToken._content(this, "prepend", content, options); }
  append(content, options) { return HtmlToken._content(this, "append", content, options); }
  setInnerContent(content, options) { return HtmlToken._content(this, "setInnerContent", content, options); }
  replace(content, options) { HtmlToken._content(this, "replace", content, options); this.#removed = true; return this; }
  remove() { HtmlToken._record(this, { op: "remove" }); this.#removed = true; return this; }
  removeAndKeepContent() { HtmlToken._record(this, { op: "removeAndKeepContent" }); this.#removed = true; return this; }
  onEndTag(handler) {
    HtmlToken._check(this);
    if (typeof handler !== "function") throw new TypeError("Failed to execute 'onEndTag' on 'Element': parameter 1 is not of type 'Function'.");
    if (!this.#canHaveContent) throw new TypeError(`Parser error: ${this.#tag} can't have content`);
    HtmlToken._record(this, { op: "onEndTag", handler: this.#endTagHandlers.push(handler) - 1 });
  }
  get [Symbol.toStringTag]() { return "Element"; }
}

class EndTag extends HtmlToken {
  #name;
  constructor(key, name) { super(key); this.#name = name; }
  get name() { HtmlToken._check(this); return this.#name; }
  set name(name) { name = String(name); HtmlToken._record(this, { op: "tagName", name }); this.#name = name; }
  before(content, options) { return HtmlToken._content(this, "before", content, options); }
  after(content, options) { return HtmlToken._content(this, "after", content, options); }
  remove() { return HtmlToken._record(this, { op: "remove" }); }
  get [Symbol.toStringTag]() { return "EndTag"; }
}

class Text extends HtmlToken {
  #text; #last; #removed;
  constructor(key, s) { super(key); this.#text = s.text; this.#last = s.lastInTextNode; this.#removed = s.removed; }
  get text() { HtmlToken._check(this); return this.#text; }
  get lastInTextNode() { HtmlToken._check(this); return this.#last; }
  get removed() { HtmlToken._check(this); return this.#removed; }
  before(content, options) { return HtmlToken._content(this, "before", content, options); }
  after(content, options) { return HtmlToken._content(this, "after", content, options); }
  replace(content, options) { HtmlToken._content(this, "replace", content, options); this.#removed = true; return this; }
  remove() { HtmlToken._record(this, { op: "remove" }); this.#removed = true; return this; }
  get [Symbol.toStringTag]() { return "Text"; }
}

class Comment extends HtmlToken {
  #text; #removed;
  constructor(key, s) { super(key); this.#text = s.text; this.#removed = s.removed; }
  get text() { HtmlToken._check(this); return this.#text; }
  set text(text) {
    text = String(text);
    HtmlToken._check(this);
    if (text.includes("-->")) throw new TypeError("Parser error: Comment text shouldn't contain comment closing sequence (`-->`).");
    HtmlToken._record(this, { op: "text", text });
    this.#text = text;
  }
  get removed() { HtmlToken._check(this); return this.#removed; }
  before(content, options) { return HtmlToken._content(this, "before", content, options, false); }
  after(content, options) { return HtmlToken._content(this, "after", content, options, false); }
  replace(content, options) { HtmlToken._content(this, "replace", content, options, false); this.#removed = true; return this; }
  remove() { HtmlToken._record(this, { op: "remove" }); this.#removed = true; return this; }
  get [Symbol.toStringTag]() { return "Comment"; }
}

class Doctype extends HtmlToken {
  #s;
  constructor(key, s) { super(key); this.#s = s; }
  get name() { HtmlToken._check(this); return this.#s.name ?? null; }
  get publicId() { HtmlToken._check(this); return this.#s.publicId ?? null; }
  get systemId() { HtmlToken._check(this); return this.#s.systemId ?? null; }
  get [Symbol.toStringTag]() { return "Doctype"; }
}

class DocumentEnd extends HtmlToken {
  append(content, options) { return HtmlToken._content(this, "append", content, options); }
  get [Symbol.toStringTag]() { return "DocumentEnd"; }
}

const HTML_TOKEN_CLASSES = { element: Element, text: Text, comments: Comment, doctype: Doctype, end: DocumentEnd };

function isThenable(v) { return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function"; }

/// Runs the document through lol_html until every handler call has an answer.
async function htmlRewriteAll(input, registrations, charset) {
  const plan = JSON.stringify(registrations.map((r) => r.kind === "element"
    ? { kind: "element", selector: r.selector, element: !!r.element, comments: !!r.comments, text: !!r.text }
    : { kind: "document", doctype: !!r.doctype, comments: !!r.comments, text: !!r.text, end: !!r.end }));
  const recorded = [];
  const endTagHandlers = [];
  let pending = null;
  const dispatch = (token, kind, index, snapshot) => {
    const r = registrations[index];
    const t = new HTML_TOKEN_CLASSES[kind](HTML_INTERNAL, snapshot, endTagHandlers);
    let result;
    try {
      result = r[kind].call(r.thisArg, t);
    } catch (e) {
      HtmlToken._end(t);
      throw e;
    }
    const reads = HtmlToken._reads(t);
    if (reads !== null || (isThenable(result) && !(result instanceof Promise && ops.promiseFulfilled(result)))) {
      pending = { token, t, result: reads === null ? result : Promise.all([result, reads]) };
      return null;
    }
    return (recorded[token] = JSON.stringify(HtmlToken._end(t)));
  };
  for (;;) {
    const r = ops.htmlRewrite(input, plan, charset, recorded, dispatch);
    if (r[0] === "done") return r[1];
    let t, token, result;
    if (r[0] === "pending") {
      ({ token, t, result } = pending);
      pending = null;
    } else {
      token = r[1];
      t = new EndTag(HTML_INTERNAL, r[3]);
      try { result = endTagHandlers[r[2]](t); } catch (e) { HtmlToken._end(t); throw e; }
    }
    try {
      await result;
      // Content streamed in after the handler's own awaits.
      await HtmlToken._reads(t);
    } finally {
      recorded[token] = JSON.stringify(HtmlToken._end(t));
    }
  }
}

function htmlCharset(headers) {
  const type = headers.get("content-type");
  const m = type === null ? null : /;\s*charset\s*=\s*("?)([^";]*)\1/i.exec(type);
  return m ? m[2].trim() : "utf-8";
}

class HTMLRewriter {
  #registrations = [];
  on(selector, handlers) {
    selector = String(selector);
    ops.htmlSelectorCheck(selector);
    this.#registrations.push({ kind: "element", selector, thisArg: handlers, element: handlers?.element, comments: handlers?.comments, text: handlers?.text });
    return this;
  }
  onDocument(handlers) {
    this.#registrations.push({ kind: "document", thisArg: handlers, doctype: handlers?.doctype, comments: handlers?.comments, text: handlers?.text, end: handlers?.end });
    return this;
  }
  transform(response) {
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'transform' on 'HTMLRewriter': parameter 1 is not of type 'Response'.");
    if (response.body === null) return response;
    const charset = htmlCharset(response.headers);
    ops.htmlEncodingCheck(charset);
    const registrations = this.#registrations.slice();
    const source = new Response(response.body);
    const body = new core.ReadableStream({
      async start(controller) {
        try {
          const input = new Uint8Array(await source.arrayBuffer());
          controller.enqueue(await htmlRewriteAll(input, registrations, charset));
          controller.close();
        } catch (e) {
          controller.error(e);
        }
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  get [Symbol.toStringTag]() { return "HTMLRewriter"; }
}
define(G, "HTMLRewriter", HTMLRewriter);

return {};
