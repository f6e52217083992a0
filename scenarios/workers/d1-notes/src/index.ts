// Notes over D1: the schema comes from the project's migrations, the listing query from a .sql
// file and the home page from an .html file (wrangler's module rules import both as text), and
// request bodies are checked by zod through @hono/zod-validator; /notes.html renders them with
// Hono's JSX (page.tsx).
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import listNotes from "./list.sql";
import home from "./index.html";
import { NotesPage } from "./page";

type Env = { Bindings: { DB: D1Database } };

const NewNote = z.object({
  body: z.string().min(1).max(500),
  tags: z.array(z.string().regex(/^[a-z0-9-]{1,20}$/)).max(5).default([]),
});

const app = new Hono<Env>();

app.get("/", (c) => c.html(home));

app.post("/notes", zValidator("json", NewNote), async (c) => {
  const { body, tags } = c.req.valid("json");
  const note = await c.env.DB.prepare("INSERT INTO notes (body, created_at) VALUES (?, ?) RETURNING id")
    .bind(body, Date.now())
    .first<{ id: number }>();
  if (note === null) return c.json({ error: "not stored" }, 500);
  if (tags.length > 0) {
    const tag = c.env.DB.prepare("INSERT INTO tags (note_id, tag) VALUES (?, ?)");
    await c.env.DB.batch(tags.map((t) => tag.bind(note.id, t)));
  }
  return c.json({ id: note.id, tags }, 201);
});

async function notes(db: D1Database, tag: string | undefined) {
  const { results } = await db.prepare(listNotes).bind(tag ?? null).all<{ id: number; body: string; tags: string | null }>();
  return results.map((n) => ({ ...n, tags: n.tags ? n.tags.split(",") : [] }));
}

app.get("/notes", async (c) => c.json(await notes(c.env.DB, c.req.query("tag"))));

app.get("/notes.html", async (c) => c.html(NotesPage({ notes: await notes(c.env.DB, c.req.query("tag")) })));

app.get("/schema", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all();
  return c.json(results.map((m) => m.name));
});

app.notFound((c) => c.json({ error: "no such route" }, 404));

export default app;
