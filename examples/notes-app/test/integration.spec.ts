// Integration tests through SELF, with D1 migrated by the setup file and storage undone
// after every test.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const post = (body: string, author = "ada") =>
	SELF.fetch("https://notes.example/notes", { method: "POST", body, headers: { "x-author": author } });

describe("notes", () => {
	it("stores a note and lists it", async () => {
		expect((await post("hello")).status).toBe(201);
		const notes = await (await SELF.fetch("https://notes.example/notes")).json();
		expect(notes).toMatchObject([{ id: 1, author: "ada", body: "hello" }]);
	});

	it("starts from an empty table again", async () => {
		const { results } = await env.DB.prepare("SELECT count(*) AS n FROM notes").all();
		expect(results).toEqual([{ n: 0 }]);
	});

	it("limits an author to three notes a minute", async () => {
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await post(`note ${i}`, "bob")).status);
		expect(statuses).toEqual([201, 201, 201, 429]);
		expect((await post("other author", "cy")).status).toBe(201);
	});
});
