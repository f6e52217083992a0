// `cloudflare:test`'s Workflow introspectors (vitest-pool-workers, workflows-shared
// introspection.ts): modifiers recorded for an instance or for every instance created while
// an `introspectWorkflow` session lasts, and waits on a step's result or an instance's status.
// A wait polls the engine on the simulated clock.

const POLL_MS = 10;
const FINITE = ["complete", "errored", "terminated"];

const introspect = (workflow, op, id = "", json = null) =>
  awaitOp(ops.workflowIntrospect(workflow, op, id, json));
const pause = () => new Promise((resolve) => setTimer(resolve, POLL_MS));

/// Records modifiers as the pool's WorkflowInstanceModificationRecorder does; `send` hands
/// each one to the engine.
class WorkflowInstanceModifier {
  #send;
  #mocked = new Set();
  constructor(send) { this.#send = send; }
  async disableSleeps(steps) { await this.#send({ type: "disableSleeps", steps: steps ?? null }); }
  async disableRetryDelays(steps) { await this.#send({ type: "disableRetryDelays", steps: steps ?? null }); }
  async mockStepResult(step, result) {
    if (this.#mocked.has(step.name)) throw new Error(`[WorkflowIntrospector] Trying to mock step '${step.name}' multiple times!`);
    this.#mocked.add(step.name);
    await this.#send({ type: "mockStepResult", step: selector(step), result: serializeValue(result) });
  }
  async mockStepError(step, error, times) {
    if (this.#mocked.has(step.name)) throw new Error(`[WorkflowIntrospector] Trying to mock error on step '${step.name}' after mocking its result!`);
    await this.#send({ type: "mockStepError", step: selector(step), error: { name: String(error.name), message: String(error.message) }, times: times ?? null });
  }
  async forceStepTimeout(step, times) {
    if (this.#mocked.has(step.name)) throw new Error(`[WorkflowIntrospector] Trying to force timeout on step '${step.name}' after mocking its result!`);
    await this.#send({ type: "forceStepTimeout", step: selector(step), times: times ?? null });
  }
  async mockEvent(event) {
    await this.#send({ type: "mockEvent", eventType: String(event.type), payload: serializeValue(event.payload) });
  }
  async forceEventTimeout(step) { await this.#send({ type: "forceEventTimeout", step: selector(step) }); }
}
const selector = (step) => ({ name: String(step.name), index: step.index ?? null });

class WorkflowInstanceIntrospector {
  #workflow;
  #id;
  constructor(workflow, id) {
    this.#workflow = workflow;
    this.#id = id;
  }
  async modify(fn) {
    await fn(new WorkflowInstanceModifier((m) => introspect(this.#workflow, "modify", this.#id, JSON.stringify(m))));
    return this;
  }
  async waitForStepResult(step) {
    const key = `do:${step.name}:${step.index ?? 1}`;
    for (;;) {
      let found = null;
      try {
        found = JSON.parse(await introspect(this.#workflow, "stepResult", this.#id, key));
      } catch {
        // Not created yet.
      }
      if (found?.error) throw Object.assign(new Error(found.error.message), { name: found.error.name });
      if (found) return deserializeValue(found.value);
      await pause();
    }
  }
  async waitForStatus(status) {
    if (status === "queued") return;
    for (;;) {
      const now = await this.#status();
      if (now?.status === status) return;
      if (now && FINITE.includes(now.status) && FINITE.includes(status)) {
        throw new Error(`[WorkflowIntrospector] The Workflow instance ${this.#id} has reached status '${now.status}'. This is a finite status that prevents it from ever reaching the expected status of '${status}'.`);
      }
      await pause();
    }
  }
  async getOutput() {
    const now = await this.#status();
    if (now?.status !== "complete") {
      throw new Error(`Cannot retrieve output: Workflow instance is in status "${now?.status ?? "unknown"}" but must be "complete" to have an output available`);
    }
    return now.output === null ? undefined : deserializeValue(now.output);
  }
  async getError() {
    const now = await this.#status();
    if (now?.status !== "errored") {
      throw new Error(`Cannot retrieve error: Workflow instance is in status "${now?.status ?? "unknown"}" but must be "errored" to have error information available`);
    }
    return now.error;
  }
  async #status() {
    try {
      return JSON.parse(await callEngine(this.#workflow, "status", this.#id));
    } catch {
      return null;
    }
  }
  dispose = async () => { await introspect(this.#workflow, "dispose", this.#id); };
  async [Symbol.asyncDispose]() { await this.dispose(); }
}

class WorkflowIntrospector {
  #workflow;
  #instances = new Map();
  #disposed = false;
  constructor(workflow) { this.#workflow = workflow; }
  async modifyAll(fn) {
    await fn(new WorkflowInstanceModifier((m) => introspect(this.#workflow, "sessionModify", "", JSON.stringify(m))));
  }
  async get() {
    await this.#sync();
    return [...this.#instances.values()];
  }
  async #sync() {
    for (const id of JSON.parse(await introspect(this.#workflow, "sessionInstances"))) {
      if (!this.#instances.has(id)) this.#instances.set(id, new WorkflowInstanceIntrospector(this.#workflow, id));
    }
  }
  dispose = async () => {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await this.#sync();
    } finally {
      await introspect(this.#workflow, "stopSession");
      for (const instance of this.#instances.values()) await instance.dispose();
      this.#instances.clear();
    }
  };
  async [Symbol.asyncDispose]() { await this.dispose(); }
}

async function introspectWorkflowInstance(workflow, instanceId) {
  if (!workflow || !instanceId) throw new Error("[WorkflowIntrospector] Workflow binding and instance id are required.");
  return new WorkflowInstanceIntrospector(Workflow._name(workflow), String(instanceId));
}

async function introspectWorkflow(workflow) {
  if (!workflow) throw new Error("[WorkflowIntrospector] Workflow binding is required.");
  const name = Workflow._name(workflow);
  await introspect(name, "startSession");
  return new WorkflowIntrospector(name);
}

return { Workflow, WorkflowInstance, NonRetryableError, dispatchWorkflow, introspectWorkflowInstance, introspectWorkflow };
