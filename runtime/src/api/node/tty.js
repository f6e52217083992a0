// node_tty: node:tty as workerd gives it. A Worker has no terminal: `isatty` is always false and
// the streams are net.Sockets that report no size and draw nothing (their callbacks still run).

const { Socket } = core.unit("node_net");

function ReadStream(fd) {
  this.fd = fd;
  this.isRaw = false;
  this.isTTY = false;
  return this;
}
Object.setPrototypeOf(ReadStream.prototype, Socket.prototype);
Object.setPrototypeOf(ReadStream, Socket);
ReadStream.prototype.setRawMode = function (mode) {
  this.isRaw = mode;
  return this;
};

function WriteStream(fd) {
  this.fd = fd;
  this.columns = 0;
  this.rows = 0;
  return this;
}
Object.setPrototypeOf(WriteStream.prototype, Socket.prototype);
Object.setPrototypeOf(WriteStream, Socket);
/// The first function among `args` is called back (workerd's order of precedence).
const callFirstFunction = (...args) => {
  const callback = args.find((a) => typeof a === "function");
  if (callback) callback();
  return false;
};
Object.assign(WriteStream.prototype, {
  isTTY: true,
  getColorDepth: () => 8,
  hasColors: () => false,
  _refreshSize() {},
  /// cursorTo(x[, y][, callback]): a function in y's place is the callback.
  cursorTo: (_x, y, callback) => callFirstFunction(y, callback),
  moveCursor: (_dx, _dy, callback) => callFirstFunction(callback),
  clearLine: (_dir, callback) => callFirstFunction(callback),
  clearScreenDown: (callback) => callFirstFunction(callback),
  getWindowSize() { return [this.columns ?? 0, this.rows ?? 0]; },
});

const tty = { isatty: () => false, ReadStream, WriteStream };
return { ...tty, default: tty };
