// What the data writers share: each locale's entry, made by `entryOf(locale)`, stored once per
// distinct entry, deflated to src/api/intl/data/<file> as api/intl/mod.rs `CldrData` reads it.
import { readdirSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

export function writeLocaleData(file, cldr, localesDir, entryOf) {
  const blobs = [];
  const index = new Map();
  const locales = {};
  for (const locale of readdirSync(localesDir).sort()) {
    const entry = entryOf(locale);
    const key = JSON.stringify(entry);
    if (!index.has(key)) {
      index.set(key, blobs.length);
      blobs.push(entry);
    }
    locales[locale] = index.get(key);
  }
  const json = JSON.stringify({ cldr, locales, blobs });
  writeFileSync(new URL(`../src/api/intl/data/${file}`, import.meta.url), deflateSync(json, { level: 9 }));
  console.log(`${file}: ${Object.keys(locales).length} locales, ${blobs.length} distinct, ${json.length} bytes of JSON`);
}
