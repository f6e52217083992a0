// A service-worker-format Worker (no module syntax): handlers are event listeners on the global
// scope, bindings are globals. Each path probes one behaviour of FetchEvent and answers JSON, or
// lets workerd answer (an error, or the origin through default handling).
topLevelThis = this === globalThis; // sloppy mode: an undeclared assignment makes a global
var seen = [];

function thrown(f) {
  try {
    f();
    return "no error";
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

function describe(event) {
  return {
    globals: [typeof FetchEvent, typeof ExtendableEvent, typeof ScheduledEvent, typeof addEventListener],
    isFetchEvent: event instanceof FetchEvent,
    isExtendableEvent: event instanceof ExtendableEvent,
    isEvent: event instanceof Event,
    tag: Object.prototype.toString.call(event),
    type: event.type,
    isTrusted: event.isTrusted,
    cancelable: event.cancelable,
    bubbles: event.bubbles,
    defaultPrevented: event.defaultPrevented,
    methods: ["respondWith", "waitUntil", "passThroughOnException"].map((m) => typeof event[m]),
    ownKeys: Object.keys(event),
    request: [event.request.method, event.request.url, event.request.redirect],
    sameRequest: event.request === event.request,
    bindings: [GREETING, typeof KV, typeof KV.get, "GREETING" in globalThis, Object.keys(globalThis).includes("GREETING")],
    topLevelThis,
    self: self === globalThis,
    constructors: [
      thrown(() => new ExtendableEvent("x")),
      thrown(() => new FetchEvent("fetch")),
      thrown(() => new ScheduledEvent("scheduled")),
    ],
    waitUntilUntrusted: thrown(() => Object.create(ExtendableEvent.prototype).waitUntil(Promise.resolve())),
  };
}

addEventListener("fetch", (event) => {
  const { pathname } = new URL(event.request.url);
  seen.push(`first ${pathname}`);
  if (pathname === "/first") event.respondWith(new Response("first listener"));
});

addEventListener("fetch", (event) => {
  const { pathname } = new URL(event.request.url);
  seen.push(`second ${pathname}`);
  switch (pathname) {
    case "/event":
      return event.respondWith(Response.json(describe(event)));
    case "/twice": {
      event.respondWith(new Response("one"));
      const again = thrown(() => event.respondWith(new Response("two")));
      const prevented = event.defaultPrevented;
      return void seen.push(`twice: ${again}; defaultPrevented ${prevented}`);
    }
    case "/seen":
      return event.respondWith(Response.json(seen));
    case "/put":
      event.waitUntil(KV.put("k", "stored by waitUntil"));
      return event.respondWith(new Response("put"));
    case "/get":
      return event.respondWith(KV.get("k").then((v) => new Response(String(v))));
    case "/promise":
      return event.respondWith(new Promise((resolve) => setTimeout(() => resolve(new Response("later", { status: 201 })), 5)));
    case "/throw":
      throw new Error("listener threw");
    case "/reject":
      return event.respondWith(Promise.reject(new Error("rejected")));
    case "/pass-throw":
      event.passThroughOnException();
      throw new Error("listener threw after passThroughOnException");
    case "/pass-reject":
      event.passThroughOnException();
      return event.respondWith(Promise.reject(new Error("rejected")));
    case "/default":
      return;
    case "/late":
      event.waitUntil(new Promise((resolve) => setTimeout(() => {
        seen.push(`late: ${thrown(() => event.respondWith(new Response("late")))}`);
        resolve();
      }, 1)));
      return;
    case "/async":
      return (async () => {
        await null;
        seen.push(`async: ${thrown(() => event.respondWith(new Response("async")))}`);
      })();
    case "/prevent":
      event.preventDefault();
      return;
    case "/not-response":
      return event.respondWith("not a Response");
    case "/consumed":
      event.request.text();
      return;
    default:
      return event.respondWith(new Response(`${GREETING} from ${pathname}`));
  }
});
