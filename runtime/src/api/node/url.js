// node_url: node:url's legacy API (url.parse, url.format, url.resolve, the Url class) as Node's
// lib/url.js parses, and its WHATWG helpers (fileURLToPath, pathToFileURL, urlToHttpOptions,
// domainToASCII/Unicode).

const { codes, validate, nodeError } = core.unit("node_internal");
const querystring = core.unit("node_querystring");
const { toASCII, toUnicode } = querystring.punycode;

function Url() {
  this.protocol = null;
  this.slashes = null;
  this.auth = null;
  this.host = null;
  this.port = null;
  this.hostname = null;
  this.hash = null;
  this.search = null;
  this.query = null;
  this.pathname = null;
  this.path = null;
  this.href = null;
}
const protocolPattern = /^[a-z0-9.+-]+:/i;
const portPattern = /:[0-9]*$/;
const hostPattern = /^\/\/[^@/]+@[^@/]+/;
const simplePathPattern = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
const hostlessProtocol = new Set(["javascript", "javascript:"]);
const unsafeProtocol = hostlessProtocol;
const slashedProtocol = new Set(["http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws", "ws:", "wss", "wss:"]);
const forbiddenHostChars = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
const forbiddenHostCharsIpv6 = /[\0\t\n\r #%/<>?@\\^|]/;
const invalidUrl = () => nodeError(TypeError, "ERR_INVALID_URL", "Invalid URL");

function urlParse(url, parseQueryString, slashesDenoteHost) {
  if (url instanceof Url) return url;
  const urlObject = new Url();
  urlObject.parse(url, parseQueryString, slashesDenoteHost);
  return urlObject;
}

/// The input trimmed of leading and trailing whitespace, backslashes before ?/# made slashes.
function normalizeInput(url) {
  let hasHash = false, hasAt = false, start = -1, end = -1, rest = "", lastPos = 0;
  for (let i = 0, inWs = false, split = false; i < url.length; ++i) {
    const code = url.charCodeAt(i);
    const isWs = code < 33 || code === 0xa0 || code === 0xfeff;
    if (start === -1) {
      if (isWs) continue;
      lastPos = start = i;
    } else if (inWs) {
      if (!isWs) { end = -1; inWs = false; }
    } else if (isWs) {
      end = i;
      inWs = true;
    }
    if (!split) {
      switch (code) {
        case 64: hasAt = true; break;
        case 35: hasHash = true; split = true; break;
        case 63: split = true; break;
        case 92:
          if (i - lastPos > 0) rest += url.slice(lastPos, i);
          rest += "/";
          lastPos = i + 1;
          break;
      }
    } else if (!hasHash && code === 35) {
      hasHash = true;
    }
  }
  if (start !== -1) {
    if (lastPos === start) rest = end === -1 ? url.slice(start) : url.slice(start, end);
    else if (end === -1 && lastPos < url.length) rest += url.slice(lastPos);
    else if (end !== -1 && lastPos < end) rest += url.slice(lastPos, end);
  }
  return { rest, hasHash, hasAt };
}

Url.prototype.parse = function parse(url, parseQueryString, slashesDenoteHost) {
  validate.string(url, "url");
  let { rest, hasHash, hasAt } = normalizeInput(url);
  if (!slashesDenoteHost && !hasHash && !hasAt) {
    const simplePath = simplePathPattern.exec(rest);
    if (simplePath) {
      this.path = rest;
      this.href = rest;
      this.pathname = simplePath[1];
      if (simplePath[2]) {
        this.search = simplePath[2];
        this.query = parseQueryString ? querystring.parse(this.search.slice(1)) : this.search.slice(1);
      } else if (parseQueryString) {
        this.search = null;
        this.query = { __proto__: null };
      }
      return this;
    }
  }
  let proto = protocolPattern.exec(rest);
  let lowerProto;
  if (proto) {
    proto = proto[0];
    lowerProto = proto.toLowerCase();
    this.protocol = lowerProto;
    rest = rest.slice(proto.length);
  }
  let slashes;
  if (slashesDenoteHost || proto || hostPattern.test(rest)) {
    slashes = rest.charCodeAt(0) === 47 && rest.charCodeAt(1) === 47;
    if (slashes && !(proto && hostlessProtocol.has(lowerProto))) {
      rest = rest.slice(2);
      this.slashes = true;
    }
  }
  if (!hostlessProtocol.has(lowerProto) && (slashes || (proto && !slashedProtocol.has(proto)))) {
    rest = this.parseAuthority(rest, url);
  }
  if (!unsafeProtocol.has(lowerProto)) rest = autoEscapeStr(rest);
  let questionIdx = -1;
  let hashIdx = -1;
  for (let i = 0; i < rest.length; ++i) {
    const code = rest.charCodeAt(i);
    if (code === 35) { this.hash = rest.slice(i); hashIdx = i; break; }
    if (code === 63 && questionIdx === -1) questionIdx = i;
  }
  if (questionIdx !== -1) {
    this.search = hashIdx === -1 ? rest.slice(questionIdx) : rest.slice(questionIdx, hashIdx);
    this.query = hashIdx === -1 ? rest.slice(questionIdx + 1) : rest.slice(questionIdx + 1, hashIdx);
    if (parseQueryString) this.query = querystring.parse(this.query);
  } else if (parseQueryString) {
    this.search = null;
    this.query = { __proto__: null };
  }
  const useQuestionIdx = questionIdx !== -1 && (hashIdx === -1 || questionIdx < hashIdx);
  const firstIdx = useQuestionIdx ? questionIdx : hashIdx;
  if (firstIdx === -1) {
    if (rest.length > 0) this.pathname = rest;
  } else if (firstIdx > 0) {
    this.pathname = rest.slice(0, firstIdx);
  }
  if (slashedProtocol.has(lowerProto) && this.hostname && !this.pathname) this.pathname = "/";
  if (this.pathname || this.search) this.path = (this.pathname || "") + (this.search || "");
  this.href = this.format();
  return this;
};

/// Reads `user@host:port` off the front of `rest`; returns what follows it.
Url.prototype.parseAuthority = function (rest, url) {
  let hostEnd = -1, atSign = -1, nonHost = -1;
  for (let i = 0; i < rest.length; ++i) {
    switch (rest.charCodeAt(i)) {
      case 9: case 10: case 13: case 32: case 34: case 37: case 39: case 59: case 60: case 62: case 92: case 94: case 96:
      case 123: case 124: case 125:
        if (nonHost === -1) nonHost = i;
        break;
      case 35: case 47: case 63:
        if (nonHost === -1) nonHost = i;
        hostEnd = i;
        break;
      case 64:
        atSign = i;
        nonHost = -1;
        break;
    }
    if (hostEnd !== -1) break;
  }
  let start = 0;
  if (atSign !== -1) {
    this.auth = decodeURIComponent(rest.slice(0, atSign));
    start = atSign + 1;
  }
  if (nonHost === -1) { this.host = rest.slice(start); rest = ""; }
  else { this.host = rest.slice(start, nonHost); rest = rest.slice(nonHost); }
  this.parseHost();
  if (typeof this.hostname !== "string") this.hostname = "";
  const hostname = this.hostname;
  const ipv6 = isIpv6Hostname(hostname);
  if (!ipv6) {
    for (let i = 0; i < hostname.length; ++i) {
      const code = hostname.charCodeAt(i);
      if (code === 47 || code === 92 || code === 35 || code === 63 || code === 58) {
        this.hostname = hostname.slice(0, i);
        rest = `/${hostname.slice(i)}${rest}`;
        break;
      }
    }
  }
  this.hostname = this.hostname.length > 255 ? "" : this.hostname.toLowerCase();
  if (this.hostname !== "") {
    if (ipv6) {
      if (forbiddenHostCharsIpv6.test(this.hostname)) throw invalidUrl(url);
    } else {
      this.hostname = toASCII(this.hostname);
      if (this.hostname === "" || forbiddenHostChars.test(this.hostname)) throw invalidUrl(url);
    }
  }
  this.host = (this.hostname || "") + (this.port ? `:${this.port}` : "");
  if (ipv6) {
    this.hostname = this.hostname.slice(1, -1);
    if (rest[0] !== "/") rest = `/${rest}`;
  }
  return rest;
};

Url.prototype.parseHost = function parseHost() {
  let host = this.host;
  let port = portPattern.exec(host);
  if (port) {
    port = port[0];
    if (port !== ":") this.port = port.slice(1);
    host = host.slice(0, host.length - port.length);
  }
  if (host) this.hostname = host;
};
const isIpv6Hostname = (h) => h.charCodeAt(0) === 91 && h.charCodeAt(h.length - 1) === 93;

const AUTO_ESCAPE = { 9: "%09", 10: "%0A", 13: "%0D", 32: "%20", 34: "%22", 39: "%27", 60: "%3C", 62: "%3E", 92: "%5C", 94: "%5E", 96: "%60", 123: "%7B", 124: "%7C", 125: "%7D" };
function autoEscapeStr(rest) {
  let out = "";
  for (let i = 0; i < rest.length; i++) out += AUTO_ESCAPE[rest.charCodeAt(i)] ?? rest[i];
  return out;
}
/// The characters a formatted `auth` keeps as they are: ! - . _ ~ ' ( ) * : and alphanumerics.
function escapeAuth(auth) {
  let out = "";
  for (const b of core.unit("node_buffer").Buffer.from(auth)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9!\-._~'()*:]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

Url.prototype.format = function format() {
  let auth = this.auth || "";
  if (auth) auth = `${escapeAuth(auth)}@`;
  let protocol = this.protocol || "";
  let pathname = this.pathname || "";
  let hash = this.hash || "";
  let host = "";
  let query = "";
  if (this.host) host = auth + this.host;
  else if (this.hostname) {
    host = auth + (this.hostname.includes(":") && !isIpv6Hostname(this.hostname) ? `[${this.hostname}]` : this.hostname);
    if (this.port) host += `:${this.port}`;
  }
  if (this.query !== null && typeof this.query === "object") query = querystring.stringify(this.query);
  let search = this.search || (query && `?${query}`) || "";
  if (protocol && protocol.charCodeAt(protocol.length - 1) !== 58) protocol += ":";
  pathname = pathname.replace(/#/g, "%23").replace(/\?/g, "%3F");
  if (this.slashes || slashedProtocol.has(protocol)) {
    if (this.slashes || host) {
      if (pathname && pathname.charCodeAt(0) !== 47) pathname = `/${pathname}`;
      host = `//${host}`;
    } else if (protocol.startsWith("file")) {
      host = "//";
    }
  }
  search = search.replace(/#/g, "%23");
  if (hash && hash.charCodeAt(0) !== 35) hash = `#${hash}`;
  if (search && search.charCodeAt(0) !== 63) search = `?${search}`;
  return protocol + host + pathname + search + hash;
};

function urlFormat(urlObject, options) {
  if (typeof urlObject === "string") urlObject = urlParse(urlObject);
  else if (typeof urlObject !== "object" || urlObject === null) throw codes.ERR_INVALID_ARG_TYPE("urlObject", ["Object", "string"], urlObject);
  else if (urlObject instanceof core.URL) {
    const url = new core.URL(urlObject.href);
    if (options?.fragment === false) url.hash = "";
    if (options?.search === false) url.search = "";
    if (options?.auth === false) { url.username = ""; url.password = ""; }
    let href = url.href;
    if (options?.unicode) href = href.replace(url.host, toUnicode(url.host));
    return href;
  }
  return Url.prototype.format.call(urlObject);
}

/// url.resolve as Node documents its WHATWG equivalent: relative references against `from`
/// (itself possibly relative).
function urlResolve(from, to) {
  const resolved = new core.URL(to, new core.URL(from, "resolve://"));
  if (resolved.protocol === "resolve:") {
    const { pathname, search, hash } = resolved;
    return pathname + search + hash;
  }
  return resolved.toString();
}
Url.prototype.resolve = function (relative) { return urlResolve(this.format(), relative); };
Url.prototype.resolveObject = function (relative) {
  if (typeof relative !== "string") relative = urlFormat(relative);
  return urlParse(urlResolve(this.format(), relative));
};
const urlResolveObject = (source, relative) => (source ? urlParse(source, false, true).resolveObject(relative) : relative);

// ---------- WHATWG helpers ----------
function fileURLToPath(path) {
  if (typeof path === "string") path = new core.URL(path);
  else if (!(path instanceof core.URL)) throw codes.ERR_INVALID_ARG_TYPE("path", ["string", "URL"], path);
  if (path.protocol !== "file:") throw nodeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file", true);
  if (path.hostname !== "") throw nodeError(TypeError, "ERR_INVALID_FILE_URL_HOST", `File URL host must be "localhost" or empty on linux`, true);
  const pathname = path.pathname;
  if (/%2f/i.test(pathname)) {
    throw nodeError(TypeError, "ERR_INVALID_FILE_URL_PATH", "File URL path must not include encoded / characters", true);
  }
  return decodeURIComponent(pathname);
}
function pathToFileURL(filepath) {
  validate.string(filepath, "path");
  let resolved = core.unit("node_path").resolve(filepath);
  if (filepath.endsWith("/") && !resolved.endsWith("/")) resolved += "/";
  const encoded = resolved.replace(/%/g, "%25").replace(/\\/g, "%5C").replace(/\n/g, "%0A").replace(/\r/g, "%0D")
    .replace(/\t/g, "%09").replace(/\?/g, "%3F").replace(/#/g, "%23");
  return new core.URL(`file://${encoded}`);
}
const toPathIfFileURL = (fileURLOrPath) => (fileURLOrPath instanceof core.URL ? fileURLToPath(fileURLOrPath) : fileURLOrPath);
function urlToHttpOptions(url) {
  const options = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    hash: url.hash,
    search: url.search,
    pathname: url.pathname,
    path: `${url.pathname || ""}${url.search || ""}`,
    href: url.href,
  };
  if (url.port !== "") options.port = Number(url.port);
  if (url.username || url.password) options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return options;
}
function domainToASCII(...args) {
  if (args.length < 1) throw codes.ERR_MISSING_ARGS("domain");
  try { return new core.URL(`ws://${args[0]}`).hostname; } catch { return ""; }
}
function domainToUnicode(...args) {
  if (args.length < 1) throw codes.ERR_MISSING_ARGS("domain");
  const ascii = domainToASCII(args[0]);
  return ascii === "" ? "" : toUnicode(ascii);
}

const url = {
  domainToASCII, domainToUnicode, URL: core.URL, URLSearchParams: core.URLSearchParams, fileURLToPath, pathToFileURL,
  toPathIfFileURL, urlToHttpOptions, format: urlFormat, parse: urlParse, resolve: urlResolve, resolveObject: urlResolveObject, Url,
};
return { ...url, default: url };
