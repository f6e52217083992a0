// node:fs (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("fs");
export const {
  Dir, Dirent, F_OK, FileReadStream, FileWriteStream, R_OK, ReadStream, Stats, W_OK, WriteStream, X_OK,
  access, accessSync, appendFile, appendFileSync, chmod, chmodSync, chown, chownSync, close, closeSync,
  constants, copyFile, copyFileSync, cp, cpSync, createReadStream, createWriteStream, exists, existsSync,
  fchmod, fchmodSync, fchown, fchownSync, fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync,
  ftruncate, ftruncateSync, futimes, futimesSync, glob, globSync, lchmod, lchmodSync, lchown, lchownSync,
  link, linkSync, lstat, lstatSync, lutimes, lutimesSync, mkdir, mkdirSync, mkdtemp, mkdtempSync, open,
  openAsBlob, openSync, opendir, opendirSync, promises, read, readFile, readFileSync, readSync, readdir,
  readdirSync, readlink, readlinkSync, readv, readvSync, realpath, realpathSync, rename, renameSync, rm,
  rmSync, rmdir, rmdirSync, stat, statSync, statfs, statfsSync, symlink, symlinkSync, truncate,
  truncateSync, unlink, unlinkSync, unwatchFile, utimes, utimesSync, watch, watchFile, write, writeFile,
  writeFileSync, writeSync, writev, writevSync,
} = m;
export default m.default;
