// node_path, part one: the helpers both flavours share, and node:path's POSIX flavour (what
// `node:path` and `node:path/posix` export). path_win32.js, after this in the unit, adds Windows'.

const { validate } = core.unit("node_internal");

const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
const isPosixSeparator = (code) => code === SLASH;

/// Resolves `.` and `..` segments of `path` (no root), joined again with `separator`;
/// `allowAboveRoot` keeps the leading `..` of a relative path.
function normalizeString(path, allowAboveRoot, separator, isSeparator) {
  let res = "";
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= path.length; ++i) {
    if (i < path.length) code = path.charCodeAt(i);
    else if (isSeparator(code)) break;
    else code = SLASH;
    if (isSeparator(code)) {
      if (lastSlash === i - 1 || dots === 1) {
        // empty segment or "."
      } else if (dots === 2) {
        if (res.length < 2 || lastSegmentLength !== 2 || !res.endsWith("..")) {
          if (res.length > 2) {
            const lastSlashIndex = res.lastIndexOf(separator);
            if (lastSlashIndex === -1) { res = ""; lastSegmentLength = 0; }
            else { res = res.slice(0, lastSlashIndex); lastSegmentLength = res.length - 1 - res.lastIndexOf(separator); }
            lastSlash = i; dots = 0;
            continue;
          } else if (res.length !== 0) {
            res = ""; lastSegmentLength = 0; lastSlash = i; dots = 0;
            continue;
          }
        }
        if (allowAboveRoot) { res += res.length > 0 ? `${separator}..` : ".."; lastSegmentLength = 2; }
      } else {
        if (res.length > 0) res += `${separator}${path.slice(lastSlash + 1, i)}`;
        else res = path.slice(lastSlash + 1, i);
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) ++dots;
    else dots = -1;
  }
  return res;
}

/// The last segment of `path` from `start` (after a drive, on Windows), less `suffix`.
function basenameOf(path, suffix, isSeparator, start) {
  if (suffix !== undefined) validate.string(suffix, "suffix");
  validate.string(path, "path");
  let end = -1, matchedSlash = true;
  if (suffix !== undefined && suffix.length > 0 && suffix.length <= path.length) {
    if (suffix === path) return "";
    let extIdx = suffix.length - 1;
    let firstNonSlashEnd = -1;
    for (let i = path.length - 1; i >= start; --i) {
      const code = path.charCodeAt(i);
      if (isSeparator(code)) {
        if (!matchedSlash) { start = i + 1; break; }
      } else {
        if (firstNonSlashEnd === -1) { matchedSlash = false; firstNonSlashEnd = i + 1; }
        if (extIdx >= 0) {
          if (code === suffix.charCodeAt(extIdx)) { if (--extIdx === -1) end = i; }
          else { extIdx = -1; end = firstNonSlashEnd; }
        }
      }
    }
    if (start === end) end = firstNonSlashEnd;
    else if (end === -1) end = path.length;
    return path.slice(start, end);
  }
  for (let i = path.length - 1; i >= start; --i) {
    if (isSeparator(path.charCodeAt(i))) { if (!matchedSlash) { start = i + 1; break; } }
    else if (end === -1) { matchedSlash = false; end = i + 1; }
  }
  return end === -1 ? "" : path.slice(start, end);
}

/// Where the last segment of `path[start..]` starts, ends, and has its extension's dot
/// (-1 if it has none Node would call an extension).
function lastSegment(path, isSeparator, start) {
  let startDot = -1, startPart = start, end = -1, matchedSlash = true, preDotState = 0;
  for (let i = path.length - 1; i >= start; --i) {
    const code = path.charCodeAt(i);
    if (isSeparator(code)) { if (!matchedSlash) { startPart = i + 1; break; } continue; }
    if (end === -1) { matchedSlash = false; end = i + 1; }
    if (code === DOT) { if (startDot === -1) startDot = i; else if (preDotState !== 1) preDotState = 1; }
    else if (startDot !== -1) preDotState = -1;
  }
  const noExtension = startDot === -1 || preDotState === 0 ||
    (preDotState === 1 && startDot === end - 1 && startDot === startPart + 1);
  return { startPart, end, dot: noExtension ? -1 : startDot };
}

function extnameOf(path, isSeparator, start) {
  validate.string(path, "path");
  const { end, dot } = lastSegment(path, isSeparator, start);
  return dot === -1 || end === -1 ? "" : path.slice(dot, end);
}

/// Fills `ret`'s base, name and ext from the segment `lastSegment` found.
function fillBase(ret, path, { startPart, end, dot }, from) {
  if (end === -1) return;
  ret.base = path.slice(from, end);
  if (dot === -1) ret.name = ret.base;
  else { ret.name = path.slice(from, dot); ret.ext = path.slice(dot, end); }
}

/// How far `from` and `to` (from their starts) agree, up to `length`, and where the last
/// separator they share is (-1: none), as offsets from the starts.
function commonPrefix(from, fromStart, to, toStart, length, separatorCode) {
  let lastCommonSep = -1;
  let i = 0;
  for (; i < length; i++) {
    const fromCode = from.charCodeAt(fromStart + i);
    if (fromCode !== to.charCodeAt(toStart + i)) break;
    else if (fromCode === separatorCode) lastCommonSep = i;
  }
  return { i, lastCommonSep };
}

function formatWith(separator, pathObject) {
  validate.object(pathObject, "pathObject");
  const dir = pathObject.dir || pathObject.root;
  const base = pathObject.base || `${pathObject.name || ""}${pathObject.ext ? (pathObject.ext[0] === "." ? "" : ".") + pathObject.ext : ""}`;
  if (!dir) return base;
  return dir === pathObject.root ? `${dir}${base}` : `${dir}${separator}${base}`;
}

const posix = {
  sep: "/",
  delimiter: ":",
  resolve(...args) {
    let resolved = "";
    let absolute = false;
    for (let i = args.length - 1; i >= -1 && !absolute; i--) {
      const path = i >= 0 ? args[i] : "/";
      validate.string(path, `paths[${i}]`);
      if (path.length === 0) continue;
      resolved = `${path}/${resolved}`;
      absolute = path.charCodeAt(0) === SLASH;
    }
    resolved = normalizeString(resolved, !absolute, "/", isPosixSeparator);
    if (absolute) return `/${resolved}`;
    return resolved.length > 0 ? resolved : ".";
  },
  normalize(path) {
    validate.string(path, "path");
    if (path.length === 0) return ".";
    const absolute = path.charCodeAt(0) === SLASH;
    const trailing = path.charCodeAt(path.length - 1) === SLASH;
    path = normalizeString(path, !absolute, "/", isPosixSeparator);
    if (path.length === 0) return absolute ? "/" : trailing ? "./" : ".";
    if (trailing) path += "/";
    return absolute ? `/${path}` : path;
  },
  isAbsolute(path) { validate.string(path, "path"); return path.length > 0 && path.charCodeAt(0) === SLASH; },
  join(...args) {
    if (args.length === 0) return ".";
    const parts = [];
    for (const arg of args) { validate.string(arg, "path"); if (arg.length > 0) parts.push(arg); }
    return parts.length === 0 ? "." : posix.normalize(parts.join("/"));
  },
  relative(from, to) {
    validate.string(from, "from");
    validate.string(to, "to");
    if (from === to) return "";
    from = posix.resolve(from);
    to = posix.resolve(to);
    if (from === to) return "";
    const fromStart = 1, fromEnd = from.length, fromLen = fromEnd - fromStart;
    const toStart = 1, toLen = to.length - toStart;
    const length = fromLen < toLen ? fromLen : toLen;
    let { i, lastCommonSep } = commonPrefix(from, fromStart, to, toStart, length, SLASH);
    if (i === length) {
      if (toLen > length) {
        if (to.charCodeAt(toStart + i) === SLASH) return to.slice(toStart + i + 1);
        if (i === 0) return to.slice(toStart + i);
      } else if (fromLen > length) {
        if (from.charCodeAt(fromStart + i) === SLASH) lastCommonSep = i;
        else if (i === 0) lastCommonSep = 0;
      }
    }
    let out = "";
    for (i = fromStart + lastCommonSep + 1; i <= fromEnd; ++i) {
      if (i === fromEnd || from.charCodeAt(i) === SLASH) out += out.length === 0 ? ".." : "/..";
    }
    return `${out}${to.slice(toStart + lastCommonSep)}`;
  },
  toNamespacedPath(path) { return path; },
  dirname(path) {
    validate.string(path, "path");
    if (path.length === 0) return ".";
    const hasRoot = path.charCodeAt(0) === SLASH;
    let end = -1;
    let matchedSlash = true;
    for (let i = path.length - 1; i >= 1; --i) {
      if (path.charCodeAt(i) === SLASH) { if (!matchedSlash) { end = i; break; } }
      else matchedSlash = false;
    }
    if (end === -1) return hasRoot ? "/" : ".";
    if (hasRoot && end === 1) return "//";
    return path.slice(0, end);
  },
  basename(path, suffix) { return basenameOf(path, suffix, isPosixSeparator, 0); },
  extname(path) { return extnameOf(path, isPosixSeparator, 0); },
  format(pathObject) { return formatWith("/", pathObject); },
  parse(path) {
    validate.string(path, "path");
    const ret = { root: "", dir: "", base: "", ext: "", name: "" };
    if (path.length === 0) return ret;
    const absolute = path.charCodeAt(0) === SLASH;
    const start = absolute ? 1 : 0;
    if (absolute) ret.root = "/";
    const segment = lastSegment(path, isPosixSeparator, start);
    fillBase(ret, path, segment, segment.startPart);
    if (segment.startPart > start) ret.dir = path.slice(0, segment.startPart - 1);
    else if (absolute) ret.dir = "/";
    return ret;
  },
  matchesGlob(_path, _pattern) { throw new Error("path.posix.matchesGlob() is not implemented."); },
};
