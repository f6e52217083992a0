// Deterministic inputs shared by the workloads: every engine sees the same bytes.

/** A 32-bit linear congruential generator: the same numbers on every engine. */
export function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const next = lcg(42);
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"];

/** 500 user records, as an API handler would read from a database. */
export const USERS = Array.from({ length: 500 }, (_, i) => ({
  id: i,
  name: `${WORDS[next() % WORDS.length]} ${WORDS[next() % WORDS.length]}`,
  email: `user${i}@example${next() % 5}.com`,
  age: 18 + (next() % 60),
  active: next() % 3 !== 0,
  score: (next() % 10000) / 100,
  tags: [WORDS[next() % 12], WORDS[next() % 12]],
}));

/** A paragraph-sized text of words. */
export function words(count, seed = 1) {
  const r = lcg(seed);
  const out = [];
  for (let i = 0; i < count; i++) out.push(WORDS[r() % WORDS.length]);
  return out.join(" ");
}

/** A markdown document of the size a blog post has. */
export const MARKDOWN = Array.from({ length: 40 }, (_, i) =>
  [
    `## Section ${i}`,
    "",
    `${words(40, i)} **${words(3, i + 100)}** and _${words(2, i + 200)}_ with \`code ${i}\` and a [link](https://example.com/${i}).`,
    "",
    `- ${words(5, i + 300)}`,
    `- ${words(6, i + 400)}`,
    "",
    "```js",
    `const x${i} = ${i} * 2;`,
    "```",
    "",
  ].join("\n"),
).join("\n");

/** A CSV export of USERS. */
export const CSV = ["id,name,email,age,active,score", ...USERS.map((u) => `${u.id},"${u.name}",${u.email},${u.age},${u.active},${u.score}`)].join("\n");

/** 64 KB of bytes. */
export const BYTES = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 31 + (i >> 8)) & 255);
