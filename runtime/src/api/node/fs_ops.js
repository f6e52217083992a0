// node_fs, part two: the file system's operations as workerd's `cloudflare-internal:filesystem`
// answers them (api/filesystem.c++) — which node each one touches, what it creates, and which
// error, with which syscall name and path, it throws.

/// An FsFailure or a value: throws the first as `syscall`'s error.
function check(result, syscall, path) {
  if (result instanceof FsFailure) raise(result, syscall, path);
  return result;
}

/// The directory that holds `at`, or the error workerd throws when there is none.
function parentDir(at, syscall, { missing, notDir = () => raise(NOT_DIRECTORY, syscall) } = {}) {
  const parent = at.parent();
  if (parent === undefined) return missing();
  check(parent, syscall);
  if (!(parent instanceof Directory)) return notDir();
  return parent;
}

function stat(pathOrFd, { followSymlinks = true } = {}) {
  if (typeof pathOrFd === "number") {
    const opened = getFd(pathOrFd);
    return opened === undefined ? null : statOf(opened.node);
  }
  const node = locate(pathOrFd, followSymlinks).node;
  if (node === undefined || node instanceof FsFailure) return null;
  return statOf(node);
}

function setLastModified(pathOrFd, date, { followSymlinks = true } = {}) {
  const node = typeof pathOrFd === "number" ? getFd(pathOrFd)?.node : locate(pathOrFd, followSymlinks).node;
  if (node === undefined) {
    if (typeof pathOrFd === "number") throw uvError("EBADF", "futimes");
    throw uvError("ENOENT", "futimes", undefined, decodeURIComponent(pathOrFd.pathname));
  }
  check(node, "futimes");
  if (node.writable) node.lastModifiedMs = date.getTime();
}

function truncate(pathOrFd, size) {
  const byFd = typeof pathOrFd === "number";
  const node = byFd ? getFd(pathOrFd)?.node : locate(pathOrFd).node;
  if (node === undefined) {
    if (byFd) throw uvError("EBADF", "ftruncate");
    throw uvError("ENOENT", "ftruncate", undefined, decodeURIComponent(pathOrFd.pathname));
  }
  check(node, "ftruncate");
  if (node instanceof Directory) throw uvError("EISDIR", "ftruncate");
  if (!(node instanceof File)) throw uvError("EINVAL", "ftruncate");
  if (!node.writable || node.device !== undefined) raise(READ_ONLY, "ftruncate");
  node.resize(size);
}

function readLink(url, { failIfNotSymlink }) {
  const at = locate(url, false);
  if (at.node === undefined) throw uvError("ENOENT", "readlink", undefined, at.path);
  check(at.node, "readlink", at.path);
  if (at.node instanceof SymbolicLink) return at.node.target;
  if (failIfNotSymlink) throw uvError("EINVAL", "readlink");
  return `/${segmentsOf(url.pathname).join("/")}`;
}

/// `from` becomes a link to `to` (a symbolic one, or the same file).
function link(from, to, { symbolic }) {
  const at = locate(from);
  if (at.node !== undefined) {
    check(at.node, "link");
    throw uvError("EEXIST", "link", "File already exists");
  }
  if (at.name === "") throw uvError("EINVAL", "link", "Invalid filename");
  const toPath = decodeURIComponent(to.pathname);
  const dir = parentDir(at, "link", {
    missing: () => { throw uvError("ENOENT", "link", "Directory does not exist", toPath); },
    notDir: () => { throw uvError("EINVAL", "link", "Not a directory"); },
  });
  let node;
  if (symbolic) node = new SymbolicLink(toPath);
  else {
    node = locate(to, false).node;
    if (node === undefined) throw uvError("ENOENT", "link", "File not found", toPath);
    check(node, "link");
    if (node instanceof Directory) throw uvError("EPERM", "link", "Cannot hardlink to a directory");
  }
  check(dir.add(at.name, node), "link");
}

function unlink(url) {
  const at = locate(url, false);
  const dir = parentDir(at, "unlink", {
    missing: () => { throw uvError("ENOENT", "unlink", "File not found", at.name); },
    notDir: () => { throw uvError("ENOTDIR", "unlink", "Parent path is not a directory"); },
  });
  const node = dir.entries.get(at.name);
  if (node === undefined) throw uvError("ENOENT", "unlink", "File not found", at.name);
  if (node instanceof Directory) throw uvError("EISDIR", "unlink", "Cannot unlink a directory");
  check(dir.remove(at.name, false), "unlink");
}

function readAll(pathOrFd) {
  let node;
  if (typeof pathOrFd === "number") {
    const opened = getFd(pathOrFd);
    if (opened === undefined || !opened.read) throw uvError("EBADF", "fread");
    node = opened.node;
  } else {
    const at = locate(pathOrFd);
    if (at.node === undefined) throw uvError("ENOENT", "readAll", undefined, at.path);
    node = check(at.node, "readAll");
  }
  if (node instanceof Directory) throw uvError("EISDIR", "readAll");
  if (!(node instanceof File)) throw uvError("EINVAL", "readAll");
  return node.device === undefined ? node.bytes.slice() : new Uint8Array(0);
}

function writeAll(pathOrFd, data, { exclusive = false, append = false }) {
  const bytes = bytesOf(data);
  if (typeof pathOrFd === "number") {
    const opened = getFd(pathOrFd);
    if (opened === undefined || !opened.write) throw uvError("EBADF", "fwrite");
    return writeFd(pathOrFd, [bytes], append || opened.append ? opened.node.size : null);
  }
  const at = locate(pathOrFd);
  if (at.node !== undefined) {
    if (exclusive) throw uvError("EEXIST", "writeAll", "file already exists");
    const node = check(at.node, "writeAll");
    if (node instanceof Directory) throw uvError("EISDIR", "writeAll");
    if (!(node instanceof File)) throw uvError("EINVAL", "writeAll");
    if (!node.writable) throw uvError("EPERM", "writeAll");
    if (node.device !== undefined) return node.write(0, bytes);
    if (!append) node.resize(0);
    return node.write(node.size, bytes);
  }
  const dir = parentDir(at, "writeAll", { missing: () => { throw uvError("ENOENT", "writeAll", undefined, at.path); } });
  if (!dir.writable) throw uvError("EPERM", "writeAll");
  check(dir.add(at.name, new File(bytes.slice(), true)), "writeAll");
  return bytes.length;
}

/// Moves (or copies) `src` to `dest`, which must not exist yet.
function renameOrCopy(src, dest, { copy }) {
  const op = copy ? "copy" : "rename";
  const to = locate(dest);
  if (to.node !== undefined) {
    check(to.node, "rename");
    throw uvError("EEXIST", op);
  }
  const dir = parentDir(to, op, { missing: () => { throw uvError("ENOENT", op, undefined, to.name); } });
  const from = locate(src);
  let srcParent;
  if (!copy) {
    srcParent = parentDir(from, op, { missing: () => { throw uvError("ENOENT", op, undefined, from.name); } });
    if (!srcParent.writable) throw uvError("EPERM", op);
  }
  if (from.node === undefined) throw uvError("ENOENT", op, undefined, from.path);
  const node = check(from.node, op);
  if (copy && node instanceof Directory) throw uvError("EISDIR", op);
  const moved = copy && node instanceof File ? new File(node.bytes.slice(), true) : node;
  check(dir.add(to.name, moved), op);
  if (srcParent !== undefined) check(srcParent.remove(from.name, true), "rename");
}

/// Makes a directory; with `recursive`, every missing one on the way (the first one's path is
/// returned); with `tmp`, one named after the prefix and a counter (`mkdtemp`).
let tmpCounter = 0;
function mkdir(url, { recursive = false, tmp = false }) {
  const at = locate(url, false);
  if (at.node !== undefined) {
    check(at.node, "mkdir");
    if (at.node instanceof Directory) return undefined;
    throw uvError("EEXIST", "mkdir");
  }
  if (recursive) return mkdirRecursive(segmentsOf(url.pathname));
  const dir = parentDir(at, "mkdir", { missing: () => { throw uvError("ENOENT", "mkdir", undefined, at.name); } });
  if (!dir.writable) throw uvError("EPERM", "mkdir");
  if (tmp) {
    const name = `${at.name}${tmpCounter++}`;
    check(dir.add(name, new Directory(true)), "mkdir");
    return `/${[...segmentsOf(url.pathname).slice(0, -1), name].join("/")}`;
  }
  check(dir.add(at.name, new Directory(true)), "mkdir");
  return undefined;
}

function mkdirRecursive(segments) {
  let current = root;
  let created;
  for (let i = 0; i < segments.length; i++) {
    const next = current.entries.get(segments[i]);
    if (next instanceof Directory) {
      current = next;
      continue;
    }
    if (next !== undefined) throw uvError("ENOTDIR", "mkdir");
    if (!current.writable) throw uvError("EPERM", "mkdir");
    const dir = new Directory(true);
    check(current.add(segments[i], dir), "mkdir");
    current = dir;
    if (i < segments.length - 1) created ??= `/${segments.slice(0, i + 1).join("/")}`;
  }
  return created;
}

/// Removes `url`; nothing there is no error (workerd has not implemented `force`).
function rm(url, { recursive = false, dironly = false }) {
  const at = locate(url, false);
  const dir = parentDir(at, "rm", {
    missing: () => { throw uvError("ENOENT", "rm", undefined, at.name); },
    notDir: () => { throw uvError("ENOTDIR", "rm", undefined, at.name); },
  });
  if (!dir.writable) throw uvError("EPERM", "rm");
  if (dironly) {
    const node = dir.entries.get(at.name);
    if (node === undefined) throw uvError("ENOENT", "rm", undefined, at.name);
    if (!(node instanceof Directory)) throw uvError("ENOTDIR", "rm");
  }
  check(dir.remove(at.name, recursive), "rm", at.name);
}

/// workerd's directory entry types (UV_DIRENT_*).
const direntType = (node) => (node instanceof Directory ? 2 : node instanceof SymbolicLink ? 3
  : node.device !== undefined ? 6 : 1);

/// The entries of a directory; `recursive` names them by their path from the root, depth first.
function readdir(url, { recursive = false }) {
  const at = locate(url);
  const path = at.path;
  if (at.node === undefined) throw uvError("ENOENT", "readdir", undefined, path);
  const dir = check(at.node, "readdir", path);
  if (!(dir instanceof Directory)) throw uvError("ENOTDIR", "readdir", undefined, path);
  const out = [];
  const list = (d, dirPath) => {
    const parentPath = dirPath === "" ? "/" : dirPath;
    for (const [name, node] of d.entries) {
      const full = `${dirPath}/${name}`;
      out.push({ name: recursive ? full.slice(1) : name, parentPath, type: direntType(node) });
      if (recursive && node instanceof Directory) list(node, full);
    }
  };
  list(dir, segmentsOf(url.pathname).map((s) => `/${s}`).join(""));
  return out;
}

/// `fs.cp`: a file, or with `recursive` a directory tree, copied to `dest`.
function cp(src, dest, { recursive = false, force = true, errorOnExist = false }) {
  const from = locate(src);
  if (from.node === undefined) throw uvError("ENOENT", "cp", undefined, from.path);
  const node = check(from.node, "cp");
  const to = locate(dest);
  if (node instanceof Directory) {
    if (!recursive) throw uvError("EISDIR", "cp");
    if (to.node !== undefined && !(to.node instanceof Directory)) throw uvError("ENOTDIR", "cp");
    let target = to.node;
    if (target === undefined) {
      const dir = parentDir(to, "cp", { missing: () => { throw uvError("ENOENT", "cp", undefined, to.path); } });
      if (!dir.writable) throw uvError("EPERM", "cp", "Destination directory is not writable");
      target = new Directory(true);
      check(dir.add(to.name, target), "cp");
    }
    if (target === node) throw uvError("EINVAL", "cp", "Source and destination directories are the same");
    copyTree(node, target, force, errorOnExist);
    return;
  }
  if (to.node instanceof Directory) throw uvError("EISDIR", "cp", `Cannot copy file to directory: ${to.name}`);
  if (to.node !== undefined) {
    if (errorOnExist && !force) throw uvError("EEXIST", "cp", `Destination already exists: ${to.name}`);
    if (!force) return;
  }
  writeAll(dest, node instanceof File ? node.bytes : new Uint8Array(0), {});
}

function copyTree(from, to, force, errorOnExist) {
  for (const [name, node] of from.entries) {
    const existing = to.entries.get(name);
    if (node instanceof Directory) {
      let target = existing;
      if (target === undefined) check(to.add(name, (target = new Directory(true))), "cp");
      else if (!(target instanceof Directory)) throw uvError("EISDIR", "cp", `Cannot copy directory to file: ${name}`);
      copyTree(node, target, force, errorOnExist);
      continue;
    }
    if (existing !== undefined) {
      if (existing instanceof Directory) throw uvError("EISDIR", "cp", `Cannot copy file to directory: ${name}`);
      if (errorOnExist && !force) throw uvError("EEXIST", "cp", `Destination already exists: ${name}`);
      if (!force) continue;
      to.entries.delete(name);
    }
    const copy = node instanceof File ? new File(node.bytes.slice(), true) : new SymbolicLink(node.target);
    check(to.add(name, copy), "cp");
  }
}

/// What node:fs is made of: workerd's `cloudflare-internal:filesystem`, method for method.
const cffs = {
  stat, setLastModified, truncate, readLink, link, unlink, open: openFd, close: closeFd,
  write: writeFd, read: readFd, readAll, writeAll, renameOrCopy, mkdir, rm, readdir, cp,
};
