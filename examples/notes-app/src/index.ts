import { DurableObject } from "cloudflare:workers";

export interface Env {
	FLAGS: KVNamespace;
	DB: D1Database;
	LIMITER: DurableObjectNamespace<RateLimiter>;
	INDEX: Queue<{ id: number }>;
}

/// At most `limit` notes per author per minute.
export class RateLimiter extends DurableObject<Env> {
	async allow(limit: number): Promise<boolean> {
		const minute = Math.floor(Date.now() / 60_000);
		const key = `count:${minute}`;
		const count = ((await this.ctx.storage.get<number>(key)) ?? 0) + 1;
		await this.ctx.storage.put(key, count);
		return count <= limit;
	}
}

export function banner(flag: string | null): string {
	return flag === null ? "Welcome" : `Welcome (${flag})`;
}

export default {
	async fetch(request, env): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname === "/") {
			return new Response(banner(await env.FLAGS.get("banner")));
		}
		if (url.pathname === "/notes" && request.method === "POST") {
			const author = request.headers.get("x-author") ?? "anonymous";
			if (!(await env.LIMITER.getByName(author).allow(3))) {
				return new Response("slow down", { status: 429 });
			}
			const note = await env.DB.prepare("INSERT INTO notes (author, body) VALUES (?, ?) RETURNING id")
				.bind(author, await request.text())
				.first<{ id: number }>();
			await env.INDEX.send({ id: note!.id });
			return Response.json(note, { status: 201 });
		}
		if (url.pathname === "/notes") {
			const { results } = await env.DB.prepare("SELECT id, author, body, indexed FROM notes ORDER BY id").all();
			return Response.json(results);
		}
		return new Response("not found", { status: 404 });
	},

	async queue(batch, env): Promise<void> {
		for (const message of batch.messages) {
			const done = await env.DB.prepare("UPDATE notes SET indexed = 1 WHERE id = ?").bind(message.body.id).run();
			if (done.meta.changes === 0) message.retry({ delaySeconds: 10 });
			else message.ack();
		}
	},
} satisfies ExportedHandler<Env, { id: number }>;
