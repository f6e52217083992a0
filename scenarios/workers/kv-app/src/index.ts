// A key-value front end: PUT /kv/<key> stores the body, GET /kv/<key> reads it back (404 when
// missing), DELETE /kv/<key> removes it. Responses say which value version was read via the
// `x-value` header so scenarios can see staleness.
interface Env {
  STORE: KVNamespace;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const key: string = decodeURIComponent(url.pathname.replace(/^\/kv\//, ""));
    if (!url.pathname.startsWith("/kv/") || key === "") {
      return new Response("use /kv/<key>", { status: 400 });
    }
    switch (request.method) {
      case "PUT": {
        try {
          await env.STORE.put(key, await request.text());
        } catch (e) {
          // KV allows one write per second per key: `KV PUT failed: 429 Too Many Requests`.
          const message = (e as Error).message;
          if (message.includes(" 429 ")) return new Response(message, { status: 429 });
          throw e;
        }
        return new Response(null, { status: 204 });
      }
      case "DELETE":
        await env.STORE.delete(key);
        return new Response(null, { status: 204 });
      case "GET": {
        const value: string | null = await env.STORE.get(key);
        return value === null
          ? new Response("not found", { status: 404 })
          : new Response(value, { headers: { "x-value": value } });
      }
      default:
        return new Response("method not allowed", { status: 405 });
    }
  },
} satisfies ExportedHandler<Env>;
