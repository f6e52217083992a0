// node:fs/promises (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("fs/promises");
export const {
  FileHandle, access, appendFile, chmod, chown, constants, copyFile, cp, glob, lchmod, lchown, link, lstat,
  lutimes, mkdir, mkdtemp, open, opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat,
  statfs, symlink, truncate, unlink, utimes, watch, writeFile,
} = m;
export default m.default;
