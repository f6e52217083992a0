// node_readline: node:readline and node:readline/promises as workerd gives them: a Worker has
// no terminal, so an interface reads nothing (a question is answered with "", iteration yields
// one empty line) and the cursor helpers do nothing.

const { EventEmitter } = core.unit("node_events");

/// What both interfaces share; they differ in how `question` answers.
class BaseInterface extends EventEmitter {
  terminal = false;
  line = "";
  cursor = 0;
  getPrompt() { return ""; }
  setPrompt() {}
  prompt() {}
  pause() { return this; }
  resume() { return this; }
  close() {}
  write() {}
  getCursorPos() { return { rows: 0, cols: 0 }; }
  [Symbol.dispose]() { this.close(); }
  async [Symbol.asyncDispose]() { this.close(); }
  async *[Symbol.asyncIterator]() { yield ""; }
}

class Interface extends BaseInterface {
  question(_query, optionsOrCallback, callback) {
    if (typeof optionsOrCallback === "function") optionsOrCallback("");
    else if (typeof callback === "function") callback("");
  }
}

class PromisesInterface extends BaseInterface {
  question() { return Promise.resolve(""); }
}
Object.defineProperty(PromisesInterface, "name", { value: "Interface" });

class Readline {
  clearLine() { return this; }
  clearScreenDown() { return this; }
  commit() { return Promise.resolve(); }
  cursorTo() { return this; }
  moveCursor() { return this; }
  rollback() { return this; }
}

const promisesApi = {
  Interface: PromisesInterface, Readline, createInterface: () => new PromisesInterface(),
};
const promises = { ...promisesApi, default: promisesApi };
const readline = {
  clearLine: () => false,
  clearScreenDown: () => false,
  createInterface: () => new Interface(),
  cursorTo: () => false,
  emitKeypressEvents: () => {},
  moveCursor: () => false,
  Interface,
  promises,
};
return { ...readline, default: readline };
