// node_fs, part three: node:fs's synchronous functions (workerd's internal_fs_sync.ts), their
// argument checks and Node's texts, and the Stats, Dirent and Dir they hand out.

const { codes, validate, nodeError } = core.unit("node_internal");
const { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE } = codes;
const C = {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, UV_DIRENT_UNKNOWN: 0,
  UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4, UV_DIRENT_SOCKET: 5,
  UV_DIRENT_CHAR: 6, UV_DIRENT_BLOCK: 7, EXTENSIONLESS_FORMAT_JAVASCRIPT: 0, EXTENSIONLESS_FORMAT_WASM: 1,
  S_IFMT: 61440, S_IFREG: 32768, S_IFDIR: 16384, S_IFCHR: 8192, S_IFBLK: 24576, S_IFIFO: 4096, S_IFLNK: 40960,
  S_IFSOCK: 49152, O_CREAT: 64, O_EXCL: 128, UV_FS_O_FILEMAP: 0, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024,
  O_DIRECTORY: 65536, O_NOATIME: 262144, O_NOFOLLOW: 131072, O_SYNC: 1052672, O_DSYNC: 4096, O_DIRECT: 16384,
  O_NONBLOCK: 2048, S_IRWXU: 448, S_IRUSR: 256, S_IWUSR: 128, S_IXUSR: 64, S_IRWXG: 56, S_IRGRP: 32,
  S_IWGRP: 16, S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4, S_IWOTH: 2, S_IXOTH: 1, F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1,
  UV_FS_COPYFILE_EXCL: 1, COPYFILE_EXCL: 1, UV_FS_COPYFILE_FICLONE: 2, COPYFILE_FICLONE: 2,
  UV_FS_COPYFILE_FICLONE_FORCE: 4, COPYFILE_FICLONE_FORCE: 4,
};
const fsConstants = Object.freeze({ ...C });

/// The errors workerd's JavaScript half makes (internal_errors.ts' NodeSyscallError kinds):
/// a class named after the code whose `code` is the libuv one.
function syscallError(code, errno, message, syscall, path) {
  const error = nodeError(Error, `ERR_${code}`, message, true);
  error.code = code;
  error.syscall = syscall;
  error.errno = errno;
  if (path !== undefined) error.path = path;
  return error;
}
const ERR_ENOENT = (path, syscall) => syscallError("ENOENT", -2, `no such file or directory, ${syscall} '${path}'`, syscall, path);
const ERR_EBADF = (syscall) => syscallError("EBADF", -9, "Bad file descriptor", syscall);
const ERR_EEXIST = (syscall, path) => syscallError("EEXIST", -17,
  path === undefined ? "file already exists" : `file already exists, ${syscall} '${path}'`, syscall, path);
const ERR_EINVAL = (syscall) => syscallError("EINVAL", -22, "invalid argument", syscall);
const ERR_UNSUPPORTED_OPERATION = () => nodeError(Error, "ERR_UNSUPPORTED_OPERATION", "The requested operation is unsupported", true);

// ---------- arguments ----------
/// A path argument as the file: URL workerd resolves (relative ones against the cwd, /bundle).
function normalizePath(path, encoding = "utf8") {
  if (path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError("File path must be a file: URL");
    return path;
  }
  if (Buffer.isBuffer(path)) path = path.toString(encoding);
  else if (typeof path !== "string") throw ERR_INVALID_ARG_TYPE("path", ["string", "Buffer", "URL"], path);
  if (path.includes("\0")) throw ERR_INVALID_ARG_VALUE("path", path, "must not contain null bytes");
  path = path.replace(/[#?]/g, encodeURIComponent).replace(/\/\//g, "/");
  const cwd = core.unit("node_process").process.cwd();
  return new URL(path, path.startsWith("/") ? "file://" : `file://${cwd}/`);
}

function getValidatedFd(fd, name = "fd") {
  if (Object.is(fd, -0)) return 0;
  validate.int32(fd, name);
  if (fd < 0) throw codes.ERR_OUT_OF_RANGE(name, ">= 0 && <= 2147483647", fd);
  return fd;
}

const FLAGS = {
  r: C.O_RDONLY, rs: C.O_RDONLY | C.O_SYNC, sr: C.O_RDONLY | C.O_SYNC, "r+": C.O_RDWR,
  "rs+": C.O_RDWR | C.O_SYNC, "sr+": C.O_RDWR | C.O_SYNC, w: C.O_TRUNC | C.O_CREAT | C.O_WRONLY,
  wx: C.O_TRUNC | C.O_CREAT | C.O_WRONLY | C.O_EXCL, xw: C.O_TRUNC | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  "w+": C.O_TRUNC | C.O_CREAT | C.O_RDWR, "wx+": C.O_TRUNC | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  "xw+": C.O_TRUNC | C.O_CREAT | C.O_RDWR | C.O_EXCL, a: C.O_APPEND | C.O_CREAT | C.O_WRONLY,
  ax: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_EXCL, xa: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  as: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_SYNC, sa: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_SYNC,
  "a+": C.O_APPEND | C.O_CREAT | C.O_RDWR, "ax+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  "xa+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_EXCL, "as+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_SYNC,
  "sa+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_SYNC,
};
function stringToFlags(flags, name = "flags") {
  if (typeof flags === "number") {
    validate.int32(flags, name);
    return flags;
  }
  if (flags == null) return C.O_RDONLY;
  if (Object.hasOwn(FLAGS, flags)) return FLAGS[flags];
  throw ERR_INVALID_ARG_VALUE(name, flags);
}

/// `mode` as a number (an octal string allowed), as Node's parseFileMode checks it.
function parseFileMode(mode, name, fallback) {
  mode ??= fallback;
  if (typeof mode === "string") {
    if (!/^[0-7]+$/.test(mode)) throw ERR_INVALID_ARG_VALUE(name, mode, "must be a 32-bit unsigned integer or an octal string");
    mode = parseInt(mode, 8);
  }
  validate.uint32(mode, name);
  return mode;
}

function validateEncoding(encoding, name = "options.encoding") {
  if (encoding != null && encoding !== "buffer" && !Buffer.isEncoding(encoding)) throw ERR_INVALID_ARG_VALUE(name, encoding);
}

/// `options` given as an encoding or as an object, as an object.
function optionsObject(options, name = "options") {
  if (typeof options === "string" || options == null) return { encoding: options ?? undefined };
  validate.object(options, name);
  return options;
}

function validateBuffers(buffers) {
  validate.array(buffers, "buffers");
  for (const b of buffers) {
    if (!ArrayBuffer.isView(b)) throw ERR_INVALID_ARG_TYPE("buffers", "ArrayBufferView[]", buffers);
  }
}

function validatePosition(position, name) {
  if (typeof position === "number") validate.uint32(position, name);
  else if (typeof position !== "bigint" && position !== null) {
    throw ERR_INVALID_ARG_TYPE(name, ["integer", "bigint", "null"], position);
  }
}

function getDate(time) {
  if (typeof time === "number" || typeof time === "string") return new Date(time);
  if (typeof time === "bigint") return new Date(Number(time));
  if (time instanceof Date) return time;
  throw ERR_INVALID_ARG_TYPE("time", ["string", "number", "bigint", "Date"], time);
}

// ---------- what the functions return ----------
const kBadge = Symbol("kBadge");
class Stats {
  dev; ino; mode; nlink; uid; gid; rdev; size; blksize; blocks; atimeMs; mtimeMs; ctimeMs; birthtimeMs;
  atimeNs; mtimeNs; ctimeNs; birthtimeNs; atime; mtime; ctime; birthtime;
  constructor(badge, stat, { bigint = false } = {}) {
    if (badge !== kBadge) throw new TypeError("Illegal constructor");
    let mode = 0o444 | (stat.writable ? 0o222 : 0);
    mode |= stat.device ? C.S_IFCHR : { file: C.S_IFREG, directory: C.S_IFDIR, symlink: C.S_IFLNK }[stat.type];
    const number = bigint ? BigInt : Number;
    Object.assign(this, { dev: number(stat.device ? 1 : 0), ino: number(0), mode: number(mode), nlink: number(1),
      uid: number(0), gid: number(0), rdev: number(0), size: number(stat.size), blksize: number(0), blocks: number(0) });
    const mtimeMs = stat.lastModifiedMs;
    if (bigint) {
      const ns = (ms) => BigInt(Math.trunc(ms)) * 1_000_000n;
      Object.assign(this, { atimeNs: 0n, mtimeNs: ns(mtimeMs), ctimeNs: ns(mtimeMs), birthtimeNs: ns(stat.createdMs) });
      Object.assign(this, { atimeMs: 0n, mtimeMs: this.mtimeNs / 1_000_000n, ctimeMs: this.ctimeNs / 1_000_000n,
        birthtimeMs: this.birthtimeNs / 1_000_000n });
    } else {
      Object.assign(this, { atimeMs: 0, mtimeMs, ctimeMs: mtimeMs, birthtimeMs: stat.createdMs });
    }
    for (const k of ["atime", "mtime", "ctime", "birthtime"]) this[k] = new Date(Number(this[`${k}Ms`]));
  }
  isBlockDevice() { return (Number(this.mode) & C.S_IFMT) === C.S_IFBLK; }
  isCharacterDevice() { return (Number(this.mode) & C.S_IFMT) === C.S_IFCHR; }
  isDirectory() { return (Number(this.mode) & C.S_IFMT) === C.S_IFDIR; }
  isFIFO() { return (Number(this.mode) & C.S_IFMT) === C.S_IFIFO; }
  isFile() { return (Number(this.mode) & C.S_IFMT) === C.S_IFREG; }
  isSocket() { return (Number(this.mode) & C.S_IFMT) === C.S_IFSOCK; }
  isSymbolicLink() { return (Number(this.mode) & C.S_IFMT) === C.S_IFLNK; }
}

const kType = Symbol("type");
class Dirent {
  constructor(name, type, parentPath) {
    this.name = name;
    this.parentPath = parentPath;
    Object.defineProperty(this, kType, { value: type });
  }
  isDirectory() { return this[kType] === C.UV_DIRENT_DIR; }
  isFile() { return this[kType] === C.UV_DIRENT_FILE; }
  isBlockDevice() { return this[kType] === C.UV_DIRENT_BLOCK; }
  isCharacterDevice() { return this[kType] === C.UV_DIRENT_CHAR; }
  isSymbolicLink() { return this[kType] === C.UV_DIRENT_LINK; }
  isFIFO() { return this[kType] === C.UV_DIRENT_FIFO; }
  isSocket() { return this[kType] === C.UV_DIRENT_SOCKET; }
}

/// `opendir()`'s handle: the entries were read when it was opened.
class Dir {
  #entries; #path; #encoding; #closed = false;
  constructor(handles, path, { encoding = "utf8" } = {}) {
    this.#entries = handles;
    this.#path = path;
    this.#encoding = encoding;
  }
  get path() { return this.#path; }
  #next() {
    if (this.#closed) throw nodeError(Error, "ERR_DIR_CLOSED", "Directory is closed", true);
    const h = this.#entries.shift();
    if (h === undefined) return null;
    const name = this.#encoding === "buffer" ? Buffer.from(h.name) : h.name;
    return new Dirent(name, h.type, h.parentPath);
  }
  readSync() { return this.#next(); }
  read(callback) {
    if (callback === undefined) return new Promise((resolve, reject) => { try { resolve(this.#next()); } catch (e) { reject(e); } });
    validate.function(callback, "callback");
    let entry, error = null;
    try { entry = this.#next(); } catch (e) { error = e; }
    queueMicrotask(() => callback(error, entry));
  }
  closeSync() {
    if (this.#closed) throw nodeError(Error, "ERR_DIR_CLOSED", "Directory is closed", true);
    this.#closed = true;
  }
  close(callback) {
    if (callback === undefined) return new Promise((resolve, reject) => { try { resolve(this.closeSync()); } catch (e) { reject(e); } });
    validate.function(callback, "callback");
    let error = null;
    try { this.closeSync(); } catch (e) { error = e; }
    queueMicrotask(() => callback(error));
  }
  async *entries() {
    try {
      let entry;
      while ((entry = this.#next()) !== null) yield entry;
    } finally {
      this.#closed = true;
    }
  }
  [Symbol.asyncIterator]() { return this.entries(); }
}

// ---------- the synchronous functions ----------
const toStats = (stat, bigint) => new Stats(kBadge, stat, { bigint });

function accessSync(path, mode = C.F_OK) {
  const url = normalizePath(path);
  validate.integer(mode, "mode", 0, 7);
  const stat = cffs.stat(url, { followSymlinks: true });
  if ((mode & C.X_OK) || stat == null || ((mode & C.W_OK) && !stat.writable)) throw ERR_ENOENT(url.pathname, "access");
}
function existsSync(path) {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}
function statOrThrow(pathOrFd, follow, syscall) {
  const stat = cffs.stat(pathOrFd, { followSymlinks: follow });
  if (stat == null) throw typeof pathOrFd === "number" ? ERR_EBADF(syscall) : ERR_ENOENT(pathOrFd.pathname, syscall);
  return stat;
}
function validateStatOptions(options) {
  validate.object(options, "options");
  const { bigint = false, throwIfNoEntry = true } = options;
  validate.boolean(bigint, "options.bigint");
  validate.boolean(throwIfNoEntry, "options.throwIfNoEntry");
  return { bigint, throwIfNoEntry };
}
function statWith(path, options, follow, syscall) {
  const { bigint, throwIfNoEntry } = validateStatOptions(options);
  const url = normalizePath(path);
  const stat = cffs.stat(url, { followSymlinks: follow });
  if (stat == null) {
    if (throwIfNoEntry) throw ERR_ENOENT(url.pathname, syscall);
    return undefined;
  }
  return toStats(stat, bigint);
}
const statSync = (path, options = {}) => statWith(path, options, true, "stat");
const lstatSync = (path, options = {}) => statWith(path, options, false, "lstat");
function fstatSync(fd, options = {}) {
  const { bigint } = validateStatOptions(options);
  if (typeof fd !== "number") throw ERR_INVALID_ARG_TYPE("fd", "number", fd);
  return toStats(statOrThrow(getValidatedFd(fd), true, "stat"), bigint);
}
function checkExists(path, follow, syscall) {
  const url = normalizePath(path);
  statOrThrow(url, follow, syscall);
}
function validateIds(uid, gid) {
  validate.integer(uid, "uid", -1, 2 ** 32 - 1);
  validate.integer(gid, "gid", -1, 2 ** 32 - 1);
}
function chmodSync(path, mode) { parseFileMode(mode, "mode"); checkExists(path, true, "chmod"); }
function lchmodSync(path, mode) { parseFileMode(mode, "mode"); checkExists(path, false, "lchmod"); }
function chownSync(path, uid, gid) { validateIds(uid, gid); checkExists(path, true, "chown"); }
function lchownSync(path, uid, gid) { validateIds(uid, gid); checkExists(path, false, "lchown"); }
/// fsync and fdatasync: nothing to flush, so only whether `fd` is open.
function fdCheck(syscall) {
  return (fd) => {
    statOrThrow(getValidatedFd(fd), true, syscall);
  };
}
const fdatasyncSync = fdCheck("datasync");
const fsyncSync = fdCheck("sync");
function fchmodSync(fd, mode) { fd = getValidatedFd(fd); parseFileMode(mode, "mode"); statOrThrow(fd, true, "fchmod"); }
function fchownSync(fd, uid, gid) { fd = getValidatedFd(fd); validateIds(uid, gid); statOrThrow(fd, true, "fchown"); }
function closeSync(fd) { cffs.close(getValidatedFd(fd)); }
function copyFileSync(src, dest, mode = 0) {
  validate.oneOf(mode, "mode", [0, C.COPYFILE_EXCL, C.COPYFILE_FICLONE_FORCE, C.COPYFILE_FICLONE]);
  if (mode & C.COPYFILE_FICLONE_FORCE) throw ERR_UNSUPPORTED_OPERATION();
  if ((mode & C.COPYFILE_EXCL) && existsSync(dest)) throw ERR_EEXIST("copyFile", normalizePath(dest).pathname);
  cffs.renameOrCopy(normalizePath(src), normalizePath(dest), { copy: true });
}
function cpSync(src, dest, options = {}) {
  validate.object(options, "options");
  const { dereference = false, errorOnExist = false, force = true, mode = 0, preserveTimestamps = false,
    recursive = false, verbatimSymlinks = false } = options;
  for (const [value, name] of [[dereference, "dereference"], [errorOnExist, "errorOnExist"], [force, "force"],
    [preserveTimestamps, "preserveTimestamps"], [recursive, "recursive"], [verbatimSymlinks, "verbatimSymlinks"]]) {
    validate.boolean(value, `options.${name}`);
  }
  validate.uint32(mode, "options.mode");
  if (mode & C.COPYFILE_FICLONE_FORCE) throw ERR_INVALID_ARG_VALUE("options.mode", "COPYFILE_FICLONE_FORCE is not supported");
  if (options.filter !== undefined) {
    if (typeof options.filter !== "function") throw ERR_INVALID_ARG_TYPE("options.filter", "function", options.filter);
    throw ERR_UNSUPPORTED_OPERATION();
  }
  cffs.cp(normalizePath(src), normalizePath(dest), { recursive, force, errorOnExist });
}
function ftruncateSync(fd, len = 0) { validate.uint32(len, "len"); cffs.truncate(getValidatedFd(fd), len); }
function truncateSync(path, len = 0) { validate.uint32(len, "len"); cffs.truncate(normalizePath(path), len); }
function futimesSync(fd, atime, mtime) { getDate(atime); cffs.setLastModified(getValidatedFd(fd), getDate(mtime)); }
function utimesSync(path, atime, mtime) { getDate(atime); cffs.setLastModified(normalizePath(path), getDate(mtime), { followSymlinks: true }); }
function lutimesSync(path, atime, mtime) { getDate(atime); cffs.setLastModified(normalizePath(path), getDate(mtime), { followSymlinks: false }); }
function linkSync(existingPath, newPath) { cffs.link(normalizePath(newPath), normalizePath(existingPath), { symbolic: false }); }
function symlinkSync(target, path, type = null) {
  validate.oneOf(type, "type", ["dir", "file", "junction", null]);
  cffs.link(normalizePath(path), normalizePath(target), { symbolic: true });
}
function mkdirSync(path, options = {}) {
  const { recursive = false, mode = 0o777 } = typeof options === "number" ? { mode: options } : (validate.object(options, "options"), options);
  validate.boolean(recursive, "options.recursive");
  parseFileMode(mode, "mode");
  return cffs.mkdir(normalizePath(path), { recursive, tmp: false });
}
function mkdtempSync(prefix, options = {}) {
  const { encoding = "utf8" } = optionsObject(options);
  validateEncoding(encoding);
  const made = cffs.mkdir(normalizePath(prefix, encoding), { recursive: false, tmp: true });
  if (made === undefined) throw ERR_EINVAL("mkdtemp");
  return made;
}
function openSync(path, flags = "r", mode = 0o666) {
  parseFileMode(mode, "mode", 0o666);
  const f = stringToFlags(flags);
  return cffs.open(normalizePath(path), {
    read: !(f & C.O_WRONLY) || Boolean(f & C.O_RDWR), write: Boolean(f & (C.O_WRONLY | C.O_RDWR)),
    append: Boolean(f & C.O_APPEND), exclusive: Boolean(f & C.O_EXCL), followSymlinks: true,
  });
}
function readdirOptions(options) {
  options = optionsObject(options);
  const { encoding = "utf8", withFileTypes = false, recursive = false } = options;
  validateEncoding(encoding);
  validate.boolean(withFileTypes, "options.withFileTypes");
  validate.boolean(recursive, "options.recursive");
  return { encoding, withFileTypes, recursive };
}
function readdirSync(path, options = {}) {
  const { encoding, withFileTypes, recursive } = readdirOptions(options);
  const handles = cffs.readdir(normalizePath(path), { recursive });
  const named = (h) => (encoding === "buffer" ? Buffer.from(h.name) : Buffer.from(h.name).toString(encoding));
  return handles.map((h) => (withFileTypes ? new Dirent(named(h), h.type, h.parentPath) : named(h)));
}
function opendirSync(path, options = {}) {
  const { encoding = "utf8", recursive = false } = optionsObject(options);
  validateEncoding(encoding);
  validate.boolean(recursive, "options.recursive");
  return new Dir(cffs.readdir(normalizePath(path), { recursive }), path, { encoding });
}
function readFileSync(pathOrFd, options = {}) {
  options = optionsObject(options);
  const { encoding = null, flag = "r" } = options;
  validateEncoding(encoding);
  stringToFlags(flag);
  const bytes = cffs.readAll(typeof pathOrFd === "number" ? getValidatedFd(pathOrFd) : normalizePath(pathOrFd));
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return typeof encoding === "string" && encoding !== "buffer" ? buf.toString(encoding) : buf;
}
function linkText(path, options, failIfNotSymlink) {
  const { encoding = "utf8" } = optionsObject(options);
  validateEncoding(encoding);
  const dest = Buffer.from(cffs.readLink(normalizePath(path), { failIfNotSymlink }));
  return encoding === "buffer" ? dest : dest.toString(encoding);
}
const readlinkSync = (path, options = {}) => linkText(path, options, true);
const realpathSync = (path, options = {}) => linkText(path, options, false);
realpathSync.native = realpathSync;
function renameSync(src, dest) { cffs.renameOrCopy(normalizePath(src), normalizePath(dest), { copy: false }); }
function rmOptions(options, withForce) {
  validate.object(options, "options");
  const { force = false, maxRetries = 0, recursive = false, retryDelay = 0 } = options;
  if (withForce) validate.boolean(force, "options.force");
  validate.uint32(maxRetries, "options.maxRetries");
  validate.boolean(recursive, "options.recursive");
  validate.uint32(retryDelay, "options.retryDelay");
  return { recursive, force };
}
function rmSync(path, options = {}) {
  const { recursive, force } = rmOptions(options, true);
  cffs.rm(normalizePath(path), { recursive, force, dironly: false });
}
function rmdirSync(path, options = {}) {
  const { recursive } = rmOptions(options, false);
  cffs.rm(normalizePath(path), { recursive, force: false, dironly: true });
}
function statfsSync(path, options = {}) {
  normalizePath(path);
  validate.object(options, "options");
  const { bigint = false } = options;
  validate.boolean(bigint, "options.bigint");
  const zero = bigint ? 0n : 0;
  return { type: zero, bsize: zero, blocks: zero, bfree: zero, bavail: zero, files: zero, ffree: zero };
}
function unlinkSync(path) { cffs.unlink(normalizePath(path)); }

/// The part of `buffer` a read or write uses and where in the file, given as `(offset, length,
/// position)` or as `{ offset, length, position }`.
function viewArgs(buffer, offsetOrOptions, length, position) {
  validate.buffer(buffer, "buffer");
  let offset = offsetOrOptions;
  if (offsetOrOptions !== null && typeof offsetOrOptions === "object") {
    ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions);
  }
  offset ??= 0;
  length ??= buffer.byteLength - offset;
  validate.integer(offset, "offset", 0);
  validate.integer(length, "length", 0, buffer.byteLength - offset);
  position ??= null;
  validatePosition(position, "position");
  return { view: new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length), position };
}
function readSync(fd, buffer, offsetOrOptions = {}, length, position = null) {
  fd = getValidatedFd(fd);
  const args = viewArgs(buffer, offsetOrOptions, length, position);
  if (args.view.length === 0 || buffer.byteLength === 0) return 0;
  return cffs.read(fd, [args.view], args.position);
}
function readvSync(fd, buffers, position = null) {
  fd = getValidatedFd(fd);
  validateBuffers(buffers);
  validatePosition(position, "position");
  return buffers.length === 0 ? 0 : cffs.read(fd, buffers, position);
}
/// `writeSync(fd, buffer, offset, length, position)`, `(fd, buffer, { … })` or `(fd, string, position, encoding)`.
function writeArgs(fd, buffer, offsetOrOptions, length, position) {
  fd = getValidatedFd(fd);
  if (typeof buffer === "string") {
    const encoding = typeof length === "string" ? length : "utf8";
    const pos = offsetOrOptions ?? null;
    validatePosition(pos, "position");
    return { fd, view: Buffer.from(buffer, encoding), position: pos };
  }
  return { fd, ...viewArgs(buffer, offsetOrOptions, length, position) };
}
function writeSync(fd, buffer, offsetOrOptions = null, length, position) {
  const args = writeArgs(fd, buffer, offsetOrOptions, length, position);
  return cffs.write(args.fd, [args.view], args.position);
}
function writevSync(fd, buffers, position = null) {
  fd = getValidatedFd(fd);
  validateBuffers(buffers);
  validatePosition(position, "position");
  return buffers.length === 0 ? 0 : cffs.write(fd, buffers, position);
}
/// `data` and the flags of writeFile/appendFile, checked as workerd checks them.
function writeFileArgs(path, data, options, defaultFlag) {
  options = optionsObject(options);
  const { encoding = "utf8", mode = 0o666, flag = defaultFlag } = options;
  validateEncoding(encoding);
  parseFileMode(mode, "mode");
  const flags = stringToFlags(flag);
  if (typeof data === "string") data = Buffer.from(data, encoding === "buffer" ? "utf8" : encoding);
  else if (!ArrayBuffer.isView(data)) throw ERR_INVALID_ARG_TYPE("data", ["string", "Buffer", "TypedArray", "DataView"], data);
  const target = typeof path === "number" ? getValidatedFd(path) : normalizePath(path);
  return { target, data, append: Boolean(flags & C.O_APPEND), exclusive: Boolean(flags & C.O_EXCL) };
}
function writeFileSync(path, data, options = {}) {
  const { target, data: bytes, append, exclusive } = writeFileArgs(path, data, options, "w");
  return cffs.writeAll(target, bytes, { append, exclusive });
}
function appendFileSync(path, data, options = {}) {
  const { target, data: bytes, exclusive } = writeFileArgs(path, data, options, "a");
  return cffs.writeAll(target, bytes, { append: true, exclusive });
}
function openAsBlob(path, options = {}) {
  const url = normalizePath(path);
  validate.object(options, "options");
  const { type = "" } = options;
  validate.string(type, "options.type");
  return new Blob([cffs.readAll(url)], { type });
}
