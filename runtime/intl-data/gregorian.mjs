// Writes src/api/intl/data/gregorian.json.zlib: for each CLDR locale, the Gregorian calendar's date and time
// patterns (dateFormats, timeFormats), how they are joined (dateTimeFormats and their atTime
// forms), the patterns by skeleton (availableFormats) and the interval patterns
// (intervalFormats) — what ICU4C's DateTimePatternGenerator, and so V8, picks patterns from;
// api/intl/patterns.rs reads it. Locales with the same data share one entry.
//
//   npm ci --no-audit --no-fund && node gregorian.mjs
import { readFileSync } from "node:fs";
import { writeLocaleData } from "./locale-data.mjs";

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

writeLocaleData("gregorian.json.zlib", "47.0.0", root, (locale) => {
  const g = JSON.parse(readFileSync(`${root}${locale}/ca-gregorian.json`, "utf8")).main[locale].dates.calendars.gregorian;
  const dt = g.dateTimeFormats;
  const { intervalFormatFallback, ...intervals } = dt.intervalFormats;
  return {
    date: lengths.map((l) => text(g.dateFormats[l])),
    time: lengths.map((l) => text(g.timeFormats[l])),
    glue: lengths.map((l) => text(dt[l])),
    glueAtTime: lengths.map((l) => text(g["dateTimeFormats-atTime"]?.standard?.[l] ?? dt[l])),
    available: plain(dt.availableFormats),
    intervals: Object.fromEntries(Object.entries(plain(intervals)).map(([k, v]) => [k, plain(v)])),
    intervalFallback: intervalFormatFallback,
  };
});
