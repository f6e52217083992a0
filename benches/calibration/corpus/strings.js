// Workloads of text: building, splitting, matching and encoding strings.
import { USERS, words, BYTES } from "./data.js";

const ROUTES = [
  ["GET", /^\/$/],
  ["GET", /^\/api\/users$/],
  ["GET", /^\/api\/users\/(\d+)$/],
  ["POST", /^\/api\/users\/(\d+)\/posts$/],
  ["GET", /^\/api\/posts\/([a-z0-9-]+)\/comments(?:\/(\d+))?$/],
  ["GET", /^\/static\/(.+)\.(css|js|png)$/],
  ["DELETE", /^\/api\/sessions\/([0-9a-f]{32})$/],
  ["GET", /^\/blog\/(\d{4})\/(\d{2})\/([\w-]+)$/],
];
const PATHS = ["/", "/api/users", "/api/users/42", "/api/users/7/posts", "/api/posts/hello-world/comments/3", "/static/app.min.js", "/blog/2024/05/edge-computing", "/missing/page", "/api/sessions/0123456789abcdef0123456789abcdef"];
const EMAILS = USERS.map((u, i) => (i % 9 === 0 ? u.email.replace("@", "") : u.email));
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const HTMLISH = `<p class="x">${words(200, 3)} & "quotes" <b>'bold'</b></p>`.repeat(10);

export const strings = {
  string_concat: {
    exercises: "HTML built with += (V8 builds a rope; QuickJS copies)",
    run() {
      let s = "";
      for (let i = 0; i < 3_000; i++) s += `<li class="row-${i % 10}">${i}</li>`;
      return s.length;
    },
  },
  html_template: {
    exercises: "a page rendered from template literals and join, with escaping",
    run() {
      const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]);
      const rows = USERS.slice(0, 200).map((u) => `<tr><td>${u.id}</td><td>${esc(u.name)}</td><td>${esc(u.email)}</td><td>${u.score.toFixed(2)}</td></tr>`);
      return `<!doctype html><html><body><table>${rows.join("\n")}</table></body></html>`.length;
    },
  },
  split_join: {
    exercises: "splitting lines and fields, trimming and joining",
    run() {
      const text = USERS.map((u) => ` ${u.id} ; ${u.name} ; ${u.email} `).join("\n");
      let total = 0;
      for (const line of text.split("\n")) total += line.split(";").map((f) => f.trim()).join(",").length;
      return total;
    },
  },
  regex_router: {
    exercises: "matching request paths against a router's regular expressions",
    run() {
      let hits = 0;
      for (let r = 0; r < 200; r++)
        for (const p of PATHS)
          for (const [, re] of ROUTES) {
            const m = re.exec(p);
            if (m) { hits += m.length; break; }
          }
      return hits;
    },
  },
  regex_validate: {
    exercises: "validating e-mail addresses and UUID-shaped ids with regular expressions",
    run() {
      const email = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
      let ok = 0;
      for (let r = 0; r < 4; r++)
        for (const e of EMAILS) {
          if (email.test(e)) ok++;
          if (uuid.test(`${e.length}0000000-0000-4000-8000-000000000000`.slice(-36))) ok++;
        }
      return ok;
    },
  },
  regex_replace: {
    exercises: "String.replace with a regular expression and a callback (HTML escaping)",
    run() {
      return HTMLISH.replace(/[&<>"']/g, (c) => ESCAPES[c]).length;
    },
  },
  regex_backtracking: {
    exercises: "a regular expression that backtracks exponentially on a near miss",
    run() {
      return /^(a+)+$/.test("a".repeat(18) + "!") ? 1 : 0;
    },
  },
  base64: {
    exercises: "btoa and atob of binary strings",
    run() {
      let bin = "";
      for (let i = 0; i < 16 * 1024; i++) bin += String.fromCharCode(BYTES[i]);
      const b64 = btoa(bin);
      return atob(b64).length + b64.length;
    },
  },
  text_encoding: {
    exercises: "TextEncoder and TextDecoder over 64 KB of UTF-8",
    run() {
      const text = words(10_000, 5) + " ünïcödé ✓";
      const bytes = new TextEncoder().encode(text);
      return new TextDecoder().decode(bytes).length + bytes.length;
    },
  },
  url_parse: {
    exercises: "new URL and URLSearchParams on request URLs",
    run() {
      let total = 0;
      for (let i = 0; i < 500; i++) {
        const u = new URL(`https://api.example.com/v1/items/${i}?page=${i % 7}&sort=name&q=hello+world#frag`);
        total += u.pathname.length + Number(u.searchParams.get("page")) + u.searchParams.get("q").length;
        u.searchParams.set("page", String(i + 1));
        total += u.href.length;
      }
      return total;
    },
  },
  string_methods: {
    exercises: "case mapping, searching, slicing and padding strings",
    run() {
      let total = 0;
      for (const u of USERS) {
        const s = u.name.toUpperCase() + "|" + u.email.toLowerCase();
        total += s.indexOf("@") + s.slice(2, 9).length + s.padStart(40, ".").length + (s.startsWith("A") ? 1 : 0) + s.split("").reverse().join("").length;
      }
      return total;
    },
  },
  number_format: {
    exercises: "numbers to and from text: toFixed, toString, parseFloat",
    run() {
      let total = 0;
      for (let i = 0; i < 10_000; i++) {
        const t = (i * 1.37).toFixed(2);
        total += parseFloat(t) + t.length + (i * 31).toString(16).length;
      }
      return Math.round(total);
    },
  },
};
