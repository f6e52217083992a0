// What only a simulated platform can test: KV is eventually consistent across colos. A flag
// written through London is read in Singapore from Singapore's cached copy until it expires.
import { env, SELF } from "cloudflare:test";
import { expectKvStalenessAtMost, sim } from "edgesim:test";
import { expect, it } from "vitest";

const bannerAt = async (colo: string) =>
	(await SELF.fetch("https://notes.example/", { colo } as RequestInit)).text();

it("a flag change reaches Singapore only when its cached copy expires", async () => {
	await env.FLAGS.put("banner", "spring");
	expect(await bannerAt("SIN")).toBe("Welcome (spring)");

	await sim.advance("2s");
	await env.FLAGS.put("banner", "summer");
	expect(await bannerAt("LHR")).toBe("Welcome (summer)");
	expect(await bannerAt("SIN")).toBe("Welcome (spring)");

	await sim.advance("61s");
	expect(await bannerAt("SIN")).toBe("Welcome (summer)");
	// However the reads fell, none missed a write older than the cache TTL.
	expectKvStalenessAtMost("61s");
});

it("a colo cut off KV's central store fails its reads once its cached copy expires", async () => {
	await env.FLAGS.put("banner", "autumn");
	expect(await bannerAt("SIN")).toBe("Welcome (autumn)");
	sim.partition("SIN", "kv-central", { for: "5m" });
	await sim.advance("61s");
	const cutOff = await SELF.fetch("https://notes.example/", { colo: "SIN" } as RequestInit);
	expect(cutOff.status).toBe(500);
	expect(await bannerAt("LHR")).toBe("Welcome (autumn)");
});
