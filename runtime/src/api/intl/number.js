// ---- NumberFormat (ECMA-402 §15) ----

const CURRENCY_DIGITS = {
  BHD: 3, BIF: 0, CLF: 4, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
  KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, UYW: 4, VND: 0, VUV: 0, XAF: 0,
  XOF: 0, XPF: 0,
};

/// ECMA-402's SetNumberFormatDigitOptions: the digits and rounding slots of `into`.
function setDigitOptions(into, options, mnfdDefault, mxfdDefault, notation) {
  const mnid = getNumberOption(options, "minimumIntegerDigits", 1, 21, 1);
  const mnfd = options.minimumFractionDigits;
  const mxfd = options.maximumFractionDigits;
  const mnsd = options.minimumSignificantDigits;
  const mxsd = options.maximumSignificantDigits;
  into.minimumIntegerDigits = mnid;
  const increment = getNumberOption(options, "roundingIncrement", 1, 5000, 1);
  if (![1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000].includes(increment)) {
    throw new RangeError("roundingIncrement value is out of range.");
  }
  const roundingMode = getOption(options, "roundingMode", "string",
    ["ceil", "floor", "expand", "trunc", "halfCeil", "halfFloor", "halfExpand", "halfTrunc", "halfEven"], "halfExpand", "Intl.NumberFormat");
  const roundingPriority = getOption(options, "roundingPriority", "string", ["auto", "morePrecision", "lessPrecision"], "auto", "Intl.NumberFormat");
  const trailingZeroDisplay = getOption(options, "trailingZeroDisplay", "string", ["auto", "stripIfInteger"], "auto", "Intl.NumberFormat");
  if (increment !== 1) mxfdDefault = mnfdDefault;
  into.roundingIncrement = increment;
  into.roundingMode = roundingMode;
  into.trailingZeroDisplay = trailingZeroDisplay;
  const hasSd = mnsd !== undefined || mxsd !== undefined;
  const hasFd = mnfd !== undefined || mxfd !== undefined;
  let needSd = true, needFd = true;
  if (roundingPriority === "auto") {
    needSd = hasSd;
    if (needSd || (!hasFd && notation === "compact")) needFd = false;
  }
  if (needSd) {
    if (hasSd) {
      into.minimumSignificantDigits = defaultNumberOption(mnsd, 1, 21, 1, "minimumSignificantDigits");
      into.maximumSignificantDigits = defaultNumberOption(mxsd, into.minimumSignificantDigits, 21, 21, "maximumSignificantDigits");
    } else {
      into.minimumSignificantDigits = 1;
      into.maximumSignificantDigits = 21;
    }
  }
  if (needFd) {
    if (hasFd) {
      let min = defaultNumberOption(mnfd, 0, 100, undefined, "minimumFractionDigits");
      let max = defaultNumberOption(mxfd, 0, 100, undefined, "maximumFractionDigits");
      if (min === undefined) min = Math.min(mnfdDefault, max);
      else if (max === undefined) max = Math.max(mxfdDefault, min);
      else if (min > max) throw new RangeError("maximumFractionDigits value is out of range.");
      into.minimumFractionDigits = min;
      into.maximumFractionDigits = max;
    } else {
      into.minimumFractionDigits = mnfdDefault;
      into.maximumFractionDigits = mxfdDefault;
    }
  }
  if (!needSd && !needFd) {
    into.minimumFractionDigits = 0;
    into.maximumFractionDigits = 0;
    into.minimumSignificantDigits = 1;
    into.maximumSignificantDigits = 2;
    into.roundingType = "morePrecision";
    into.roundingPriority = "morePrecision";
  } else if (roundingPriority === "morePrecision" || roundingPriority === "lessPrecision") {
    into.roundingType = roundingPriority;
    into.roundingPriority = roundingPriority;
  } else {
    into.roundingType = hasSd ? "significantDigits" : "fractionDigits";
    into.roundingPriority = "auto";
  }
  if (increment !== 1) {
    if (into.roundingType !== "fractionDigits") {
      throw new TypeError("roundingIncrement can only be used with fraction digits.");
    }
    if (into.maximumFractionDigits !== into.minimumFractionDigits) {
      throw new RangeError("maximumFractionDigits and minimumFractionDigits must be equal when roundingIncrement is used.");
    }
  }
}

/// ECMA-402's sanctioned units: the list `Intl.supportedValuesOf("unit")` gives (values.rs).
let sanctionedUnits;
const isSanctionedUnit = (unit) => (sanctionedUnits ??= ops.intlSupportedValues("unit")).includes(unit);
const isWellFormedUnit = (unit) =>
  isSanctionedUnit(unit) ||
  (unit.includes("-per-") && unit.split("-per-").length === 2 && unit.split("-per-").every(isSanctionedUnit));

function NumberFormat(locales, options) {
  if (!new.target) return new NumberFormat(locales, options);
  const requested = canonicalizeLocaleList(locales);
  options = coerceOptionsToObject(options);
  const s = { kind: "NumberFormat" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.NumberFormat");
  const numberingSystem = getOption(options, "numberingSystem", "string", undefined, undefined, "Intl.NumberFormat");
  if (numberingSystem !== undefined && !/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(numberingSystem)) {
    throw new RangeError(`Invalid numberingSystem : ${numberingSystem}`);
  }
  s.locale = resolveLocale(requested, ["nu"], { nu: numberingSystem });
  s.numberingSystem = extensionOf(s.locale, "nu") ?? defaultNumberingSystem(s.locale);
  s.style = getOption(options, "style", "string", ["decimal", "percent", "currency", "unit"], "decimal", "Intl.NumberFormat");
  const currency = getOption(options, "currency", "string", undefined, undefined, "Intl.NumberFormat");
  if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) throw new RangeError(`Invalid currency code : ${currency}`);
  const currencyDisplay = getOption(options, "currencyDisplay", "string", ["code", "symbol", "narrowSymbol", "name"], "symbol", "Intl.NumberFormat");
  const currencySign = getOption(options, "currencySign", "string", ["standard", "accounting"], "standard", "Intl.NumberFormat");
  const unit = getOption(options, "unit", "string", undefined, undefined, "Intl.NumberFormat");
  if (unit !== undefined && !isWellFormedUnit(unit)) throw new RangeError(`Invalid unit argument for Intl.NumberFormat() '${unit}'`);
  const unitDisplay = getOption(options, "unitDisplay", "string", ["short", "narrow", "long"], "short", "Intl.NumberFormat");
  if (s.style === "currency") {
    if (currency === undefined) throw new TypeError("Currency code is required with currency style.");
    s.currency = currency.toUpperCase();
    s.currencyDisplay = currencyDisplay;
    s.currencySign = currencySign;
  }
  if (s.style === "unit") {
    if (unit === undefined) throw new TypeError("Unit is required with unit style.");
    s.unit = unit;
    s.unitDisplay = unitDisplay;
  }
  s.notation = getOption(options, "notation", "string", ["standard", "scientific", "engineering", "compact"], "standard", "Intl.NumberFormat");
  let mnfd = 0, mxfd = 3;
  if (s.style === "currency" && s.notation === "standard") {
    mnfd = mxfd = CURRENCY_DIGITS[s.currency] ?? 2;
  } else if (s.style === "percent") {
    mxfd = 0;
  }
  setDigitOptions(s, options, mnfd, mxfd, s.notation);
  const compactDisplay = getOption(options, "compactDisplay", "string", ["short", "long"], "short", "Intl.NumberFormat");
  if (s.notation === "compact") s.compactDisplay = compactDisplay;
  s.useGrouping = getUseGrouping(options, s.notation === "compact" ? "min2" : "auto");
  s.signDisplay = getOption(options, "signDisplay", "string", ["auto", "never", "always", "exceptZero", "negative"], "auto", "Intl.NumberFormat");
  s.handle = ops.intlNumberFormat(s.locale, JSON.stringify({ ...s, useGrouping: String(s.useGrouping) }));
  handles.set(this, s);
}
function getUseGrouping(options, fallback) {
  const value = options.useGrouping;
  if (value === undefined) return fallback;
  if (value === true) return "always";
  if (!value) return false;
  const s = String(value);
  if (s === "true" || s === "false") return fallback;
  if (!["min2", "auto", "always"].includes(s)) {
    throw new RangeError(`Value ${s} out of range for Intl.NumberFormat options property useGrouping`);
  }
  return s;
}
const defaultNumberingSystem = (locale) => ops.intlNumberingSystem(locale);

/// ECMA-402's ToIntlMathematicalValue, as the decimal string the native half reads.
function toIntlMathematicalValue(value) {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") {
    const n = Number(value);
    const t = value.trim();
    if (Number.isNaN(n)) return "NaN";
    if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? t.replace(/^\+/, "").replace(/^(-?)\./, "$10.").replace(/\.(e|$)/i, "$1") : String(n);
  }
  const n = Number(value);
  return Object.is(n, -0) ? "-0" : String(n);
}
const formatNumber = (s, value, parts) => ops.intlFormatNumber(s.handle, toIntlMathematicalValue(value), parts);

const partsObjects = (pairs) => pairs.map(([type, value]) => ({ type, value }));

function numberRangeParts(s, start, end) {
  if (start === undefined || end === undefined) throw new TypeError("start or end is undefined");
  const a = formatNumber(s, start, true), b = formatNumber(s, end, true);
  const text = (pairs) => pairs.map(([, v]) => v).join("");
  const tagged = (pairs, source) => pairs.map(([type, value]) => ({ type, value, source }));
  if (text(a) === text(b)) return [{ type: "approximatelySign", value: "~", source: "shared" }, ...tagged(a, "shared")];
  return [...tagged(a, "startRange"), { type: "literal", value: "–", source: "shared" }, ...tagged(b, "endRange")];
}

NumberFormat.prototype = {
  constructor: NumberFormat,
  get format() {
    const s = slotsOf(this, "NumberFormat", "get Intl.NumberFormat.prototype.format");
    return s.bound ??= Object.defineProperty((value) => formatNumber(s, value, false), "name", { value: "" });
  },
  formatToParts(value) {
    const s = slotsOf(this, "NumberFormat", "Intl.NumberFormat.prototype.formatToParts");
    return partsObjects(formatNumber(s, value, true));
  },
  // Without CLDR's range and approximately patterns (not in ICU4X's data), a range is its
  // two ends joined by an en dash and an equal pair is "~" and one number: V8's answer for
  // plain numbers in most locales, not its collapsed currencies and units.
  formatRange(start, end) {
    const s = slotsOf(this, "NumberFormat", "Intl.NumberFormat.prototype.formatRange");
    return numberRangeParts(s, start, end).map((p) => p.value).join("");
  },
  formatRangeToParts(start, end) {
    const s = slotsOf(this, "NumberFormat", "Intl.NumberFormat.prototype.formatRangeToParts");
    return numberRangeParts(s, start, end);
  },
  resolvedOptions() {
    const s = slotsOf(this, "NumberFormat", "Intl.NumberFormat.prototype.resolvedOptions");
    const out = { locale: s.locale, numberingSystem: s.numberingSystem, style: s.style };
    if (s.style === "currency") Object.assign(out, { currency: s.currency, currencyDisplay: s.currencyDisplay, currencySign: s.currencySign });
    if (s.style === "unit") Object.assign(out, { unit: s.unit, unitDisplay: s.unitDisplay });
    out.minimumIntegerDigits = s.minimumIntegerDigits;
    if (s.minimumFractionDigits !== undefined && s.roundingType !== "significantDigits") {
      out.minimumFractionDigits = s.minimumFractionDigits;
      out.maximumFractionDigits = s.maximumFractionDigits;
    }
    if (s.minimumSignificantDigits !== undefined && s.roundingType !== "fractionDigits") {
      out.minimumSignificantDigits = s.minimumSignificantDigits;
      out.maximumSignificantDigits = s.maximumSignificantDigits;
    }
    Object.assign(out, { useGrouping: s.useGrouping, notation: s.notation });
    if (s.notation === "compact") out.compactDisplay = s.compactDisplay;
    Object.assign(out, {
      signDisplay: s.signDisplay, roundingIncrement: s.roundingIncrement, roundingMode: s.roundingMode,
      roundingPriority: s.roundingPriority, trailingZeroDisplay: s.trailingZeroDisplay,
    });
    return out;
  },
};
defineService("NumberFormat", NumberFormat);

