// A notes API as people write them: Hono routing and middleware, request bodies validated by
// zod through @hono/zod-validator (ES modules with conditional exports), and `ms` (CommonJS)
// to read TTLs like "1h". Notes live in KV, so a read at another colo may be stale.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import ms from "ms";

type Env = { Bindings: { NOTES: KVNamespace } };

const Note = z.object({
  text: z.string().min(1).max(280),
  ttl: z.string().regex(/^\d+\s*[smhd]$/).default("1h"),
});

const app = new Hono<Env>();
app.use("*", cors());
app.use("/notes/*", etag());

app.put("/notes/:id", zValidator("json", Note), async (c) => {
  const { text, ttl } = c.req.valid("json");
  const ttlSeconds = Math.max(60, Math.floor(ms(ttl) / 1000));
  await c.env.NOTES.put(c.req.param("id"), text, { expirationTtl: ttlSeconds });
  return c.json({ id: c.req.param("id"), ttlSeconds }, 201);
});

app.get("/notes/:id", async (c) => {
  const text = await c.env.NOTES.get(c.req.param("id"));
  return text === null ? c.json({ error: "not found" }, 404) : c.json({ text });
});

app.notFound((c) => c.json({ error: "no such route" }, 404));

export default app;
