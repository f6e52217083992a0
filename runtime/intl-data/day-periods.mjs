// Writes src/api/intl/data/day_periods.json.zlib: for each CLDR locale, its flexible day
// periods (`in the afternoon`): the hours each covers (CLDR's dayPeriodRuleSet for the locale
// or its language) and their abbreviated, wide and narrow names — what ICU4C's pattern letter
// B, and so V8's `dayPeriod` option, writes, which ICU4X does not; api/intl/day_periods.rs
// reads it. Locales with the same data share one entry.
//
//   npm ci --no-audit --no-fund && node day-periods.mjs
import { readFileSync } from "node:fs";
import { writeLocaleData } from "./locale-data.mjs";

const root = new URL("./node_modules/cldr-dates-full/main/", import.meta.url).pathname;
const ruleSets = JSON.parse(
  readFileSync(new URL("./node_modules/cldr-core/supplemental/dayPeriods.json", import.meta.url), "utf8"),
).supplemental.dayPeriodRuleSet;
const hour = (time) => Number(time.split(":")[0]);
const widths = ["abbreviated", "wide", "narrow"];

writeLocaleData("day_periods.json.zlib", "47.0.0", root, (locale) => {
  const rules = ruleSets[locale] ?? ruleSets[locale.split("-")[0]] ?? {};
  const periods = Object.fromEntries(
    Object.entries(rules)
      .filter(([, r]) => r._from !== undefined)
      .map(([name, r]) => [name, [hour(r._from), hour(r._before)]]),
  );
  const format = JSON.parse(readFileSync(`${root}${locale}/ca-gregorian.json`, "utf8")).main[locale].dates.calendars.gregorian.dayPeriods.format;
  const names = widths.map((w) =>
    Object.fromEntries(Object.entries(format[w] ?? {}).filter(([k]) => !k.includes("-alt-") && k !== "am" && k !== "pm")),
  );
  return { periods, noon: rules.noon !== undefined, names };
});
