// Spreads requests round-robin over OBJECTS counters, so N requests reach N / OBJECTS each.
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async increment() {
    const value = ((await this.ctx.storage.get("value")) ?? 0) + 1;
    await this.ctx.storage.put("value", value);
    return value;
  }
}

let next = 0;
export default {
  async fetch(request, env) {
    const objects = Number(new URL(request.url).searchParams.get("objects"));
    const name = String(next++ % objects);
    return new Response(String(await env.COUNTER.getByName(name).increment()));
  },
};
