// Writes src/api/intl/data/units.json.zlib: for each CLDR locale, how ECMA-402's sanctioned
// units are written in each width (unit patterns by plural category, the per-unit patterns of
// the ones that can be a denominator, the compound "per" pattern) — what ICU4C's
// MeasureFormat, and so V8's `style: 'unit'`, writes them with; api/intl/units.rs reads it.
// Locales with the same data share one entry.
//
//   npm ci --no-audit --no-fund && node units.mjs
import { readFileSync } from "node:fs";
import { writeLocaleData } from "./locale-data.mjs";

const root = new URL("./node_modules/cldr-units-full/main/", import.meta.url).pathname;
const widths = ["long", "short", "narrow"];
// ECMA-402's sanctioned single units (IsSanctionedSingleUnitIdentifier), with CLDR's category.
const SANCTIONED = [
  "acre", "bit", "byte", "celsius", "centimeter", "day", "degree", "fahrenheit", "fluid-ounce",
  "foot", "gallon", "gigabit", "gigabyte", "gram", "hectare", "hour", "inch", "kilobit",
  "kilobyte", "kilogram", "kilometer", "liter", "megabit", "megabyte", "meter", "microsecond",
  "mile", "mile-scandinavian", "milliliter", "millimeter", "millisecond", "minute", "month",
  "nanosecond", "ounce", "percent", "petabyte", "pound", "second", "stone", "terabit",
  "terabyte", "week", "yard", "year",
];
/// The CLDR key (category-unit) of a unit: the one key ending in it (`length-mile`, not
/// `length-mile-scandinavian` for `mile`).
function keyOf(units, unit) {
  return Object.keys(units).find((k) => k.replace(/^[a-z]+-/, "") === unit);
}
/// A unit's patterns by plural category, and its per-unit pattern if it has one.
function patterns(entry) {
  const out = {};
  for (const [k, v] of Object.entries(entry ?? {})) {
    const m = /^unitPattern-count-(\w+)$/.exec(k);
    if (m) out[m[1]] = v;
  }
  return { forms: out, per: entry?.perUnitPattern };
}

writeLocaleData("units.json.zlib", process.env.CLDR_UNITS ?? "see package.json", root, (locale) => {
  const all = JSON.parse(readFileSync(`${root}${locale}/units.json`, "utf8")).main[locale].units;
  const entry = { per: widths.map((w) => all[w].per?.compoundUnitPattern ?? "{0}/{1}"), units: {} };
  // Direct compounds CLDR has a name for (kilometer-per-hour), then every sanctioned unit.
  const names = new Set(SANCTIONED);
  for (const key of Object.keys(all.long)) {
    const unit = key.replace(/^[a-z]+-/, "");
    const [a, b] = unit.split("-per-");
    if (b && SANCTIONED.includes(a) && SANCTIONED.includes(b)) names.add(unit);
  }
  for (const unit of [...names].sort()) {
    const key = keyOf(all.long, unit);
    if (!key) continue;
    entry.units[unit] = widths.map((w) => patterns(all[w][key]));
  }
  return entry;
});
