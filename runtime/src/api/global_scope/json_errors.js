// JSON.parse with V8's error messages. QuickJS and V8 accept exactly the same JSON, but word
// their SyntaxErrors differently, and Workers log and match on these texts (`response.json()`
// on an HTML error page, for one). On failure the input is scanned again, only to find where
// and how V8 would have reported it (v8/src/json/json-parser.cc).

const JSON_CONTEXT_CHARS = 10;

function v8JsonMessage(text) {
  let i = 0;
  const n = text.length;
  const at = (pos) => {
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - (before.lastIndexOf("\n") + 1) + 1;
    return ` at position ${pos} (line ${line} column ${column})`;
  };
  const where = (pos) => ` in JSON${at(pos)}`;
  const fail = (message) => { throw { message }; };
  const unexpected = (pos) => {
    if (pos >= n) fail("Unexpected end of JSON input");
    const token = text[pos];
    if (n < JSON_CONTEXT_CHARS * 2 + 1) fail(`Unexpected token '${token}', "${text}" is not valid JSON`);
    if (pos < JSON_CONTEXT_CHARS) fail(`Unexpected token '${token}', "${text.slice(0, pos + JSON_CONTEXT_CHARS)}"... is not valid JSON`);
    if (pos < n - JSON_CONTEXT_CHARS) fail(`Unexpected token '${token}', ..."${text.slice(pos - JSON_CONTEXT_CHARS, pos + JSON_CONTEXT_CHARS)}"... is not valid JSON`);
    fail(`Unexpected token '${token}', ..."${text.slice(pos - JSON_CONTEXT_CHARS)}" is not valid JSON`);
  };
  const ws = () => { while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++; };
  const digits = () => { const s = i; while (i < n && text[i] >= "0" && text[i] <= "9") i++; return i > s; };
  const string = () => {
    i++;
    for (;;) {
      if (i >= n) fail(`Unterminated string${where(n)}`);
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 0x20) fail(`Bad control character in string literal${where(i)}`);
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(`Bad Unicode escape${where(i)}`);
          i += 6;
          continue;
        }
        if (e === undefined || !"\"\\/bfnrt".includes(e)) fail(`Bad escaped character${where(i)}`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const value = () => {
    ws();
    if (i >= n) unexpected(i);
    const c = text[i];
    if (c === "{") {
      i++; ws();
      if (text[i] === "}") { i++; return; }
      for (let first = true; ; first = false) {
        ws();
        if (text[i] !== '"') {
          if (i >= n) unexpected(i);
          fail(first ? `Expected property name or '}'${where(i)}` : `Expected double-quoted property name${where(i)}`);
        }
        string(); ws();
        if (text[i] !== ":") { if (i >= n) unexpected(i); fail(`Expected ':' after property name${where(i)}`); }
        i++;
        value(); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return; }
        if (i >= n) unexpected(i);
        fail(`Expected ',' or '}' after property value${where(i)}`);
      }
    }
    if (c === "[") {
      i++; ws();
      if (text[i] === "]") { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return; }
        if (i >= n) unexpected(i);
        fail(`Expected ',' or ']' after array element${where(i)}`);
      }
    }
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) {
      if (c === "-") { i++; if (!(text[i] >= "0" && text[i] <= "9")) fail(`No number after minus sign${where(i)}`); }
      if (text[i] === "0") i++; else digits();
      if (text[i] === ".") { i++; if (!digits()) fail(`Unterminated fractional number${where(i)}`); }
      if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        if (!digits()) fail(`Exponent part is missing a number${where(i)}`);
      }
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (c === literal[0]) {
        for (let k = 1; k < literal.length; k++) if (text[i + k] !== literal[k]) unexpected(i + k);
        i += literal.length;
        return;
      }
    }
    unexpected(i);
  };
  try {
    value(); ws();
    if (i < n) fail(`Unexpected non-whitespace character after JSON${at(i)}`);
  } catch (e) {
    if (e && typeof e.message === "string" && !(e instanceof Error)) return e.message;
    throw e;
  }
  return null;
}

return { v8JsonMessage };
