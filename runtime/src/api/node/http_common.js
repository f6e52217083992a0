// node_http, part one: what node:http's pieces share — the method and status tables, the RFC 7230
// token and field-value checks, and the HTTP error codes with workerd's texts.

const { codes, validate, nodeError } = core.unit("node_internal");
const { Buffer } = core.unit("node_buffer");
const { Readable, Writable, addAbortSignal } = core.unit("node_stream");
const { EventEmitter } = core.unit("node_events");
const { urlToHttpOptions } = core.unit("node_url");
const { validatePort, timerDuration, isIPv4, _normalizeArgs } = core.unit("node_net");

const METHODS = [
  "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH",
  "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST",
  "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE",
  "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
];

/// Node's reason phrases: fetch's (api/fetch/body.js) but for the teapot's capitals and 509.
const STATUS_CODES = { ...core.STATUS_TEXT, 418: "I'm a Teapot", 509: "Bandwidth Limit Exceeded" };

const httpErrors = {
  headersSent: (action) => nodeError(Error, "ERR_HTTP_HEADERS_SENT", `Cannot ${action} headers after they are sent to the client`, true),
  invalidToken: (label, name) => nodeError(TypeError, "ERR_INVALID_HTTP_TOKEN", `${label} must be a valid HTTP token ["${name}"]`),
  invalidHeaderValue: (value, name) => nodeError(TypeError, "ERR_HTTP_INVALID_HEADER_VALUE", `Invalid value "${value}" for header "${name}"`),
  invalidChar: (name, field) => nodeError(TypeError, "ERR_INVALID_CHAR", `Invalid character in ${name}${field === undefined ? "" : ` ["${field}"]`}`),
  invalidProtocol: (actual, expected) => nodeError(TypeError, "ERR_INVALID_PROTOCOL", `Protocol "${actual}" not supported. Expected "${expected}"`),
  unescaped: (field) => nodeError(TypeError, "ERR_UNESCAPED_CHARACTERS", `${field} contains unescaped characters`),
  optionNotImplemented: codes.ERR_OPTION_NOT_IMPLEMENTED,
  invalidStatusCode: (code) => nodeError(RangeError, "ERR_HTTP_INVALID_STATUS_CODE", `Invalid status code: ${code}`),
  alreadyListening: () => nodeError(Error, "ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.", true),
  lengthMismatch: (actual, expected) => nodeError(Error, "ERR_HTTP_CONTENT_LENGTH_MISMATCH",
    `Request body length does not match content-length header. Expected: ${expected}, Actual: ${actual}`, true),
  bodyNotAllowed: () => nodeError(Error, "ERR_HTTP_BODY_NOT_ALLOWED", "Request with GET/HEAD method cannot have body", true),
  cannotPipe: () => nodeError(Error, "ERR_STREAM_CANNOT_PIPE", "Cannot pipe, not readable", true),
  writeAfterEnd: () => nodeError(Error, "ERR_STREAM_WRITE_AFTER_END", "write after end", true),
  destroyed: (name) => nodeError(Error, "ERR_STREAM_DESTROYED", `Cannot call ${name} after a stream was destroyed`, true),
  alreadyFinished: (name) => nodeError(Error, "ERR_STREAM_ALREADY_FINISHED", `Cannot call ${name} after a stream was finished`, true),
  nullValues: () => nodeError(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream"),
};

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const chunkExpression = /(?:^|\W)chunked(?:$|\W)/i;
const kIncomingMessage = Symbol("IncomingMessage");
const kServerResponse = Symbol("ServerResponse");

function _checkIsHttpToken(value) {
  return TOKEN.test(value);
}
function _checkInvalidHeaderChar(value) {
  return Array.isArray(value) ? value.some((v) => INVALID_HEADER_CHAR.test(v)) : INVALID_HEADER_CHAR.test(`${value}`);
}
function validateHeaderName(name, label = "Header name") {
  if (typeof name !== "string" || !name || !_checkIsHttpToken(name)) throw httpErrors.invalidToken(label, name);
}
function validateHeaderValue(name, value) {
  if (value === undefined) throw httpErrors.invalidHeaderValue(value, name);
  if (_checkInvalidHeaderChar(value)) throw httpErrors.invalidChar("header content", name);
}

const byteLength = (chunk, encoding) =>
  typeof chunk === "string" ? Buffer.byteLength(chunk, encoding ?? undefined) : chunk.byteLength;
