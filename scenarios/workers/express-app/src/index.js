// Express 5 on Workers, as Cloudflare's guide runs it: an app served by a Node HTTP server
// behind cloudflare:node's httpServerHandler. Items live in KV; /items/:id/export writes the
// item to a CSV file in /tmp and sends it with res.sendFile, which reads it back through
// node:fs (express's `send` stats the file and streams it).
import { env } from "cloudflare:workers";
import { httpServerHandler } from "cloudflare:node";
import { writeFileSync } from "node:fs";
import express from "express";

const app = express();
app.use(express.json());

app.get("/", (req, res) => {
  res.json({ service: "items", express: true });
});

app.post("/items", async (req, res) => {
  const { id, name } = req.body ?? {};
  if (typeof id !== "string" || typeof name !== "string") {
    return res.status(400).json({ error: "id and name are required" });
  }
  await env.ITEMS.put(id, JSON.stringify({ id, name }));
  res.status(201).json({ id, name });
});

app.get("/items/:id", async (req, res) => {
  const item = await env.ITEMS.get(req.params.id, "json");
  if (item === null) return res.status(404).json({ error: "no such item" });
  res.json(item);
});

app.get("/items/:id/export", async (req, res, next) => {
  const item = await env.ITEMS.get(req.params.id, "json");
  if (item === null) return res.status(404).json({ error: "no such item" });
  const path = `/tmp/${item.id}.csv`;
  writeFileSync(path, `id,name\n${item.id},${item.name}\n`);
  res.sendFile(path, (err) => err && next(err));
});

app.use((req, res) => res.status(404).json({ error: "not found" }));
app.use((err, req, res, _next) => res.status(500).json({ error: err.message }));

app.listen(3000);
export default httpServerHandler({ port: 3000 });
