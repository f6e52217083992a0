// ---- Collator (ECMA-402 §10) ----

function Collator(locales, options) {
  if (!new.target) return new Collator(locales, options);
  const requested = canonicalizeLocaleList(locales);
  options = coerceOptionsToObject(options);
  const s = { kind: "Collator" };
  s.usage = getOption(options, "usage", "string", ["sort", "search"], "sort", "Intl.Collator");
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.Collator");
  const collation = getOption(options, "collation", "string", undefined, undefined, "Intl.Collator");
  const numeric = getOption(options, "numeric", "boolean", undefined, undefined, "Intl.Collator");
  const caseFirst = getOption(options, "caseFirst", "string", ["upper", "lower", "false"], undefined, "Intl.Collator");
  const base = resolveLocale(requested, ["kn", "kf", "co"]);
  const fromTag = (key) => extensionOf(base, key);
  s.locale = resolveLocale(requested, []);
  s.numeric = numeric ?? (fromTag("kn") === undefined ? false : fromTag("kn") !== "false");
  s.caseFirst = caseFirst ?? fromTag("kf") ?? "false";
  s.collation = collation === undefined || ["standard", "search"].includes(collation) ? "default" : collation;
  s.sensitivity = getOption(options, "sensitivity", "string", ["base", "accent", "case", "variant"], "variant", "Intl.Collator");
  s.ignorePunctuation = getOption(options, "ignorePunctuation", "boolean", undefined, false, "Intl.Collator");
  const keywords = [s.numeric ? "kn" : "", s.caseFirst !== "false" ? `kf-${s.caseFirst}` : ""].filter(Boolean);
  const tag = keywords.length ? `${s.locale}-u-${keywords.join("-")}` : s.locale;
  s.handle = ops.intlCollator(tag, s.sensitivity, s.ignorePunctuation);
  handles.set(this, s);
}
Collator.prototype = {
  constructor: Collator,
  get compare() {
    const s = slotsOf(this, "Collator", "get Intl.Collator.prototype.compare");
    return s.bound ??= Object.defineProperty((x, y) => ops.intlCompare(s.handle, String(x), String(y)), "name", { value: "" });
  },
  resolvedOptions() {
    const s = slotsOf(this, "Collator", "Intl.Collator.prototype.resolvedOptions");
    return {
      locale: s.locale, usage: s.usage, sensitivity: s.sensitivity, ignorePunctuation: s.ignorePunctuation,
      collation: s.collation, numeric: s.numeric, caseFirst: s.caseFirst,
    };
  },
};
defineService("Collator", Collator);

// ---- PluralRules (ECMA-402 §16) ----

function PluralRules(locales, options) {
  requireNew(new.target, "PluralRules");
  const requested = canonicalizeLocaleList(locales);
  options = coerceOptionsToObject(options);
  const s = { kind: "PluralRules" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.PluralRules");
  s.type = getOption(options, "type", "string", ["cardinal", "ordinal"], "cardinal", "Intl.PluralRules");
  setDigitOptions(s, options, 0, 3, "standard");
  s.locale = resolveLocale(requested, []);
  const digits = { ...s, style: "decimal", notation: "standard", useGrouping: "false", signDisplay: "auto" };
  s.handle = ops.intlPluralRules(s.locale, s.type === "ordinal", JSON.stringify(digits));
  handles.set(this, s);
}
PluralRules.prototype = {
  constructor: PluralRules,
  select(value) {
    const s = slotsOf(this, "PluralRules", "Intl.PluralRules.prototype.select");
    const n = Number(value);
    return Number.isFinite(n) ? ops.intlPluralSelect(s.handle, toIntlMathematicalValue(n)) : "other";
  },
  selectRange(start, end) {
    const s = slotsOf(this, "PluralRules", "Intl.PluralRules.prototype.selectRange");
    if (start === undefined || end === undefined) throw new TypeError("start or end is undefined");
    return this.select(end, s);
  },
  resolvedOptions() {
    const s = slotsOf(this, "PluralRules", "Intl.PluralRules.prototype.resolvedOptions");
    const out = { locale: s.locale, type: s.type, minimumIntegerDigits: s.minimumIntegerDigits };
    if (s.roundingType !== "significantDigits") {
      out.minimumFractionDigits = s.minimumFractionDigits;
      out.maximumFractionDigits = s.maximumFractionDigits;
    }
    if (s.roundingType !== "fractionDigits") {
      out.minimumSignificantDigits = s.minimumSignificantDigits;
      out.maximumSignificantDigits = s.maximumSignificantDigits;
    }
    return Object.assign(out, {
      pluralCategories: ops.intlPluralCategories(s.handle),
      roundingIncrement: s.roundingIncrement, roundingMode: s.roundingMode,
      roundingPriority: s.roundingPriority, trailingZeroDisplay: s.trailingZeroDisplay,
    });
  },
};
defineService("PluralRules", PluralRules);

// ---- ListFormat, RelativeTimeFormat, Segmenter (ECMA-402 §13, §17, §18) ----

function stringListFromIterable(list) {
  if (list === undefined) return [];
  const out = [];
  for (const item of list) {
    if (typeof item !== "string") throw new TypeError(`Iterable yielded ${typeof item === "symbol" ? "Symbol()" : String(item)} which is not a string`);
    out.push(item);
  }
  return out;
}

function ListFormat(locales, options) {
  requireNew(new.target, "ListFormat");
  const requested = canonicalizeLocaleList(locales);
  options = getOptionsObject(options);
  const s = { kind: "ListFormat" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.ListFormat");
  s.locale = resolveLocale(requested, []);
  s.type = getOption(options, "type", "string", ["conjunction", "disjunction", "unit"], "conjunction", "Intl.ListFormat");
  s.style = getOption(options, "style", "string", ["long", "short", "narrow"], "long", "Intl.ListFormat");
  s.handle = ops.intlListFormat(s.locale, s.type, s.style);
  handles.set(this, s);
}
ListFormat.prototype = {
  constructor: ListFormat,
  format(list) {
    const s = slotsOf(this, "ListFormat", "Intl.ListFormat.prototype.format");
    return ops.intlFormatList(s.handle, stringListFromIterable(list), false);
  },
  formatToParts(list) {
    const s = slotsOf(this, "ListFormat", "Intl.ListFormat.prototype.formatToParts");
    return partsObjects(ops.intlFormatList(s.handle, stringListFromIterable(list), true));
  },
  resolvedOptions() {
    const s = slotsOf(this, "ListFormat", "Intl.ListFormat.prototype.resolvedOptions");
    return { locale: s.locale, type: s.type, style: s.style };
  },
};
defineService("ListFormat", ListFormat);

const RELATIVE_UNITS = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"];

function RelativeTimeFormat(locales, options) {
  requireNew(new.target, "RelativeTimeFormat");
  const requested = canonicalizeLocaleList(locales);
  options = coerceOptionsToObject(options);
  const s = { kind: "RelativeTimeFormat" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.RelativeTimeFormat");
  const numberingSystem = getOption(options, "numberingSystem", "string", undefined, undefined, "Intl.RelativeTimeFormat");
  s.locale = resolveLocale(requested, ["nu"], { nu: numberingSystem });
  s.numberingSystem = extensionOf(s.locale, "nu") ?? defaultNumberingSystem(s.locale);
  s.style = getOption(options, "style", "string", ["long", "short", "narrow"], "long", "Intl.RelativeTimeFormat");
  s.numeric = getOption(options, "numeric", "string", ["always", "auto"], "always", "Intl.RelativeTimeFormat");
  s.handle = ops.intlRelativeTimeFormat(s.locale, s.style, s.numeric);
  handles.set(this, s);
}
function formatRelative(s, value, unit, parts, method) {
  const n = Number(value);
  unit = String(unit);
  const singular = unit.endsWith("s") ? unit.slice(0, -1) : unit;
  if (!RELATIVE_UNITS.includes(singular)) throw new RangeError(`Invalid unit argument for ${method}() '${unit}'`);
  if (!Number.isFinite(n)) throw new RangeError(`Invalid number value for ${method}() '${n}'`);
  return ops.intlFormatRelative(s.handle, toIntlMathematicalValue(n), singular, parts);
}
RelativeTimeFormat.prototype = {
  constructor: RelativeTimeFormat,
  format(value, unit) {
    const s = slotsOf(this, "RelativeTimeFormat", "Intl.RelativeTimeFormat.prototype.format");
    return formatRelative(s, value, unit, false, "Intl.RelativeTimeFormat.prototype.format");
  },
  formatToParts(value, unit) {
    const s = slotsOf(this, "RelativeTimeFormat", "Intl.RelativeTimeFormat.prototype.formatToParts");
    return partsObjects(formatRelative(s, value, unit, true, "Intl.RelativeTimeFormat.prototype.formatToParts"));
  },
  resolvedOptions() {
    const s = slotsOf(this, "RelativeTimeFormat", "Intl.RelativeTimeFormat.prototype.resolvedOptions");
    return { locale: s.locale, style: s.style, numeric: s.numeric, numberingSystem: s.numberingSystem };
  },
};
defineService("RelativeTimeFormat", RelativeTimeFormat);

function Segmenter(locales, options) {
  requireNew(new.target, "Segmenter");
  const requested = canonicalizeLocaleList(locales);
  options = getOptionsObject(options);
  const s = { kind: "Segmenter" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.Segmenter");
  s.locale = resolveLocale(requested, []);
  s.granularity = getOption(options, "granularity", "string", ["grapheme", "word", "sentence"], "grapheme", "Intl.Segmenter");
  handles.set(this, s);
}
/// A string's segments, found once (ICU4X breaks the whole string) and looked up by index.
class Segments {
  #string; #granularity; #starts; #wordLike;
  constructor(string, granularity) {
    this.#string = string;
    this.#granularity = granularity;
    const flat = ops.intlSegment(string, granularity);
    this.#starts = [];
    this.#wordLike = [];
    for (let i = 0; i < flat.length; i += 2) { this.#starts.push(flat[i]); this.#wordLike.push(flat[i + 1] === 1); }
  }
  #data(k) {
    const start = this.#starts[k], end = this.#starts[k + 1] ?? this.#string.length;
    const out = { segment: this.#string.slice(start, end), index: start, input: this.#string };
    if (this.#granularity === "word") out.isWordLike = this.#wordLike[k];
    return out;
  }
  containing(index) {
    const n = Math.trunc(Number(index)) || 0;
    if (n < 0 || n >= this.#string.length) return undefined;
    let k = this.#starts.length - 1;
    while (k > 0 && this.#starts[k] > n) k--;
    return this.#data(k);
  }
  *[Symbol.iterator]() {
    for (let k = 0; k < this.#starts.length; k++) yield this.#data(k);
  }
}
Segmenter.prototype = {
  constructor: Segmenter,
  segment(string) {
    const s = slotsOf(this, "Segmenter", "Intl.Segmenter.prototype.segment");
    return new Segments(String(string), s.granularity);
  },
  resolvedOptions() {
    const s = slotsOf(this, "Segmenter", "Intl.Segmenter.prototype.resolvedOptions");
    return { locale: s.locale, granularity: s.granularity };
  },
};
defineService("Segmenter", Segmenter);

// ---- DisplayNames (ECMA-402 §12) ----

const DISPLAY_TYPES = ["language", "region", "script", "currency", "calendar", "dateTimeField"];

function DisplayNames(locales, options) {
  requireNew(new.target, "DisplayNames");
  const requested = canonicalizeLocaleList(locales);
  options = getOptionsObject(options);
  const s = { kind: "DisplayNames" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.DisplayNames");
  s.style = getOption(options, "style", "string", ["narrow", "short", "long"], "long", "Intl.DisplayNames");
  s.type = getOption(options, "type", "string", DISPLAY_TYPES, undefined, "Intl.DisplayNames");
  if (s.type === undefined) throw new TypeError("invalid_argument");
  s.fallback = getOption(options, "fallback", "string", ["code", "none"], "code", "Intl.DisplayNames");
  s.languageDisplay = getOption(options, "languageDisplay", "string", ["dialect", "standard"], "dialect", "Intl.DisplayNames");
  s.locale = resolveLocale(requested, []);
  s.handle = ops.intlDisplayNames(s.locale, s.type, s.style, s.languageDisplay === "dialect");
  handles.set(this, s);
}
/// ECMA-402's date-time field codes.
const DATE_TIME_FIELDS = ["era", "year", "quarter", "month", "weekOfYear", "weekday", "day", "dayPeriod", "hour", "minute", "second", "timeZoneName"];
/// ECMA-402's CanonicalCodeForDisplayNames: the code checked and canonicalized for its type.
function canonicalCode(type, code) {
  switch (type) {
    case "language":
      if (!/^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?(-([a-z0-9]{5,8}|\d[a-z0-9]{3}))*$/i.test(code)) throw new RangeError("invalid_argument");
      return ops.intlCanonicalize(code);
    case "region":
      if (!/^([a-z]{2}|\d{3})$/i.test(code)) throw new RangeError("invalid_argument");
      return code.toUpperCase();
    case "script":
      if (!/^[a-z]{4}$/i.test(code)) throw new RangeError("invalid_argument");
      return code[0].toUpperCase() + code.slice(1).toLowerCase();
    case "calendar":
      // Unicode's `type` production, as written (V8 names `Japanese` by itself); `gregorian`,
      // CLDR's own key, is refused as V8 refuses it.
      if (!/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(code) || code === "gregorian") throw new RangeError("invalid_argument");
      return code;
    case "dateTimeField":
      if (!DATE_TIME_FIELDS.includes(code)) throw new RangeError("invalid_argument");
      return code;
    default:
      if (!/^[a-z]{3}$/i.test(code)) throw new RangeError("invalid_argument");
      return code.toUpperCase();
  }
}
DisplayNames.prototype = {
  constructor: DisplayNames,
  of(code) {
    const s = slotsOf(this, "DisplayNames", "Intl.DisplayNames.prototype.of");
    code = canonicalCode(s.type, String(code));
    const name = ops.intlDisplayName(s.handle, code);
    return name ?? (s.fallback === "code" ? code : undefined);
  },
  resolvedOptions() {
    const s = slotsOf(this, "DisplayNames", "Intl.DisplayNames.prototype.resolvedOptions");
    const out = { locale: s.locale, style: s.style, type: s.type, fallback: s.fallback };
    if (s.type === "language") out.languageDisplay = s.languageDisplay;
    return out;
  },
};
defineService("DisplayNames", DisplayNames, 2);

