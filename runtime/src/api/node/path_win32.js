// node_path, part two: `path.win32`, Windows' flavour, as workerd gives it (it follows Node's
// algorithm from before Node marked relative device names with `.\`; the answers are recorded in
// reference/workerd/results/snippets-node-late-modules.json). The current directory is "/", as
// for the POSIX flavour.

const COLON = 58;
const QUESTION_MARK = 63;
const isSeparator = (code) => code === SLASH || code === BACKSLASH;
const isDriveLetter = (code) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const hasDrive = (path) => path.length >= 2 && isDriveLetter(path.charCodeAt(0)) && path.charCodeAt(1) === COLON;

/// A UNC root (`\\server\share`) at the start of `path`, which begins with two separators:
/// the root as Windows writes it and where its share name ends; undefined if it is not one.
function uncRoot(path) {
  const len = path.length;
  let j = 2;
  while (j < len && !isSeparator(path.charCodeAt(j))) j++;
  if (j >= len || j === 2) return undefined;
  const server = path.slice(2, j);
  while (j < len && isSeparator(path.charCodeAt(j))) j++;
  if (j >= len) return undefined;
  const shareStart = j;
  while (j < len && !isSeparator(path.charCodeAt(j))) j++;
  return { device: `\\\\${server}\\${path.slice(shareStart, j)}`, end: j };
}

/// The device (drive or UNC root) of `path`, where its root ends, and whether it is absolute.
function rootOf(path) {
  const code = path.charCodeAt(0);
  if (isSeparator(code)) {
    const unc = path.length > 1 && isSeparator(path.charCodeAt(1)) ? uncRoot(path) : undefined;
    return unc ? { device: unc.device, rootEnd: unc.end, absolute: true } : { device: "", rootEnd: 1, absolute: true };
  }
  if (hasDrive(path)) {
    const absolute = path.length > 2 && isSeparator(path.charCodeAt(2));
    return { device: path.slice(0, 2), rootEnd: absolute ? 3 : 2, absolute };
  }
  return { device: "", rootEnd: 0, absolute: false };
}

/// The directory a drive-relative path (`D:x`) resolves against: Windows keeps one per drive
/// in the `=D:` environment variable, and otherwise the drive's root.
function driveDirectory(device) {
  const path = core.G.process?.env?.[`=${device}`] || "/";
  return path.slice(0, 2).toLowerCase() !== device.toLowerCase() && path.charCodeAt(2) === BACKSLASH ? `${device}\\` : path;
}

const win32 = {
  resolve(...args) {
    let resolvedDevice = "";
    let resolvedTail = "";
    let resolvedAbsolute = false;
    for (let i = args.length - 1; i >= -1; i--) {
      let path;
      if (i >= 0) {
        path = args[i];
        validate.string(path, `paths[${i}]`);
        if (path.length === 0) continue;
      } else {
        path = resolvedDevice.length === 0 ? "/" : driveDirectory(resolvedDevice);
      }
      const { device, rootEnd, absolute } = rootOf(path);
      if (device.length > 0) {
        if (resolvedDevice.length === 0) resolvedDevice = device;
        else if (device.toLowerCase() !== resolvedDevice.toLowerCase()) continue;
      }
      if (resolvedAbsolute) {
        if (resolvedDevice.length > 0) break;
      } else {
        resolvedTail = `${path.slice(rootEnd)}\\${resolvedTail}`;
        resolvedAbsolute = absolute;
        if (absolute && resolvedDevice.length > 0) break;
      }
    }
    resolvedTail = normalizeString(resolvedTail, !resolvedAbsolute, "\\", isSeparator);
    return resolvedAbsolute ? `${resolvedDevice}\\${resolvedTail}` : `${resolvedDevice}${resolvedTail}` || ".";
  },
  normalize(path) {
    validate.string(path, "path");
    const len = path.length;
    if (len === 0) return ".";
    if (len === 1) return path.charCodeAt(0) === SLASH ? "\\" : path;
    const { device, rootEnd, absolute } = rootOf(path);
    // A bare UNC root gets the separator that makes it a directory.
    if (device.startsWith("\\\\") && rootEnd === len) return `${device}\\`;
    let tail = rootEnd < len ? normalizeString(path.slice(rootEnd), !absolute, "\\", isSeparator) : "";
    if (tail.length === 0 && !absolute) tail = ".";
    if (tail.length > 0 && isSeparator(path.charCodeAt(len - 1))) tail += "\\";
    return absolute ? `${device}\\${tail}` : `${device}${tail}`;
  },
  isAbsolute(path) {
    validate.string(path, "path");
    if (path.length === 0) return false;
    return isSeparator(path.charCodeAt(0)) || (path.length > 2 && hasDrive(path) && isSeparator(path.charCodeAt(2)));
  },
  join(...args) {
    if (args.length === 0) return ".";
    let joined;
    let first;
    for (const arg of args) {
      validate.string(arg, "path");
      if (arg.length === 0) continue;
      if (joined === undefined) joined = first = arg;
      else joined += `\\${arg}`;
    }
    if (joined === undefined) return ".";
    // Joining must not make a UNC root of what did not start as one: more than one leading
    // separator collapses to one unless the first part itself began `\\x`.
    let needsReplace = true;
    let slashCount = 0;
    if (isSeparator(first.charCodeAt(0))) {
      ++slashCount;
      if (first.length > 1 && isSeparator(first.charCodeAt(1))) {
        ++slashCount;
        if (first.length > 2) {
          if (isSeparator(first.charCodeAt(2))) ++slashCount;
          else needsReplace = false;
        }
      }
    }
    if (needsReplace) {
      while (slashCount < joined.length && isSeparator(joined.charCodeAt(slashCount))) slashCount++;
      if (slashCount >= 2) joined = `\\${joined.slice(slashCount)}`;
    }
    return win32.normalize(joined);
  },
  relative(from, to) {
    validate.string(from, "from");
    validate.string(to, "to");
    if (from === to) return "";
    const fromOrig = win32.resolve(from);
    const toOrig = win32.resolve(to);
    if (fromOrig === toOrig) return "";
    from = fromOrig.toLowerCase();
    to = toOrig.toLowerCase();
    if (from === to) return "";
    const trimmed = (path) => {
      let start = 0;
      while (start < path.length && path.charCodeAt(start) === BACKSLASH) start++;
      let end = path.length;
      while (end - 1 > start && path.charCodeAt(end - 1) === BACKSLASH) end--;
      return [start, end];
    };
    const [fromStart, fromEnd] = trimmed(from);
    let [toStart, toEnd] = trimmed(to);
    const fromLen = fromEnd - fromStart;
    const toLen = toEnd - toStart;
    const length = fromLen < toLen ? fromLen : toLen;
    let { i, lastCommonSep } = commonPrefix(from, fromStart, to, toStart, length, BACKSLASH);
    if (i !== length) {
      // Different drives or roots: no relative path between them.
      if (lastCommonSep === -1) return toOrig;
    } else {
      if (toLen > length) {
        if (to.charCodeAt(toStart + i) === BACKSLASH) return toOrig.slice(toStart + i + 1);
        if (i === 2) return toOrig.slice(toStart + i);
      }
      if (fromLen > length) {
        if (from.charCodeAt(fromStart + i) === BACKSLASH) lastCommonSep = i;
        else if (i === 2) lastCommonSep = 3;
      }
      if (lastCommonSep === -1) lastCommonSep = 0;
    }
    let out = "";
    for (i = fromStart + lastCommonSep + 1; i <= fromEnd; ++i) {
      if (i === fromEnd || from.charCodeAt(i) === BACKSLASH) out += out.length === 0 ? ".." : "\\..";
    }
    toStart += lastCommonSep;
    if (out.length > 0) return `${out}${toOrig.slice(toStart, toEnd)}`;
    if (toOrig.charCodeAt(toStart) === BACKSLASH) ++toStart;
    return toOrig.slice(toStart, toEnd);
  },
  toNamespacedPath(path) {
    if (typeof path !== "string" || path.length === 0) return path;
    const resolved = win32.resolve(path);
    if (resolved.length <= 2) return path;
    if (resolved.charCodeAt(0) === BACKSLASH) {
      if (resolved.charCodeAt(1) === BACKSLASH) {
        const code = resolved.charCodeAt(2);
        if (code !== QUESTION_MARK && code !== DOT) return `\\\\?\\UNC\\${resolved.slice(2)}`;
      }
    } else if (hasDrive(resolved) && resolved.charCodeAt(2) === BACKSLASH) {
      return `\\\\?\\${resolved}`;
    }
    return resolved;
  },
  dirname(path) {
    validate.string(path, "path");
    const len = path.length;
    if (len === 0) return ".";
    if (len === 1) return isSeparator(path.charCodeAt(0)) ? path : ".";
    let rootEnd = -1;
    let offset = 0;
    if (isSeparator(path.charCodeAt(0))) {
      rootEnd = offset = 1;
      const unc = isSeparator(path.charCodeAt(1)) ? uncRoot(path) : undefined;
      if (unc?.end === len) return path;
      if (unc) rootEnd = offset = unc.end + 1;
    } else if (hasDrive(path)) {
      rootEnd = offset = len > 2 && isSeparator(path.charCodeAt(2)) ? 3 : 2;
    }
    let end = -1;
    let matchedSlash = true;
    for (let i = len - 1; i >= offset; --i) {
      if (isSeparator(path.charCodeAt(i))) { if (!matchedSlash) { end = i; break; } }
      else matchedSlash = false;
    }
    if (end === -1) {
      if (rootEnd === -1) return ".";
      end = rootEnd;
    }
    return path.slice(0, end);
  },
  basename(path, suffix) {
    return basenameOf(path, suffix, isSeparator, typeof path === "string" && hasDrive(path) ? 2 : 0);
  },
  extname(path) { return extnameOf(path, isSeparator, typeof path === "string" && hasDrive(path) ? 2 : 0); },
  format(pathObject) { return formatWith("\\", pathObject); },
  parse(path) {
    validate.string(path, "path");
    const ret = { root: "", dir: "", base: "", ext: "", name: "" };
    const len = path.length;
    if (len === 0) return ret;
    if (len === 1) {
      if (isSeparator(path.charCodeAt(0))) ret.root = ret.dir = path;
      else ret.base = ret.name = path;
      return ret;
    }
    let rootEnd = 0;
    if (isSeparator(path.charCodeAt(0))) {
      rootEnd = 1;
      const unc = isSeparator(path.charCodeAt(1)) ? uncRoot(path) : undefined;
      if (unc) rootEnd = unc.end === len ? len : unc.end + 1;
    } else if (hasDrive(path)) {
      if (len === 2 || (len === 3 && isSeparator(path.charCodeAt(2)))) {
        ret.root = ret.dir = path;
        return ret;
      }
      rootEnd = isSeparator(path.charCodeAt(2)) ? 3 : 2;
    }
    if (rootEnd > 0) ret.root = path.slice(0, rootEnd);
    const segment = lastSegment(path, isSeparator, rootEnd);
    fillBase(ret, path, segment, segment.startPart);
    ret.dir = segment.startPart > 0 && segment.startPart !== rootEnd ? path.slice(0, segment.startPart - 1) : ret.root;
    return ret;
  },
  matchesGlob(_path, _pattern) { throw new Error("path.win32.matchesGlob() is not implemented."); },
  sep: "\\",
  delimiter: ";",
  win32: null,
  posix: null,
};

posix.posix = win32.posix = posix;
posix.win32 = win32.win32 = win32;
return { ...posix, default: posix };
