// node_fs, part one: the virtual file system workerd gives a Worker (workerd's io/worker-fs.h
// and api/filesystem.c++): `/bundle` (the Worker's modules, read-only), `/dev` (null, zero,
// full, random) and `/tmp` (writable, its contents belonging to the request that wrote them),
// file descriptors from 3 up, never reused, and the errors workerd throws, to the letter (recorded:
// conformance/reference/workerd/results/snippets-node-fs.json). File contents live in the
// isolate's heap, so they count towards its memory limit as workerd's do.

const { Buffer } = core.unit("node_buffer");

/// libuv's texts for the codes workerd's file system throws (api/node/exceptions.h).
const UV = {
  EACCES: "permission denied", EBADF: "bad file descriptor", EEXIST: "file already exists",
  EFBIG: "file too large", EINVAL: "invalid argument", EISDIR: "illegal operation on a directory",
  ELOOP: "too many symbolic links encountered", EMFILE: "too many open files",
  ENOENT: "no such file or directory", ENOSYS: "function not implemented", ENOTDIR: "not a directory",
  ENOTEMPTY: "directory not empty", EPERM: "operation not permitted", EIO: "input/output error",
};

/// workerd's UVException: a plain Error whose text is libuv's (`, syscall 'path'` when a path is
/// given) unless a message replaces it, with own `syscall`, `code` and, when given, `path`.
function uvError(code, syscall, message, path) {
  const text = message ?? (path === undefined ? UV[code] : `${UV[code]}, ${syscall} '${path}'`);
  const error = new Error(text);
  error.syscall = syscall;
  error.code = code;
  if (path !== undefined) error.path = path;
  return error;
}

/// A failure deep in the tree (workerd's FsError), turned into its code where it surfaces.
class FsFailure {
  constructor(code, message) { this.code = code; this.message = message; }
}
const READ_ONLY = new FsFailure("EPERM");
const NOT_DIRECTORY = new FsFailure("ENOTDIR");
const ALREADY_EXISTS = new FsFailure("EEXIST");
const NOT_EMPTY = new FsFailure("ENOTEMPTY");
const LOOP = new FsFailure("ELOOP", "symlink depth exceeded");
const SYMLINK_DEPTH_MAX = 256;

function raise(failure, syscall, path) {
  throw uvError(failure.code, syscall, failure.message, path);
}

// ---------- nodes ----------
class File {
  constructor(bytes, writable, device = undefined) {
    this.bytes = bytes;
    this.writable = writable;
    this.device = device;
    this.lastModifiedMs = 0;
  }
  get size() { return this.device === undefined ? this.bytes.length : 0; }
  resize(size) {
    if (size === this.bytes.length) return;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, Math.min(size, this.bytes.length)));
    this.bytes = next;
  }
  /// Writes `data` at `offset`, growing the file (zero-filled) as needed.
  write(offset, data) {
    if (this.device === "null") return data.length;
    if (this.device !== undefined || !this.writable) throw uvError("EPERM", "write");
    if (offset + data.length > this.bytes.length) this.resize(offset + data.length);
    this.bytes.set(data, offset);
    return data.length;
  }
  /// Reads into `target` from `offset`; how many bytes it read.
  read(offset, target) {
    if (this.device === "zero" || this.device === "full") {
      target.fill(0);
      return target.length;
    }
    if (this.device === "random") {
      crypto.getRandomValues(target);
      return target.length;
    }
    if (this.device === "null" || offset >= this.bytes.length) return 0;
    const n = Math.min(target.length, this.bytes.length - offset);
    target.set(this.bytes.subarray(offset, offset + n));
    return n;
  }
}

class Directory {
  constructor(writable, entries = new Map()) {
    this.writable = writable;
    this.entries = entries;
    this.lastModifiedMs = 0;
  }
  get size() { return 0; }
  add(name, node) {
    if (!this.writable) return READ_ONLY;
    if (this.entries.has(name)) return ALREADY_EXISTS;
    this.entries.set(name, node);
    return undefined;
  }
  /// Removes `name`: false when there was none. As in workerd's table of entries, the last
  /// entry moves into the removed one's place, which is the order a listing shows.
  remove(name, recursive) {
    if (!this.writable) return READ_ONLY;
    const node = this.entries.get(name);
    if (node === undefined) return false;
    if (node instanceof Directory && node.entries.size > 0 && !recursive) return NOT_EMPTY;
    const order = [...this.entries];
    const at = order.findIndex(([n]) => n === name);
    const last = order.pop();
    if (at < order.length) order[at] = last;
    this.entries = new Map(order);
    return true;
  }
}

class SymbolicLink {
  constructor(target) {
    this.target = target;
    this.lastModifiedMs = 0;
  }
  get writable() { return false; }
  get size() { return 0; }
}

/// `stat()`'s answer for `node` (workerd's Stat).
function statOf(node) {
  const type = node instanceof File ? "file" : node instanceof Directory ? "directory" : "symlink";
  return {
    type, size: node.size, lastModifiedMs: node.lastModifiedMs, createdMs: 0,
    writable: node.writable, device: node instanceof File && node.device !== undefined,
  };
}

// ---------- the tree ----------
let bundleDir;
/// `/bundle`: the Worker's modules as the bundle holds them (fs.rs), read on first use.
function bundle() {
  if (bundleDir === undefined) {
    const entries = new Map();
    for (const [name, bytes] of ops.fsBundleFiles()) entries.set(name, new File(bytes, false));
    bundleDir = new Directory(false, entries);
  }
  return bundleDir;
}
const dev = new Directory(false, new Map(["null", "zero", "full", "random"].map((d) => [d, new File(new Uint8Array(0), true, d)])));

/// `/tmp` belongs to the request using it: each invocation sees its own, gone when it ends.
const tmpDirs = new Map();
function tmp() {
  const id = ops.fsInvocation();
  let dir = tmpDirs.get(id);
  if (dir === undefined) {
    const live = new Set(ops.fsLiveInvocations());
    for (const other of tmpDirs.keys()) if (!live.has(other)) tmpDirs.delete(other);
    dir = new Directory(true);
    tmpDirs.set(id, dir);
  }
  return dir;
}

/// `/`: its entries are made when asked for, so `/tmp` is the current request's.
class Root extends Directory {
  constructor() { super(false); }
  get entries() { return new Map([["bundle", bundle()], ["tmp", tmp()], ["dev", dev]]); }
  set entries(_) {}
}
const root = new Root();

/// The path of a URL as segments, `.` and `..` already gone (a file: URL's pathname).
const segmentsOf = (pathname) => pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);

/// The node at `segments`: `undefined` when there is none, an FsFailure when the walk cannot
/// go on (a file in the middle, too many links).
function walk(segments, followLinks = true, seen = 0) {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    if (node instanceof SymbolicLink) {
      if (++seen > SYMLINK_DEPTH_MAX) return LOOP;
      node = walk(segmentsOf(node.target), true, seen);
      if (node === undefined || node instanceof FsFailure) return node;
    }
    if (!(node instanceof Directory)) return NOT_DIRECTORY;
    node = node.entries.get(segments[i]);
    if (node === undefined) return undefined;
  }
  if (followLinks && node instanceof SymbolicLink) {
    if (++seen > SYMLINK_DEPTH_MAX) return LOOP;
    return walk(segmentsOf(node.target), true, seen);
  }
  return node;
}

/// `url`'s node, and its parent directory and name within it (workerd's `getRelative()`).
function locate(url, followLinks = true) {
  const segments = segmentsOf(url.pathname);
  const name = segments.length === 0 ? "" : segments[segments.length - 1];
  return {
    node: walk(segments, followLinks),
    parent: () => walk(segments.slice(0, -1)),
    name,
    path: decodeURIComponent(url.pathname),
  };
}

// ---------- file descriptors ----------
/// An open file: its node, how it was opened and where the next read or write goes.
class Opened {
  constructor(node, { read, write, append }) {
    Object.assign(this, { node, read, write, append, position: 0 });
  }
}
const fds = new Map();
let nextFd = 3;
/// fds 0–2: reading gives nothing, writing goes to the log (workerd's stdio).
const stdio = [0, 1, 2].map((fd) => {
  const file = new File(new Uint8Array(0), true);
  file.stdio = fd;
  return new Opened(file, { read: true, write: true, append: false });
});
const getFd = (fd) => (fd >= 0 && fd <= 2 ? stdio[fd] : fds.get(fd));

function openFd(url, { read, write, append, exclusive, followSymlinks = true }) {
  const at = locate(url, followSymlinks);
  let node = at.node;
  if (node instanceof FsFailure) raise(node, "open");
  if (node !== undefined && exclusive && write) raise(ALREADY_EXISTS, "open");
  if (node === undefined) {
    const parent = at.parent();
    if (parent === undefined) throw uvError("ENOENT", "open", undefined, at.path);
    if (parent instanceof FsFailure) raise(parent, "open");
    if (!(parent instanceof Directory)) raise(NOT_DIRECTORY, "open");
    node = new File(new Uint8Array(0), true);
    const failed = parent.add(at.name, node);
    if (failed !== undefined) raise(failed, "open");
  }
  if (write && node instanceof Directory) throw uvError("EISDIR", "open");
  if (write && !node.writable) throw uvError("EPERM", "open");
  const fd = nextFd++;
  fds.set(fd, new Opened(node, { read, write, append }));
  return fd;
}

function closeFd(fd) {
  if (fd > 2) fds.delete(fd);
}

/// The bytes `view` looks at.
const bytesOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/// The open file behind `fd` for a read or a write (`syscall`), or the error workerd throws
/// when there is none or it is not a file.
function openedFile(fd, syscall) {
  const opened = getFd(fd);
  if (opened === undefined) throw uvError("EBADF", syscall);
  if (opened.node instanceof Directory) throw uvError("EISDIR", syscall);
  if (!(opened.node instanceof File)) throw uvError("EINVAL", syscall);
  return opened;
}

function writeFd(fd, buffers, position) {
  const opened = openedFile(fd, "write");
  const node = opened.node;
  if (node.stdio !== undefined) {
    const text = buffers.map((b) => Buffer.from(bytesOf(b)).toString("utf8")).join("");
    if (node.stdio > 0) ops.log(node.stdio === 1 ? "log" : "error", text.replace(/\n$/, ""));
    return buffers.reduce((n, b) => n + b.byteLength, 0);
  }
  let at = opened.append ? node.size : position ?? opened.position;
  at = Number(at);
  let written = 0;
  for (const b of buffers) written += node.write(at + written, bytesOf(b));
  if (position == null) opened.position = at + written;
  return written;
}

function readFd(fd, buffers, position) {
  const opened = openedFile(fd, "read");
  const node = opened.node;
  const at = Number(position ?? opened.position);
  let n = 0;
  for (const b of buffers) {
    const got = node.read(at + n, bytesOf(b));
    n += got;
    if (got < b.byteLength) break;
  }
  if (position == null) opened.position = at + n;
  return n;
}
