// CPU calibration workloads: the same code runs under workerd (timed with its real clock) and
// under edgesim (counted in QuickJS interrupt polls). See calibrate.mjs and README "CPU time".
// Each workload returns a checksum so no engine can skip the work.

function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const workloads = {
  // Tight arithmetic loop: one backward jump per iteration.
  loop(n) {
    let x = 0;
    for (let i = 0; i < n * 1e6; i++) x = (x + i) | 0;
    return x;
  },
  // Allocation and property access.
  objects(n) {
    let sum = 0;
    for (let r = 0; r < n; r++) {
      const items = [];
      for (let i = 0; i < 10000; i++) items.push({ id: i, name: "item" + i, price: i * 3, tags: [i % 7, i % 11] });
      for (const it of items) sum = (sum + it.price + it.tags[0] + it.name.length) | 0;
    }
    return sum;
  },
  // String building, splitting and joining.
  strings(n) {
    let total = 0;
    for (let r = 0; r < n; r++) {
      let s = "";
      for (let i = 0; i < 5000; i++) s += `<li class="row-${i % 10}">${i}</li>`;
      const parts = s.split("</li>");
      total = (total + parts.join("|").length + parts.length) | 0;
    }
    return total;
  },
  // JSON round trips of a 1000-record document (native code in both engines).
  json(n) {
    const doc = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: "user" + i, email: `u${i}@example.com`, active: i % 2 === 0, score: i * 1.5, roles: ["a", "b"] }));
    let total = 0;
    for (let r = 0; r < n; r++) {
      const text = JSON.stringify(doc);
      total = (total + JSON.parse(text).length + text.length) | 0;
    }
    return total;
  },
  // SHA-256 written in JavaScript: bit operations on 32-bit integers.
  sha256js(n) {
    const K = new Uint32Array(64);
    for (let i = 0, p = 2; i < 64; p++) {
      let prime = true;
      for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
      if (prime) K[i++] = (Math.cbrt(p) % 1) * 4294967296;
    }
    const data = new Uint8Array(64 * 1024).map((_, i) => i & 255);
    let h0 = 0;
    for (let r = 0; r < n; r++) {
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
      h0 = (h0 ^ H[0]) | 0;
    }
    return h0;
  },
  // Sorting numbers with a comparator (calls back into JavaScript).
  sort(n) {
    const next = lcg(7);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const a = Array.from({ length: 10000 }, () => next() % 100000);
      a.sort((x, y) => x - y);
      total = (total + a[5000]) | 0;
    }
    return total;
  },
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const name = url.searchParams.get("w");
    const n = Number(url.searchParams.get("n") ?? "1");
    const work = workloads[name];
    if (!work) return new Response(`unknown workload ${name}; one of ${Object.keys(workloads).join(", ")}`, { status: 404 });
    const t0 = Date.now();
    const checksum = work(n);
    return Response.json({ workload: name, n, checksum, elapsed_ms: Date.now() - t0 });
  },
};
