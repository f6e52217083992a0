// node_stream, part two: Readable's pipe with backpressure, its async iteration, its state as
// properties, and Readable.from / wrap.

Readable.prototype.pipe = function (dest, pipeOpts) {
  const src = this;
  const state = this._readableState;
  state.pipes.push(dest);
  const doEnd = (!pipeOpts || pipeOpts.end !== false);
  const endFn = doEnd ? onend : unpipe;
  if (state.endEmitted) nextTick(endFn);
  else src.once("end", endFn);
  dest.on("unpipe", onunpipe);
  function onunpipe(readable, unpipeInfo) {
    if (readable === src && unpipeInfo?.hasUnpiped === false) {
      unpipeInfo.hasUnpiped = true;
      cleanup();
    }
  }
  function onend() { dest.end(); }
  let ondrain;
  let cleanedUp = false;
  function cleanup() {
    dest.removeListener("close", onclose);
    dest.removeListener("finish", onfinish);
    if (ondrain) dest.removeListener("drain", ondrain);
    dest.removeListener("error", onerror);
    dest.removeListener("unpipe", onunpipe);
    src.removeListener("end", onend);
    src.removeListener("end", unpipe);
    src.removeListener("data", ondata);
    cleanedUp = true;
    if (ondrain && state.awaitDrainWriters && (!dest._writableState || dest._writableState.needDrain)) ondrain();
  }
  function pause() {
    if (!cleanedUp) {
      if (state.pipes.length === 1 && state.pipes[0] === dest) {
        state.awaitDrainWriters = dest;
        state.multiAwaitDrain = false;
      } else if (state.pipes.length > 1 && state.pipes.includes(dest)) {
        if (!(state.awaitDrainWriters instanceof Set)) state.awaitDrainWriters = new Set();
        state.awaitDrainWriters.add(dest);
        state.multiAwaitDrain = true;
      }
      src.pause();
    }
    if (!ondrain) {
      ondrain = () => {
        if (state.awaitDrainWriters === dest) state.awaitDrainWriters = null;
        else if (state.multiAwaitDrain) state.awaitDrainWriters.delete(dest);
        if ((!state.awaitDrainWriters || state.awaitDrainWriters.size === 0) && src.listenerCount("data")) src.resume();
      };
      dest.on("drain", ondrain);
    }
  }
  src.on("data", ondata);
  function ondata(chunk) {
    if (dest.write(chunk) === false) pause();
  }
  function onerror(er) {
    unpipe();
    dest.removeListener("error", onerror);
    if (dest.listenerCount("error") === 0) {
      const s = dest._writableState || dest._readableState;
      if (s && !s.errorEmitted) errorOrDestroy(dest, er);
      else dest.emit("error", er);
    }
  }
  dest.prependListener("error", onerror);
  function onclose() { dest.removeListener("finish", onfinish); unpipe(); }
  dest.once("close", onclose);
  function onfinish() { dest.removeListener("close", onclose); unpipe(); }
  dest.once("finish", onfinish);
  function unpipe() { src.unpipe(dest); }
  dest.emit("pipe", src);
  if (dest.writableNeedDrain === true) pause();
  else if (!state.flowing) src.resume();
  return dest;
};
Readable.prototype.unpipe = function (dest) {
  const state = this._readableState;
  const unpipeInfo = { hasUnpiped: false };
  if (state.pipes.length === 0) return this;
  if (!dest) {
    const dests = state.pipes;
    state.pipes = [];
    this.pause();
    for (const d of dests) d.emit("unpipe", this, { hasUnpiped: false });
    return this;
  }
  const index = state.pipes.indexOf(dest);
  if (index === -1) return this;
  state.pipes.splice(index, 1);
  if (state.pipes.length === 0) this.pause();
  dest.emit("unpipe", this, unpipeInfo);
  return this;
};

Readable.prototype[Symbol.asyncIterator] = function () { return streamToAsyncIterator(this); };
Readable.prototype.iterator = function (options) { return streamToAsyncIterator(this, options); };
async function* streamToAsyncIterator(stream, options) {
  let wake = null;
  const signal = () => { if (wake) { const w = wake; wake = null; w(); } };
  stream.on("readable", signal);
  // undefined: running; null: ended cleanly; else the error.
  let error;
  const cleanup = eos(stream, { writable: false }, (err) => {
    error = err ? aggregate(error, err) : null;
    signal();
  });
  try {
    while (true) {
      const chunk = stream.destroyed ? null : stream.read();
      if (chunk !== null) {
        yield chunk;
      } else if (error) {
        throw error;
      } else if (error === null) {
        return;
      } else {
        await new Promise((resolve) => { wake = resolve; });
      }
    }
  } catch (err) {
    error = aggregate(error, err);
    throw error;
  } finally {
    if ((error || options?.destroyOnReturn !== false) &&
        (error === undefined || stream._readableState.autoDestroy)) {
      destroyer(stream, null);
    } else {
      stream.off("readable", signal);
      cleanup();
    }
  }
}
const aggregate = (a, b) => a ?? b;

Readable.prototype.toArray = async function (options) {
  const out = [];
  for await (const chunk of this) {
    if (options?.signal?.aborted) throw abortError(options.signal.reason);
    out.push(chunk);
  }
  return out;
};

const readableGetters = {
  readable() {
    const r = this._readableState;
    return !!r && r.readable !== false && !r.destroyed && !r.errorEmitted && !r.endEmitted;
  },
  readableDidRead() { return this._readableState.dataEmitted; },
  readableAborted() {
    const r = this._readableState;
    return !!(r.readable !== false && (r.destroyed || r.errored) && !r.endEmitted);
  },
  readableHighWaterMark() { return this._readableState.highWaterMark; },
  readableBuffer() { return this._readableState?.buffer; },
  readableFlowing() { return this._readableState.flowing; },
  readableLength() { return this._readableState.length; },
  readableObjectMode() { return this._readableState ? this._readableState.objectMode : false; },
  readableEncoding() { return this._readableState ? this._readableState.encoding : null; },
  errored() { return this._readableState ? this._readableState.errored : null; },
  closed() { return this._readableState ? this._readableState.closed : false; },
  destroyed() { return this._readableState ? this._readableState.destroyed : false; },
  readableEnded() { return this._readableState ? this._readableState.endEmitted : false; },
};
for (const [name, get] of Object.entries(readableGetters)) {
  Object.defineProperty(Readable.prototype, name, { get, enumerable: false, configurable: true });
}
Object.defineProperty(Readable.prototype, "readable", {
  get: readableGetters.readable,
  set(value) { if (this._readableState) this._readableState.readable = !!value; },
  configurable: true,
});
Object.defineProperty(Readable.prototype, "destroyed", {
  get: readableGetters.destroyed,
  set(value) { if (this._readableState) this._readableState.destroyed = value; },
  configurable: true,
});
Object.defineProperty(Readable.prototype, "readableFlowing", {
  get: readableGetters.readableFlowing,
  set(value) { if (this._readableState) this._readableState.flowing = value; },
  configurable: true,
});

/// A Readable of what an iterable or async iterable yields (strings and buffers as chunks).
Readable.from = function (iterable, opts) {
  if (typeof iterable === "string" || iterable instanceof Buffer) {
    return new Readable({ objectMode: true, ...opts, read() { this.push(iterable); this.push(null); } });
  }
  let iterator;
  if (iterable && iterable[Symbol.asyncIterator]) iterator = iterable[Symbol.asyncIterator]();
  else if (iterable && iterable[Symbol.iterator]) iterator = iterable[Symbol.iterator]();
  else throw codes.ERR_INVALID_ARG_TYPE("iterable", ["Iterable"], iterable);
  let reading = false;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: 1,
    ...opts,
    read() {
      if (reading) return;
      reading = true;
      (async () => {
        try {
          while (true) {
            const { value, done } = await iterator.next();
            if (done) { readable.push(null); break; }
            const chunk = value && typeof value.then === "function" ? await value : value;
            if (chunk === null) throw streamError("ERR_STREAM_NULL_VALUES", "May not write null values to stream", TypeError);
            if (!readable.push(chunk)) break;
          }
        } catch (err) {
          readable.destroy(err);
        } finally {
          reading = false;
        }
      })();
    },
    destroy(error, cb) {
      const close = typeof iterator.return === "function" ? iterator.return() : undefined;
      Promise.resolve(close).then(() => cb(error), (e) => cb(e ?? error));
    },
  });
  return readable;
};
Readable.wrap = function (src, options) {
  return new Readable({ objectMode: src.readableObjectMode ?? src.objectMode ?? true, ...options, destroy(err, cb) { destroyer(src, err); cb(err); } }).wrap(src);
};
Readable.prototype.wrap = function (stream) {
  let paused = false;
  stream.on("data", (chunk) => { if (!this.push(chunk) && stream.pause) { paused = true; stream.pause(); } });
  stream.on("end", () => this.push(null));
  stream.on("error", (err) => errorOrDestroy(this, err));
  stream.on("close", () => this.destroy());
  stream.on("destroy", () => this.destroy());
  this._read = () => { if (paused && stream.resume) { paused = false; stream.resume(); } };
  return this;
};
