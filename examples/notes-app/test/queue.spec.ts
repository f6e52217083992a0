// The queue consumer, called with a batch made by the test.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect, it } from "vitest";
import worker from "../src/index";

it("marks stored notes indexed and retries unknown ones", async () => {
	await env.DB.prepare("INSERT INTO notes (author, body) VALUES ('ada', 'x')").run();
	const batch = createMessageBatch<{ id: number }>("index-notes", [
		{ id: "m1", timestamp: new Date(), attempts: 1, body: { id: 1 } },
		{ id: "m2", timestamp: new Date(), attempts: 1, body: { id: 99 } },
	]);
	const ctx = createExecutionContext();
	await worker.queue(batch, env, ctx);
	expect(await getQueueResult(batch, ctx)).toEqual({
		outcome: "ok",
		ackAll: false,
		retryBatch: { retry: false },
		explicitAcks: ["m1"],
		retryMessages: [{ msgId: "m2", delaySeconds: 10 }],
	});
	const row = await env.DB.prepare("SELECT indexed FROM notes WHERE id = 1").first();
	expect(row).toEqual({ indexed: 1 });
});
