// node_http2: node:http2 as workerd gives it from 2025-09-01 (enable_nodejs_http2_module): Node's
// constants and default settings, and sessions and servers that are not implemented.

const { codes } = core.unit("node_internal");
const { Buffer } = core.unit("node_buffer");

/// nghttp2's numbers, the default settings and error codes, in workerd's order.
const NUMBERS = [
  "NGHTTP2_ERR_FRAME_SIZE_ERROR", -522, "NGHTTP2_SESSION_SERVER", 0, "NGHTTP2_SESSION_CLIENT", 1,
  "NGHTTP2_STREAM_STATE_IDLE", 1, "NGHTTP2_STREAM_STATE_OPEN", 2,
  "NGHTTP2_STREAM_STATE_RESERVED_LOCAL", 3, "NGHTTP2_STREAM_STATE_RESERVED_REMOTE", 4,
  "NGHTTP2_STREAM_STATE_HALF_CLOSED_LOCAL", 5, "NGHTTP2_STREAM_STATE_HALF_CLOSED_REMOTE", 6,
  "NGHTTP2_STREAM_STATE_CLOSED", 7, "NGHTTP2_FLAG_NONE", 0, "NGHTTP2_FLAG_END_STREAM", 1,
  "NGHTTP2_FLAG_END_HEADERS", 4, "NGHTTP2_FLAG_ACK", 1, "NGHTTP2_FLAG_PADDED", 8,
  "NGHTTP2_FLAG_PRIORITY", 32, "DEFAULT_SETTINGS_HEADER_TABLE_SIZE", 4096,
  "DEFAULT_SETTINGS_ENABLE_PUSH", 1, "DEFAULT_SETTINGS_MAX_CONCURRENT_STREAMS", 4294967295,
  "DEFAULT_SETTINGS_INITIAL_WINDOW_SIZE", 65535, "DEFAULT_SETTINGS_MAX_FRAME_SIZE", 16384,
  "DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE", 65535, "DEFAULT_SETTINGS_ENABLE_CONNECT_PROTOCOL", 0,
  "MAX_MAX_FRAME_SIZE", 16777215, "MIN_MAX_FRAME_SIZE", 16384,
  "MAX_INITIAL_WINDOW_SIZE", 2147483647, "NGHTTP2_SETTINGS_HEADER_TABLE_SIZE", 1,
  "NGHTTP2_SETTINGS_ENABLE_PUSH", 2, "NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS", 3,
  "NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE", 4, "NGHTTP2_SETTINGS_MAX_FRAME_SIZE", 5,
  "NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE", 6, "NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL", 8,
  "PADDING_STRATEGY_NONE", 0, "PADDING_STRATEGY_ALIGNED", 1, "PADDING_STRATEGY_MAX", 2,
  "PADDING_STRATEGY_CALLBACK", 1, "NGHTTP2_NO_ERROR", 0, "NGHTTP2_PROTOCOL_ERROR", 1,
  "NGHTTP2_INTERNAL_ERROR", 2, "NGHTTP2_FLOW_CONTROL_ERROR", 3, "NGHTTP2_SETTINGS_TIMEOUT", 4,
  "NGHTTP2_STREAM_CLOSED", 5, "NGHTTP2_FRAME_SIZE_ERROR", 6, "NGHTTP2_REFUSED_STREAM", 7,
  "NGHTTP2_CANCEL", 8, "NGHTTP2_COMPRESSION_ERROR", 9, "NGHTTP2_CONNECT_ERROR", 10,
  "NGHTTP2_ENHANCE_YOUR_CALM", 11, "NGHTTP2_INADEQUATE_SECURITY", 12,
  "NGHTTP2_HTTP_1_1_REQUIRED", 13, "NGHTTP2_DEFAULT_WEIGHT", 16,
  "NGHTTP2_ERR_INVALID_ARGUMENT", -501, "NGHTTP2_ERR_NOMEM", -901,
  "NGHTTP2_ERR_STREAM_CLOSED", -510, "NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE", -509,
  "NGHTTP2_ERR_DEFERRED", -508, "NGHTTP2_HCAT_REQUEST", 0, "NGHTTP2_HCAT_RESPONSE", 1,
  "NGHTTP2_HCAT_PUSH_RESPONSE", 2, "NGHTTP2_HCAT_HEADERS", 3, "NGHTTP2_NV_FLAG_NONE", 0,
  "NGHTTP2_NV_FLAG_NO_INDEX", 1, "STREAM_OPTION_EMPTY_PAYLOAD", 1, "STREAM_OPTION_GET_TRAILERS", 2,
];

/// Header names: each constant is HTTP2_HEADER_ and the name in capitals, `-` as `_`.
const HEADERS = [
  ":status", ":method", ":authority", ":scheme", ":path", ":protocol", "accept-encoding",
  "accept-language", "accept-ranges", "accept", "access-control-allow-credentials",
  "access-control-allow-headers", "access-control-allow-methods", "access-control-allow-origin",
  "access-control-expose-headers", "access-control-request-headers",
  "access-control-request-method", "age", "authorization", "cache-control", "connection",
  "content-disposition", "content-encoding", "content-length", "content-type", "cookie", "date",
  "etag", "forwarded", "host", "if-modified-since", "if-none-match", "if-range", "last-modified",
  "link", "location", "range", "referer", "server", "set-cookie", "strict-transport-security",
  "transfer-encoding", "te", "upgrade-insecure-requests", "upgrade", "user-agent", "vary",
  "x-content-type-options", "x-frame-options", "keep-alive", "proxy-connection",
  "x-xss-protection", "alt-svc", "content-security-policy", "early-data", "expect-ct", "origin",
  "purpose", "timing-allow-origin", "x-forwarded-for", "priority", "accept-charset",
  "access-control-max-age", "allow", "content-language", "content-location", "content-md5",
  "content-range", "dnt", "expect", "expires", "from", "if-match", "if-unmodified-since",
  "max-forwards", "prefer", "proxy-authenticate", "proxy-authorization", "refresh", "retry-after",
  "trailer", "tk", "via", "warning", "www-authenticate", "http2-settings",
];

const METHODS = [
  "ACL", "BASELINE-CONTROL", "BIND", "CHECKIN", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET",
  "HEAD", "LABEL", "LINK", "LOCK", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MKREDIRECTREF",
  "MKWORKSPACE", "MOVE", "OPTIONS", "ORDERPATCH", "PATCH", "POST", "PRI", "PROPFIND", "PROPPATCH",
  "PUT", "REBIND", "REPORT", "SEARCH", "TRACE", "UNBIND", "UNCHECKOUT", "UNLINK", "UNLOCK",
  "UPDATE", "UPDATEREDIRECTREF", "VERSION-CONTROL",
];

const STATUSES = [
  100, "CONTINUE", 101, "SWITCHING_PROTOCOLS", 102, "PROCESSING", 103, "EARLY_HINTS", 200, "OK",
  201, "CREATED", 202, "ACCEPTED", 203, "NON_AUTHORITATIVE_INFORMATION", 204, "NO_CONTENT",
  205, "RESET_CONTENT", 206, "PARTIAL_CONTENT", 207, "MULTI_STATUS", 208, "ALREADY_REPORTED",
  226, "IM_USED", 300, "MULTIPLE_CHOICES", 301, "MOVED_PERMANENTLY", 302, "FOUND",
  303, "SEE_OTHER", 304, "NOT_MODIFIED", 305, "USE_PROXY", 307, "TEMPORARY_REDIRECT",
  308, "PERMANENT_REDIRECT", 400, "BAD_REQUEST", 401, "UNAUTHORIZED", 402, "PAYMENT_REQUIRED",
  403, "FORBIDDEN", 404, "NOT_FOUND", 405, "METHOD_NOT_ALLOWED", 406, "NOT_ACCEPTABLE",
  407, "PROXY_AUTHENTICATION_REQUIRED", 408, "REQUEST_TIMEOUT", 409, "CONFLICT", 410, "GONE",
  411, "LENGTH_REQUIRED", 412, "PRECONDITION_FAILED", 413, "PAYLOAD_TOO_LARGE",
  414, "URI_TOO_LONG", 415, "UNSUPPORTED_MEDIA_TYPE", 416, "RANGE_NOT_SATISFIABLE",
  417, "EXPECTATION_FAILED", 418, "TEAPOT", 421, "MISDIRECTED_REQUEST",
  422, "UNPROCESSABLE_ENTITY", 423, "LOCKED", 424, "FAILED_DEPENDENCY", 425, "TOO_EARLY",
  426, "UPGRADE_REQUIRED", 428, "PRECONDITION_REQUIRED", 429, "TOO_MANY_REQUESTS",
  431, "REQUEST_HEADER_FIELDS_TOO_LARGE", 451, "UNAVAILABLE_FOR_LEGAL_REASONS",
  500, "INTERNAL_SERVER_ERROR", 501, "NOT_IMPLEMENTED", 502, "BAD_GATEWAY",
  503, "SERVICE_UNAVAILABLE", 504, "GATEWAY_TIMEOUT", 505, "HTTP_VERSION_NOT_SUPPORTED",
  506, "VARIANT_ALSO_NEGOTIATES", 507, "INSUFFICIENT_STORAGE", 508, "LOOP_DETECTED",
  509, "BANDWIDTH_LIMIT_EXCEEDED", 510, "NOT_EXTENDED", 511, "NETWORK_AUTHENTICATION_REQUIRED",
];

const constants = {};
for (let i = 0; i < NUMBERS.length; i += 2) constants[NUMBERS[i]] = NUMBERS[i + 1];
for (const name of HEADERS) constants[`HTTP2_HEADER_${name.replace(/^:/, "").replaceAll("-", "_").toUpperCase()}`] = name;
for (const name of METHODS) constants[`HTTP2_METHOD_${name.replaceAll("-", "_")}`] = name;
for (let i = 0; i < STATUSES.length; i += 2) constants[`HTTP_STATUS_${STATUSES[i + 1]}`] = STATUSES[i];

const notImplemented = (name) => function () { throw codes.ERR_METHOD_NOT_IMPLEMENTED(`http2.${name}`); };
const notImplementedClass = (name) => class { constructor() { throw codes.ERR_METHOD_NOT_IMPLEMENTED(`http2.${name}`); } };

const http2 = {
  constants,
  createSecureServer: notImplemented("createSecureServer"),
  createServer: notImplemented("createServer"),
  Http2ServerRequest: notImplementedClass("Http2ServerRequest"),
  Http2ServerResponse: notImplementedClass("Http2ServerResponse"),
  connect: notImplemented("connect"),
  // Fresh each call, the values on its prototype (as workerd makes it).
  getDefaultSettings: () => Object.create({
    headerTableSize: 4096, enablePush: true, initialWindowSize: 65535, maxFrameSize: 16384,
    maxConcurrentStreams: 4294967295, maxHeaderSize: 65535, maxHeaderListSize: 65535, enableConnectProtocol: false,
  }),
  getPackedSettings: () => Buffer.alloc(0),
  getUnpackedSettings: () => ({}),
  performServerHandshake: notImplemented("performServerHandshake"),
  sensitiveHeaders: Symbol("nodejs.http2.sensitiveHeaders"),
};
return { ...http2, default: http2 };
