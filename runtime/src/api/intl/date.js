// ---- DateTimeFormat (ECMA-402 §11) ----

const DATE_COMPONENTS = [
  ["weekday", ["narrow", "short", "long"]],
  ["era", ["narrow", "short", "long"]],
  ["year", ["2-digit", "numeric"]],
  ["month", ["2-digit", "numeric", "narrow", "short", "long"]],
  ["day", ["2-digit", "numeric"]],
  ["dayPeriod", ["narrow", "short", "long"]],
  ["hour", ["2-digit", "numeric"]],
  ["minute", ["2-digit", "numeric"]],
  ["second", ["2-digit", "numeric"]],
  ["fractionalSecondDigits"],
  ["timeZoneName", ["short", "long", "shortOffset", "longOffset", "shortGeneric", "longGeneric"]],
];
const STYLES = ["full", "long", "medium", "short"];

/// The hour cycle a locale uses without options (CLDR's time data, as ICU reads it).
function localeHourCycle(locale) {
  const [language, ...rest] = locale.split("-u-")[0].split("-");
  const region = rest.find((p) => /^([A-Z]{2}|\d{3})$/.test(p));
  if (["en", "hi", "ar", "ko", "bn", "ur", "el", "pa", "fil", "ta", "te", "kn", "ml", "mr", "gu"].includes(language)) {
    if (language === "en" && ["GB", "IE", "150", "001", "DE", "NL", "SE", "DK", "CH", "AT", "BE", "FI", "IL", "ZA"].includes(region)) return "h23";
    return language === "ja" ? "h11" : "h12";
  }
  if (language === "zh" && ["TW", "HK", "MO"].includes(region)) return "h12";
  if (language === "es" && ["US", "MX", "CO", "419"].includes(region)) return "h12";
  return "h23";
}

function DateTimeFormat(locales, options) {
  if (!new.target) return new DateTimeFormat(locales, options);
  createDateTimeFormat(this, locales, options, "any", "date");
}
function createDateTimeFormat(target, locales, options, required, defaults) {
  const requested = canonicalizeLocaleList(locales);
  options = coerceOptionsToObject(options);
  const s = { kind: "DateTimeFormat" };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.DateTimeFormat");
  const calendar = getOption(options, "calendar", "string", undefined, undefined, "Intl.DateTimeFormat");
  if (calendar !== undefined && !/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(calendar)) throw new RangeError(`Invalid calendar : ${calendar}`);
  const numberingSystem = getOption(options, "numberingSystem", "string", undefined, undefined, "Intl.DateTimeFormat");
  if (numberingSystem !== undefined && !/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(numberingSystem)) throw new RangeError(`Invalid numberingSystem : ${numberingSystem}`);
  const hour12 = getOption(options, "hour12", "boolean", undefined, undefined, "Intl.DateTimeFormat");
  let hourCycle = getOption(options, "hourCycle", "string", ["h11", "h12", "h23", "h24"], undefined, "Intl.DateTimeFormat");
  if (hour12 !== undefined) hourCycle = null;
  const base = resolveLocale(requested, ["ca", "nu", "hc"], { ca: calendar, nu: numberingSystem });
  let timeZone = options.timeZone;
  if (timeZone === undefined) timeZone = "UTC";
  else {
    timeZone = String(timeZone);
    const canonical = ops.intlTimeZone(timeZone);
    if (canonical === undefined || canonical === null) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
    timeZone = canonical;
  }
  s.timeZone = timeZone;
  const formatOptions = {};
  let hasExplicit = false;
  for (const [name, values] of DATE_COMPONENTS) {
    const value = name === "fractionalSecondDigits"
      ? getNumberOption(options, name, 1, 3, undefined)
      : getOption(options, name, "string", values, undefined, "Intl.DateTimeFormat");
    formatOptions[name] = value;
    if (value !== undefined) hasExplicit = true;
  }
  getOption(options, "formatMatcher", "string", ["basic", "best fit"], "best fit", "Intl.DateTimeFormat");
  const dateStyle = getOption(options, "dateStyle", "string", STYLES, undefined, "Intl.DateTimeFormat");
  const timeStyle = getOption(options, "timeStyle", "string", STYLES, undefined, "Intl.DateTimeFormat");
  if (dateStyle !== undefined || timeStyle !== undefined) {
    if (hasExplicit) throw new TypeError("Invalid option : option");
    if (required === "date" && timeStyle !== undefined && dateStyle === undefined) throw new TypeError("Invalid option : timeStyle");
    if (required === "time" && dateStyle !== undefined && timeStyle === undefined) throw new TypeError("Invalid option : dateStyle");
    s.dateStyle = dateStyle;
    s.timeStyle = timeStyle;
  } else {
    let needDefaults = true;
    if ((required === "date" || required === "any") && ["weekday", "year", "month", "day"].some((k) => formatOptions[k] !== undefined)) needDefaults = false;
    if ((required === "time" || required === "any") && ["dayPeriod", "hour", "minute", "second", "fractionalSecondDigits"].some((k) => formatOptions[k] !== undefined)) needDefaults = false;
    if (needDefaults && (defaults === "date" || defaults === "all")) formatOptions.year = formatOptions.month = formatOptions.day = "numeric";
    if (needDefaults && (defaults === "time" || defaults === "all")) formatOptions.hour = formatOptions.minute = formatOptions.second = "numeric";
    Object.assign(s, formatOptions);
  }
  const showsHour = s.hour !== undefined || s.timeStyle !== undefined;
  let locale = resolveLocale(requested, ["ca", "nu"], { ca: calendar, nu: numberingSystem });
  if (showsHour) {
    const localeCycle = extensionOf(base, "hc") ?? localeHourCycle(locale);
    let hc = hourCycle ?? (hourCycle === null ? undefined : extensionOf(base, "hc"));
    if (hour12 !== undefined) hc = hour12 ? (["h11", "h23"].includes(localeCycle) && localeCycle === "h11" ? "h11" : "h12") : "h23";
    s.hourCycle = hc ?? localeCycle;
    s.hour12 = s.hourCycle === "h11" || s.hourCycle === "h12";
    if (hc !== undefined && hourCycle !== undefined && hourCycle !== null && extensionOf(base, "hc") === hourCycle) {
      locale = resolveLocale(requested, ["ca", "nu", "hc"], { ca: calendar, nu: numberingSystem });
    }
  }
  s.locale = locale;
  s.calendar = extensionOf(locale, "ca") ?? "gregory";
  s.numberingSystem = extensionOf(locale, "nu") ?? defaultNumberingSystem(locale);
  const tag = s.hourCycle !== undefined && !locale.includes("-hc-") ? `${locale}${locale.includes("-u-") ? "" : "-u"}-hc-${s.hourCycle}` : locale;
  s.handle = ops.intlDateTimeFormat(tag, JSON.stringify(s));
  // resolvedOptions reports the components the chosen pattern shows, as V8 reads them off it.
  const shown = s.dateStyle === undefined && s.timeStyle === undefined ? ops.intlDateComponents(s.handle) : null;
  if (shown !== null) Object.assign(s, Object.fromEntries(DATE_COMPONENTS.map(([name]) => [name, shown[name]])));
  handles.set(target, s);
  return s;
}


/// ECMA-402's time value of a `format` argument: now (frozen between I/O) when undefined.
function timeValueOf(date) {
  const x = date === undefined ? OriginalDate.now() : Number(date);
  if (!Number.isFinite(x) || Math.abs(x) > 8.64e15) throw new RangeError("Invalid time value");
  return Math.trunc(x) + 0;
}
const formatDate = (s, date, parts) => ops.intlFormatDate(s.handle, timeValueOf(date), parts);

DateTimeFormat.prototype = {
  constructor: DateTimeFormat,
  get format() {
    const s = slotsOf(this, "DateTimeFormat", "get Intl.DateTimeFormat.prototype.format");
    return s.bound ??= Object.defineProperty((date) => formatDate(s, date, false), "name", { value: "" });
  },
  formatToParts(date) {
    const s = slotsOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.formatToParts");
    return partsObjects(formatDate(s, date, true));
  },
  formatRange(start, end) {
    const s = slotsOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.formatRange");
    if (start === undefined || end === undefined) throw new TypeError("startDate or endDate is undefined");
    return ops.intlFormatDateRange(s.handle, timeValueOf(start), timeValueOf(end), false);
  },
  formatRangeToParts(start, end) {
    const s = slotsOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.formatRangeToParts");
    if (start === undefined || end === undefined) throw new TypeError("startDate or endDate is undefined");
    const triples = ops.intlFormatDateRange(s.handle, timeValueOf(start), timeValueOf(end), true);
    return triples.map(([type, value, source]) => ({ type, value, source }));
  },
  resolvedOptions() {
    const s = slotsOf(this, "DateTimeFormat", "Intl.DateTimeFormat.prototype.resolvedOptions");
    const out = { locale: s.locale, calendar: s.calendar, numberingSystem: s.numberingSystem, timeZone: s.timeZone };
    if (s.hourCycle !== undefined) Object.assign(out, { hourCycle: s.hourCycle, hour12: s.hour12 });
    for (const [name] of DATE_COMPONENTS) if (s[name] !== undefined) out[name] = s[name];
    if (s.dateStyle !== undefined) out.dateStyle = s.dateStyle;
    if (s.timeStyle !== undefined) out.timeStyle = s.timeStyle;
    return out;
  },
};
defineService("DateTimeFormat", DateTimeFormat);

const DATE_METHODS = { any: "toLocaleString", date: "toLocaleDateString", time: "toLocaleTimeString" };
function dateToLocaleString(date, locales, options, required, defaults) {
  let t;
  try { t = OriginalDate.prototype.getTime.call(date); } catch {
    throw new TypeError(`Method Date.prototype.${DATE_METHODS[required]} called on incompatible receiver ${receiverName(date)}`);
  }
  if (Number.isNaN(t)) return "Invalid Date";
  const f = cached(`d${required}`, locales, options, () => {
    const target = {};
    createDateTimeFormat(target, locales, options, required, defaults);
    return target;
  });
  return formatDate(handles.get(f), t, false);
}

