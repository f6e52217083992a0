// fetch() through the host, and through a binding (a Fetcher: service bindings, Durable Object
// stubs, `env.ASSETS`): redirects followed as workerd follows them, abortable by a signal.

const { G, define, unit, ILLEGAL_INVOCATION, Request, Response, Headers, awaitOp, REDIRECT_STATUS, NULL_BODY_STATUS } = core;

const MAX_REDIRECTS = 20;

/// `promise`, rejected with the signal's reason as soon as it aborts.
function abortable(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e) => { signal.removeEventListener("abort", onAbort); reject(e); },
    );
  });
}

/// `fetch(input, init)` with `start(method, url, headerPairs, body)` starting each hop's op.
async function fetchVia(start, input, init) {
  let request = new Request(input, init);
  const signal = request.signal;
  signal?.throwIfAborted();
  if (/^data:/i.test(request.url)) {
    const data = ops.dataUrl(request.url);
    // Only a GET has a body (the Fetch Standard's null-body rule for HEAD).
    if (data) return new Response(request.method === "GET" ? data[1] : null, { status: 200, headers: { "content-type": data[0] } });
  }
  const urlList = [];
  for (let hop = 0; ; hop++) {
    const body = Request._body(request).isNull ? null : await Request._body(request).consume();
    const pairs = Headers._flat(request.headers);
    const [status, statusText, headers, bytes, socket] = await abortable(awaitOp(start(request.method, request.url, pairs, body)), signal);
    if (socket !== undefined) return unit("websocket").upgradeResponse(status, statusText, headers, socket);
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
const fetchGlobal = function (input, init) {
  if (this !== undefined && this !== G) throw new TypeError(ILLEGAL_INVOCATION);
  try {
    return fetchVia(ops.fetch, input, init);
  } catch (e) {
    return Promise.reject(e);
  }
};
Object.defineProperty(fetchGlobal, "name", { value: "fetch" });
define(G, "fetch", fetchGlobal);

return { fetchVia };
