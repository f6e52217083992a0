// The node:http probe (nodejs_compat, compatibility date 2026-04-01): each case answers JSON.
// The client cases fetch `origin.test`, which ../http.mjs (and edgesim's replay) answer the same
// way: /echo reflects the request, /redirect answers 302, /error answers 500.
import http from "node:http";
import https from "node:https";
import * as httpNs from "node:http";
import * as httpsNs from "node:https";
import * as agentNs from "node:_http_agent";
import * as clientNs from "node:_http_client";
import * as commonNs from "node:_http_common";
import * as incomingNs from "node:_http_incoming";
import * as outgoingNs from "node:_http_outgoing";
import * as serverNs from "node:_http_server";
import { httpServerHandler, handleAsNodeRequest } from "cloudflare:node";

const error = (f) => {
  try {
    f();
    return "no error";
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message };
  }
};
const ORIGIN_HEADERS = ["host", "content-type", "content-length", "authorization", "x-one", "x-many"];

/// Runs a client request to completion: its events in order, and what the response showed.
function exchange(make) {
  return new Promise((resolve) => {
    const events = [];
    const req = make((res) => {
      events.push("response");
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { body += c; });
      res.on("end", () => {
        events.push("end");
        resolve({
          events, statusCode: res.statusCode, statusMessage: res.statusMessage, headers: res.headers,
          rawHeaders: res.rawHeaders, httpVersion: res.httpVersion, complete: res.complete,
          url: res.url, body, headersSent: req.headersSent, reqHeader: typeof req._header,
        });
      });
    });
    for (const name of ["finish", "close", "prefinish"]) req.on(name, () => events.push(`req:${name}`));
    req.on("error", (e) => resolve({ events, error: { name: e.name, code: e.code, message: e.message } }));
  });
}

let served = 0;
const server = http.createServer((req, res) => {
  served++;
  const route = new URL(req.url, "http://x").pathname;
  (ROUTES[route] ?? ROUTES["/default"])(req, res);
});
server.listen(8080);
const handler = httpServerHandler({ port: 8080 });
const lateErrors = [];

const ROUTES = {
  "/basic": (req, res) => { res.writeHead(201, { "x-a": "1" }); res.end("hello"); },
  "/stream": (req, res) => {
    res.setHeader("content-type", "text/plain");
    res.write("a");
    res.write(new TextEncoder().encode("b"));
    setTimeout(() => res.end("c"), 1);
  },
  "/reason": (req, res) => { res.writeHead(404, "Nope", ["x-b", "1", "x-b", "2"]); res.end(); },
  "/status": (req, res) => { res.statusCode = 418; res.statusMessage = "Short"; res.end("tea"); },
  "/nobody": (req, res) => { res.writeHead(204); res.end(); },
  "/length": (req, res) => { res.setHeader("content-length", 3); res.end("hello"); },
  "/cookies": (req, res) => {
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.appendHeader("x-list", "1");
    res.appendHeader("x-list", ["2", "3"]);
    res.end(JSON.stringify({ names: res.getHeaderNames(), raw: res.getRawHeaderNames(), headers: res.getHeaders() }));
  },
  "/after": (req, res) => {
    res.end("done");
    lateErrors.push(error(() => res.setHeader("x", "1")));
    lateErrors.push(error(() => res.writeHead(200)));
    res.write("more", (e) => lateErrors.push({ callback: e?.code ?? null }));
    res.on("error", (e) => lateErrors.push({ event: e.code }));
  },
  "/events": (req, res) => {
    const seen = [];
    for (const name of ["close", "finish", "prefinish"]) res.on(name, () => seen.push(name));
    req.on("end", () => seen.push("req:end"));
    req.resume();
    res.end("x", () => seen.push("end-callback"));
    seen.push(`after-end:${res.writableEnded}:${res.writableFinished}:${res.headersSent}`);
    setTimeout(() => lateErrors.push(seen), 5);
  },
  "/request": (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      const s = req.socket;
      res.end(JSON.stringify({
        method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders,
        httpVersion: req.httpVersion, body, complete: req.complete,
        socket: { encrypted: s.encrypted, remoteAddress: s.remoteAddress, remoteFamily: s.remoteFamily, localPort: s.localPort, localAddress: s.localAddress },
        cloudflare: Object.keys(req.cloudflare),
      }));
    });
  },
  "/throws": () => { throw new Error("listener threw"); },
  "/default": (req, res) => { res.end("default"); },
};

const serve = async (path, init) => {
  const r = await handler.fetch(new Request(`http://w.test${path}`, init), {}, {});
  return { status: r.status, statusText: r.statusText, headers: [...r.headers], body: await r.text() };
};

const CASES = {
  exports() {
    const keys = (ns) => Object.keys(ns).sort();
    return {
      http: keys(httpNs), https: keys(httpsNs), agent: keys(agentNs), client: keys(clientNs),
      common: keys(commonNs), incoming: keys(incomingNs), outgoing: keys(outgoingNs), server: keys(serverNs),
      httpDefault: keys(http), httpsDefault: keys(https),
      methods: http.METHODS, teapot: http.STATUS_CODES[418], codes: Object.keys(http.STATUS_CODES).length,
      maxHeaderSize: http.maxHeaderSize,
      agent: { port: http.globalAgent.defaultPort, protocol: http.globalAgent.protocol, keepAlive: http.globalAgent.keepAlive, maxSockets: http.globalAgent.maxSockets },
      httpsAgent: { port: https.globalAgent.defaultPort, protocol: https.globalAgent.protocol },
      name: new http.Agent().getName({ host: "a.test", port: 81, family: 4 }),
      httpsName: new https.Agent().getName({ host: "a.test", port: 443, servername: "b.test" }),
      same: http.ClientRequest === clientNs.ClientRequest && http.Server === serverNs.Server,
      webSocket: http.WebSocket === globalThis.WebSocket,
    };
  },
  validate() {
    return {
      name: error(() => http.validateHeaderName("bad name")),
      empty: error(() => http.validateHeaderName("")),
      undef: error(() => http.validateHeaderValue("x-a", undefined)),
      char: error(() => http.validateHeaderValue("x-a", "a\nb")),
      ok: error(() => http.validateHeaderValue("x-a", "fine")),
      parsers: error(() => http.setMaxIdleHTTPParsers(0)),
      parsersOk: error(() => http.setMaxIdleHTTPParsers(5)),
    };
  },
  clientErrors() {
    const make = (options) => error(() => http.request({ host: "origin.test", ...options }));
    return {
      protocol: make({ protocol: "ftp:" }),
      httpsOnHttp: make({ protocol: "https:" }),
      method: make({ method: "BAD METHOD" }),
      methodType: make({ method: 5 }),
      unescaped: make({ path: "/a b" }),
      authority: make({ path: "//evil.test/" }),
      agent: make({ agent: {} }),
      maxHeaderSize: make({ maxHeaderSize: 100 }),
      createConnection: make({ createConnection: () => {} }),
      lookup: make({ lookup: () => {} }),
      socketPath: make({ socketPath: "/tmp/s" }),
      hostname: make({ hostname: 5 }),
      oddHeaders: make({ headers: ["a"] }),
      headerName: make({ headers: { "bad name": "1" } }),
      timeout: make({ timeout: -1 }),
      https: error(() => https.request("http://origin.test/")),
      trailers: error(() => http.request("http://origin.test/").addTrailers({})),
      afterWrite: error(() => {
        const req = http.request({ host: "origin.test", method: "POST" });
        req.on("error", () => {});
        req.write("x");
        req.setHeader("x-late", "1");
      }),
      createServerOptions: error(() => http.createServer({ maxHeaderSize: 10 })),
      keepAliveTimeout: error(() => http.createServer({ keepAliveTimeout: 10 })),
    };
  },
  clientGet: () => exchange((cb) => http.get("http://origin.test/echo?q=1", cb)),
  clientPost: () => exchange((cb) => {
    const req = http.request({
      hostname: "origin.test", path: "/echo", method: "post",
      headers: { "Content-Type": "text/plain", "X-Many": ["1", "2"] },
    }, cb);
    req.write("hello ");
    req.end("world");
    return req;
  }),
  clientPort: () => exchange((cb) => http.get({ hostname: "origin.test", port: 8080, path: "/echo", auth: "u:p" }, cb)),
  clientHttps: () => exchange((cb) => https.get("https://origin.test/echo", cb)),
  clientRedirect: () => exchange((cb) => http.get("http://origin.test/redirect", cb)),
  clientError: () => exchange((cb) => http.get("http://origin.test/error", { headers: { "x-one": "1" } }, cb)),
  clientNoHost: () => exchange((cb) => http.get({ host: "origin.test", path: "/echo", setHost: false }, cb)),
  clientAbort: () => new Promise((resolve) => {
    const events = [];
    const req = http.get("http://origin.test/echo", () => events.push("response"));
    req.on("error", (e) => events.push(`error:${e.name}`));
    req.on("close", () => events.push("close"));
    req.abort();
    setTimeout(() => resolve({ events, destroyed: req.destroyed, aborted: req.aborted }), 20);
  }),
  async serverBasic() { return serve("/basic"); },
  async serverStream() { return serve("/stream"); },
  async serverReason() { return serve("/reason"); },
  async serverStatus() { return serve("/status"); },
  async serverNoBody() { return serve("/nobody"); },
  async serverLength() { return serve("/length"); },
  async serverCookies() { return serve("/cookies"); },
  async serverAfter() {
    lateErrors.length = 0;
    const r = await serve("/after");
    await new Promise((f) => setTimeout(f, 5));
    return { ...r, late: lateErrors };
  },
  async serverEvents() {
    lateErrors.length = 0;
    const r = await serve("/events");
    await new Promise((f) => setTimeout(f, 10));
    return { ...r, seen: lateErrors };
  },
  async serverRequest() {
    return serve("/request?x=1", {
      method: "POST", body: "payload",
      headers: { "user-agent": "a, b", "x-forwarded-proto": "https", "cf-connecting-ip": "2001:db8::1", "x-dup": "1", cookie: "a=1; b=2" },
    });
  },
  async serverThrows() {
    try {
      return await serve("/throws");
    } catch (e) {
      return { thrown: e.message };
    }
  },
  async serverListen() {
    const other = http.createServer(() => {});
    const before = { listening: other.listening, address: other.address() };
    const taken = error(() => other.listen(8080));
    other.listen(8081);
    const again = error(() => other.listen(8082));
    const after = { listening: other.listening, address: other.address() };
    let closed = false;
    other.close(() => { closed = true; });
    await new Promise((f) => setTimeout(f, 1));
    let gone;
    try {
      await handleAsNodeRequest(8081, new Request("http://w.test/"));
    } catch (e) {
      gone = { code: e.code, message: e.message };
    }
    const random = http.createServer(() => {}).listen();
    return {
      before, taken, again, after, closed, gone, listening: other.listening,
      random: typeof random.address().port,
      nullDesc: error(() => httpServerHandler(null)),
      noPort: error(() => httpServerHandler({})),
      badPort: error(() => httpServerHandler(70000)),
      fromServer: typeof httpServerHandler(random).fetch,
    };
  },
  async serverCount() { return { served }; },
};

export default {
  async fetch(request) {
    const name = new URL(request.url).searchParams.get("name");
    try {
      return Response.json(await CASES[name]());
    } catch (e) {
      return Response.json({ uncaught: { name: e.name, code: e.code, message: e.message } });
    }
  },
};
