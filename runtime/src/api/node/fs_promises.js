// node_fs, part five: node:fs/promises and its FileHandle, and the two module objects.

/// The promise form of a synchronous function (its errors reject).
const promiseForm = (name, sync) => ({ async [name](...args) { return sync(...args); } })[name];

const kFd = Symbol("kFd");
class FileHandle extends core.unit("node_events").EventEmitter {
  constructor(fd) {
    super();
    this[kFd] = fd;
  }
  get fd() { return this[kFd]; }
  #open() {
    if (this[kFd] === undefined) throw ERR_EBADF("fstat");
    return this[kFd];
  }
  async appendFile(data, options) { return appendFileSync(this.#open(), data, options); }
  async chmod(mode) { return fchmodSync(this.#open(), mode); }
  async chown(uid, gid) { return fchownSync(this.#open(), uid, gid); }
  async close() {
    if (this[kFd] === undefined) return;
    closeSync(this[kFd]);
    this[kFd] = undefined;
    this.emit("close");
  }
  createReadStream(options = {}) { return new ReadStream(null, { ...options, fd: this.#open() }); }
  createWriteStream(options = {}) { return new WriteStream(null, { ...options, fd: this.#open() }); }
  async datasync() { return fdatasyncSync(this.#open()); }
  async read(buffer, offset, length, position) {
    if (buffer === undefined || (buffer !== null && !ArrayBuffer.isView(buffer) && typeof buffer === "object")) {
      ({ buffer = Buffer.alloc(16384), offset = 0, length = buffer.byteLength - offset, position = null } = buffer ?? {});
    }
    const bytesRead = readSync(this.#open(), buffer, offset ?? 0, length, position ?? null);
    return { bytesRead, buffer };
  }
  async readFile(options) { return readFileSync(this.#open(), options); }
  readLines(options) {
    return core.unit("node_readline").createInterface({ input: this.createReadStream(options), crlfDelay: Infinity });
  }
  readableWebStream() {
    const bytes = readFileSync(this.#open());
    return new ReadableStream({ type: "bytes", start(c) { if (bytes.length) c.enqueue(new Uint8Array(bytes)); c.close(); } });
  }
  async readv(buffers, position) {
    return { bytesRead: readvSync(this.#open(), buffers, position ?? null), buffers };
  }
  async stat(options) { return fstatSync(this.#open(), options); }
  async sync() { return fsyncSync(this.#open()); }
  async truncate(len) { return ftruncateSync(this.#open(), len); }
  async utimes(atime, mtime) { return futimesSync(this.#open(), atime, mtime); }
  async write(buffer, ...rest) {
    const bytesWritten = writeSync(this.#open(), buffer, ...rest);
    return { bytesWritten, buffer };
  }
  async writeFile(data, options) { return writeFileSync(this.#open(), data, options); }
  async writev(buffers, position) {
    return { bytesWritten: writevSync(this.#open(), buffers, position ?? null), buffers };
  }
}

const promises = {};
for (const name of ["access", "appendFile", "chmod", "chown", "copyFile", "cp", "lchmod", "lchown", "link", "lstat",
  "lutimes", "mkdir", "mkdtemp", "readFile", "readdir", "readlink", "realpath", "rename", "rm", "rmdir", "stat",
  "statfs", "symlink", "truncate", "unlink", "utimes", "writeFile", "opendir"]) {
  promises[name] = promiseForm(name, SYNC[name]);
}
promises.open = async function open(path, flags, mode) { return new FileHandle(openSync(path, flags, mode)); };
promises.glob = async function* glob(pattern, options) { yield* globSync(pattern, options); };
promises.watch = unsupported;
promises.constants = fsConstants;
promises.FileHandle = FileHandle;

const fs = {
  ...callbacks,
  ...Object.fromEntries(Object.entries(SYNC).map(([name, f]) => [`${name}Sync`, f])),
  Dir, Dirent, Stats, ReadStream, WriteStream, FileReadStream: ReadStream, FileWriteStream: WriteStream,
  F_OK: C.F_OK, R_OK: C.R_OK, W_OK: C.W_OK, X_OK: C.X_OK, constants: fsConstants,
  createReadStream, createWriteStream, openAsBlob,
  watch: unsupported, watchFile: unsupported, unwatchFile: unsupported,
  promises: { ...promises },
};

return { fs: { ...fs, default: fs }, promises: { ...promises, default: promises } };
