// An order as a Workflow: reserve stock, wait for the warehouse, charge the card (a slow
// call), ship. Each step records what it did in KV under the order's id, so the side effects
// can be counted; the Workflow's output is what its steps returned.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

interface Env {
	ORDERS: Workflow<{ item: string }>;
	LEDGER: KVNamespace;
}

/// Counts one more `what` for order `id`: a side effect a retried step may repeat.
async function record(env: Env, id: string, what: string): Promise<number> {
	const key = `${id}/${what}`;
	const n = Number((await env.LEDGER.get(key)) ?? 0) + 1;
	await env.LEDGER.put(key, String(n));
	return n;
}

export class OrderWorkflow extends WorkflowEntrypoint<Env, { item: string }> {
	async run(event: WorkflowEvent<{ item: string }>, step: WorkflowStep) {
		const id = event.instanceId;
		const reserved = await step.do("reserve stock", async () => {
			await record(this.env, id, "reserve");
			return `${event.payload.item} reserved`;
		});
		await step.sleep("wait for the warehouse", "5 seconds");
		const charged = await step.do(
			"charge card",
			{ retries: { limit: 3, delay: "2 seconds", backoff: "constant" }, timeout: "30 seconds" },
			async () => {
				// The charge request reaches the provider at once; its answer takes 3 s.
				const n = await record(this.env, id, "charge");
				await scheduler.wait(3_000);
				return `charged (call ${n})`;
			},
		);
		const shipped = await step.do("ship", async () => {
			await record(this.env, id, "ship");
			return "shipped";
		});
		return { reserved, charged, shipped };
	}
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		const url = new URL(request.url);
		const id = url.pathname.split("/")[2];
		if (request.method === "POST") {
			const instance = await env.ORDERS.create({ id, params: { item: url.searchParams.get("item") ?? "book" } });
			return Response.json({ id: instance.id }, { status: 201 });
		}
		const status = await (await env.ORDERS.get(id)).status();
		return Response.json(status);
	},
} satisfies ExportedHandler<Env>;
