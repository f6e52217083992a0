// The Body mixin shared by Request and Response, then Request and Response (Blob and File are
// api/blob/blob.js).

const BODY_USED = "Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";

/// Turns a BodyInit into `{bytes | stream, contentType}`.
function extractBody(init) {
  if (init === null || init === undefined) return { bytes: null, stream: null, contentType: null };
  // The usual body first: a string needs none of the checks below.
  if (typeof init === "string") return { bytes: utf8(init), stream: null, contentType: "text/plain;charset=UTF-8" };
  // Bytes next: nothing below can also be an ArrayBuffer or a view, so their lookups can wait.
  if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return { bytes: toBytes(init, "Body").slice(), stream: null, contentType: null };
  if (isReadableStream(init)) return { bytes: null, stream: init, contentType: null };
  const blobs = loadedUnit("blob");
  if (blobs !== undefined && init instanceof blobs.Blob) return { bytes: blobs.Blob._bytes(init).slice(), stream: null, contentType: init.type || null };
  const forms = loadedUnit("form_data");
  if (forms !== undefined && init instanceof forms.FormData) {
    const boundary = forms.formBoundary();
    return { bytes: forms.serializeFormData(init, boundary), stream: null, contentType: `multipart/form-data; boundary=${boundary}` };
  }
  if (init instanceof URLSearchParams) return { bytes: utf8(init.toString()), stream: null, contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  return { bytes: utf8(String(init)), stream: null, contentType: "text/plain;charset=UTF-8" };
}

/// The body state of a Request or Response.
class BodyState {
  constructor(extracted) { this.bytes = extracted.bytes; this.stream = extracted.stream; this.used = false; }
  get isNull() { return this.bytes === null && this.stream === null; }
  get disturbed() { return this.used || (this.stream !== null && unit("streams").ReadableStream._disturbed(this.stream)); }
  asStream() {
    if (this.stream === null && this.bytes !== null) { this.stream = unit("streams").streamOfBytes(this.bytes); this.bytes = null; }
    return this.stream;
  }
  /// The body's bytes, marking it used, when it is held as bytes; null when it is a stream.
  takeBytes() {
    if (this.bytes === null || this.disturbed) return null;
    this.used = true;
    return this.bytes;
  }
  /// The body's stream, marking it used (the caller reads it); checked as `consume()` is.
  takeStream() {
    if (this.disturbed || (this.stream && this.stream.locked)) throw new TypeError(BODY_USED);
    this.used = true;
    return this.asStream();
  }
  async consume() {
    if (this.disturbed || (this.stream && this.stream.locked)) throw new TypeError(BODY_USED);
    this.used = true;
    if (this.bytes !== null) return this.bytes;
    if (this.stream === null) return new Uint8Array(0);
    return unit("streams").readAllBytes(this.stream);
  }
  /// Splits the body so a clone can read it too.
  tee() {
    if (this.disturbed) throw new TypeError(BODY_USED);
    if (this.bytes !== null || this.stream === null) return new BodyState({ bytes: this.bytes && this.bytes.slice(), stream: null });
    const source = this.stream;
    const { ReadableStream, readAllBytes } = unit("streams");
    let buffered = null;
    const all = () => (buffered ??= readAllBytes(source));
    const branch = () => ReadableStream._internal({ async start(c) { const b = await all(); if (b.length) c.enqueue(b); c.close(); } });
    this.stream = branch();
    return new BodyState({ bytes: null, stream: branch() });
  }
}

const bodyMixin = (klass, state) => {
  Object.defineProperties(klass.prototype, {
    body: { get() { return state(this).asStream(); }, configurable: true, enumerable: true },
    bodyUsed: { get() { return state(this).disturbed; }, configurable: true, enumerable: true },
  });
  Object.assign(klass.prototype, {
    async arrayBuffer() { const b = await state(this).consume(); return b.buffer.byteLength === b.length ? b.buffer : b.slice().buffer; },
    async bytes() { return (await state(this).consume()).slice(); },
    async text() { return fromUtf8(await state(this).consume()); },
    async json() { return JSON.parse(fromUtf8(await state(this).consume())); },
    async formData() { return unit("form_data").parseFormBody(await state(this).consume(), this.headers.get("content-type")); },
    // blob_standard_mime_type: the type is the MIME type extracted from Content-Type.
    async blob() {
      const b = await state(this).consume();
      const header = this.headers.get("content-type");
      return unit("blob").Blob._ofBody(b, header === null ? "" : unit("mime").extractMimeType(header) ?? "");
    },
  });
};

const STATUS_TEXT = {
  100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints", 200: "OK", 201: "Created", 202: "Accepted",
  203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi-Status",
  208: "Already Reported", 226: "IM Used", 300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
  304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
  401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long",
  415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
  421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency", 425: "Too Early",
  426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
  503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates",
  507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
};
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const KNOWN_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);

/// Marks the platform's own construction of an incoming request (`Request._incoming`).
const INCOMING = Symbol("incoming request");

/// What Web IDL converts to a dictionary: an object (functions included), `null` or
/// `undefined`; a string or number is refused.
const isDictionary = (v) => v === null || v === undefined || typeof v === "object" || typeof v === "function";

class Request {
  #method; #url; #headers = null; #headerPairs = null; #body; #redirect = "follow"; #signal = null; #cf; #cfJson;
  constructor(input, init = {}) {
    if (input === INCOMING) {
      // What the platform delivers is valid already: a parsed URL, a method, header pairs
      // (made into a Headers object only if the Worker asks), bytes or null for a body.
      this.#url = init.url;
      this.#method = init.method;
      this.#headerPairs = init.headers;
      if (typeof init.cf === "string") this.#cfJson = init.cf;
      else this.#cf = init.cf;
      this.#body = new BodyState({ bytes: init.body, stream: null });
      this.#redirect = init.redirect;
      return;
    }
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
    if (!isDictionary(init)) throw new TypeError("Failed to construct 'Request': constructor parameter 2 is not of type 'RequestInitializerDict or Request'.");
    init = init ?? {};
    let source = null;
    if (input instanceof Request) {
      source = input;
      this.#url = input.#url;
      this.#method = input.#method;
      this.#redirect = input.#redirect;
      this.#cf = input.#cfValue();
    } else {
      const text = String(input);
      const href = ops.urlHref(text, null);
      if (href === null || href === undefined) throw new TypeError(`Invalid URL: ${text}`);
      this.#url = href;
      this.#method = "GET";
      this.#redirect = "follow";
    }
    if (init.method !== undefined) {
      const m = String(init.method);
      const upper = m.toUpperCase();
      if (KNOWN_METHODS.has(upper)) this.#method = upper;
      else if (TOKEN.test(m)) this.#method = m;
      else throw new TypeError(`Invalid HTTP method string: ${m}`);
    }
    if (init.redirect !== undefined) {
      if (!["follow", "manual", "error"].includes(init.redirect)) throw new TypeError(`Invalid redirect value, must be one of "follow" or "manual" ("error" won't be implemented since it does not make sense at the edge; use "manual" and check the response status code).`);
      this.#redirect = init.redirect;
    }
    if (init.cf !== undefined) this.#cf = init.cf;
    this.#signal = init.signal ?? source?.signal ?? null;
    this.#headers = new Headers(init.headers !== undefined ? init.headers : source ? source.#headersObject() : undefined);
    const hasBody = init.body !== undefined && init.body !== null;
    if (hasBody && (this.#method === "GET" || this.#method === "HEAD")) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
    if (hasBody) {
      const extracted = extractBody(init.body);
      if (extracted.contentType && !this.#headers.has("content-type")) this.#headers.set("content-type", extracted.contentType);
      this.#body = new BodyState(extracted);
    } else if (source && init.body === undefined) {
      if (source.#body.disturbed) throw new TypeError(BODY_USED);
      this.#body = new BodyState({ bytes: source.#body.bytes, stream: source.#body.stream });
      source.#body.used = !source.#body.isNull;
    } else {
      this.#body = new BodyState({ bytes: null, stream: null });
    }
    if ((this.#method === "GET" || this.#method === "HEAD") && !this.#body.isNull) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
  }
  /// The request the platform hands the Worker; `body` is null for GET and HEAD. Its redirect
  /// mode is "manual" (global-scope.c++ allocates it with Redirect::MANUAL), so a Worker that
  /// passes it on to `fetch()` hands a redirect back to its client instead of following it.
  static _incoming(url, method, headers, body, cf) {
    return new Request(INCOMING, { url, method, headers, body, cf, redirect: "manual" });
  }
  #headersObject() {
    if (this.#headers === null) {
      // An incoming request's headers are immutable, as in workerd.
      this.#headers = Headers._freeze(new Headers(this.#headerPairs));
      this.#headerPairs = null;
    }
    return this.#headers;
  }
  // The platform's cf object arrives as JSON text, parsed the first time the Worker reads it.
  #cfValue() {
    if (this.#cfJson !== undefined) {
      this.#cf = JSON.parse(this.#cfJson);
      this.#cfJson = undefined;
    }
    return this.#cf;
  }
  static _body(r) { return r.#body; }
  get method() { return this.#method; }
  get url() { return this.#url; }
  get headers() { return this.#headersObject(); }
  get redirect() { return this.#redirect; }
  get signal() { return this.#signal; }
  get cf() { return this.#cfValue(); }
  get fetcher() { return null; }
  get integrity() { return ""; }
  get keepalive() { return false; }
  get cache() { return undefined; }
  clone() {
    const r = new Request(this.#url, { method: this.#method, headers: this.#headersObject(), redirect: this.#redirect, cf: this.#cfValue(), signal: this.#signal });
    r.#body = this.#body.tee();
    return r;
  }
  get [Symbol.toStringTag]() { return "Request"; }
}
bodyMixin(Request, (r) => Request._body(r));

class Response {
  #status; #statusText; #headers; #body; #type = "default"; #url = ""; #webSocket = null; #cf;
  constructor(body = null, init = {}) {
    if (!isDictionary(init)) throw new TypeError("Failed to construct 'Response': constructor parameter 2 is not of type 'InitializerDict or Response'.");
    init = init ?? {};
    const status = init.status === undefined ? 200 : Number(init.status);
    this.#webSocket = init.webSocket ?? null;
    if (this.#webSocket === null) {
      if (!(status >= 200 && status <= 599) || !Number.isInteger(status)) throw new RangeError("Responses may only be constructed with status codes in the range 200 to 599, inclusive.");
    } else if (status !== 101) {
      throw new RangeError("Responses with a WebSocket must have status code 101.");
    }
    if (init.statusText !== undefined && /[\x00-\x1f]/.test(String(init.statusText))) throw new TypeError("Invalid statusText");
    this.#status = status;
    this.#statusText = init.statusText === undefined ? STATUS_TEXT[status] ?? "" : String(init.statusText);
    this.#headers = new Headers(init.headers);
    this.#cf = init.cf;
    const extracted = extractBody(body);
    if (NULL_BODY_STATUS.has(status) && (extracted.stream !== null || (extracted.bytes !== null && extracted.bytes.length > 0))) {
      throw new TypeError("Response with null body status (101, 204, 205, or 304) cannot have a body.");
    }
    if (NULL_BODY_STATUS.has(status)) { extracted.bytes = null; extracted.stream = null; }
    if (extracted.contentType && !this.#headers.has("content-type")) Headers._appendValid(this.#headers, "content-type", extracted.contentType);
    this.#body = new BodyState(extracted);
  }
  static _body(r) { return r.#body; }
  static _setUrl(r, url) { r.#url = url; }
  static _setType(r, type) { r.#type = type; }
  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Value is not JSON serializable");
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { ...init, headers });
  }
  static redirect(url, status = 302) {
    if (!REDIRECT_STATUS.has(status)) throw new RangeError(`${status} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
    const href = ops.urlHref(String(url), null);
    if (href === null || href === undefined) throw new TypeError(`Unable to parse URL: ${url}`);
    const r = new Response(null, { status, headers: { location: href } });
    Headers._freeze(r.#headers);
    return r;
  }
  static error() {
    const r = new Response(null, { status: 200 });
    r.#status = 0; r.#statusText = ""; r.#type = "error";
    Headers._freeze(r.#headers);
    return r;
  }
  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status < 300; }
  get headers() { return this.#headers; }
  get type() { return this.#type; }
  get url() { return this.#url; }
  get redirected() { return false; }
  get webSocket() { return this.#webSocket; }
  get cf() { return this.#cf; }
  clone() {
    if (this.#webSocket) throw new TypeError("Cannot clone a response to a WebSocket handshake.");
    const r = new Response(null, { status: this.#status === 0 ? 200 : this.#status, statusText: this.#statusText, headers: this.#headers, cf: this.#cf });
    r.#status = this.#status; r.#type = this.#type; r.#url = this.#url;
    r.#body = this.#body.tee();
    return r;
  }
  get [Symbol.toStringTag]() { return "Response"; }
}
bodyMixin(Response, (r) => Response._body(r));
define(G, "Request", Request);
define(G, "Response", Response);
