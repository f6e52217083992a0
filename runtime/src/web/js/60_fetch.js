// fetch() through the host, crypto, and scheduler.

const pendingOps = new Map();
/// A promise settled when the host finishes operation `id` (see completeOp).
function awaitOp(id) {
  const d = deferred();
  pendingOps.set(id, d);
  return d.promise;
}
function completeOp(id, ok, value) {
  const d = pendingOps.get(id);
  if (!d) return;
  pendingOps.delete(id);
  if (ok) d.resolve(value);
  else {
    const [cls, message, flags] = value;
    const Ctor = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[cls];
    const error = Ctor ? new Ctor(message) : cls in DOM_CODES ? domError(cls, message) : new Error(message);
    // Failed Durable Object calls carry .remote / .retryable / .overloaded.
    if (flags) for (const [k, v] of Object.entries(flags)) if (v) error[k] = true;
    d.reject(error);
  }
}

const MAX_REDIRECTS = 20;

/// A response that brought a WebSocket end along: a 101 whose `webSocket` is that end.
function upgradeResponse(status, statusText, headers, socket) {
  if (status !== 101) {
    ops.socketRelease(socket);
    return new Response(null, { status, statusText, headers });
  }
  return new Response(null, { status, statusText, headers, webSocket: unit("websocket").WebSocket._fromHandle(socket) });
}
async function fetch(input, init) {
    let request = new Request(input, init);
  const signal = request.signal;
  signal?.throwIfAborted();
  const urlList = [];
  for (let hop = 0; ; hop++) {
    const body = Request._body(request).isNull ? null : await Request._body(request).consume();
    const pairs = Headers._flat(request.headers);
    const [status, statusText, headers, bytes, socket] = await abortable(awaitOp(ops.fetch(request.method, request.url, pairs, body)), signal);
    if (socket !== undefined) return upgradeResponse(status, statusText, headers, socket);
    urlList.push(request.url);
    const location = headers.find(([k]) => k === "location")?.[1];
    if (REDIRECT_STATUS.has(status) && location !== undefined && request.redirect === "follow") {
      if (hop + 1 >= MAX_REDIRECTS) throw new TypeError("Too many redirects.");
      const next = ops.urlHref(location, request.url);
      if (next === null || next === undefined) throw new TypeError(`Invalid redirect URL: ${location}`);
      const toGet = status === 303 || ((status === 301 || status === 302) && request.method === "POST");
            request = new Request(next, {
        method: toGet ? "GET" : request.method,
        headers: request.headers,
        redirect: request.redirect,
        body: toGet || body === null ? null : body,
        signal,
      });
      continue;
    }
    const response = new Response(NULL_BODY_STATUS.has(status) ? null : bytes, {
      status: status < 200 ? 200 : status,
      statusText,
      headers,
    });
    Response._setUrl(response, urlList[urlList.length - 1].replace(/#.*$/, ""));
    return response;
  }
}
define(G, "fetch", function (input, init) {
  if (this !== undefined && this !== G) throw new TypeError(ILLEGAL_INVOCATION);
  try {
    return fetch(input, init);
  } catch (e) {
    return Promise.reject(e);
  }
});
Object.defineProperty(G.fetch, "name", { value: "fetch" });

// ---------- crypto (SubtleCrypto is 58_subtle.js) ----------
const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
class Crypto {
  #subtle = null;
  get subtle() { return (this.#subtle ??= new (unit("subtle").SubtleCrypto)()); }
  getRandomValues(view) {
    if (!INTEGER_ARRAYS.some((T) => view instanceof T)) {
      throw domError("TypeMismatchError", "ArrayBufferView argument to getRandomValues() must be an integer-typed view.");
    }
    if (view.byteLength > 0x10000) {
      throw domError("QuotaExceededError", `getRandomValues() only accepts buffers of size <= 64K but provided ${view.byteLength} bytes.`);
    }
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(ops.randomBytes(view.byteLength));
    return view;
  }
  randomUUID() {
    const b = ops.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
define(G, "Crypto", Crypto);
define(G, "crypto", new Crypto());

// ---------- scheduler ----------
class Scheduler {
  wait(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
}
define(G, "scheduler", new Scheduler());
