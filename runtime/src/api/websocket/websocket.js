// WebSocket, WebSocketPair and their events, with workerd's states and texts (web-socket.c++).
// A socket is either an end this isolate holds (a handle into engine/sockets.rs) or, in a
// Durable Object, a hibernatable socket the platform keeps (an id into its hibernation set).

const { G, define, DOMException, Event, ErrorEvent, EventTarget, describeError, serializeValue, deserializeValue, toBytes, utf8, URL, Response, awaitOp } = core;

const WS_NOT_ACCEPTED = "You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.";
const WS_DISCONNECTED = "WebSocket disconnected without sending Close frame.";

class MessageEvent extends Event {
  #data;
  constructor(type, init = {}) { super(type, init); this.#data = init?.data ?? null; }
  get data() { return this.#data; }
}
class CloseEvent extends Event {
  #code; #reason; #wasClean;
  constructor(type, init = {}) {
    super(type, init);
    this.#code = init?.code ?? 0; this.#reason = init?.reason ?? ""; this.#wasClean = !!init?.wasClean;
  }
  get code() { return this.#code; }
  get reason() { return this.#reason; }
  get wasClean() { return this.#wasClean; }
}
define(G, "MessageEvent", MessageEvent);
define(G, "CloseEvent", CloseEvent);

/// The frame a send() call makes of its argument: text, or bytes.
function wsFrame(message) {
  if (message instanceof ArrayBuffer || ArrayBuffer.isView(message)) return ["binary", null, toBytes(message, "send' on 'WebSocket").slice()];
  return ["text", String(message), null];
}

class WebSocket extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  /// "awaiting" (may be accepted or returned), "connecting" (new WebSocket()), "accepted",
  /// "hibernatable", or "released" (returned in a response).
  #state = "awaiting";
  #handle = null;
  #hid = null;
  #peer = null;
  #url = null;
  #closedIncoming = false;
  #closedOutgoing = false;
  #error = null;
  #attachment;

  constructor(url, protocols) {
    super();
    const err = (m) => new DOMException(`WebSocket Constructor: ${m}`, "SyntaxError");
    if (url === WS_INTERNAL) return;
    url = String(url);
    const href = ops.urlHref(url, null);
    if (href === null || href === undefined) throw err("The url is invalid.");
    const parsed = new URL(href);
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") throw err("The url scheme must be ws or wss.");
    if (parsed.hash !== "" || href.includes("#")) throw err("The url fragment must be empty.");
    const headers = ["upgrade", "websocket"]; // flat name, value pairs (Headers._flat)
    if (protocols !== undefined) {
      const list = Array.isArray(protocols) ? protocols.map(String) : [String(protocols)];
      const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
      if (Array.isArray(protocols)) {
        if (list.length === 0) throw err("The protocols array cannot be empty.");
        if (list.some((p) => !token.test(p))) throw err("One of the protocol header tokens is invalid.");
        if (new Set(list).size !== list.length) throw err("The protocols header cannot have repeating values.");
      } else if (!token.test(list[0])) throw err("The protocol header token is invalid.");
      headers.push("sec-websocket-protocol", list.join(", "));
    }
    this.#url = url;
    this.#state = "connecting";
    const httpUrl = href.replace(/^ws/, "http");
    awaitOp(ops.fetch("GET", httpUrl, headers, null)).then((r) => {
      if (this.#state !== "connecting") return;
      const [status, , , , socket] = r;
      if (status !== 101 || socket === undefined) {
        if (socket !== undefined) ops.socketRelease(socket);
        throw new TypeError(`Failed to establish the WebSocket connection: expected server to reply with HTTP status code 101 (switching protocols), but received ${status} instead.`);
      }
      this.#handle = socket;
      this.#state = "accepted";
      this.#readLoop();
      this.#dispatch(new Event("open"));
    }).catch((e) => {
      if (this.#state !== "connecting") return;
      this.#closedIncoming = true;
      this.#reportError(e);
      this.#dispatch(new CloseEvent("close", { code: 1006, reason: "Failed to establish websocket connection", wasClean: false }));
    });
  }

  static _fromHandle(handle, peer = null) {
    const ws = new WebSocket(WS_INTERNAL);
    ws.#handle = handle;
    ws.#peer = peer;
    return ws;
  }
  static _pair() {
    const [a, b] = ops.socketPair();
    const first = WebSocket._fromHandle(a);
    const second = WebSocket._fromHandle(b, first);
    first.#peer = second;
    return [first, second];
  }
  static _hibernatable(id, info) {
    const ws = new WebSocket(WS_INTERNAL);
    ws.#state = "hibernatable";
    ws.#hid = id;
    if (info) {
      ws.#closedOutgoing = info.closedOutgoing;
      ws.#closedIncoming = info.readyState === 3 || (info.readyState === 2 && !info.closedOutgoing);
    }
    return ws;
  }
  static _hid(ws) { return ws.#hid; }
  /// The peer closed (or vanished); the platform may have answered the close already.
  static _closedIncoming(ws) {
    ws.#closedIncoming = true;
    ws.#closedOutgoing = ops.hibernatableInfo(ws.#hid)?.closedOutgoing ?? true;
  }

  /// Hands the socket over to a response: workerd's couple() checks.
  static _couple(ws) {
    if (!(ws instanceof WebSocket)) throw new TypeError("Failed to construct 'Response': webSocket is not of type 'WebSocket'.");
    if (ws.#url !== null) {
      throw new TypeError("Can't return WebSocket in a Response if it was created with `new WebSocket()`");
    }
    if (ws.#state === "released") throw new TypeError("Can't return WebSocket that was already used in a response.");
    if (ws.#state === "hibernatable") throw new TypeError("Can't return WebSocket in a Response after calling acceptWebSocket().");
    if (ws.#state === "accepted") throw new TypeError("Can't return WebSocket in a Response after calling accept().");
    ws.#state = "released";
    return ws.#handle;
  }

  /// `ctx.acceptWebSocket(ws, tags)`: the socket moves into the object's hibernation set.
  static _acceptHibernatable(ws, distinctTags) {
    if (ws.#state === "accepted") throw new Error("Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
    const peer = ws.#peer;
    if (ws.#state !== "awaiting" || peer === null || peer.#state !== "awaiting") {
      throw new Error("Cannot call `acceptWebSocket()` on this WebSocket because its pair has already been accepted or used in a Response.");
    }
    ws.#hid = ops.hibernatableAccept(ws.#handle, distinctTags());
    ws.#handle = null;
    ws.#state = "hibernatable";
    return ws.#hid;
  }

  static _tags(ws) {
    if (ws.#state !== "accepted" && ws.#state !== "hibernatable") throw new Error("you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.");
    if (ws.#state !== "hibernatable") throw new Error("only hibernatable websockets can have tags.");
    return ops.hibernatableInfo(ws.#hid)?.tags ?? [];
  }

  accept() {
    if (this.#state === "connecting") throw new TypeError("Websockets obtained from the 'new WebSocket()' constructor cannot call accept");
    if (this.#state === "released") throw new TypeError("Can't accept() WebSocket that was already used in a response.");
    if (this.#state === "hibernatable") throw new TypeError("Can't accept() WebSocket after enabling hibernation.");
    if (this.#state === "accepted") return;
    this.#state = "accepted";
    this.#readLoop();
  }

  send(message) {
    if (this.#closedOutgoing) throw new TypeError("Can't call WebSocket send() after close().");
    if (this.#state === "released" || this.#error !== null) return;
    if (this.#state !== "accepted" && this.#state !== "hibernatable") throw new TypeError(WS_NOT_ACCEPTED);
    const [kind, text, bytes] = wsFrame(message);
    this.#sendFrame(kind, text, bytes, null);
  }

  close(code, reason) {
    if (this.#state === "connecting") { this.#state = "released"; return; }
    if (this.#closedOutgoing || this.#state === "released" || this.#error !== null) return;
    if (this.#state !== "accepted" && this.#state !== "hibernatable") throw new TypeError(WS_NOT_ACCEPTED);
    if (code !== undefined) {
      const c = Math.trunc(Number(code));
      if (!(c >= 1000 && c < 5000) || c === 1004 || c === 1005 || c === 1006 || c === 1015) throw new TypeError(`Invalid WebSocket close code: ${code}.`);
      code = c;
    }
    if (reason !== undefined && code === undefined) throw new TypeError("If you specify a WebSocket close reason, you must also specify a code.");
    this.#sendFrame("close", reason === undefined ? "" : String(reason), null, code ?? 1005);
    this.#closedOutgoing = true;
    this.#releaseIfDone();
  }

  get readyState() {
    if ((this.#closedIncoming && this.#closedOutgoing) || this.#error !== null) return 3;
    if (this.#closedIncoming || this.#closedOutgoing) return 2;
    if (this.#state === "connecting") return 0;
    return 1;
  }
  get url() { return this.#url; }
  get protocol() { return null; }
  get extensions() { return null; }

  serializeAttachment(value) {
    const text = serializeValue(value);
    const size = utf8(text).length;
    if (size > 16384) throw new Error(`A WebSocket 'attachment' cannot be larger than 16384 bytes.'attachment' was ${size} bytes.`);
    if (this.#state === "hibernatable") ops.hibernatableSetAttachment(this.#hid, text);
    else this.#attachment = text;
  }
  deserializeAttachment() {
    const text = this.#state === "hibernatable" ? ops.hibernatableInfo(this.#hid)?.attachment : this.#attachment;
    return text === undefined || text === null ? null : deserializeValue(text);
  }

  #sendFrame(kind, text, bytes, code) {
    if (this.#state === "hibernatable") ops.hibernatableSend(this.#hid, kind, text, bytes, code);
    else ops.socketSend(this.#handle, kind, text, bytes, code);
  }

  #dispatch(event) {
    try {
      this.dispatchEvent(event);
    } catch (e) {
      ops.log("error", `Uncaught ${describeError(e)}`);
    }
  }

  #reportError(e) {
    if (this.#error !== null) return;
    this.#error = e;
    this.#dispatch(new ErrorEvent("error", { message: `Uncaught ${describeError(e)}`, error: e }));
  }

  #releaseIfDone() {
    if (this.#closedIncoming && this.#closedOutgoing && this.#handle !== null && this.#state === "accepted") {
      ops.socketRelease(this.#handle);
      this.#state = "released";
    }
  }

  /// One receive at a time: each frame becomes an event, until the close.
  #readLoop() {
    awaitOp(ops.socketReceive(this.#handle)).then(([kind, payload, code]) => {
      if (kind === "close") {
        this.#closedIncoming = true;
        this.#dispatch(new CloseEvent("close", { code, reason: payload, wasClean: true }));
        this.#releaseIfDone();
        return;
      }
      if (kind === "error") {
        // kj closed the connection with 1009 and the read loop failed: an error event.
        this.#closedIncoming = true;
        this.#closedOutgoing = true;
        this.#reportError(new Error(payload));
        this.#releaseIfDone();
        return;
      }
      if (kind === "gone") {
        if (!this.#closedIncoming) {
          this.#closedIncoming = true;
          this.#dispatch(new CloseEvent("close", { code: 1006, reason: WS_DISCONNECTED, wasClean: false }));
        }
        this.#closedOutgoing = true;
        this.#releaseIfDone();
        return;
      }
      this.#dispatch(new MessageEvent("message", { data: payload }));
      if (this.#state === "accepted") this.#readLoop();
    });
  }
  get [Symbol.toStringTag]() { return "WebSocket"; }
}
const WS_INTERNAL = Symbol("internal");
define(G, "WebSocket", WebSocket);

class WebSocketPair {
  constructor() {
    const [a, b] = WebSocket._pair();
    Object.defineProperty(this, 0, { value: a, enumerable: true });
    Object.defineProperty(this, 1, { value: b, enumerable: true });
  }
  *[Symbol.iterator]() { yield this[0]; yield this[1]; }
  get [Symbol.toStringTag]() { return "WebSocketPair"; }
}
define(G, "WebSocketPair", WebSocketPair);

class WebSocketRequestResponsePair {
  #request; #response;
  constructor(request, response) {
    if (arguments.length < 2) throw new TypeError("Failed to construct 'WebSocketRequestResponsePair': 2 arguments required.");
    this.#request = String(request); this.#response = String(response);
  }
  get request() { return this.#request; }
  get response() { return this.#response; }
}
define(G, "WebSocketRequestResponsePair", WebSocketRequestResponsePair);

/// A response that brought a WebSocket end along: a 101 whose `webSocket` is that end.
function upgradeResponse(status, statusText, headers, socket) {
  if (status !== 101) {
    ops.socketRelease(socket);
    return new Response(null, { status, statusText, headers });
  }
  return new Response(null, { status, statusText, headers, webSocket: WebSocket._fromHandle(socket) });
}

return { upgradeResponse, WebSocket, WebSocketRequestResponsePair };
