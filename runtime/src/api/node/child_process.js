// node_child_process: node:child_process as workerd gives it: a Worker starts no processes, so
// every entry point checks its arguments as Node does and then refuses.

const { codes, validate } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");
const refuse = (what) => codes.ERR_METHOD_NOT_IMPLEMENTED(`child_process.${what}`);

class ChildProcess extends EventEmitter {
  stdin = null;
  stdout = null;
  stderr = null;
  killed = false;
  stdio = [null, null, null, null, null];
  connected = false;
  exitCode = null;
  signalCode = null;
  spawnargs = [];
  spawnfile;
  constructor() {
    super();
    throw refuse("ChildProcess");
  }
  kill() { return false; }
  send() { return false; }
  disconnect() {}
  unref() {}
  ref() {}
  [Symbol.dispose]() { this.kill(); }
}

function _forkChild() { throw refuse("_forkChild"); }

function exec(command, options, callback) {
  validate.string(command, "command");
  if (options != null) validate.object(options, "options");
  if (callback != null) validate.function(callback, "callback");
  throw refuse("exec");
}

function execFile() { throw refuse("execFile"); }
function execFileSync() { throw refuse("execFileSync"); }
function execSync() { throw refuse("execSync"); }

function fork(_modulePath, args, options) {
  if (args != null && typeof args === "object" && !Array.isArray(args)) options = args;
  else if (args != null) validate.array(args, "args");
  if (options != null) validate.object(options, "options");
  throw refuse("fork");
}

function spawn() { throw refuse("spawn"); }

function spawnSync(command) {
  validate.string(command, "command");
  throw refuse("spawnSync");
}

const childProcess = { ChildProcess, _forkChild, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync };
return { ...childProcess, default: childProcess };
