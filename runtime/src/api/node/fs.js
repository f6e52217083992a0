// node_fs, part four: node:fs's callback functions, node:fs/promises (FileHandle), the file
// streams, glob, and the module objects — all over the synchronous functions of part three, as
// workerd's are (its file system answers at once; the callback and promise forms only defer).

const { Readable, Writable } = core.unit("node_stream");

function globSync(pattern, options = {}) {
  const patterns = typeof pattern === "string" ? [pattern] : [...pattern];
  for (const p of patterns) validate.string(p, "pattern");
  validate.object(options, "options");
  const cwd = options.cwd instanceof URL ? options.cwd.pathname : options.cwd ?? core.unit("node_process").process.cwd();
  validate.string(cwd, "options.cwd");
  const { withFileTypes = false, exclude } = options;
  const found = new Map();
  for (const p of patterns) {
    for (const expanded of expandBraces(p)) {
      const segments = expanded.split("/").filter((s) => s !== "" && s !== ".");
      if (segments.length > 0) walkGlob(cwd, segments, "", found);
    }
  }
  const out = [];
  for (const [rel, entry] of found) {
    if (withFileTypes) {
      const parts = rel.split("/");
      const name = parts.pop();
      const dirent = new Dirent(name, entry.type, cwd + (parts.length ? `/${parts.join("/")}` : ""));
      if (typeof exclude === "function" && exclude(dirent)) continue;
      out.push(dirent);
    } else {
      if (typeof exclude === "function" && exclude(rel)) continue;
      if (Array.isArray(exclude) && exclude.some((x) => globRegex(x).test(rel))) continue;
      out.push(rel);
    }
  }
  return out;
}
function expandBraces(p) {
  const m = /\{([^{}]*)\}/.exec(p);
  if (m === null) return [p];
  return m[1].split(",").flatMap((alt) => expandBraces(p.slice(0, m.index) + alt + p.slice(m.index + m[0].length)));
}
function globRegex(segment) {
  let re = "";
  for (const ch of segment) re += ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${re}$`);
}
/// Entries of `dir` (a path from the root), none when it cannot be listed.
function listForGlob(dir, recursive) {
  try {
    return cffs.readdir(normalizePath(dir), { recursive });
  } catch {
    return [];
  }
}
function walkGlob(dir, segments, rel, found) {
  const [segment, ...rest] = segments;
  if (segment === "**" && rest.length === 0) {
    // A recursive listing names entries from the root without its leading `/`, so dropping
    // `dir`'s length leaves the path below it.
    for (const e of listForGlob(dir, true)) found.set((rel ? `${rel}/` : "") + e.name.slice(dir.length), e);
    return;
  }
  const entries = listForGlob(dir, false);
  if (segment === "**") {
    walkGlob(dir, rest, rel, found);
    for (const e of entries) if (e.type === 2) walkGlob(`${dir}/${e.name}`, segments, rel ? `${rel}/${e.name}` : e.name, found);
    return;
  }
  const re = globRegex(segment);
  for (const e of entries) {
    if (!re.test(e.name)) continue;
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (rest.length === 0) found.set(path, e);
    else if (e.type === 2) walkGlob(`${dir}/${e.name}`, rest, path, found);
  }
}

const unsupported = () => { throw ERR_UNSUPPORTED_OPERATION(); };

const SYNC = {
  access: accessSync, appendFile: appendFileSync, chmod: chmodSync, chown: chownSync, close: closeSync,
  copyFile: copyFileSync, cp: cpSync, exists: existsSync, fchmod: fchmodSync, fchown: fchownSync,
  fdatasync: fdatasyncSync, fstat: fstatSync, fsync: fsyncSync, ftruncate: ftruncateSync, futimes: futimesSync,
  glob: globSync, lchmod: lchmodSync, lchown: lchownSync, link: linkSync, lstat: lstatSync, lutimes: lutimesSync,
  mkdir: mkdirSync, mkdtemp: mkdtempSync, open: openSync, opendir: opendirSync, read: readSync,
  readFile: readFileSync, readdir: readdirSync, readlink: readlinkSync, readv: readvSync,
  realpath: realpathSync, rename: renameSync, rm: rmSync, rmdir: rmdirSync, stat: statSync,
  statfs: statfsSync, symlink: symlinkSync, truncate: truncateSync, unlink: unlinkSync, utimes: utimesSync,
  write: writeSync, writeFile: writeFileSync, writev: writevSync,
};

/// The callback among `args` (the last one, when it is a function; workerd reads an optional
/// argument in its place otherwise) and the arguments before it.
function splitCallback(args) {
  const callback = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
  validate.function(callback, "callback");
  return callback;
}
/// The callback form of a synchronous function: the callback hears of the outcome on a later
/// microtask.
function callbackForm(name, sync) {
  return {
    [name](...args) {
      const callback = splitCallback(args);
      let result, error = null;
      try { result = sync(...args); } catch (e) { error = e; }
      queueMicrotask(() => callback(error, result));
    },
  }[name];
}
const callbacks = {};
for (const [name, sync] of Object.entries(SYNC)) callbacks[name] = callbackForm(name, sync);
/// `read` and `write` answer with the buffer too.
function withBuffer(name, sync) {
  return {
    [name](fd, buffer, ...rest) {
      const callback = splitCallback(rest);
      let n, error = null;
      try { n = sync(fd, buffer, ...rest); } catch (e) { error = e; }
      queueMicrotask(() => callback(error, n, buffer));
    },
  }[name];
}
callbacks.read = withBuffer("read", readSync);
callbacks.write = withBuffer("write", writeSync);
/// `exists` answers with one argument, as Node's does.
callbacks.exists = function exists(path, callback) {
  validate.function(callback, "callback");
  const answer = existsSync(path);
  queueMicrotask(() => callback(answer));
};

// ---------- streams ----------
class ReadStream extends Readable {
  constructor(path, options = {}) {
    options = typeof options === "string" ? { encoding: options } : options ?? {};
    super({ highWaterMark: options.highWaterMark ?? 64 * 1024, encoding: options.encoding, emitClose: options.emitClose ?? true });
    this.path = typeof path === "string" ? path : path instanceof URL ? path.pathname : path;
    this.flags = options.flags ?? "r";
    this.fd = options.fd ?? null;
    this.start = options.start;
    this.end = options.end ?? Infinity;
    this.pos = this.start;
    this.bytesRead = 0;
    this.autoClose = options.autoClose ?? true;
  }
  _read(size) {
    const limit = this.end === Infinity ? size : Math.min(size, this.end - (this.pos ?? this.bytesRead) + 1);
    if (limit <= 0) return this.push(null);
    const buffer = Buffer.alloc(limit);
    try {
      const n = readSync(this.fd, buffer, 0, limit, this.pos ?? null);
      if (this.pos !== undefined) this.pos += n;
      this.bytesRead += n;
      this.push(n > 0 ? buffer.subarray(0, n) : null);
    } catch (e) {
      this.destroy(e);
    }
  }
  close(callback) {
    if (typeof callback === "function") this.once("close", callback);
    this.destroy();
  }
}

class WriteStream extends Writable {
  constructor(path, options = {}) {
    options = typeof options === "string" ? { encoding: options } : options ?? {};
    super({ highWaterMark: options.highWaterMark, decodeStrings: true, emitClose: options.emitClose ?? true });
    this.path = typeof path === "string" ? path : path instanceof URL ? path.pathname : path;
    this.flags = options.flags ?? "w";
    this.fd = options.fd ?? null;
    this.start = options.start;
    this.pos = this.start;
    this.bytesWritten = 0;
    this.autoClose = options.autoClose ?? true;
    if (options.encoding) this.setDefaultEncoding(options.encoding);
  }
  _write(chunk, encoding, callback) {
    try {
      const n = writeSync(this.fd, chunk, 0, chunk.length, this.pos ?? null);
      if (this.pos !== undefined) this.pos += n;
      this.bytesWritten += n;
      callback();
    } catch (e) {
      callback(e);
    }
  }
  close(callback) {
    if (typeof callback === "function") this.once("close", callback);
    this.end();
  }
  destroySoon() { this.end(); }
}

/// What both file streams share: the file opened when the stream is constructed (unless given
/// an fd), and closed with it when `autoClose`.
for (const Stream of [ReadStream, WriteStream]) {
  Object.defineProperty(Stream.prototype, "pending", { get() { return this.fd === null; }, configurable: true });
  Stream.prototype._construct = function (callback) {
    try {
      if (this.fd === null) this.fd = openSync(this.path, this.flags);
      this.emit("open", this.fd);
      this.emit("ready");
      callback();
    } catch (e) {
      callback(e);
    }
  };
  Stream.prototype._destroy = function (error, callback) {
    if (this.fd !== null && this.autoClose) closeSync(this.fd);
    callback(error);
  };
}

const createReadStream = (path, options) => new ReadStream(path, options);
const createWriteStream = (path, options) => new WriteStream(path, options);
