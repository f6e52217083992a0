// node_stream, part four: Duplex, Transform, PassThrough, finished, pipeline, the promise
// forms, and conversion to and from web streams.

// ---------- Duplex ----------
function Duplex(options) {
  if (!(this instanceof Duplex)) return new Duplex(options);
  this._events ??= { __proto__: null };
  Readable.call(this, options);
  this._writableState = new WritableState(options, this, true);
  if (options) {
    this.allowHalfOpen = options.allowHalfOpen !== false;
    if (options.readable === false) {
      this._readableState.readable = false;
      this._readableState.ended = true;
      this._readableState.endEmitted = true;
    }
    if (options.writable === false) {
      this._writableState.writable = false;
      this._writableState.ending = true;
      this._writableState.ended = true;
      this._writableState.finished = true;
    }
    if (typeof options.write === "function") this._write = options.write;
    if (typeof options.writev === "function") this._writev = options.writev;
    if (typeof options.final === "function") this._final = options.final;
  } else {
    this.allowHalfOpen = true;
  }
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
for (const name of Object.getOwnPropertyNames(Writable.prototype)) {
  if (name === "constructor" || name === "destroy" || name === "_destroy" || name === "_undestroy") continue;
  if (!(name in Duplex.prototype)) {
    Object.defineProperty(Duplex.prototype, name, Object.getOwnPropertyDescriptor(Writable.prototype, name));
  }
}
for (const name of ["errored", "closed", "destroyed"]) {
  const r = Object.getOwnPropertyDescriptor(Readable.prototype, name);
  Object.defineProperty(Duplex.prototype, name, {
    get() { return r.get.call(this) || Object.getOwnPropertyDescriptor(Writable.prototype, name).get.call(this); },
    set(value) {
      if (this._readableState) this._readableState[name] = value;
      if (this._writableState) this._writableState[name] = value;
    },
    configurable: true,
  });
}
Duplex.prototype.destroy = Writable.prototype.destroy;
/// A pair of Duplexes, each writing to what the other reads.
function duplexPair(options) {
  const make = () => new Duplex({ ...options, read() {}, write(chunk, encoding, cb) { this.other.push(chunk, encoding); cb(); }, final(cb) { this.other.push(null); cb(); } });
  const a = make();
  const b = make();
  a.other = b;
  b.other = a;
  return [a, b];
}

// ---------- Transform and PassThrough ----------
const kCallback = Symbol("kCallback");
function Transform(options) {
  if (!(this instanceof Transform)) return new Transform(options);
  const readableHighWaterMark = options ? highWaterMarkFrom(options, "readableHighWaterMark", !!(options.objectMode || options.readableObjectMode)) : null;
  if (readableHighWaterMark === 0) {
    options = { ...options, highWaterMark: null, readableHighWaterMark, writableHighWaterMark: options.writableHighWaterMark || 0 };
  }
  Duplex.call(this, options);
  this._readableState.sync = false;
  this[kCallback] = null;
  if (options) {
    if (typeof options.transform === "function") this._transform = options.transform;
    if (typeof options.flush === "function") this._flush = options.flush;
  }
  this.on("prefinish", transformPrefinish);
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);
function transformFinal(cb) {
  if (typeof this._flush === "function" && !this.destroyed) {
    this._flush((er, data) => {
      if (er) { if (cb) cb(er); else this.destroy(er); return; }
      if (data != null) this.push(data);
      this.push(null);
      if (cb) cb();
    });
  } else {
    this.push(null);
    if (cb) cb();
  }
}
function transformPrefinish() {
  if (this._final !== transformFinal) transformFinal.call(this);
}
Transform.prototype._final = transformFinal;
Transform.prototype._transform = function () { throw ERR_METHOD_NOT_IMPLEMENTED("_transform()"); };
Transform.prototype._write = function (chunk, encoding, callback) {
  const rState = this._readableState;
  const wState = this._writableState;
  const length = rState.length;
  this._transform(chunk, encoding, (err, val) => {
    if (err) { callback(err); return; }
    if (val != null) this.push(val);
    if (rState.ended) nextTick(callback);
    else if (wState.ended || length === rState.length || rState.length < rState.highWaterMark) callback();
    else this[kCallback] = callback;
  });
};
Transform.prototype._read = function () {
  if (this[kCallback]) {
    const callback = this[kCallback];
    this[kCallback] = null;
    callback();
  }
};
function PassThrough(options) {
  if (!(this instanceof PassThrough)) return new PassThrough(options);
  Transform.call(this, options);
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
PassThrough.prototype._transform = function (chunk, encoding, cb) { cb(null, chunk); };

/// A Transform whose stream state is made only when a stream method first needs it: what
/// node:crypto's Hash, Hmac and ciphers are, most of which are never used as streams.
function LazyTransform(options) { this._options = options; }
Object.setPrototypeOf(LazyTransform.prototype, Transform.prototype);
Object.setPrototypeOf(LazyTransform, Transform);
for (const name of ["_readableState", "_writableState"]) {
  Object.defineProperty(LazyTransform.prototype, name, {
    get() {
      Transform.call(this, this._options);
      this._writableState.decodeStrings = false;
      return this[name];
    },
    set(value) { Object.defineProperty(this, name, { value, enumerable: true, configurable: true, writable: true }); },
    enumerable: true,
    configurable: true,
  });
}

// ---------- inspection ----------
const isNodeStream = (obj) => !!obj && (obj._readableState || obj._writableState || (typeof obj.write === "function" && typeof obj.on === "function") || (typeof obj.pipe === "function" && typeof obj.on === "function"));
const isReadableNodeStream = (obj) => !!obj && typeof obj.pipe === "function" && typeof obj.on === "function" && (!obj._writableState || obj._readableState?.readable !== false) && (!obj._writableState || obj._readableState);
const isWritableNodeStream = (obj) => !!obj && typeof obj.write === "function" && typeof obj.on === "function" && (!obj._readableState || obj._writableState?.writable !== false);
const isWebReadable = (obj) => core.isReadableStream(obj);
const isWebWritable = (obj) => obj instanceof core.G.WritableStream;
function isDestroyed(stream) {
  if (!isNodeStream(stream)) return null;
  const state = stream._writableState || stream._readableState;
  return !!(stream.destroyed || state?.destroyed);
}
function isReadable(stream) {
  if (isWebReadable(stream)) return true;
  if (!isReadableNodeStream(stream)) return null;
  if (isDestroyed(stream)) return false;
  const r = stream._readableState;
  return !!r && !r.endEmitted && r.readable !== false && !r.errored;
}
function isWritable(stream) {
  if (isWebWritable(stream)) return true;
  if (!isWritableNodeStream(stream)) return null;
  if (isDestroyed(stream)) return false;
  const w = stream._writableState;
  return !!w && !w.ending && w.writable !== false && !w.errored;
}
function isErrored(stream) {
  return !!(stream && (stream.readableErrored ?? stream.writableErrored ?? stream._readableState?.errorEmitted ?? stream._writableState?.errorEmitted ?? stream._readableState?.errored ?? stream._writableState?.errored));
}
function isDisturbed(stream) {
  return !!(stream && (stream.readableDidRead || stream.readableAborted || stream.locked));
}

// ---------- finished / destroy ----------
function eos(stream, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  else if (options == null) options = {};
  validate.function(callback, "callback");
  let called = false;
  const done = (err) => { if (!called) { called = true; callback.call(stream, err); } };
  const readable = options.readable ?? isReadableNodeStream(stream);
  const writable = options.writable ?? isWritableNodeStream(stream);
  const wState = stream._writableState;
  const rState = stream._readableState;
  let writableFinished = !!(wState?.finished);
  let readableFinished = !!(rState?.endEmitted);
  const onfinish = () => {
    writableFinished = true;
    if (stream.destroyed) willEmitClose = false;
    if (willEmitClose && (!stream.readable || readable)) return;
    if (!readable || readableFinished) done();
  };
  const onend = () => {
    readableFinished = true;
    if (stream.destroyed) willEmitClose = false;
    if (willEmitClose && (!stream.writable || writable)) return;
    if (!writable || writableFinished) done();
  };
  const onerror = (err) => done(err);
  let willEmitClose = (wState?.autoDestroy || rState?.autoDestroy) && (wState?.emitClose !== false && rState?.emitClose !== false);
  const onclose = () => {
    if (readable && !readableFinished && isReadableNodeStream(stream) && !rState?.endEmitted) return done(ERR_STREAM_PREMATURE_CLOSE());
    if (writable && !writableFinished && !wState?.finished) return done(ERR_STREAM_PREMATURE_CLOSE());
    done();
  };
  stream.on("end", onend);
  stream.on("finish", onfinish);
  if (options.error !== false) stream.on("error", onerror);
  stream.on("close", onclose);
  const closed = (wState?.closed) || (rState?.closed);
  if (closed) nextTick(onclose);
  else if ((!readable || readableFinished) && (!writable || writableFinished) && (wState || rState)) nextTick(onclose);
  const cleanup = () => {
    stream.removeListener("end", onend);
    stream.removeListener("finish", onfinish);
    stream.removeListener("error", onerror);
    stream.removeListener("close", onclose);
  };
  if (options.signal) {
    const abort = () => { cleanup(); done(abortError(options.signal.reason)); };
    if (options.signal.aborted) nextTick(abort);
    else options.signal.addEventListener("abort", abort, { once: true });
  }
  return cleanup;
}
function abortError(cause) {
  const error = new Error("The operation was aborted");
  error.name = "AbortError";
  error.code = "ABORT_ERR";
  if (cause !== undefined) error.cause = cause;
  return error;
}
function destroyer(stream, err) {
  if (!stream || isDestroyed(stream)) return;
  if (typeof stream.destroy === "function") stream.destroy(err);
  else if (typeof stream.close === "function") stream.close();
}
function destroy(stream, err) { destroyer(stream, err); return stream; }
function addAbortSignal(signal, stream) {
  if (!(signal instanceof core.G.AbortSignal)) throw codes.ERR_INVALID_ARG_TYPE("signal", "AbortSignal", signal);
  if (!isNodeStream(stream) && !isWebReadable(stream)) throw codes.ERR_INVALID_ARG_TYPE("stream", ["ReadableStream", "WritableStream", "Stream"], stream);
  const onAbort = () => stream.destroy(abortError(signal.reason));
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return stream;
}

// ---------- pipeline ----------
/// Pipes `streams` (Node streams, iterables, async generator functions) into each other,
/// destroying every one if any fails, and calls `callback` once with the first error.
function pipeline(...streams) {
  const callback = typeof streams[streams.length - 1] === "function" ? streams.pop() : null;
  if (callback === null) throw codes.ERR_INVALID_ARG_TYPE("streams[stream.length - 1]", "Function", undefined);
  if (Array.isArray(streams[0]) && streams.length === 1) streams = streams[0];
  if (streams.length < 2) throw codes.ERR_MISSING_ARGS("streams");
  return pipelineImpl(streams, callback);
}
function pipelineImpl(streams, callback, opts) {
  let error;
  let value;
  let finishCount = 0;
  let called = false;
  const destroys = [];
  const finish = (err) => finishImpl(err, --finishCount === 0);
  function finishImpl(err, final) {
    if (err && (!error || error.code === "ERR_STREAM_PREMATURE_CLOSE")) error = err;
    if (!error && !final) return;
    while (destroys.length) destroys.shift()(error);
    if (final && !called) {
      called = true;
      nextTick(callback, error, value);
    }
  }
  let ret;
  for (let i = 0; i < streams.length; i++) {
    const stream = streams[i];
    const reading = i < streams.length - 1;
    const writing = i > 0;
    const end = reading || opts?.end !== false;
    const isLast = i === streams.length - 1;
    if (isNodeStream(stream)) {
      if (end) destroys.push(pipelineDestroyer(stream, reading, writing));
      // Errors after the pipe is set up still end the pipeline (and are never uncaught).
      stream.on("error", (err) => {
        if (err && err.name !== "AbortError" && err.code !== "ERR_STREAM_PREMATURE_CLOSE") finishImpl(err, false);
      });
    }
    if (i === 0) {
      if (typeof stream === "function") ret = stream({ signal: opts?.signal });
      else if (isWebReadable(stream)) ret = Readable.fromWeb(stream);
      else if (isNodeStream(stream) || stream?.[Symbol.asyncIterator] || stream?.[Symbol.iterator]) ret = stream;
      else throw codes.ERR_INVALID_ARG_TYPE("source", ["Stream", "Iterable", "AsyncIterable", "Function"], stream);
    } else if (typeof stream === "function") {
      const source = isNodeStream(ret) ? Readable.prototype[Symbol.asyncIterator].call(ret) : ret;
      ret = stream(source, { signal: opts?.signal });
      if (isLast) {
        finishCount++;
        Promise.resolve(ret).then((v) => { value = v; finish(); }, finish);
      }
    } else if (isNodeStream(stream) || isWebWritable(stream)) {
      const target = isWebWritable(stream) ? Writable.fromWeb(stream) : stream;
      if (isReadableNodeStream(ret)) {
        finishCount += 2;
        pipeTo(ret, target, finish, end);
      } else {
        finishCount++;
        pump(ret, target, finish, end);
      }
      ret = target;
    } else {
      throw codes.ERR_INVALID_ARG_TYPE("destination", ["Stream", "Function"], stream);
    }
  }
  if (opts?.signal) {
    const abort = () => finishImpl(abortError(opts.signal.reason), true);
    if (opts.signal.aborted) nextTick(abort);
    else opts.signal.addEventListener("abort", abort, { once: true });
  }
  return ret;
}
/// Destroys `stream` when the pipeline fails, unless it already finished or closed.
function pipelineDestroyer(stream, reading, writing) {
  let finished = false;
  stream.on("close", () => { finished = true; });
  eos(stream, { readable: reading, writable: writing }, (err) => { finished = !err; });
  return (err) => {
    if (finished) return;
    finished = true;
    destroyer(stream, err || ERR_STREAM_DESTROYED("pipe"));
  };
}
function pipeTo(src, dst, finish, end) {
  src.pipe(dst, { end: false });
  if (end) {
    const endFn = () => dst.end();
    if (src._readableState?.endEmitted) nextTick(endFn);
    else src.once("end", endFn);
    eos(dst, { readable: false, writable: true }, finish);
  } else {
    finish();
  }
  eos(src, { readable: true, writable: false }, (err) => {
    const r = src._readableState;
    if (err && err.code === "ERR_STREAM_PREMATURE_CLOSE" && r && r.ended && !r.errored && !r.errorEmitted) src.once("end", finish);
    else finish(err);
  });
}
/// Writes what an (async) iterable yields into `writable`, waiting for 'drain'.
async function pump(iterable, writable, finish, end) {
  try {
    for await (const chunk of iterable) {
      if (!writable.write(chunk)) {
        await new Promise((resolve, reject) => {
          const cleanup = eos(writable, { readable: false, writable: true }, (err) => reject(err ?? ERR_STREAM_PREMATURE_CLOSE()));
          writable.once("drain", () => { cleanup(); resolve(); });
        });
      }
    }
    if (end) writable.end();
    await new Promise((resolve, reject) => eos(writable, { readable: false, writable: true }, (err) => (err ? reject(err) : resolve())));
    finish();
  } catch (err) {
    finish(err);
  }
}

const promises = {
  pipeline(...streams) {
    let opts;
    const last = streams[streams.length - 1];
    if (last && typeof last === "object" && !isNodeStream(last) && !last[Symbol.asyncIterator] && !last[Symbol.iterator] && !isWebReadable(last) && !isWebWritable(last)) {
      opts = streams.pop();
    }
    if (Array.isArray(streams[0]) && streams.length === 1) streams = streams[0];
    return new Promise((resolve, reject) => {
      pipelineImpl(streams, (err, value) => (err ? reject(err) : resolve(value)), opts);
    });
  },
  finished(stream, opts) {
    return new Promise((resolve, reject) => {
      eos(stream, opts, (err) => (err ? reject(err) : resolve()));
    });
  },
};
function finished(stream, options, callback) { return eos(stream, options, callback); }
finished.finished = finished;
Object.defineProperty(finished, Symbol.for("nodejs.util.promisify.custom"), { value: promises.finished, configurable: true });
Object.defineProperty(pipeline, Symbol.for("nodejs.util.promisify.custom"), { value: promises.pipeline, configurable: true });

// ---------- web streams ----------
Readable.toWeb = function (readable, options) {
  const { ReadableStream } = core;
  return new ReadableStream({
    start(controller) {
      readable.on("data", (chunk) => {
        controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk instanceof Uint8Array ? new Uint8Array(chunk) : chunk);
        if (controller.desiredSize <= 0) readable.pause();
      });
      eos(readable, { writable: false }, (err) => (err ? controller.error(err) : controller.close()));
      readable.pause();
    },
    pull() { readable.resume(); },
    cancel(reason) { destroyer(readable, reason); },
  }, options?.strategy);
};
Readable.fromWeb = function (readableStream, options) {
  if (!isWebReadable(readableStream)) throw codes.ERR_INVALID_ARG_TYPE("readableStream", "ReadableStream", readableStream);
  const reader = readableStream.getReader();
  let closed = false;
  return new Readable({
    objectMode: options?.objectMode ?? false,
    highWaterMark: options?.highWaterMark,
    encoding: options?.encoding,
    signal: options?.signal,
    read() {
      reader.read().then(({ value, done }) => {
        if (done) { closed = true; this.push(null); }
        else this.push(value instanceof Uint8Array && !(value instanceof Buffer) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);
      }, (error) => { closed = true; this.destroy(error); });
    },
    destroy(error, callback) {
      if (closed) { callback(error); return; }
      reader.cancel(error).then(() => callback(error), (e) => callback(e ?? error));
    },
  });
};
Writable.toWeb = function (writable) {
  return new core.G.WritableStream({
    write(chunk) {
      return new Promise((resolve, reject) => {
        if (writable.write(chunk)) resolve();
        else writable.once("drain", resolve);
        writable.once("error", reject);
      });
    },
    close() { return new Promise((resolve, reject) => { writable.end(); eos(writable, { readable: false }, (err) => (err ? reject(err) : resolve())); }); },
    abort(reason) { destroyer(writable, reason); },
  });
};
Writable.fromWeb = function (writableStream, options) {
  if (!isWebWritable(writableStream)) throw codes.ERR_INVALID_ARG_TYPE("writableStream", "WritableStream", writableStream);
  const writer = writableStream.getWriter();
  return new Writable({
    objectMode: options?.objectMode ?? false,
    highWaterMark: options?.highWaterMark,
    decodeStrings: options?.decodeStrings ?? true,
    signal: options?.signal,
    write(chunk, encoding, callback) {
      writer.ready.then(() => writer.write(chunk)).then(() => callback(), callback);
    },
    final(callback) { writer.close().then(() => callback(), callback); },
    destroy(error, callback) { writer.abort(error).then(() => callback(error), () => callback(error)); },
  });
};
Duplex.toWeb = function (duplex) { return { readable: Readable.toWeb(duplex), writable: Writable.toWeb(duplex) }; };
Duplex.fromWeb = function (pair, options) {
  const readable = Readable.fromWeb(pair.readable, options);
  const writable = Writable.fromWeb(pair.writable, options);
  return new Duplex({
    ...options,
    read() { readable.resume(); },
    write(chunk, encoding, cb) { writable.write(chunk, encoding, cb); },
    final(cb) { writable.end(cb); },
    construct(cb) {
      readable.on("data", (chunk) => { if (!this.push(chunk)) readable.pause(); });
      readable.on("end", () => this.push(null));
      readable.on("error", (err) => this.destroy(err));
      cb();
    },
  });
};

// ---------- the module ----------
const compose = () => { throw new Error("edgesim does not implement stream.compose() yet"); };
Duplex.from = function (body) {
  if (isNodeStream(body)) return body;
  if (isWebReadable(body)) return Readable.fromWeb(body);
  if (body?.readable && body?.writable) return Duplex.fromWeb(body);
  if (body?.[Symbol.asyncIterator] || body?.[Symbol.iterator]) return Readable.from(body);
  throw new Error("edgesim does not implement Duplex.from() for this kind of value yet");
};
Stream.Stream = Stream;
Stream.Readable = Readable;
Stream.Writable = Writable;
Stream.Duplex = Duplex;
Stream.Transform = Transform;
Stream.PassThrough = PassThrough;
Stream.pipeline = pipeline;
Stream.finished = finished;
Stream.promises = promises;
Stream.addAbortSignal = addAbortSignal;
Stream.destroy = destroy;
Stream.compose = compose;
Stream.duplexPair = duplexPair;
Stream.isDestroyed = isDestroyed;
Stream.isDisturbed = isDisturbed;
Stream.isErrored = isErrored;
Stream.isReadable = isReadable;
Stream.isWritable = isWritable;
Stream.getDefaultHighWaterMark = getDefaultHighWaterMark;
Stream.setDefaultHighWaterMark = setDefaultHighWaterMark;
Stream._isArrayBufferView = (v) => ArrayBuffer.isView(v);
Stream._isUint8Array = (v) => v instanceof Uint8Array;
Stream._uint8ArrayToBuffer = (chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
const web = {
  get ReadableStream() { return core.G.ReadableStream; }, get ReadableStreamDefaultReader() { return core.G.ReadableStreamDefaultReader; },
  get ReadableStreamBYOBReader() { return core.G.ReadableStreamBYOBReader; }, get ReadableStreamBYOBRequest() { return core.G.ReadableStreamBYOBRequest; },
  get ReadableByteStreamController() { return core.G.ReadableByteStreamController; }, get ReadableStreamDefaultController() { return core.G.ReadableStreamDefaultController; },
  get TransformStream() { return core.G.TransformStream; }, get TransformStreamDefaultController() { return core.G.TransformStreamDefaultController; },
  get WritableStream() { return core.G.WritableStream; }, get WritableStreamDefaultWriter() { return core.G.WritableStreamDefaultWriter; },
  get WritableStreamDefaultController() { return core.G.WritableStreamDefaultController; }, get ByteLengthQueuingStrategy() { return core.G.ByteLengthQueuingStrategy; },
  get CountQueuingStrategy() { return core.G.CountQueuingStrategy; }, get TextEncoderStream() { return core.G.TextEncoderStream; },
  get TextDecoderStream() { return core.G.TextDecoderStream; }, get CompressionStream() { return core.G.CompressionStream; },
  get DecompressionStream() { return core.G.DecompressionStream; },
};
return {
  ...Object.fromEntries(Object.keys(Stream).map((k) => [k, Stream[k]])),
  default: Stream,
  promises: { ...promises, default: promises },
  web: { ...Object.fromEntries(Object.keys(web).map((k) => [k, web[k]])) },
  eos, destroyer, isNodeStream, errorOrDestroy, LazyTransform,
};
