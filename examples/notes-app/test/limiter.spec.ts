// The Durable Object tested directly, through its stub's RPC methods.
import { env } from "cloudflare:test";
import { sim } from "edgesim:test";
import { expect, it } from "vitest";

it("allows up to the limit within a minute, then again the next minute", async () => {
	const limiter = env.LIMITER.getByName("dee");
	expect([await limiter.allow(2), await limiter.allow(2), await limiter.allow(2)]).toEqual([true, true, false]);
	await sim.advance("60s");
	expect(await limiter.allow(2)).toBe(true);
});

it("keeps each author's count apart", async () => {
	expect(await env.LIMITER.getByName("eve").allow(1)).toBe(true);
	expect(await env.LIMITER.getByName("fay").allow(1)).toBe(true);
	expect(await env.LIMITER.getByName("eve").allow(1)).toBe(false);
});
