// Workflows, the caller's side: `env.MY_WORKFLOW` (create, createBatch, get) and the handle
// to one instance (workerd's cloudflare/internal/workflows-api.ts). Each call goes to the
// Workflow's engine through the host (storage/workflow.rs), which words its refusals.

const { awaitOp, serializeValue, deserializeValue } = core;

/// `createBatch` takes at most this many instances (workers-types `Workflow.createBatch`).
const BATCH_MAX = 100;

/// Sends `op` for instance `id` of Workflow `workflow`; resolves with the engine's answer.
const callEngine = (workflow, op, id, a = null, b = null) =>
  awaitOp(ops.workflowCall(workflow, op, id, a, b));

class WorkflowInstance {
  #workflow;
  constructor(workflow, id) {
    this.#workflow = workflow;
    Object.defineProperty(this, "id", { value: id, enumerable: true });
  }
  async pause() { await callEngine(this.#workflow, "pause", this.id); }
  async resume() { await callEngine(this.#workflow, "resume", this.id); }
  async terminate() { await callEngine(this.#workflow, "terminate", this.id); }
  async restart() { await callEngine(this.#workflow, "restart", this.id); }
  async status() {
    const view = JSON.parse(await callEngine(this.#workflow, "status", this.id));
    return {
      status: view.status,
      error: view.error ?? undefined,
      output: view.output === null ? null : deserializeValue(view.output),
    };
  }
  async sendEvent({ type, payload } = {}) {
    await callEngine(this.#workflow, "sendEvent", this.id, String(type), serializeValue(payload));
  }
}

class Workflow {
  #name;
  constructor(name) { this.#name = name; }
  /// The Workflow a binding reaches (for the introspectors).
  static _name(binding) {
    if (!(binding instanceof Workflow)) throw new TypeError("[WorkflowIntrospector] Workflow binding is required.");
    return binding.#name;
  }
  async get(id) {
    await callEngine(this.#name, "get", String(id));
    return new WorkflowInstance(this.#name, String(id));
  }
  async create(options = {}) {
    const id = options?.id ?? crypto.randomUUID();
    const params = serializeValue(options?.params ?? {});
    await callEngine(this.#name, "create", typeof id === "string" ? id : String(id), params);
    return new WorkflowInstance(this.#name, id);
  }
  async createBatch(batch) {
    if (!Array.isArray(batch) || batch.length === 0) {
      throw new Error("WorkflowError: batchCreate should have at least 1 instance");
    }
    if (batch.length > BATCH_MAX) {
      throw new Error(`WorkflowError: batchCreate supports at most ${BATCH_MAX} instances at a time`);
    }
    const created = [];
    for (const options of batch) created.push(await this.create(options));
    return created;
  }
}
