// Workflows, the instance's side: one run of `run(event, step)` and the `step` it receives.
// Each step first asks the engine what it recorded (storage/workflow.rs); only a step with no
// result runs. A wait (a sleep, a retry's delay, an event) ends the run once no step callback
// is running — the instance hibernates, and the next run replays up to where it waited.
// Texts and defaults are workflows-shared's (context.ts, validators.ts) and the docs'
// (sleeping-and-retrying.mdx: the default retry config).

const { setTimer, clearTimer, hasFlag } = core;

/// The docs' default; `wrangler dev` (and so `edgesim test`) waits 1 s instead (the run says).
const DEFAULT_RETRIES = { limit: 5, delay: 10000, backoff: "exponential" };
const DEFAULT_TIMEOUT = "10 minutes";
const DEFAULT_EVENT_TIMEOUT = "24 hours";
const STEP_NAME_MAX = 256;
/// limits.mdx: a step's result is at most 1 MiB.
const STEP_RESULT_MAX_BYTES = 1024 * 1024;
const BACKOFFS = ["constant", "linear", "exponential"];

/// What a step throws after the run was told to stop: never reaches the Worker's code.
const HALT = Symbol("halt");
const never = () => new Promise(() => {});

class NonRetryableError extends Error {
  constructor(message, name = "NonRetryableError") {
    super(message);
    this.name = name;
  }
}

const UNIT_MS = { millisecond: 1, second: 1e3, minute: 6e4, hour: 3.6e6, day: 8.64e7, week: 6.048e8, month: 2.592e9, year: 3.1536e10 };
/// A duration in ms from a number of ms or a string like "30 seconds" (itty-time's `ms`);
/// NaN when it is neither.
function toMs(duration) {
  if (typeof duration === "number") return duration;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$/i.exec(String(duration));
  const unit = m && UNIT_MS[m[2].toLowerCase()];
  return unit ? Number(m[1]) * unit : NaN;
}

/// The classes an error keeps across the RPC between a run and the engine; any other arrives
/// as an Error with its name before its message (what workflows-shared's errors.ts reads back).
const BUILTIN_ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
function recorded(e) {
  const name = String(e?.name ?? "Error");
  const message = String(e?.message ?? e);
  if (name in BUILTIN_ERRORS) return { name, message };
  return { name: "Error", message: message === "" ? name : `${name}: ${message}` };
}
const stepError = (record) => new (BUILTIN_ERRORS[record.name] ?? Error)(record.message);
const timeoutError = (ms) => Object.assign(new Error(`Execution timed out after ${ms}ms`), { name: "WorkflowTimeoutError" });
const selects = (selector, name, count) => selector.name === name && (selector.index ?? 1) === count;
const isNonRetryable = (e) => e?.name === "NonRetryableError" || String(e?.message).startsWith("NonRetryableError");

/// An error the engine throws into the run (WorkflowFatalError), as RPC delivers it.
const fatal = (message) => new Error(`WorkflowFatalError: ${message}`);
const invalidConfig = (name) =>
  fatal(`Step config for "${name}" is in a invalid format. See https://developers.cloudflare.com/workflows/build/sleeping-and-retrying/`);

/// validators.ts STEP_CONFIG_SCHEMA, merged over the defaults.
function resolveConfig(name, config, defaultDelayMs) {
  const only = (obj, keys) => Object.keys(obj).every((k) => keys.includes(k));
  if (typeof config !== "object" || config === null || !only(config, ["retries", "timeout", "sensitive"])) throw invalidConfig(name);
  const { retries, timeout, sensitive } = config;
  if (retries !== undefined) {
    const ok = typeof retries === "object" && retries !== null && only(retries, ["limit", "delay", "backoff"]) &&
      typeof retries.limit === "number" && retries.limit >= 0 &&
      (typeof retries.delay === "function" || (typeof retries.delay === "number" && retries.delay >= 0) ||
        (typeof retries.delay === "string" && !Number.isNaN(toMs(retries.delay)))) &&
      (retries.backoff === undefined || BACKOFFS.includes(retries.backoff));
    if (!ok) throw invalidConfig(name);
  }
  if (timeout !== undefined && (!(typeof timeout === "number" || typeof timeout === "string") || !(toMs(timeout) > 0))) throw invalidConfig(name);
  if (sensitive !== undefined && sensitive !== "output") throw invalidConfig(name);
  return { retries: { ...DEFAULT_RETRIES, delay: defaultDelayMs, ...retries }, timeout: timeout ?? DEFAULT_TIMEOUT, ...(sensitive ? { sensitive } : {}) };
}

/// workflows-shared retries.ts `calcRetryDuration`: the wait before attempt `attempt + 1`.
function retryDelayMs(retries, base, attempt) {
  if (retries.backoff === "exponential") return base * 2 ** (attempt - 1);
  if (retries.backoff === "linear") return base * attempt;
  return base;
}

class Run {
  constructor(id, workflow, instance, generation, stepsLimit, retryDelayMs) {
    Object.assign(this, { id, workflow, instance, generation, stepsLimit, retryDelayMs });
    this.modifiers = null;
    this.counts = new Map();
    this.doCalls = 0;
    /// step.do callbacks running now, and the waits the run has reached.
    this.active = 0;
    this.waits = [];
    this.checking = false;
    this.over = false;
  }

  /// The run is over: the engine learns how (storage/workflow.rs RunEnd).
  end(how) {
    if (this.over) return;
    this.over = true;
    ops.workflowEnded(this.id, JSON.stringify(how));
    ops.handlerDone(this.id);
  }

  op(request) {
    if (this.over) throw HALT;
    const answer = JSON.parse(ops.workflowStep(this.workflow, this.instance, this.generation, JSON.stringify(request)));
    if (answer.answer === "stop") {
      this.end({ end: "stopped" });
      throw HALT;
    }
    return answer;
  }
  get(key) { return this.op({ op: "get", key }).record; }
  /// The modifiers a test set (cloudflare:test introspectors), read once per run.
  mods() { return (this.modifiers ??= this.op({ op: "modifiers" }).modifiers); }
  /// Whether a `disableSleeps`/`disableRetryDelays` modifier covers the step.
  disabled(type, name, count) {
    return this.mods().some((m) => m.type === type && (!m.steps || m.steps.some((s) => selects(s, name, count))));
  }
  /// What the modifiers make of attempt `attempt` of the step (workflows-shared modifier.ts):
  /// an error, a timeout (attempts counted across both), or a result.
  planned(name, count, attempt) {
    let next = 1;
    let always = null;
    let result = null;
    for (const m of this.mods()) {
      if (!m.step || !selects(m.step, name, count)) continue;
      if (m.type === "mockStepResult") result = { result: m.result };
      if (m.type !== "mockStepError" && m.type !== "forceStepTimeout") continue;
      const what = m.type === "mockStepError" ? { error: m.error } : { timeout: true };
      if (!m.times) always ??= what;
      else if (attempt >= next && attempt < next + m.times) return what;
      else next += m.times;
    }
    return always ?? result;
  }
  put(key, record) { this.op({ op: "put", key, record }); }

  /// The `n`th call of a step named `name` in this run: the key its record has.
  key(kind, name) {
    const k = `${kind}:${name}`;
    const n = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, n);
    return [`${k}:${n}`, n];
  }

  /// The run waits until `atMs` (or an event of `eventType`): it ends once no step runs.
  wait(atMs, eventType) {
    this.waits.push({ atMs, eventType });
    this.idleCheck();
    return never();
  }
  idleCheck() {
    if (this.checking || this.over) return;
    this.checking = true;
    setTimer(() => {
      this.checking = false;
      if (this.over || this.active > 0 || this.waits.length === 0) return;
      const times = this.waits.map((w) => w.atMs).filter((t) => t !== null);
      const events = [...new Set(this.waits.map((w) => w.eventType).filter((t) => t !== undefined))];
      this.end({ end: "suspended", wakeAtMs: times.length ? Math.min(...times) : null, events });
    }, 0);
  }

  returned(value) {
    let output;
    try {
      output = serializeValue(value);
    } catch {
      return this.threw(new Error("The execution of the Workflow instance was terminated, as the run returned a value which is not serialisable"));
    }
    this.end({ end: "returned", output });
  }
  threw(e) {
    if (e === HALT) return;
    if (!isNonRetryable(e)) return this.end({ end: "threw", error: recorded(e) });
    const error = hasFlag("workflows_preserve_non_retryable_error_message")
      ? { name: "NonRetryableError", message: String(e.message).replace(/^NonRetryableError:?\s*/, "") }
      : { name: "WorkflowFatalError", message: "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled" };
    this.end({ end: "threw", error });
  }

  async do(name, configOrCallback, maybeCallback) {
    const [config, callback] = typeof configOrCallback === "function" ? [{}, configOrCallback] : [configOrCallback ?? {}, maybeCallback];
    if (typeof callback !== "function") throw fatal(`Step "${name}" requires a callback function`);
    if (++this.doCalls > this.stepsLimit) {
      throw fatal(`The limit of ${this.stepsLimit} steps has been reached. This limit can be changed in your worker configuration.`);
    }
    if (String(name).length > STEP_NAME_MAX || /[\x00-\x1F]/.test(name)) {
      throw fatal(`Step name "${name}" exceeds max length (${STEP_NAME_MAX} chars) or invalid characters found`);
    }
    const resolved = resolveConfig(name, config, this.retryDelayMs);
    const [key, count] = this.key("do", name);
    const record = this.get(key) ?? { kind: "do", attempts: 0, retryAtMs: null, value: null, error: null };
    if (record.value !== null) return deserializeValue(record.value);
    if (record.error !== null) throw stepError(record.error);
    if (record.retryAtMs !== null && record.retryAtMs > Date.now()) return this.wait(record.retryAtMs);
    if (record.attempts > resolved.retries.limit) {
      // The last attempt allowed was cut off by a lost run (workflows-shared counts it failed).
      const error = { name: "WorkflowInternalError", message: "Attempt failed due to internal workflows error" };
      this.put(key, { ...record, retryAtMs: null, error });
      throw stepError(error);
    }
    return this.attempt({ key, name, count, resolved, callback, record });
  }

  async attempt({ key, name, count, resolved, callback, record }) {
    const attempt = record.attempts + 1;
    this.put(key, { ...record, attempts: attempt, retryAtMs: null });
    const ctx = { step: { name, count }, attempt, config: resolved };
    let outcome;
    this.active++;
    const plan = this.planned(name, count, attempt);
    try {
      if (plan?.error) throw Object.assign(new Error(plan.error.message), { name: plan.error.name });
      if (plan?.timeout) throw timeoutError(0);
      outcome = { value: plan ? deserializeValue(plan.result) : await this.timed(() => callback(ctx), toMs(resolved.timeout)) };
    } catch (error) {
      outcome = { error };
    } finally {
      this.active--;
    }
    if (this.over) return never();
    if (!("error" in outcome)) {
      let encoded;
      try {
        encoded = serializeValue(outcome.value);
      } catch {
        this.end({ end: "threw", error: { name: "WorkflowFatalError", message: `The execution of the Workflow instance was terminated, as the step "${name}" returned a value which is not serialisable` } });
        return never();
      }
      if (encoded.length <= STEP_RESULT_MAX_BYTES) {
        this.put(key, { ...record, attempts: attempt, retryAtMs: null, value: encoded });
        this.idleCheck();
        return outcome.value;
      }
      outcome = { error: Object.assign(new Error(`Step ${name}-${count} output is too large. Maximum allowed size is 1MiB.`), { name: "WorkflowInternalError" }) };
    }
    const { error } = outcome;
    if (isNonRetryable(error) || attempt > resolved.retries.limit) {
      const failure = recorded(error);
      this.put(key, { ...record, attempts: attempt, retryAtMs: null, error: failure });
      this.idleCheck();
      throw stepError(failure);
    }
    const delay = resolved.retries.delay;
    const base = toMs(typeof delay === "function" ? await delay({ ctx, error }) : delay);
    const waitMs = this.disabled("disableRetryDelays", name, count) ? 0
      : retryDelayMs(resolved.retries, Number.isFinite(base) ? base : this.retryDelayMs, attempt);
    const retryAtMs = Date.now() + waitMs;
    this.put(key, { ...record, attempts: attempt, retryAtMs });
    return this.wait(retryAtMs);
  }

  /// `work()` raced against the step's timeout (a retryable WorkflowTimeoutError).
  timed(work, timeoutMs) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimer(() => reject(timeoutError(timeoutMs)), timeoutMs);
    });
    return Promise.race([Promise.resolve().then(work), timeout]).finally(() => clearTimer(timer));
  }

  async sleep(name, duration) {
    const ms = toMs(duration);
    if (Number.isNaN(ms)) throw new TypeError(`Invalid sleep duration: ${String(duration)}`);
    return this.sleepStep(name, (now) => now + Math.max(0, ms));
  }

  async sleepUntil(name, timestamp) {
    const at = timestamp instanceof Date ? timestamp.valueOf() : Number(timestamp);
    return this.sleepStep(name, (now) => {
      if (at < now) throw new Error("You can't sleep until a time in the past, time-traveler");
      return at;
    });
  }

  /// A sleep step: replays its recorded end, or records the one `until(now)` gives (now, when
  /// a test disabled the sleep) and waits for it.
  sleepStep(name, until) {
    const [key, count] = this.key("sleep", name);
    const record = this.get(key);
    const now = Date.now();
    if (record) return record.untilMs <= now ? undefined : this.wait(record.untilMs);
    const end = until(now);
    const untilMs = this.disabled("disableSleeps", name, count) ? now : end;
    this.put(key, { kind: "sleep", untilMs });
    if (untilMs > now) return this.wait(untilMs);
  }

  async waitForEvent(name, options) {
    const type = String(options?.type);
    const timeoutMs = toMs(options?.timeout || DEFAULT_EVENT_TIMEOUT);
    const [key, count] = this.key("event", name);
    let record = this.get(key);
    const toEvent = (e) => ({ payload: deserializeValue(e.payload), timestamp: new Date(e.timestampMs), type: e.type });
    if (record?.event) return toEvent(record.event);
    if (record?.error) throw stepError(record.error);
    if (!record) {
      record = { kind: "event", eventType: type, timeoutAtMs: Date.now() + timeoutMs, event: null, error: null };
      this.put(key, record);
    }
    const forced = this.mods().some((m) => m.type === "forceEventTimeout" && selects(m.step, name, count));
    const taken = forced ? null : this.op({ op: "takeEvent", key, eventType: type }).event;
    if (taken) return toEvent(taken);
    if (forced || record.timeoutAtMs <= Date.now()) {
      const error = recorded(timeoutError(timeoutMs));
      this.put(key, { ...record, error });
      throw stepError(error);
    }
    return this.wait(record.timeoutAtMs, type);
  }
}

/// What `run()` receives as `step`: each method keeps the run's halt from the Worker's code.
class WorkflowStep {
  #run;
  constructor(run) { this.#run = run; }
  do(...args) { return guard(this.#run.do(...args)); }
  sleep(name, duration) { return guard(this.#run.sleep(name, duration)); }
  sleepUntil(name, timestamp) { return guard(this.#run.sleepUntil(name, timestamp)); }
  waitForEvent(name, options) { return guard(this.#run.waitForEvent(name, options)); }
}
const guard = (promise) => promise.catch((e) => (e === HALT ? never() : Promise.reject(e)));

/// Starts run `generation` of instance `instanceId` (engine/isolate/workflow_runs.rs).
function dispatchWorkflow(id, [workflow, className, instanceId, params], [generation, createdMs, stepsLimit, retryDelayMs]) {
  const run = new Run(id, workflow, instanceId, generation, stepsLimit, retryDelayMs);
  let promise;
  try {
    const Class = core.moduleExports?.[className];
    if (typeof Class !== "function" || !(Class.prototype instanceof core.cloudflareWorkers.WorkflowEntrypoint)) {
      throw new Error(`Workflow "${workflow}": the Worker does not export a WorkflowEntrypoint class named "${className}"`);
    }
    const entry = new Class(new core.ExecutionContext(id), core.workerEnv);
    const event = { payload: deserializeValue(params), timestamp: new Date(createdMs), instanceId, workflowName: workflow };
    promise = Promise.resolve(entry.run(event, new WorkflowStep(run)));
  } catch (e) {
    promise = Promise.reject(e);
  }
  promise.then((value) => run.over || run.returned(value), (e) => run.over || run.threw(e));
}
