// Posts in D1, read through the Sessions API. POST /posts adds a post, GET /posts counts them.
// Each request opens a session from the bookmark its client sent (`x-d1-bookmark`) and hands
// the session's newest bookmark back, so a client that carries it reads its own writes even
// from a read replica; a client without one reads whatever its nearest replica has.
interface Env {
  DB: D1Database;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname !== "/posts") return new Response("not found", { status: 404 });
    const bookmark = request.headers.get("x-d1-bookmark");
    const write = request.method === "POST";
    const session = env.DB.withSession(bookmark ?? (write ? "first-primary" : "first-unconstrained"));
    if (write) {
      await session.batch([
        session.prepare("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"),
        session.prepare("INSERT INTO posts (body) VALUES (?)").bind(await request.text()),
      ]);
    }
    const result = await session.prepare("SELECT count(*) AS n FROM posts").first<{ n: number }>();
    const { meta } = await session.prepare("SELECT 1").run();
    return Response.json(
      { posts: result?.n ?? 0, region: meta.served_by_region, primary: meta.served_by_primary },
      { headers: { "x-d1-bookmark": session.getBookmark() ?? "" } },
    );
  },
} satisfies ExportedHandler<Env>;
