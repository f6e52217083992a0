// ---------- Intl: ECMA-402 over ICU4X (api/intl/*.rs) ----------
//
// Options are read and checked here, in the spec's order and with V8's error texts; the native
// half gets them resolved, once per object, and formats into parts (ops.rs). Each object's native
// handle is kept in `handles`, so that nothing a Worker can reach holds it. This file has what
// the services share (options, locale lists); number.js, date.js and text.js the services;
// namespace.js `Intl.Locale`, the namespace and the built-ins' locale-sensitive methods
// (engine/locale_methods.rs defines them, calling `localeMethod`).

const { G, define, OriginalDate } = core;

const handles = new WeakMap();
const slotsOf = (v, kind, method) => {
  const slots = (typeof v === "object" && v !== null) ? handles.get(v) : undefined;
  if (slots === undefined || slots.kind !== kind) {
    throw new TypeError(`Method ${method} called on incompatible receiver ${receiverName(v)}`);
  }
  return slots;
};
function receiverName(v) {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object" || typeof v === "function") {
    const name = v.constructor?.name;
    return `#<${name || "Object"}>`;
  }
  return typeof v === "string" ? v : String(v);
}

// ---- options (ECMA-402 §9.2) ----

function getOptionsObject(options) {
  if (options === undefined) return Object.create(null);
  if (typeof options === "object" && options !== null) return options;
  throw new TypeError("Options must be an object");
}
function coerceOptionsToObject(options) {
  return options === undefined ? Object.create(null) : Object(options);
}
function getOption(options, property, type, values, fallback, service) {
  let value = options[property];
  if (value === undefined) return fallback;
  value = type === "boolean" ? Boolean(value) : String(value);
  if (values !== undefined && !values.includes(value)) {
    throw new RangeError(`Value ${value} out of range for ${service} options property ${property}`);
  }
  return value;
}
function defaultNumberOption(value, min, max, fallback, property) {
  if (value === undefined) return fallback;
  value = Number(value);
  if (Number.isNaN(value) || value < min || value > max) {
    throw new RangeError(`${property} value is out of range.`);
  }
  return Math.floor(value);
}
const getNumberOption = (options, property, min, max, fallback) =>
  defaultNumberOption(options[property], min, max, fallback, property);

// ---- locales (ECMA-402 §9.2.1) ----

function canonicalizeLocaleList(locales) {
  if (locales === undefined) return [];
  const seen = [];
  const list = typeof locales === "string" || locales instanceof Locale ? [locales] : Object(locales);
  const length = list.length >>> 0;
  for (let k = 0; k < length; k++) {
    if (!(k in list)) continue;
    const element = list[k];
    if (typeof element !== "string" && (typeof element !== "object" || element === null)) {
      throw new TypeError("Language ID should be string or object.");
    }
    const tag = element instanceof Locale ? element.toString() : ops.intlCanonicalize(String(element));
    if (!seen.includes(tag)) seen.push(tag);
  }
  return seen;
}

/// The locale a service uses: the first requested one there is data for (else en-US), with the
/// Unicode extension keys the service reads and `overrides` (options that set a key) applied.
function resolveLocale(locales, keys, overrides = {}) {
  const requested = canonicalizeLocaleList(locales);
  let locale = ops.intlResolve(requested, keys);
  const extra = Object.entries(overrides).filter(([, v]) => v !== undefined);
  if (extra.length) {
    const loc = new Locale(locale, Object.fromEntries(extra.map(([k, v]) => [LOCALE_OPTION[k], v])));
    locale = loc.toString();
  }
  return locale;
}
const LOCALE_OPTION = { nu: "numberingSystem", ca: "calendar", hc: "hourCycle", co: "collation", kn: "numeric", kf: "caseFirst" };
const extensionOf = (locale, key) => new RegExp(`-u(?:-[a-z0-9]{2,8})*?-${key}-([a-z0-9]{3,8}(?:-[a-z0-9]{3,8})*)`).exec(locale)?.[1];

function supportedLocalesOf(locales, options) {
  const requested = canonicalizeLocaleList(locales);
  if (options !== undefined) getOption(Object(options), "localeMatcher", "string", ["lookup", "best fit"], "best fit", "Intl");
  return requested.filter((tag) => ops.intlIsAvailable(tag));
}

/// What each service's constructor and prototype share: `supportedLocalesOf`, the
/// `Symbol.toStringTag`, the constructor's name and length (V8's: 0 but for DisplayNames).
function defineService(name, Service, length = 0) {
  // A method, so that it is named as V8 names it and still calls the function above.
  define(Service, "supportedLocalesOf", {
    supportedLocalesOf(locales) { return supportedLocalesOf(locales, arguments[1]); },
  }.supportedLocalesOf);
  Object.defineProperty(Service.prototype, Symbol.toStringTag, { value: `Intl.${name}`, configurable: true });
  Object.defineProperty(Service, "name", { value: name });
  Object.defineProperty(Service, "length", { value: length });
}
const requireNew = (target, name) => {
  if (target === undefined) throw new TypeError(`Constructor Intl.${name} requires 'new'`);
};

