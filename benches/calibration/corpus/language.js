// Workloads of the language itself: what a Worker's own code does between its I/O.
import { lcg, USERS } from "./data.js";

export const language = {
  arith_loop: {
    exercises: "a hot integer loop (V8 optimises it to a few machine instructions per iteration)",
    run() {
      let x = 0;
      for (let i = 0; i < 2_000_000; i++) x = (x + i * 7) | 0;
      return x;
    },
  },
  float_math: {
    exercises: "floating-point arithmetic and Math functions",
    run() {
      let acc = 0;
      for (let i = 1; i < 100_000; i++) acc += Math.sqrt(i) * Math.sin(i) + Math.log(i) / i;
      return Math.round(acc * 1000);
    },
  },
  object_alloc: {
    exercises: "allocating small objects and arrays, reading their properties",
    run() {
      const items = [];
      for (let i = 0; i < 10_000; i++) items.push({ id: i, name: "item" + i, price: i * 3, tags: [i % 7, i % 11] });
      let sum = 0;
      for (const it of items) sum = (sum + it.price + it.tags[0] + it.name.length) | 0;
      return sum;
    },
  },
  classes: {
    exercises: "class instances, method calls, getters and inheritance",
    run() {
      class Shape {
        constructor(x, y) { this.x = x; this.y = y; }
        get origin() { return Math.abs(this.x) + Math.abs(this.y); }
        area() { return 0; }
      }
      class Rect extends Shape {
        constructor(x, y, w, h) { super(x, y); this.w = w; this.h = h; }
        area() { return this.w * this.h; }
      }
      class Circle extends Shape {
        constructor(x, y, r) { super(x, y); this.r = r; }
        area() { return 3 * this.r * this.r; }
      }
      let total = 0;
      for (let i = 0; i < 20_000; i++) {
        const s = i % 2 ? new Rect(i, -i, i % 13, i % 7) : new Circle(-i, i, i % 5);
        total = (total + s.area() + s.origin) | 0;
      }
      return total;
    },
  },
  closures: {
    exercises: "closures created per item and higher-order calls",
    run() {
      const adders = [];
      for (let i = 0; i < 5_000; i++) adders.push((x) => x + i);
      const compose = (f, g) => (x) => g(f(x));
      let total = 0;
      for (let i = 0; i + 1 < adders.length; i++) total = (total + compose(adders[i], adders[i + 1])(i)) | 0;
      return total;
    },
  },
  array_chain: {
    exercises: "map/filter/reduce/find chains over an API's records",
    run() {
      const active = USERS.filter((u) => u.active);
      const names = active.map((u) => u.name.toUpperCase());
      const byAge = active.reduce((acc, u) => ((acc[u.age >> 3] = (acc[u.age >> 3] || 0) + 1), acc), {});
      const found = USERS.find((u) => u.score > 99) ?? USERS[0];
      return names.length + Object.keys(byAge).length + found.id + USERS.some((u) => u.age > 70);
    },
  },
  map_set: {
    exercises: "Map and Set with string keys: inserts, lookups, deletes",
    run() {
      const m = new Map();
      const s = new Set();
      for (let i = 0; i < 20_000; i++) {
        const k = "k" + (i % 5000);
        m.set(k, (m.get(k) ?? 0) + 1);
        if (i % 3 === 0) s.add(k);
      }
      for (let i = 0; i < 5000; i += 2) m.delete("k" + i);
      return m.size + s.size;
    },
  },
  sort_objects: {
    exercises: "sorting records by two fields with a comparator",
    run() {
      const copy = USERS.slice();
      copy.sort((a, b) => a.age - b.age || a.name.localeCompare(b.name));
      return copy[0].id + copy[250].id;
    },
  },
  sort_numbers: {
    exercises: "sorting 10 000 numbers with a comparator (calls back into JavaScript)",
    run() {
      const next = lcg(7);
      const a = Array.from({ length: 10_000 }, () => next() % 100_000);
      a.sort((x, y) => x - y);
      return a[5000];
    },
  },
  generators: {
    exercises: "a pipeline of generators (iterator protocol per item)",
    run() {
      function* range(n) { for (let i = 0; i < n; i++) yield i; }
      function* map(it, f) { for (const x of it) yield f(x); }
      function* filter(it, p) { for (const x of it) if (p(x)) yield x; }
      let total = 0;
      for (const x of filter(map(range(50_000), (x) => x * 3), (x) => x % 2 === 0)) total = (total + x) | 0;
      return total;
    },
  },
  async_iteration: {
    exercises: "an async generator consumed with for await (microtasks per item)",
    async run() {
      async function* rows(n) { for (let i = 0; i < n; i++) yield { i, v: i * 2 }; }
      let total = 0;
      for await (const r of rows(5_000)) total = (total + r.v) | 0;
      return total;
    },
  },
  promise_all: {
    exercises: "Promise.all over many async functions that resolve at once",
    async run() {
      const work = async (i) => i * 2;
      const results = await Promise.all(Array.from({ length: 5_000 }, (_, i) => work(i)));
      return results.reduce((a, b) => (a + b) | 0, 0);
    },
  },
  spread_destructuring: {
    exercises: "object spread and rest, array destructuring, default parameters",
    run() {
      let total = 0;
      for (const u of USERS) {
        const { id, tags: [first = "", second = ""], ...rest } = u;
        const copy = { ...rest, id, first, extra: true };
        const [a, b, ...others] = [copy.age, copy.score, id, 1, 2];
        total = (total + a + (b | 0) + others.length + first.length + second.length) | 0;
      }
      return total;
    },
  },
  polymorphic_access: {
    exercises: "property reads on objects of many shapes (megamorphic inline caches in V8)",
    run() {
      const shapes = [];
      for (let i = 0; i < 16; i++) {
        const o = {};
        for (let j = 0; j <= i % 8; j++) o["f" + ((i + j) % 8)] = j;
        o.value = i;
        shapes.push(o);
      }
      let total = 0;
      for (let i = 0; i < 100_000; i++) total = (total + shapes[i & 15].value) | 0;
      return total;
    },
  },
  recursion: {
    exercises: "deep recursive calls (naive Fibonacci)",
    run() {
      const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
      return fib(22);
    },
  },
  interpreter: {
    exercises: "a small bytecode interpreter: switch dispatch over an array program",
    run() {
      // sum = 0; i = 0; while (i < n) { sum += i; i += 1 }: the loop starts at 8, HALT is at 31
      const PUSH = 0, LOAD = 1, STORE = 2, ADD = 3, LT = 4, JZ = 5, JMP = 6, HALT = 7;
      const n = 20_000;
      const prog = [PUSH, 0, STORE, 0, PUSH, 0, STORE, 1, LOAD, 1, PUSH, n, LT, JZ, 31, LOAD, 0, LOAD, 1, ADD, STORE, 0, LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 8, HALT];
      const stack = [];
      const vars = [0, 0];
      let pc = 0;
      for (;;) {
        const op = prog[pc++];
        switch (op) {
          case PUSH: stack.push(prog[pc++]); break;
          case LOAD: stack.push(vars[prog[pc++]]); break;
          case STORE: vars[prog[pc++]] = stack.pop(); break;
          case ADD: { const b = stack.pop(); stack.push((stack.pop() + b) | 0); break; }
          case LT: { const b = stack.pop(); stack.push(stack.pop() < b ? 1 : 0); break; }
          case JZ: { const t = prog[pc++]; if (stack.pop() === 0) pc = t; break; }
          case JMP: pc = prog[pc]; break;
          case HALT: return vars[0];
          default: throw new Error("bad op " + op);
        }
      }
    },
  },
  edit_distance: {
    exercises: "dynamic programming over typed arrays (Levenshtein distance)",
    run() {
      const a = "the quick brown fox jumps over the lazy dog ".repeat(6);
      const b = "a quick brown dog jumped over the lazy foxes ".repeat(6);
      let prev = new Uint16Array(b.length + 1).map((_, i) => i);
      let cur = new Uint16Array(b.length + 1);
      for (let i = 1; i <= a.length; i++) {
        cur[0] = i;
        for (let j = 1; j <= b.length; j++) {
          const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
          cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        }
        [prev, cur] = [cur, prev];
      }
      return prev[b.length];
    },
  },
  convolution: {
    exercises: "a 3×3 blur over a 128×128 RGBA image in typed arrays",
    run() {
      const w = 128, h = 128;
      const src = new Uint8ClampedArray(w * h * 4).map((_, i) => (i * 7) & 255);
      const dst = new Uint8ClampedArray(w * h * 4);
      for (let y = 1; y < h - 1; y++)
        for (let x = 1; x < w - 1; x++)
          for (let c = 0; c < 4; c++) {
            let s = 0;
            for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += src[((y + dy) * w + x + dx) * 4 + c];
            dst[(y * w + x) * 4 + c] = s / 9;
          }
      return dst[5000] + dst[40000];
    },
  },
  bigint_modpow: {
    exercises: "BigInt modular exponentiation on 256-bit numbers (limb arithmetic)",
    run() {
      const m = (1n << 255n) - 19n;
      let base = 0x1234567890abcdefn, e = (1n << 200n) + 12345n, r = 1n;
      while (e > 0n) {
        if (e & 1n) r = (r * base) % m;
        base = (base * base) % m;
        e >>= 1n;
      }
      return Number(r % 1000003n);
    },
  },
  bigint_factorial: {
    exercises: "a BigInt product growing to thousands of bits",
    run() {
      let f = 1n;
      for (let i = 2n; i <= 600n; i++) f *= i;
      return f.toString(16).length;
    },
  },
  sha256_js: {
    exercises: "SHA-256 written in JavaScript: 32-bit bit operations on 16 KB",
    run() {
      const K = new Uint32Array(64);
      for (let i = 0, p = 2; i < 64; p++) {
        let prime = true;
        for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
        if (prime) K[i++] = (Math.cbrt(p) % 1) * 4294967296;
      }
      const data = new Uint8Array(16 * 1024).map((_, i) => i & 255);
      const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
      const W = new Uint32Array(64);
      for (let off = 0; off < data.length; off += 64) {
        for (let t = 0; t < 16; t++) W[t] = (data[off + 4 * t] << 24) | (data[off + 4 * t + 1] << 16) | (data[off + 4 * t + 2] << 8) | data[off + 4 * t + 3];
        for (let t = 16; t < 64; t++) {
          const a = W[t - 15], b = W[t - 2];
          const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
          const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
        let [a, b, c, d, e, f, g, h] = H;
        for (let t = 0; t < 64; t++) {
          const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
          const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
          const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
          const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
          h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
        }
        H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
      }
      return H[0];
    },
  },
  exceptions: {
    exercises: "errors thrown and caught (stack capture in both engines)",
    run() {
      let caught = 0;
      for (let i = 0; i < 2_000; i++) {
        try {
          if (i % 2) throw new TypeError("bad " + i);
          JSON.parse("{oops");
        } catch (e) {
          caught += e.message.length;
        }
      }
      return caught;
    },
  },
  json_roundtrip: {
    exercises: "JSON.stringify and JSON.parse of 500 records (native in both engines)",
    run() {
      const text = JSON.stringify(USERS);
      return JSON.parse(text).length + text.length;
    },
  },
  json_api_handler: {
    exercises: "an API handler's work: parse a JSON body, check its fields by hand, build the answer",
    run() {
      const body = JSON.stringify({ items: USERS.slice(0, 100).map((u) => ({ id: u.id, qty: u.age % 5, note: u.name })) });
      const req = JSON.parse(body);
      const errors = [];
      const lines = [];
      for (const [i, it] of req.items.entries()) {
        if (typeof it.id !== "number") errors.push(`items[${i}].id`);
        if (!Number.isInteger(it.qty) || it.qty < 0) errors.push(`items[${i}].qty`);
        if (typeof it.note !== "string" || it.note.length > 200) errors.push(`items[${i}].note`);
        lines.push({ sku: `SKU-${String(it.id).padStart(6, "0")}`, qty: it.qty, total: it.qty * 9.99 });
      }
      return JSON.stringify({ ok: errors.length === 0, lines, total: lines.reduce((a, l) => a + l.total, 0) }).length;
    },
  },
};
