// Writes src/api/intl/data/display_names.json.zlib: for each CLDR locale, the names
// Intl.DisplayNames gives calendars (localeDisplayNames' calendar types, keyed by the BCP 47
// codes ECMA-402 takes) and date-time fields (dateFields' display names, long, short and
// narrow, keyed by ECMA-402's field codes) — what V8's ICU reads for `type: 'calendar'` and
// `type: 'dateTimeField'`, which ICU4X's display-name data lacks; api/intl/display_names.rs
// reads it. Locales with the same names share one entry.
//
//   npm ci --no-audit --no-fund && node display-names.mjs
import { readFileSync } from "node:fs";
import { writeLocaleData } from "./locale-data.mjs";

const names = new URL("./node_modules/cldr-localenames-full/main/", import.meta.url).pathname;
const dates = new URL("./node_modules/cldr-dates-full/main/", import.meta.url).pathname;
/// ECMA-402's calendar codes that CLDR keys by their legacy names.
const CALENDAR_KEYS = { gregorian: "gregory", "ethiopic-amete-alem": "ethioaa" };
/// ECMA-402's dateTimeField codes, and CLDR's field for each.
const FIELDS = {
  era: "era", year: "year", quarter: "quarter", month: "month", weekOfYear: "week",
  weekday: "weekday", day: "day", dayPeriod: "dayperiod", hour: "hour", minute: "minute",
  second: "second", timeZoneName: "zone",
};

const read = (path) => {
  try { return JSON.parse(readFileSync(path, "utf8")); } catch { return null; }
};
writeLocaleData("display_names.json.zlib", "47.0.0", dates, (locale) => {
  const calendarTypes = read(`${names}${locale}/localeDisplayNames.json`)?.main[locale].localeDisplayNames.types?.calendar ?? {};
  const calendars = Object.fromEntries(
    Object.entries(calendarTypes)
      .filter(([k]) => !k.includes("-alt-"))
      .map(([k, v]) => [CALENDAR_KEYS[k] ?? k, v]),
  );
  const fields = read(`${dates}${locale}/dateFields.json`).main[locale].dates.fields;
  return {
    calendars,
    fields: Object.fromEntries(
      Object.entries(FIELDS).map(([code, key]) => [
        code,
        ["", "-short", "-narrow"].map((width) => fields[`${key}${width}`]?.displayName ?? fields[key]?.displayName ?? null),
      ]),
    ),
  };
});
