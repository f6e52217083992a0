// Request-scoped context as Node-minded code writes it: hono/context-storage keeps each
// request's Context in an AsyncLocalStorage (node:async_hooks), so helpers deep in the call
// stack find "their" request without being handed it, across KV reads, timers and waitUntil.
// The admin route checks Basic credentials with basic-auth (CommonJS, Buffer via safe-buffer)
// against process.env, which nodejs_compat fills from vars and .dev.vars secrets.
import { Hono } from "hono";
import { contextStorage, getContext } from "hono/context-storage";
import auth from "basic-auth";
import { Buffer } from "node:buffer";

type Env = {
  Bindings: { VISITS: KVNamespace };
  Variables: { requestId: string };
};

const app = new Hono<Env>();
app.use(contextStorage());
app.use(async (c, next) => {
  c.set("requestId", c.req.header("x-request-id") ?? crypto.randomUUID());
  await next();
  c.header("x-request-id", c.var.requestId);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** No Context passed in: the AsyncLocalStorage knows which request this is. */
function requestId(): string {
  return getContext<Env>().var.requestId;
}

/** Records this request's view under its own key (one write per key: KV allows one a second). */
async function recordView(page: string): Promise<number> {
  const kv = getContext<Env>().env.VISITS;
  const earlier = await kv.list({ prefix: `${page}:` });
  await sleep(20);
  await kv.put(`${page}:${requestId()}`, new Date().toISOString());
  console.log(`[${requestId()}] ${page} viewed (${earlier.keys.length} earlier views seen here)`);
  return earlier.keys.length + 1;
}

app.get("/pages/:page", async (c) => {
  const expected = c.var.requestId;
  const visits = await recordView(c.req.param("page"));
  // Concurrent requests interleave here; each must still see its own context.
  if (requestId() !== expected) return c.json({ error: "context leaked between requests" }, 500);
  c.executionCtx.waitUntil(
    (async () => {
      await sleep(50);
      if (requestId() !== expected) console.error(`context lost in waitUntil: ${expected}`);
      else console.log(`[${expected}] after the response`);
    })(),
  );
  return c.json({ page: c.req.param("page"), visits, requestId: requestId() });
});

app.get("/admin", (c) => {
  const user = auth.parse(c.req.header("authorization") ?? "");
  if (!user || user.name !== process.env.ADMIN_USER || user.pass !== process.env.ADMIN_PASSWORD) {
    return c.text("unauthorized", 401, { "www-authenticate": 'Basic realm="admin"' });
  }
  const token = Buffer.from(`${user.name}:${requestId()}`).toString("base64url");
  return c.json({ admin: user.name, token });
});

export default app;
