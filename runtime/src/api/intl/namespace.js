// ---- Locale (ECMA-402 §14) ----

class Locale {
  #tag;
  constructor(tag, options) {
    if (typeof tag !== "string" && (typeof tag !== "object" || tag === null)) {
      throw new TypeError("First argument to Intl.Locale constructor can't be empty or missing");
    }
    tag = tag instanceof Locale ? tag.#tag : ops.intlCanonicalize(String(tag));
    options = coerceOptionsToObject(options);
    const [id, ...ext] = splitExtension(tag);
    const parts = id.split("-");
    let [language] = parts;
    let script = parts.find((p, i) => i > 0 && /^[A-Za-z]{4}$/.test(p));
    let region = parts.find((p, i) => i > 0 && /^([A-Za-z]{2}|\d{3})$/.test(p));
    const variants = parts.filter((p, i) => i > 0 && p !== script && p !== region);
    const lang = getOption(options, "language", "string", undefined, undefined, "Intl.Locale");
    const scr = getOption(options, "script", "string", undefined, undefined, "Intl.Locale");
    const reg = getOption(options, "region", "string", undefined, undefined, "Intl.Locale");
    if (lang !== undefined) language = lang;
    if (scr !== undefined) script = scr;
    if (reg !== undefined) region = reg;
    let keywords = parseKeywords(ext.join("-"));
    for (const [key, name, values] of [
      ["ca", "calendar"], ["co", "collation"], ["fw", "firstDayOfWeek"], ["hc", "hourCycle", ["h11", "h12", "h23", "h24"]],
      ["kf", "caseFirst", ["upper", "lower", "false"]], ["kn", "numeric", "boolean"], ["nu", "numberingSystem"],
    ]) {
      let v = values === "boolean"
        ? getOption(options, name, "boolean", undefined, undefined, "Intl.Locale")
        : getOption(options, name, "string", Array.isArray(values) ? values : undefined, undefined, "Intl.Locale");
      if (v === undefined) continue;
      v = String(v);
      keywords = keywords.filter(([k]) => k !== key).concat([[key, v]]);
    }
    keywords.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const base = [language, script, region, ...variants].filter(Boolean).join("-");
    const u = keywords.map(([k, v]) => (v === "true" || v === "" ? k : `${k}-${v}`)).join("-");
    this.#tag = ops.intlCanonicalize(u ? `${base}-u-${u}` : base);
  }
  get #parts() {
    const [id] = splitExtension(this.#tag);
    const parts = id.split("-");
    return {
      id,
      language: parts[0],
      script: parts.find((p, i) => i > 0 && /^[A-Z][a-z]{3}$/.test(p)),
      region: parts.find((p, i) => i > 0 && /^([A-Z]{2}|\d{3})$/.test(p)),
    };
  }
  #keyword(key) {
    const v = parseKeywords(splitExtension(this.#tag).slice(1).join("-")).find(([k]) => k === key)?.[1];
    return v === "" ? "true" : v;
  }
  toString() { return this.#tag; }
  toJSON() { return this.#tag; }
  get baseName() { return this.#parts.id; }
  get language() { return this.#parts.language; }
  get script() { return this.#parts.script; }
  get region() { return this.#parts.region; }
  get calendar() { return this.#keyword("ca"); }
  get collation() { return this.#keyword("co"); }
  get hourCycle() { return this.#keyword("hc"); }
  get caseFirst() { return this.#keyword("kf"); }
  get numeric() { const v = this.#keyword("kn"); return v !== undefined && v !== "false"; }
  get numberingSystem() { return this.#keyword("nu"); }
  get firstDayOfWeek() { return this.#keyword("fw"); }
  maximize() { return new Locale(ops.intlLikely(this.#tag, true)); }
  minimize() { return new Locale(ops.intlLikely(this.#tag, false)); }
}
Object.defineProperty(Locale.prototype, Symbol.toStringTag, { value: "Intl.Locale", configurable: true });
/// A tag's language id and its extensions, apart.
function splitExtension(tag) {
  const m = /-(?=[a-wyz0-9x]-)/i.exec(tag);
  return m ? [tag.slice(0, m.index), tag.slice(m.index + 1)] : [tag];
}
/// The `-u-` keywords of an extension string, as [key, value] pairs.
function parseKeywords(ext) {
  const m = /(?:^|-)u((?:-[a-z0-9]{2,8})*)/i.exec(ext);
  if (!m) return [];
  const out = [];
  for (const sub of m[1].split("-").filter(Boolean)) {
    if (sub.length === 2) out.push([sub, ""]);
    else if (out.length) out[out.length - 1][1] = out[out.length - 1][1] ? `${out[out.length - 1][1]}-${sub}` : sub;
  }
  return out;
}

// ---- Intl ----

const Intl = {};
Object.defineProperty(Intl, Symbol.toStringTag, { value: "Intl", configurable: true });
for (const [name, value] of Object.entries({ Collator, DateTimeFormat, DisplayNames, DurationFormat, ListFormat, Locale, NumberFormat, PluralRules, RelativeTimeFormat, Segmenter })) {
  define(Intl, name, value);
}
define(Intl, "getCanonicalLocales", function getCanonicalLocales(locales) {
  return canonicalizeLocaleList(locales);
});
define(Intl, "supportedValuesOf", function supportedValuesOf(key) {
  key = String(key);
  const values = ops.intlSupportedValues(key);
  if (values === undefined || values === null) throw new RangeError(`Invalid key : ${key}`);
  return values;
});
define(G, "Intl", Intl);

// ---- the built-ins' locale-sensitive methods (engine/locale_methods.rs) ----

const cache = new Map();
/// The formatter a built-in's method uses: made once per locales and options it is called with
/// the same as before (the common case: none), as V8 caches its defaults.
function cached(kind, locales, options, make) {
  const simple = (locales === undefined || typeof locales === "string") && options === undefined;
  if (!simple) return make();
  const key = `${kind}\0${locales ?? ""}`;
  let f = cache.get(key);
  if (f === undefined) { f = make(); cache.set(key, f); }
  return f;
}

function thisNumberValue(v, method) {
  if (typeof v === "number") return v;
  if (v instanceof Number) return Number.prototype.valueOf.call(v);
  throw new TypeError(`${method} requires that 'this' be a Number`);
}

function numberToLocaleString(value, locales, options) {
  const n = thisNumberValue(value, "Number.prototype.toLocaleString");
  return formatNumber(handles.get(cached("n", locales, options, () => new NumberFormat(locales, options))), n, false);
}
function bigintToLocaleString(value, locales, options) {
  let n;
  try { n = BigInt.prototype.valueOf.call(value); } catch {
    throw new TypeError("BigInt.prototype.toLocaleString requires that 'this' be a BigInt");
  }
  return formatNumber(handles.get(cached("n", locales, options, () => new NumberFormat(locales, options))), n, false);
}
function localeCompare(value, that, locales, options) {
  if (value === undefined || value === null) throw new TypeError("String.prototype.localeCompare called on null or undefined");
  const c = cached("c", locales, options, () => new Collator(locales, options));
  return ops.intlCompare(handles.get(c).handle, String(value), String(that));
}
function changeCase(value, locales, upper) {
  const method = upper ? "toLocaleUpperCase" : "toLocaleLowerCase";
  if (value === undefined || value === null) throw new TypeError(`String.prototype.${method} called on null or undefined`);
  const [tag] = canonicalizeLocaleList(locales);
  return ops.intlChangeCase(String(value), tag ?? "en-US", upper);
}
function arrayToLocaleString(array, locales, options) {
  const o = Object(array);
  const length = Math.min(Number(o.length) || 0, 2 ** 53 - 1);
  let out = "";
  for (let k = 0; k < length; k++) {
    if (k > 0) out += ",";
    const e = o[k];
    if (e !== undefined && e !== null) out += String(e.toLocaleString(locales, options));
  }
  return out;
}

/// What the built-ins' methods do, by their index in api/intl/mod.rs LOCALE_METHODS.
const LOCALE_METHODS = [
  (self, locales, options) => numberToLocaleString(self, locales, options),
  (self, locales, options) => bigintToLocaleString(self, locales, options),
  (self, locales, options) => arrayToLocaleString(self, locales, options),
  (self, locales, options) => dateToLocaleString(self, locales, options, "any", "all"),
  (self, locales, options) => dateToLocaleString(self, locales, options, "date", "date"),
  (self, locales, options) => dateToLocaleString(self, locales, options, "time", "time"),
  (self, that, locales, options) => localeCompare(self, that, locales, options),
  (self, locales) => changeCase(self, locales, true),
  (self, locales) => changeCase(self, locales, false),
];

return {
  Intl,
  localeMethod: (index, self, a, b, c) => LOCALE_METHODS[index](self, a, b, c),
};
