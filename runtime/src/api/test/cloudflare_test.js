// ---------- cloudflare:test: what @cloudflare/vitest-pool-workers gives a test ----------

const { Request, Response, Headers, NULL_BODY_STATUS } = core;

/// `SELF`: the Worker's own default export, reached as through a service binding: a fresh
/// fetch invocation in this isolate, its exception (if any) rejecting the call.
const SELF = Object.freeze({
  async fetch(input, init) {
    const request = new Request(input, init);
    const body = Request._body(request).isNull ? null : await Request._body(request).consume();
    const id = ops.selfFetch(request.method, request.url, Headers._flat(request.headers), body);
    const [status, statusText, headers, bytes, socket] = await core.awaitOp(id);
    if (socket !== undefined) return core.unit("websocket").upgradeResponse(status, statusText, headers, socket);
    return new Response(NULL_BODY_STATUS.has(status) ? null : bytes, { status: status < 200 ? 200 : status, statusText, headers });
  },
});

/// An ExecutionContext for calling a handler directly: `waitUntil` promises are kept for
/// `waitOnExecutionContext`.
class TestExecutionContext {
  #waiting = [];
  #props;
  constructor(props = {}) { this.#props = props; }
  waitUntil(promise) { this.#waiting.push(Promise.resolve(promise)); }
  passThroughOnException() {}
  get props() { return this.#props; }
  static _drain(ctx) {
    if (!(ctx instanceof TestExecutionContext)) {
      throw new TypeError("Failed to execute 'waitOnExecutionContext': parameter 1 is not of type 'ExecutionContext'.");
    }
    return ctx.#waiting.splice(0);
  }
}

const createExecutionContext = () => new TestExecutionContext();

async function waitOnExecutionContext(ctx) {
  for (;;) {
    const waiting = TestExecutionContext._drain(ctx);
    if (waiting.length === 0) return;
    await Promise.allSettled(waiting);
  }
}

function createScheduledController(options = {}) {
  const scheduledTime = options.scheduledTime instanceof Date ? options.scheduledTime.getTime() : options.scheduledTime ?? Date.now();
  return Object.freeze({ scheduledTime, cron: options.cron ?? "", type: "scheduled", noRetry() {} });
}

const cloudflareTest = {
  get env() { return core.workerEnv; },
  SELF,
  createExecutionContext,
  waitOnExecutionContext,
  createScheduledController,
};
