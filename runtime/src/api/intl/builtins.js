// ---------- the built-ins' locale-sensitive methods, as ECMA-402 redefines them ----------
//
// Each loads the intl unit (api/intl/intl.js) on its first call, so a start pays only for these
// definitions.
{
  const intl = () => unit("intl");
  const dateMethod = (required, defaults) => function (locales, options) {
    return intl().dateToLocaleString(this, locales, options, required, defaults);
  };
  const locale = {
    toLocaleString(locales, options) { return intl().numberToLocaleString(this, locales, options); },
  };
  define(Number.prototype, "toLocaleString", locale.toLocaleString);
  define(BigInt.prototype, "toLocaleString", {
    toLocaleString(locales, options) { return intl().bigintToLocaleString(this, locales, options); },
  }.toLocaleString);
  const dates = {
    toLocaleString: dateMethod("any", "all"),
    toLocaleDateString: dateMethod("date", "date"),
    toLocaleTimeString: dateMethod("time", "time"),
  };
  for (const name of Object.keys(dates)) {
    Object.defineProperty(dates[name], "name", { value: name });
    define(OriginalDate.prototype, name, dates[name]);
  }
  const strings = {
    localeCompare(that, locales, options) { return intl().localeCompare(this, that, locales, options); },
    toLocaleUpperCase(locales) { return intl().changeCase(this, locales, true); },
    toLocaleLowerCase(locales) { return intl().changeCase(this, locales, false); },
  };
  for (const name of Object.keys(strings)) define(String.prototype, name, strings[name]);
  define(Array.prototype, "toLocaleString", {
    toLocaleString(locales, options) { return intl().arrayToLocaleString(this, locales, options); },
  }.toLocaleString);
}
