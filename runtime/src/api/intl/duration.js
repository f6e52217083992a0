// ---- DurationFormat (ECMA-402 §15, the Intl.DurationFormat proposal's algorithm) ----
//
// A duration is formatted unit by unit with NumberFormat (`style: 'unit'`, or plain numbers
// joined by the locale's time separator for the numeric styles) and the units joined with
// ListFormat (`type: 'unit'`), as the spec says. Where V8 answers otherwise the code follows V8
// and says so (recorded in reference/workerd/results/snippets-intl-duration.json).

/// The units in table order: [plural name, NumberFormat unit, its styles, its digital default].
const DURATION_UNITS = [
  ["years", "year", ["long", "short", "narrow"], "short"],
  ["months", "month", ["long", "short", "narrow"], "short"],
  ["weeks", "week", ["long", "short", "narrow"], "short"],
  ["days", "day", ["long", "short", "narrow"], "short"],
  ["hours", "hour", ["long", "short", "narrow", "numeric", "2-digit"], "numeric"],
  ["minutes", "minute", ["long", "short", "narrow", "numeric", "2-digit"], "numeric"],
  ["seconds", "second", ["long", "short", "narrow", "numeric", "2-digit"], "numeric"],
  ["milliseconds", "millisecond", ["long", "short", "narrow", "numeric"], "numeric"],
  ["microseconds", "microsecond", ["long", "short", "narrow", "numeric"], "numeric"],
  ["nanoseconds", "nanosecond", ["long", "short", "narrow", "numeric"], "numeric"],
];
const SUB_SECOND = ["milliseconds", "microseconds", "nanoseconds"];
const NUMERIC = ["numeric", "2-digit"];

/// The locales whose Latin-digit time separator is "." in CLDR 47 (cldr-numbers-full,
/// `symbols-numberSystem-latn.timeSeparator`); every other one's is ":". V8 writes it between
/// hours, minutes and seconds whatever the digits (`ur-u-nu-arabext` too, recorded).
const DOT_TIME_SEPARATOR = ["da", "da-GL", "en-DK", "en-FI", "fi", "id", "ms-ID", "si", "smn", "su", "su-Latn", "sv-FI"];
/// The separator of `locale`: its most specific tag listed decides.
function timeSeparator(locale) {
  const parts = locale.split("-u-")[0].split("-");
  const candidates = parts.map((_, i) => parts.slice(0, parts.length - i).join("-"));
  return candidates.some((c) => DOT_TIME_SEPARATOR.includes(c)) ? "." : ":";
}

/// V8's text for a duration or an options object that the spec refuses without a message of
/// its own: the value as V8 prints it.
const invalidObject = (value) => new RangeError(`Invalid object : ${typeof value === "string" ? value : receiverName(value)}`);

/// GetDurationUnitOptions, with V8's text where the spec throws.
function durationUnitOptions(unit, options, baseStyle, styles, digitalBase, prevStyle) {
  let style = getOption(options, unit, "string", styles, undefined, "Intl.DurationFormat");
  let displayDefault = "always";
  if (style === undefined) {
    if (baseStyle === "digital") {
      if (!["hours", "minutes", "seconds"].includes(unit)) displayDefault = "auto";
      style = digitalBase;
    } else if (["fractional", ...NUMERIC].includes(prevStyle)) {
      if (unit !== "minutes" && unit !== "seconds") displayDefault = "auto";
      style = "numeric";
    } else {
      displayDefault = "auto";
      style = baseStyle;
    }
  }
  if (style === "numeric" && SUB_SECOND.includes(unit)) {
    style = "fractional";
    displayDefault = "auto";
  }
  const display = getOption(options, `${unit}Display`, "string", ["auto", "always"], displayDefault, "Intl.DurationFormat");
  if (display === "always" && style === "fractional") throw invalidObject(options);
  if (prevStyle === "fractional" && style !== "fractional") throw invalidObject(options);
  if (NUMERIC.includes(prevStyle)) {
    if (!["fractional", ...NUMERIC].includes(style)) throw invalidObject(options);
    if (unit === "minutes" || unit === "seconds") style = "2-digit";
  }
  return { style, display };
}

function DurationFormat(locales, options) {
  requireNew(new.target, "DurationFormat");
  const requested = canonicalizeLocaleList(locales);
  // GetOptionsObject, with V8's text for this service.
  if (options !== undefined && (typeof options !== "object" || options === null)) throw new TypeError("invalid_argument");
  options = options ?? Object.create(null);
  const s = { kind: "DurationFormat", numberFormats: new Map() };
  getOption(options, "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl.DurationFormat");
  const numberingSystem = getOption(options, "numberingSystem", "string", undefined, undefined, "Intl.DurationFormat");
  if (numberingSystem !== undefined && !/^[a-z0-9]{3,8}(-[a-z0-9]{3,8})*$/i.test(numberingSystem)) {
    throw new RangeError(`Invalid numberingSystem : ${numberingSystem}`);
  }
  s.locale = resolveLocale(requested, ["nu"]);
  s.formatLocale = numberingSystem === undefined ? s.locale : resolveLocale(requested, ["nu"], { nu: numberingSystem });
  // V8 reports "latn" unless a numbering system was asked for, and still writes the
  // locale's own digits (Arabic's, for `ar`).
  s.numberingSystem = numberingSystem ?? extensionOf(s.locale, "nu") ?? "latn";
  s.separator = timeSeparator(s.locale);
  s.style = getOption(options, "style", "string", ["long", "short", "narrow", "digital"], "short", "Intl.DurationFormat");
  let prevStyle = "";
  s.units = {};
  for (const [unit, , styles, digitalBase] of DURATION_UNITS) {
    const unitOptions = durationUnitOptions(unit, options, s.style, styles, digitalBase, prevStyle);
    s.units[unit] = unitOptions;
    if (!["years", "months", "weeks", "days", "nanoseconds"].includes(unit)) prevStyle = unitOptions.style;
  }
  s.fractionalDigits = getNumberOption(options, "fractionalDigits", 0, 9, undefined);
  handles.set(this, s);
}

/// ToDurationRecord, with V8's texts (it reads the fields as Temporal does).
function toDurationRecord(input) {
  if (typeof input !== "object" || input === null) {
    if (typeof input === "string") throw invalidObject(input);
    throw new TypeError("Temporal error: Duration argument must be an object.");
  }
  const record = {};
  let any = false;
  for (const unit of [...DURATION_UNITS.map(([u]) => u)].sort()) {
    const value = input[unit];
    record[unit] = 0;
    if (value === undefined) continue;
    any = true;
    if (typeof value === "bigint") throw new TypeError("Cannot convert a BigInt value to a number");
    const n = +value;
    if (!Number.isInteger(n)) throw new RangeError("Temporal error: Number not integral.");
    record[unit] = n;
  }
  if (!any) throw new TypeError("Temporal error: Duration argument must contain at least one date/time field.");
  if (!isValidDuration(record)) throw invalidObject(input);
  return record;
}

function isValidDuration(d) {
  const values = DURATION_UNITS.map(([u]) => d[u]);
  if (values.some((v) => v < 0) && values.some((v) => v > 0)) return false;
  if (["years", "months", "weeks"].some((u) => Math.abs(d[u]) >= 2 ** 32)) return false;
  // Seconds in exact arithmetic (the sub-second units as integers of nanoseconds).
  const big = (u) => BigInt(d[u]);
  const nanoseconds = ((big("days") * 86400n + big("hours") * 3600n + big("minutes") * 60n + big("seconds")) * 1_000_000_000n) +
    big("milliseconds") * 1_000_000n + big("microseconds") * 1000n + big("nanoseconds");
  const limit = 2n ** 53n * 1_000_000_000n;
  return nanoseconds < limit && -nanoseconds < limit;
}

const durationSign = (d) => {
  for (const [u] of DURATION_UNITS) {
    if (d[u] < 0) return -1;
    if (d[u] > 0) return 1;
  }
  return 0;
};

/// `unit`'s value plus the fractional-style units below it, as an exact decimal string
/// (ComputeFractionalDigits without floating point).
function withFraction(s, d, unit) {
  let scaled = BigInt(d[unit]);
  let digits = 0;
  for (const sub of SUB_SECOND.slice(SUB_SECOND.indexOf(unit) + 1)) {
    if (s.units[sub].style !== "fractional") break;
    scaled = scaled * 1000n + BigInt(d[sub]);
    digits += 3;
  }
  if (digits === 0) return d[unit];
  const negative = scaled < 0n || (scaled === 0n && durationSign(d) < 0);
  const text = (scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, "0");
  return `${negative ? "-" : ""}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
const fractionUnit = (unit) => (unit === "seconds" ? "milliseconds" : unit === "milliseconds" ? "microseconds" : "nanoseconds");

/// A NumberFormat for these options, made once per DurationFormat.
function durationNumberFormat(s, options) {
  const key = JSON.stringify(options);
  let nf = s.numberFormats.get(key);
  if (nf === undefined) {
    nf = new NumberFormat(s.formatLocale, options);
    s.numberFormats.set(key, nf);
  }
  return nf;
}
function fractionOptions(s) {
  const digits = s.fractionalDigits;
  return { maximumFractionDigits: digits ?? 9, minimumFractionDigits: digits ?? 0, roundingMode: "trunc" };
}

/// FormatNumericHours/Minutes/Seconds: one number of a digital clock.
function numericParts(s, unit, value, signDisplayed) {
  const options = { useGrouping: false };
  if (s.units[unit].style === "2-digit") options.minimumIntegerDigits = 2;
  if (!signDisplayed) options.signDisplay = "never";
  if (unit === "seconds") Object.assign(options, fractionOptions(s));
  const singular = unit.slice(0, -1);
  return durationNumberFormat(s, options).formatToParts(value).map((p) => ({ ...p, unit: singular }));
}

/// FormatNumericUnits: the clock from `first` (hours, minutes or seconds) down.
function numericUnits(s, d, first, signDisplayed) {
  let hours = d.hours;
  let minutes = d.minutes;
  const seconds = SUB_SECOND.some((u) => d[u] !== 0) ? withFraction(s, d, "seconds") : d.seconds;
  const shown = (unit, value) => Number(value) !== 0 || s.units[unit].display === "always";
  const hoursFormatted = first === "hours" && shown("hours", hours);
  const secondsFormatted = shown("seconds", seconds);
  const minutesFormatted = (first === "hours" || first === "minutes") &&
    ((hoursFormatted && secondsFormatted) || shown("minutes", minutes));
  const negative = durationSign(d) === -1;
  const out = [];
  const separator = () => out.push({ type: "literal", value: s.separator });
  if (hoursFormatted) {
    if (signDisplayed && hours === 0 && negative) hours = -0;
    out.push(...numericParts(s, "hours", hours, signDisplayed));
    signDisplayed = false;
  }
  if (minutesFormatted) {
    if (signDisplayed && minutes === 0 && negative) minutes = -0;
    if (hoursFormatted) separator();
    out.push(...numericParts(s, "minutes", minutes, signDisplayed));
    signDisplayed = false;
  }
  if (secondsFormatted) {
    if (minutesFormatted) separator();
    out.push(...numericParts(s, "seconds", seconds, signDisplayed));
  }
  return out;
}

/// PartitionDurationFormatPattern: a list of units' parts, joined as a unit list.
function durationParts(s, d) {
  const elements = [];
  let signDisplayed = true;
  // The element of hours or minutes written as a unit, when it is the last one so far.
  let clockElement = null;
  for (const [unit, nfUnit] of DURATION_UNITS) {
    const { style, display } = s.units[unit];
    let value = d[unit];
    if (NUMERIC.includes(style)) {
      const clock = numericUnits(s, d, unit, signDisplayed);
      // V8 writes numeric seconds that follow hours or minutes displayed as a unit into that
      // element, after the time separator ("2 min:3", "1 hr:3"), where the spec makes them an
      // element of their own.
      if (unit === "seconds" && clockElement !== null && clock.length > 0) {
        clockElement.push({ type: "literal", value: s.separator }, ...clock);
      } else if (clock.length > 0) {
        elements.push(clock);
      }
      break;
    }
    const options = {};
    let last = false;
    if (["seconds", "milliseconds", "microseconds"].includes(unit) && s.units[fractionUnit(unit)].style === "fractional") {
      value = withFraction(s, d, unit);
      Object.assign(options, fractionOptions(s));
      last = true;
    }
    if (Number(value) !== 0 || display === "always") {
      if (signDisplayed) {
        signDisplayed = false;
        if (Number(value) === 0 && durationSign(d) === -1) value = typeof value === "string" ? `-${value}` : -0;
      } else {
        options.signDisplay = "never";
      }
      Object.assign(options, { style: "unit", unit: nfUnit, unitDisplay: style });
      const parts = durationNumberFormat(s, options).formatToParts(value).map((p) => ({ ...p, unit: nfUnit }));
      elements.push(parts);
      clockElement = unit === "hours" || unit === "minutes" ? parts : null;
    }
    if (last) break;
  }
  return listParts(s, elements);
}

/// ListFormatParts: the elements joined by a unit list of the DurationFormat's style.
function listParts(s, elements) {
  s.listFormat ??= new ListFormat(s.formatLocale, { type: "unit", style: s.style === "digital" ? "short" : s.style });
  const strings = elements.map((parts) => parts.map((p) => p.value).join(""));
  const out = [];
  let next = 0;
  for (const part of s.listFormat.formatToParts(strings)) {
    if (part.type === "element") out.push(...elements[next++]);
    else out.push({ type: "literal", value: part.value });
  }
  return out;
}

DurationFormat.prototype = {
  constructor: DurationFormat,
  format(duration) {
    const s = slotsOf(this, "DurationFormat", "Intl.DurationFormat.prototype.format");
    return durationParts(s, toDurationRecord(duration)).map((p) => p.value).join("");
  },
  formatToParts(duration) {
    const s = slotsOf(this, "DurationFormat", "Intl.DurationFormat.prototype.formatToParts");
    return durationParts(s, toDurationRecord(duration));
  },
  resolvedOptions() {
    const s = slotsOf(this, "DurationFormat", "Intl.DurationFormat.prototype.resolvedOptions");
    const out = { locale: s.locale, numberingSystem: s.numberingSystem, style: s.style };
    for (const [unit] of DURATION_UNITS) {
      const { style, display } = s.units[unit];
      out[unit] = style === "fractional" ? "numeric" : style;
      out[`${unit}Display`] = display;
    }
    if (s.fractionalDigits !== undefined) out.fractionalDigits = s.fractionalDigits;
    return out;
  },
};
defineService("DurationFormat", DurationFormat);
