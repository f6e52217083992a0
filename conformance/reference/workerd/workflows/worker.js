// The Worker whose Workflow cases workflows.mjs records under workerd and
// conformance/tests/differential_workflows.rs replays in edgesim. `run()` takes its case from
// the instance's params; `fetch` drives instances: /create?id=&case=, /status?id=,
// /event?id=&type=, /terminate?id=, and /binding?case= for the binding's own refusals.
import { WorkflowEntrypoint } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";

class MyError extends Error {
  constructor(message) {
    super(message);
    this.name = "MyError";
  }
}

const caught = async (promise) => {
  try {
    return { value: await promise };
  } catch (e) {
    return { name: e.name, message: e.message, isError: e instanceof Error };
  }
};

const CASES = {
  async complete(step, event) {
    const a = await step.do("first", async () => ({ n: 20 }));
    const b = await step.do("second", async () => a.n + event.payload.add);
    return { sum: b, instance: event.instanceId, isDate: event.timestamp instanceof Date };
  },
  async retried(step) {
    return await step.do("flaky", { retries: { limit: 3, delay: 50, backoff: "constant" } }, async (ctx) => {
      if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
      return { attempt: ctx.attempt, step: ctx.step, limit: ctx.config.retries.limit, timeout: ctx.config.timeout };
    });
  },
  async exhaustedTypeError(step) {
    await step.do("bad", { retries: { limit: 1, delay: 10, backoff: "constant" } }, async () => {
      throw new TypeError("bad input");
    });
  },
  async exhaustedCustom(step) {
    await step.do("custom", { retries: { limit: 0, delay: 10 } }, async () => {
      throw new MyError("custom failure");
    });
  },
  async caughtCustom(step) {
    return await caught(step.do("custom", { retries: { limit: 0, delay: 10 } }, async () => {
      throw new MyError("custom failure");
    }));
  },
  async nonRetryable(step) {
    await step.do("charge", async () => {
      throw new NonRetryableError("card declined");
    });
  },
  async caughtNonRetryable(step) {
    return await caught(step.do("charge", async () => {
      throw new NonRetryableError("card declined");
    }));
  },
  async stepTimeout(step) {
    return await caught(step.do("slow", { timeout: 100, retries: { limit: 0, delay: 10 } }, () => scheduler.wait(2_000)));
  },
  async eventArrives(step) {
    const e = await step.waitForEvent("approval", { type: "approved", timeout: "1 minute" });
    return { type: e.type, payload: e.payload, isDate: e.timestamp instanceof Date };
  },
  async eventTimesOut(step) {
    return await caught(step.waitForEvent("approval", { type: "approved", timeout: 200 }));
  },
  async uncaughtEventTimeout(step) {
    await step.waitForEvent("approval", { type: "approved", timeout: 200 });
  },
  async badConfig(step, event) {
    const configs = [
      ["negative", { retries: { limit: -1, delay: 1 } }],
      ["zero-timeout", { timeout: 0 }],
      ["extra-key", { extra: 1 }],
      ["bad-backoff", { retries: { limit: 1, delay: 1, backoff: "quadratic" } }],
      ["bad-delay", { retries: { limit: 1, delay: "soon" } }],
      ["x".repeat(257), {}],
    ];
    const [name, config] = configs[event.payload.index];
    return await caught(step.do(name, config, async () => 1));
  },
  async noCallback(step) {
    return await caught(step.do("no-callback", {}));
  },
  async sleepUntilPast(step) {
    return await caught(step.sleepUntil("past", Date.now() - 60_000));
  },
  async notSerialisable(step) {
    await step.do("fn", async () => () => 1);
  },
  async shortSleep(step) {
    const before = await step.do("before", async () => "b");
    await step.sleep("nap", "1 second");
    const after = await step.do("after", async () => "a");
    return [before, after];
  },
};

export class Flow extends WorkflowEntrypoint {
  async run(event, step) {
    return await CASES[event.payload.case](step, event);
  }
}

const BINDING_CASES = {
  getUnknown: (env) => env.FLOW.get("nope"),
  invalidId: (env) => env.FLOW.create({ id: "-bad" }),
  longId: (env) => env.FLOW.create({ id: "a".repeat(101) }),
  emptyBatch: (env) => env.FLOW.createBatch([]),
  async duplicate(env) {
    await env.FLOW.create({ id: "dup", params: { case: "complete", add: 1 } });
    return env.FLOW.create({ id: "dup", params: { case: "complete", add: 1 } });
  },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const id = url.searchParams.get("id");
    const result = await caught((async () => {
      switch (url.pathname) {
        case "/create": {
          const params = { case: url.searchParams.get("case"), add: 22, index: Number(url.searchParams.get("index")) };
          return (await env.FLOW.create({ id, params })).id;
        }
        case "/status": {
          const { status, output, error } = await (await env.FLOW.get(id)).status();
          return { status, output, error };
        }
        case "/event":
          return await (await env.FLOW.get(id)).sendEvent({ type: url.searchParams.get("type"), payload: { by: "ada" } });
        case "/terminate":
          return await (await env.FLOW.get(id)).terminate();
        case "/binding": {
          const r = await BINDING_CASES[url.searchParams.get("case")](env);
          return r?.id ?? r;
        }
      }
    })());
    return Response.json(result);
  },
};
