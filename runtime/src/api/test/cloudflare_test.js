// ---------- cloudflare:test: what @cloudflare/vitest-pool-workers gives a test ----------

const { Request, Response, Headers, NULL_BODY_STATUS } = core;

/// `SELF`: the Worker's own default export, reached as through a service binding: a fresh
/// fetch invocation in this isolate, its exception (if any) rejecting the call. With
/// `init.colo` (edgesim's own) the request enters at that data centre instead, served by an
/// isolate of the Worker there.
async function fetchWorker(input, init, colo) {
  const request = new Request(input, init);
  const body = Request._body(request).isNull ? null : await Request._body(request).consume();
  const id = ops.selfFetch(request.method, request.url, Headers._flat(request.headers), body, colo ?? undefined);
  const [status, statusText, headers, bytes, socket] = await core.awaitOp(id);
  if (socket !== undefined) return core.unit("websocket").upgradeResponse(status, statusText, headers, socket);
  return new Response(NULL_BODY_STATUS.has(status) ? null : bytes, { status: status < 200 ? 200 : status, statusText, headers });
}

/// JS RPC and service bindings (api/rpc/service.js): how scheduled and queue events travel.
const rpc = () => core.unit("rpc");

const SELF = Object.freeze({
  fetch(input, init) {
    return fetchWorker(input, init, init?.colo);
  },
  /// `service_binding_extra_handlers`: the Worker's `scheduled` handler, in this isolate.
  async scheduled(options) {
    const [cron, time] = rpc().scheduledEvent(options);
    return rpc().scheduledResult(await core.awaitOp(ops.selfScheduled(cron, time)));
  },
  /// The Worker's `queue` handler with `messages` ({ id, timestamp, body, attempts }).
  async queue(queueName, messages) {
    const queued = rpc().queuedMessages(messages);
    return rpc().queueResult(await core.awaitOp(ops.selfQueue(String(queueName), queued)));
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
  /// As a handler's `ctx.exports`: the Worker's own entrypoints and object classes.
  get exports() { return core.cloudflareWorkers.exports; }
  static _drain(ctx) {
    if (!(ctx instanceof TestExecutionContext)) {
      throw new TypeError("Failed to execute 'waitOnExecutionContext': parameter 1 is not of type 'ExecutionContext'.");
    }
    return ctx.#waiting.splice(0);
  }
}

const createExecutionContext = () => new TestExecutionContext();

/// The ExecutionContext behind each context createPagesEventContext made.
const pagesContexts = new WeakMap();

async function waitOnExecutionContext(ctx) {
  ctx = pagesContexts.get(ctx) ?? ctx;
  for (;;) {
    const waiting = TestExecutionContext._drain(ctx);
    if (waiting.length === 0) return;
    await Promise.allSettled(waiting);
  }
}

/// A Pages Function's EventContext for calling the function directly, with vitest-pool-workers'
/// checks and texts: `next()` calls the `next` given, `env` is the project's (which must have
/// the `ASSETS` binding a Pages project has).
function createPagesEventContext(opts) {
  const field = (name, type) =>
    new TypeError(`Incorrect type for the '${name}' field on 'EventContextInit': the provided value is not of type '${type}'.`);
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError("Failed to execute 'createPagesEventContext': parameter 1 is not of type 'EventContextInit'.");
  }
  if (!(opts.request instanceof core.Request)) throw field("request", "Request");
  if (opts.functionPath !== undefined && typeof opts.functionPath !== "string") throw field("functionPath", "string");
  if (opts.next !== undefined && typeof opts.next !== "function") throw field("next", "function");
  for (const name of ["params", "data"]) {
    if (opts[name] !== undefined && (typeof opts[name] !== "object" || opts[name] === null)) throw field(name, "object");
  }
  const env = core.workerEnv;
  if (typeof env.ASSETS?.fetch !== "function") {
    throw new TypeError("Cannot call `createPagesEventContext()` without defining `ASSETS` service binding");
  }
  const execution = new TestExecutionContext();
  const context = {
    request: opts.next ? opts.request.clone() : opts.request,
    functionPath: opts.functionPath ?? "",
    waitUntil: execution.waitUntil.bind(execution),
    passThroughOnException: execution.passThroughOnException.bind(execution),
    async next(input, init) {
      if (opts.next === undefined) {
        throw new TypeError("Cannot call `EventContext#next()` without including `next` property in 2nd argument to `createPagesEventContext()`");
      }
      if (input === undefined) return opts.next(opts.request);
      const url = typeof input === "string" ? new URL(input, opts.request.url).toString() : input;
      return opts.next(new core.Request(url, init));
    },
    env,
    params: opts.params ?? {},
    data: opts.data ?? {},
  };
  pagesContexts.set(context, execution);
  return context;
}

function createScheduledController(options = {}) {
  const scheduledTime = options.scheduledTime instanceof Date ? options.scheduledTime.getTime() : options.scheduledTime ?? Date.now();
  return Object.freeze({ scheduledTime, cron: options.cron ?? "", type: "scheduled", noRetry() {} });
}

/// A batch for calling a `queue()` handler directly; `getQueueResult` reads what it decided.
class TestMessageBatch {
  #acks = [];
  #retries = [];
  #decided = new Set();
  #all = null;
  constructor(queue, messages) {
    this.queue = queue;
    this.messages = messages.map((m) => {
      const decide = (list, entry) => {
        if (this.#decided.has(m.id)) return;
        this.#decided.add(m.id);
        list.push(entry);
      };
      return Object.freeze({
        id: m.id,
        timestamp: m.timestamp instanceof Date ? m.timestamp : new Date(m.timestamp ?? Date.now()),
        body: m.body,
        attempts: m.attempts ?? 1,
        ack: () => decide(this.#acks, m.id),
        retry: (options) => decide(this.#retries, options?.delaySeconds === undefined ? { msgId: m.id } : { msgId: m.id, delaySeconds: options.delaySeconds }),
      });
    });
  }
  ackAll() { this.#all ??= { ack: true }; }
  retryAll(options) { this.#all ??= { retry: true, delaySeconds: options?.delaySeconds }; }
  static _result(batch) {
    if (!(batch instanceof TestMessageBatch)) {
      throw new TypeError("Failed to execute 'getQueueResult': parameter 1 is not of type 'MessageBatch'.");
    }
    const all = batch.#all ?? {};
    const retryBatch = all.retry ? (all.delaySeconds === undefined ? { retry: true } : { retry: true, delaySeconds: all.delaySeconds }) : { retry: false };
    return { outcome: "ok", ackAll: all.ack === true, retryBatch, explicitAcks: [...batch.#acks], retryMessages: [...batch.#retries] };
  }
}

function createMessageBatch(queueName, messages) {
  return new TestMessageBatch(String(queueName), [...messages]);
}

async function getQueueResult(batch, ctx) {
  await waitOnExecutionContext(ctx);
  return TestMessageBatch._result(batch);
}

/// The pool's `applyD1Migrations`: applies the migrations not yet recorded in the table, each
/// with its record in one batch, in order.
async function applyD1Migrations(db, migrations, migrationsTableName = "d1_migrations") {
  const table = String(migrationsTableName);
  await db.prepare(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`).run();
  const applied = new Set((await db.prepare(`SELECT name FROM ${table}`).all()).results.map((r) => r.name));
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    const statements = migration.queries.map((q) => db.prepare(q));
    // applied_at from the simulated clock (SQLite's CURRENT_TIMESTAMP would read the host's).
    const appliedAt = new Date().toISOString().replace("T", " ").slice(0, 19);
    statements.push(db.prepare(`INSERT INTO ${table} (name, applied_at) VALUES (?, ?)`).bind(migration.name, appliedAt));
    await db.batch(statements);
  }
}

const cloudflareTest = {
  runInDurableObject,
  runDurableObjectAlarm,
  listDurableObjectIds,
  evictDurableObject,
  evictAllDurableObjects,
  abortAllDurableObjects,
  reset,
  fetchMock,
  createMessageBatch,
  getQueueResult,
  applyD1Migrations,
  get env() { return core.workerEnv; },
  SELF,
  createExecutionContext,
  createPagesEventContext,
  waitOnExecutionContext,
  createScheduledController,
  introspectWorkflowInstance: (workflow, id) => core.unit("workflows").introspectWorkflowInstance(workflow, id),
  introspectWorkflow: (workflow) => core.unit("workflows").introspectWorkflow(workflow),
  adminSecretsStore: (binding) => core.unit("secrets_store").adminSecretsStore(binding),
};
