// Writes src/api/intl/data/gregorian.json.zlib: for each CLDR locale, the Gregorian calendar's date and time
// patterns (dateFormats, timeFormats), how they are joined (dateTimeFormats and their atTime
// forms), the patterns by skeleton (availableFormats) and the interval patterns
// (intervalFormats) — what ICU4C's DateTimePatternGenerator, and so V8, picks patterns from;
// api/intl/patterns.rs reads it. Locales with the same data share one entry.
//
//   npm ci --no-audit --no-fund && node gregorian.mjs
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const root = new URL("./node_modules/cldr-dates-full/main/", import.meta.url).pathname;
const lengths = ["full", "long", "medium", "short"];
/// A pattern's text (a few carry the numbering system their numbers use beside it).
const text = (p) => (typeof p === "string" ? p : p._value);
/// Patterns without their ASCII-only and plural alternatives, which V8 does not use.
const plain = (patterns) =>
  Object.fromEntries(
    Object.entries(patterns)
      .filter(([k]) => !k.includes("-alt-") && !k.includes("-count-"))
      .map(([k, p]) => [k, typeof p === "object" && !("_value" in p) ? p : text(p)]),
  );

const blobs = [];
const index = new Map();
const locales = {};
for (const locale of readdirSync(root).sort()) {
  const g = JSON.parse(readFileSync(`${root}${locale}/ca-gregorian.json`, "utf8")).main[locale].dates.calendars.gregorian;
  const dt = g.dateTimeFormats;
  const { intervalFormatFallback, ...intervals } = dt.intervalFormats;
  const entry = {
    date: lengths.map((l) => text(g.dateFormats[l])),
    time: lengths.map((l) => text(g.timeFormats[l])),
    glue: lengths.map((l) => text(dt[l])),
    glueAtTime: lengths.map((l) => text(g["dateTimeFormats-atTime"]?.standard?.[l] ?? dt[l])),
    available: plain(dt.availableFormats),
    intervals: Object.fromEntries(Object.entries(plain(intervals)).map(([k, v]) => [k, plain(v)])),
    intervalFallback: intervalFormatFallback,
  };
  const key = JSON.stringify(entry);
  if (!index.has(key)) {
    index.set(key, blobs.length);
    blobs.push(entry);
  }
  locales[locale] = index.get(key);
}
const json = JSON.stringify({ cldr: "47.0.0", locales, blobs });
writeFileSync(new URL("../src/api/intl/data/gregorian.json.zlib", import.meta.url), deflateSync(json, { level: 9 }));
console.log(`gregorian.json.zlib: ${Object.keys(locales).length} locales, ${blobs.length} distinct, ${json.length} bytes of JSON`);
