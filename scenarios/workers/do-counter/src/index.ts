// One counter per name, in a Durable Object. Increments read then write with only storage in
// between, so the input gate makes them atomic; the output gate holds each answer until its
// write is confirmed, so no client is ever told about a write that a crash could lose.
import { DurableObject } from "cloudflare:workers";

interface Env {
  COUNTER: DurableObjectNamespace<Counter>;
}

export class Counter extends DurableObject<Env> {
  async increment(by: number = 1): Promise<number> {
    const value = ((await this.ctx.storage.get<number>("value")) ?? 0) + by;
    await this.ctx.storage.put("value", value);
    return value;
  }

  async get(): Promise<number> {
    return (await this.ctx.storage.get<number>("value")) ?? 0;
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get("name") ?? "main";
    const stub = env.COUNTER.get(env.COUNTER.idFromName(name));
    try {
      if (request.method === "POST" && url.pathname === "/inc") {
        return new Response(String(await stub.increment()));
      }
      if (url.pathname === "/count") {
        return new Response(String(await stub.get()));
      }
      return new Response("not found", { status: 404 });
    } catch (e) {
      // A crashed host or a failed write: the caller learns it was not acknowledged.
      return new Response(`unavailable: ${(e as Error).message}`, { status: 503 });
    }
  },
};
