// node_assert: node:assert as workerd's is: every comparison strict (`equal` is `strictEqual`,
// `deepEqual` is `deepStrictEqual`), and its message texts, which mix Node's two diff styles:
// strictEqual's line diff, deepStrictEqual's `+ actual - expected` with a caret.

const { codes, validate } = core.unit("node_internal");
const util = core.unit("node_util");
const isDeepStrictEqual = util.isDeepStrictEqualInternal;

const inspectValue = (v) => util.inspect(v, {
  compact: true, customInspect: false, depth: 1000, maxArrayLength: Infinity, showHidden: false, showProxy: false,
  sorted: true, getters: true,
});
const READABLE = {
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  strictEqual: "Expected values to be strictly equal:",
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  notIdentical: "Values identical but not reference-equal:",
};

/// Node's `+ actual - expected` diff of the two values' inspections.
function createErrDiff(actual, expected, operator) {
  let other = "", res = "", end = "", skipped = false;
  const actualInspected = inspectValue(actual);
  const actualLines = actualInspected.split("\n");
  const expectedLines = inspectValue(expected).split("\n");
  let i = 0;
  let indicator = "";
  if (operator === "strictEqual" && ((typeof actual === "object" && actual !== null && typeof expected === "object" && expected !== null) ||
      (typeof actual === "function" && typeof expected === "function"))) {
    operator = "strictEqualObject";
  }
  if (actualLines.length === 1 && expectedLines.length === 1 && actualLines[0] !== expectedLines[0]) {
    const inputLength = actualLines[0].length + expectedLines[0].length;
    if (inputLength <= 12) {
      if ((typeof actual !== "object" || actual === null) && (typeof expected !== "object" || expected === null) && (actual !== 0 || expected !== 0)) {
        return `${READABLE[operator]}\n\n${actualLines[0]} !== ${expectedLines[0]}\n`;
      }
    } else if (operator !== "strictEqualObject" && inputLength < 80) {
      while (actualLines[0][i] === expectedLines[0][i]) i++;
      if (i > 2) {
        indicator = `\n  ${" ".repeat(i)}^`;
        i = 0;
      }
    }
  }
  let a = actualLines[actualLines.length - 1];
  let b = expectedLines[expectedLines.length - 1];
  while (a === b) {
    if (i++ < 3) end = `\n  ${a}${end}`;
    else other = a;
    actualLines.pop();
    expectedLines.pop();
    if (actualLines.length === 0 || expectedLines.length === 0) break;
    a = actualLines[actualLines.length - 1];
    b = expectedLines[expectedLines.length - 1];
  }
  const maxLines = Math.max(actualLines.length, expectedLines.length);
  if (maxLines === 0) {
    const lines = actualInspected.split("\n");
    if (lines.length > 50) { lines[46] = "..."; lines.length = 47; }
    return `${READABLE.notIdentical}\n\n${lines.join("\n")}\n`;
  }
  if (i >= 5) { end = `\n...${end}`; skipped = true; }
  if (other !== "") { end = `\n  ${other}${end}`; other = ""; }
  let printedLines = 0;
  let identical = 0;
  const msg = `${READABLE[operator]}\n+ actual - expected`;
  const skippedMsg = " ... Lines skipped";
  let lines = actualLines;
  let plusMinus = "+";
  let maxLength = expectedLines.length;
  if (actualLines.length < maxLines) { lines = expectedLines; plusMinus = "-"; maxLength = actualLines.length; }
  const flushIdentical = (source, at) => {
    if (identical > 2) {
      if (identical > 3) {
        if (identical > 4) {
          if (identical === 5) { res += `\n  ${source[at - 3]}`; printedLines++; }
          else { res += "\n..."; skipped = true; }
        }
        res += `\n  ${source[at - 2]}`;
        printedLines++;
      }
      res += `\n  ${source[at - 1]}`;
      printedLines++;
    }
    identical = 0;
  };
  for (i = 0; i < maxLines; i++) {
    if (maxLength < i + 1) {
      flushIdentical(lines, i);
      if (lines === actualLines) res += `\n${plusMinus} ${lines[i]}`;
      else other += `\n${plusMinus} ${lines[i]}`;
      printedLines++;
    } else {
      const expectedLine = expectedLines[i];
      let actualLine = actualLines[i];
      let diverging = actualLine !== expectedLine && (!actualLine.endsWith(",") || actualLine.slice(0, -1) !== expectedLine);
      if (diverging && expectedLine.endsWith(",") && expectedLine.slice(0, -1) === actualLine) {
        diverging = false;
        actualLine += ",";
      }
      if (diverging) {
        flushIdentical(actualLines, i);
        res += `\n+ ${actualLine}`;
        other += `\n- ${expectedLine}`;
        printedLines += 2;
      } else {
        res += other;
        other = "";
        identical++;
        if (identical <= 2) { res += `\n  ${actualLine}`; printedLines++; }
      }
    }
    if (printedLines > 50 && i < maxLines - 2) return `${msg}${skippedMsg}\n${res}\n...${other}\n...`;
  }
  return `${msg}${skipped ? skippedMsg : ""}\n${res}${other}${end}${indicator}`;
}

/// The lines strictEqual's diff shows of `value`: a string's own lines (newlines escaped),
/// anything else's inspection.
function diffLines(value, raw) {
  if (raw) return value.split(/(?<=\n)/).map((l) => l.replace(/\n/g, "\\n"));
  return util.inspect(value).split("\n");
}
/// strictEqual's message: a line diff of actual (-) against expected (+).
function strictEqualMessage(actual, expected) {
  if (typeof actual === "object" && actual !== null && typeof expected === "object" && expected !== null && isDeepStrictEqual(actual, expected)) {
    return `Values have the same structure but are not reference-equal:\n\n${util.inspect(actual).split("\n").map((l) => `    ${l}`).join("\n")}\n`;
  }
  const raw = typeof actual === "string" && typeof expected === "string";
  const a = diffLines(actual, raw);
  const b = diffLines(expected, raw);
  // Longest common subsequence of lines, walked front to back.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) { out.push(`    ${a[i]}`); i++; j++; }
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`-   ${a[i++]}`);
    else out.push(`+   ${b[j++]}`);
  }
  const tail = raw ? "\n" : "";
  return `Values are not strictly equal:\n\n\n[Diff] Actual / Expected\n\n\n${out.join("\n")}\n${tail}`;
}

class AssertionError extends Error {
  constructor(options) {
    validate.object(options, "options");
    const { message, operator, stackStartFn, details } = options;
    let { actual, expected } = options;
    void stackStartFn; void details;
    if (message != null) super(String(message));
    else if (operator === "deepStrictEqual" || operator === "strictEqual") super(createErrDiff(actual, expected, operator));
    else super(`${inspectValue(actual)} ${operator} ${inspectValue(expected)}`);
    this.generatedMessage = message == null;
    this.code = "ERR_ASSERTION";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.name = "AssertionError";
  }
  toString() { return `${this.name} [${this.code}]: ${this.message}`; }
}

function fail(actual, expected, message, operator) {
  if (arguments.length === 0) message = "Failed";
  else if (arguments.length === 1) { message = actual; actual = undefined; }
  if (message instanceof Error) throw message;
  const error = new AssertionError({ actual, expected, operator: operator === undefined ? "fail" : operator, message });
  if (arguments.length < 2) error.generatedMessage = arguments.length === 0;
  throw error;
}
/// Throws an AssertionError with `message` (an Error as its text, as workerd words it), or
/// with the `generated` text when none was given.
function raise(message, generated, fields) {
  if (message instanceof Error) message = String(message);
  const error = new AssertionError({ ...fields, message: message ?? generated });
  error.generatedMessage = message === undefined;
  throw error;
}

function ok(...args) {
  if (args.length === 0) raise(undefined, "No value argument passed to `assert.ok()`", { actual: undefined, expected: true, operator: "==" });
  const [value, message] = args;
  if (!value) raise(message, `${util.inspect(value)} == true`, { actual: value, expected: true, operator: "==" });
}
function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) raise(message, strictEqualMessage(actual, expected), { actual, expected, operator: "strictEqual" });
}
function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) raise(message, "Expected actual to be strictly unequal to expected", { actual, expected, operator: "notStrictEqual" });
}
function deepStrictEqual(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) raise(message, createErrDiff(actual, expected, "deepStrictEqual"), { actual, expected, operator: "deepStrictEqual" });
}
function notDeepStrictEqual(actual, expected, message) {
  if (isDeepStrictEqual(actual, expected)) raise(message, "Expected actual to not be deeply strictly equal to expected", { actual, expected, operator: "notDeepStrictEqual" });
}
/// Whether every property of `expected` is in `actual`, recursively (arrays and maps by entries).
function partialMatch(actual, expected) {
  if (typeof expected !== "object" || expected === null) return Object.is(actual, expected);
  if (typeof actual !== "object" || actual === null) return false;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return false;
  if (expected instanceof Map) return [...expected].every(([k, v]) => actual.has(k) && partialMatch(actual.get(k), v));
  if (expected instanceof Set) return [...expected].every((v) => actual.has(v) || [...actual].some((x) => isDeepStrictEqual(x, v)));
  return Reflect.ownKeys(expected).every((k) => Object.prototype.propertyIsEnumerable.call(expected, k) && k in actual && partialMatch(actual[k], expected[k]));
}
function partialDeepStrictEqual(actual, expected, message) {
  if (!partialMatch(actual, expected)) raise(message, "Expected actual to be partially deeply strictly equal to expected", { actual, expected, operator: "partialDeepStrictEqual" });
}
function match(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw codes.ERR_INVALID_ARG_TYPE("regexp", "RegExp", regexp);
  if (typeof string !== "string" || !regexp.test(string)) {
    raise(message, `actual: "${string}" expected to match: "${regexp}"`, { actual: string, expected: regexp, operator: "match" });
  }
}
function doesNotMatch(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw codes.ERR_INVALID_ARG_TYPE("regexp", "RegExp", regexp);
  if (typeof string !== "string" || regexp.test(string)) {
    raise(message, `actual: "${string}" expected to not match: "${regexp}"`, { actual: string, expected: regexp, operator: "doesNotMatch" });
  }
}
function ifError(err) {
  if (err !== null && err !== undefined) {
    const shown = typeof err === "object" && typeof err.message === "string" ? err.message : util.inspect(err);
    const error = new AssertionError({ actual: err, expected: null, operator: "ifError", message: `ifError got unwanted exception: ${shown}` });
    error.generatedMessage = false;
    throw error;
  }
}

const NO_EXCEPTION = Symbol("no exception");
function getActual(fn) {
  validate.function(fn, "fn");
  try { fn(); } catch (e) { return e; }
  return NO_EXCEPTION;
}
async function waitActual(promiseFn) {
  let promise;
  if (typeof promiseFn === "function") promise = promiseFn();
  else if (promiseFn && typeof promiseFn.then === "function") promise = promiseFn;
  else throw codes.ERR_INVALID_ARG_TYPE("promiseFn", ["Function", "Promise"], promiseFn);
  try { await promise; } catch (e) { return e; }
  return NO_EXCEPTION;
}
/// Checks a thrown `actual` against what `throws`/`rejects` expected of it.
function expectedException(actual, expected, message, operator) {
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && actual instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) {
      const received = actual?.constructor?.name ?? typeof actual;
      raise(message, `The error is expected to be an instance of "${expected.name}". Received "${received}"\n\nError message:\n\n${actual?.message}`, { actual, expected, operator });
    }
    const result = expected.call({}, actual);
    if (result !== true) {
      raise(message, `The ${expected.name ? `"${expected.name}" ` : ""}validation function is expected to return "true". Received ${util.inspect(result)}\n\nCaught error:\n\n${actual}`, { actual, expected, operator });
    }
    return;
  }
  if (expected instanceof RegExp) {
    if (!expected.test(String(actual))) raise(message, `The input did not match the regular expression ${expected}. Input:\n\n${util.inspect(String(actual))}\n`, { actual, expected, operator });
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    for (const key of Object.keys(expected)) {
      const want = expected[key];
      const got = actual?.[key];
      const same = want instanceof RegExp && typeof got === "string" ? want.test(got) : isDeepStrictEqual(got, want);
      if (!same) raise(message, createErrDiff(got, want, "deepStrictEqual"), { actual, expected, operator });
    }
  }
}
function missing(expected, message, what) {
  const name = typeof expected === "function" && expected.name ? ` (${expected.name})` : "";
  const detail = typeof message === "string" ? `: ${message}` : ".";
  return `Missing expected ${what}${name}${detail}`;
}
function throws(fn, expected, message) {
  if (typeof expected === "string") { message = expected; expected = undefined; }
  const actual = getActual(fn);
  if (actual === NO_EXCEPTION) raise(message instanceof Error ? message : undefined, missing(expected, message, "exception"), { actual: undefined, expected, operator: "throws" });
  if (expected !== undefined) expectedException(actual, expected, message, "throws");
}
async function rejects(promiseFn, expected, message) {
  if (typeof expected === "string") { message = expected; expected = undefined; }
  const actual = await waitActual(promiseFn);
  if (actual === NO_EXCEPTION) raise(message instanceof Error ? message : undefined, missing(expected, message, "rejection"), { actual: undefined, expected, operator: "rejects" });
  if (expected !== undefined) expectedException(actual, expected, message, "rejects");
}
function unwanted(actual, expected, message, what) {
  if (typeof expected === "string") message = expected;
  if (typeof expected === "function" && expected.prototype !== undefined && !(actual instanceof expected)) throw actual;
  const detail = typeof message === "string" ? `: ${message}` : ".";
  raise(undefined, `Got unwanted ${what}${detail}\nActual message: "${actual?.message}"`, { actual, expected, operator: what === "exception" ? "doesNotThrow" : "doesNotReject" });
}
function doesNotThrow(fn, expected, message) {
  const actual = getActual(fn);
  if (actual !== NO_EXCEPTION) unwanted(actual, expected, message, "exception");
}
async function doesNotReject(promiseFn, expected, message) {
  const actual = await waitActual(promiseFn);
  if (actual !== NO_EXCEPTION) unwanted(actual, expected, message, "rejection");
}

function assert(...args) { ok(...args); }
const members = {
  AssertionError, deepEqual: deepStrictEqual, deepStrictEqual, doesNotMatch, doesNotReject, doesNotThrow, equal: strictEqual,
  fail, ifError, match, notDeepEqual: notDeepStrictEqual, notDeepStrictEqual, notEqual: notStrictEqual, notStrictEqual, ok,
  partialDeepStrictEqual, rejects, strictEqual, throws,
};
Object.assign(assert, members);
/// `assert.strict`, and node:assert/strict's default export (workerd's are two functions).
function strictAssert() {
  const strict = (...args) => ok(...args);
  return Object.assign(strict, members, { strict });
}
const strict = strictAssert();
assert.strict = strict;
const strictModule = strictAssert();
return { ...members, strict, default: assert, strictModule: { ...members, strict: strictModule, default: strictModule } };
