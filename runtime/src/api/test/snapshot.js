// ---------- snapshots: `__snapshots__/<file>.snap` and inline ones, as vitest keeps them ----------
//
// The driver hands over the snapshot file's text and the update mode (`new` outside CI, `none`
// in CI, `all` with -u); what changed comes back in the report, and the driver writes it (the
// runtime has no file system). Keys are `<describe > test> <n>`, n counting the test's snapshots.

const SNAPSHOT_HEADER = "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html";

const escapeBacktick = (s) => s.replace(/`|\\|\$\{/g, "\\$&");
const unescapeBacktick = (s) => s.replace(/\\(`|\\|\$\{)/g, "$1");

/// natural-compare's order: runs of digits compare as numbers.
function naturalCompare(a, b) {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = /^\d/.test(pa[i]) && /^\d/.test(pb[i]);
    if (na) return Number(pa[i]) - Number(pb[i]);
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

function parseSnapshotFile(text) {
  const data = Object.create(null);
  if (!text) return data;
  const entry = /exports\[`((?:\\[\s\S]|[^`\\])*)`\] = `((?:\\[\s\S]|[^`\\])*)`;/g;
  for (const [, key, value] of text.matchAll(entry)) data[unescapeBacktick(key)] = unescapeBacktick(value);
  return data;
}

/// `received` with `properties` merged over it, so an asymmetric matcher prints as itself.
function mergeProperties(received, properties) {
  if (properties === null || typeof properties !== "object" || received === null || typeof received !== "object") return received;
  const out = Array.isArray(received) ? [...received] : { ...received };
  for (const [k, v] of Object.entries(properties)) {
    out[k] = v !== null && typeof v === "object" && !isAsymmetric(v) ? mergeProperties(received[k], v) : v;
  }
  return out;
}

class SnapshotState {
  constructor(fileText, update, testFile) {
    this.data = parseSnapshotFile(fileText);
    this.original = fileText ?? null;
    this.update = update ?? "new";
    this.testFile = testFile;
    this.counters = new Map();
    this.counts = { added: 0, updated: 0, matched: 0, unmatched: 0 };
    this.inline = [];
    this.dirty = false;
  }

  match(test, { received, properties, hint, inline, isInline }) {
    const fullName = names(test.node).join(" > ");
    const base = hint ? `${fullName}: ${hint}` : fullName;
    const n = (this.counters.get(base) ?? 0) + 1;
    this.counters.set(base, n);
    const key = `${base} ${n}`;
    if (properties !== undefined) {
      if (!subsetEquals(received, properties)) {
        return { pass: false, message: "Snapshot properties mismatched", expected: properties, actual: received };
      }
      received = mergeProperties(received, properties);
    }
    const serialized = received instanceof SnapshotText ? received.text : serializeSnapshot(received);
    const stored = isInline ? (inline === undefined ? undefined : stripSnapshotIndentation(inline)) : this.data[key];
    const exists = stored !== undefined;
    const pass = exists && stored.trim() === serialized.trim();
    if (pass) {
      this.counts.matched++;
      return { pass: true };
    }
    if ((!exists && this.update !== "none") || (exists && this.update === "all")) {
      if (isInline) {
        const at = this.callSite();
        if (at === null) return { pass: false, message: `edgesim could not find the toMatchInlineSnapshot call of \`${key}\` in ${this.testFile}` };
        this.inline.push({ ...at, snapshot: serialized });
      } else {
        this.data[key] = serialized;
        this.dirty = true;
      }
      this.counts[exists ? "updated" : "added"]++;
      return { pass: true };
    }
    this.counts.unmatched++;
    return {
      pass: false,
      message: `Snapshot \`${key}\` mismatched`,
      expected: exists ? stored.trim() : undefined,
      actual: serialized.trim(),
    };
  }

  /// Where in the test file the running matcher was called: `line:column` of its frame.
  callSite() {
    const stack = new Error().stack ?? "";
    const file = this.testFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const frame = new RegExp(`${file}:(\\d+):(\\d+)`).exec(stack);
    return frame === null ? null : { line: Number(frame[1]), column: Number(frame[2]) };
  }

  report() {
    let file;
    if (this.dirty) {
      const keys = Object.keys(this.data).sort(naturalCompare);
      const body = keys.map((k) => `exports[\`${escapeBacktick(k)}\`] = \`${escapeBacktick(this.data[k])}\`;`).join("\n\n");
      file = `${SNAPSHOT_HEADER}\n\n${body}\n`;
    }
    return { ...this.counts, file: file === this.original ? undefined : file, inline: this.inline };
  }
}
