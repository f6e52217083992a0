// Workloads of npm libraries Workers bundle, at their lockfile's versions (../package.json).
import { marked } from "marked";
import { z } from "zod";
import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import Mustache from "mustache";
import { load as loadYaml, dump as dumpYaml } from "js-yaml";
import Papa from "papaparse";
import { XMLParser, XMLBuilder } from "fast-xml-parser";
import { groupBy, sortBy, uniqBy, cloneDeep, chunk } from "lodash-es";
import qs from "qs";
import { deflate, inflate } from "pako";
import { sha256 } from "@noble/hashes/sha2.js";
import { SignJWT, jwtVerify } from "jose";
import { diffWords } from "diff";
import { USERS, MARKDOWN, CSV, BYTES, words } from "./data.js";

const User = z.object({
  id: z.number().int().nonnegative(),
  name: z.string().min(1).max(100),
  email: z.string().email(),
  age: z.number().int().min(13),
  active: z.boolean(),
  score: z.number(),
  tags: z.array(z.string()).max(5),
});
const Users = z.array(User);

const router = new RegExpRouter();
const ROUTE_PATHS = ["/", "/api/users", "/api/users/:id", "/api/users/:id/posts", "/api/posts/:slug/comments/:cid", "/static/*", "/blog/:y/:m/:slug", "/api/sessions/:sid"];
ROUTE_PATHS.forEach((p, i) => router.add("GET", p, i));
const REQUEST_PATHS = ["/", "/api/users", "/api/users/42", "/api/users/7/posts", "/api/posts/hello/comments/3", "/static/app.js", "/blog/2024/05/edge", "/nope", "/api/sessions/abc"];

const app = new Hono();
app.get("/api/users/:id", (c) => c.json({ id: Number(c.req.param("id")), q: c.req.query("q") ?? null }));
app.post("/api/echo", async (c) => c.json(await c.req.json()));
app.notFound((c) => c.text("not found", 404));

const PAGE = `<h1>{{title}}</h1><ul>{{#users}}<li class="{{#active}}on{{/active}}{{^active}}off{{/active}}">{{name}} &lt;{{email}}&gt; {{score}}</li>{{/users}}</ul>`;
const YAML_TEXT = dumpYaml({ users: USERS.slice(0, 100) });
const XML_TEXT = new XMLBuilder({ ignoreAttributes: false }).build({ users: { user: USERS.slice(0, 150).map((u) => ({ "@_id": u.id, name: u.name, email: u.email, age: u.age })) } });
const QUERY = qs.stringify({ filter: { age: { gte: 18, lte: 65 }, tags: ["alpha", "echo"] }, sort: ["name", "-age"], page: { size: 50, number: 3 } });
const JWT_KEY = new TextEncoder().encode("a-32-byte-secret-for-hs256-jwts!");
const BEFORE = words(400, 8);
const AFTER = words(400, 9);

export const libraries = {
  markdown: {
    exercises: "marked: a blog post of markdown to HTML",
    run() {
      return marked.parse(MARKDOWN).length;
    },
  },
  zod_validate: {
    exercises: "zod: validating 500 records against an object schema",
    run() {
      return Users.parse(USERS).length;
    },
  },
  hono_router: {
    exercises: "hono's RegExpRouter matching request paths",
    run() {
      let total = 0;
      for (let r = 0; r < 200; r++) for (const p of REQUEST_PATHS) total += router.match("GET", p)[0].length;
      return total;
    },
  },
  hono_app: {
    exercises: "a hono app answering requests: Request in, JSON Response out",
    async run() {
      let total = 0;
      for (let i = 0; i < 50; i++) {
        const res = await app.request(`/api/users/${i}?q=x`);
        total += (await res.text()).length;
      }
      const echo = await app.request("/api/echo", { method: "POST", body: JSON.stringify({ a: 1, b: [1, 2, 3] }), headers: { "content-type": "application/json" } });
      return total + (await echo.text()).length;
    },
  },
  mustache_render: {
    exercises: "mustache: rendering a list page",
    run() {
      return Mustache.render(PAGE, { title: "Users", users: USERS.slice(0, 200) }).length;
    },
  },
  yaml_parse: {
    exercises: "js-yaml: parsing a 100-record YAML document",
    run() {
      return loadYaml(YAML_TEXT).users.length;
    },
  },
  csv_parse: {
    exercises: "papaparse: a 500-row CSV with a header and typed values",
    run() {
      return Papa.parse(CSV, { header: true, dynamicTyping: true }).data.length;
    },
  },
  xml_parse: {
    exercises: "fast-xml-parser: a 150-record XML document with attributes",
    run() {
      return new XMLParser({ ignoreAttributes: false }).parse(XML_TEXT).users.user.length;
    },
  },
  lodash_collections: {
    exercises: "lodash: groupBy, sortBy, uniqBy, chunk and cloneDeep over records",
    run() {
      const groups = groupBy(USERS, (u) => u.age >> 4);
      const sorted = sortBy(USERS, ["age", "name"]);
      const unique = uniqBy(USERS, "email");
      const copy = cloneDeep(USERS.slice(0, 100));
      return Object.keys(groups).length + sorted[0].id + unique.length + chunk(copy, 7).length;
    },
  },
  qs_parse: {
    exercises: "qs: parsing and writing nested query strings",
    run() {
      let total = 0;
      for (let i = 0; i < 100; i++) total += qs.stringify(qs.parse(QUERY)).length;
      return total;
    },
  },
  pako_deflate: {
    exercises: "pako: deflate and inflate 64 KB in JavaScript",
    run() {
      const packed = deflate(BYTES);
      return inflate(packed).length + packed.length;
    },
  },
  noble_sha256: {
    exercises: "@noble/hashes: SHA-256 of 64 KB in JavaScript",
    run() {
      return sha256(BYTES)[0];
    },
  },
  jwt_sign_verify: {
    exercises: "jose: signing and verifying an HS256 JWT through crypto.subtle",
    async run() {
      const token = await new SignJWT({ sub: "user-42", role: "admin" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt(1700000000).sign(JWT_KEY);
      const { payload } = await jwtVerify(token, JWT_KEY, { currentDate: new Date(1700000100000) });
      return token.length + payload.sub.length;
    },
  },
  text_diff: {
    exercises: "diff: a word diff of two 400-word texts",
    run() {
      return diffWords(BEFORE, AFTER).length;
    },
  },
};
