// Unit tests: the handler and a helper called directly.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker, { banner } from "../src/index";

describe("banner", () => {
	it.each([
		[null, "Welcome"],
		["sale", "Welcome (sale)"],
	])("banner(%s) is %s", (flag, text) => {
		expect(banner(flag)).toBe(text);
	});
});

describe("fetch", () => {
	it("answers 404 for an unknown path", async () => {
		const ctx = createExecutionContext();
		const response = await worker.fetch(new Request("https://notes.example/nope"), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(response.status).toBe(404);
		expect(await response.text()).toMatchInlineSnapshot(`"not found"`);
	});
});
