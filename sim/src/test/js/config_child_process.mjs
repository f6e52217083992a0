// node:child_process as a vitest config and its global setup files see it under `edgesim test`.
// They are Node's code, and the processes they start are mostly a build step the pool needs
// (`wrangler build`, `wrangler pages functions build`) before it loads a Worker from `dist/`.
// edgesim loads Workers from their sources itself, so such a step succeeds at once, doing
// nothing; any other command fails, saying why: edgesim starts no processes.
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";

const RUNNERS = ["npx", "pnpm", "yarn", "bunx", "exec", "--yes", "-y"];

/// Whether `words` is a wrangler build step.
function isBuildStep(words) {
  let at = 0;
  while (RUNNERS.includes(words[at])) at++;
  if (!/(^|\/)wrangler(\.js)?$/.test(words[at] ?? "")) return false;
  const rest = words.slice(at + 1).filter((w) => !w.startsWith("-"));
  return rest[0] === "build" || (rest[0] === "pages" && rest[1] === "functions" && rest[2] === "build") || (rest[0] === "deploy" && words.includes("--dry-run"));
}

function refuse(command) {
  return new Error(
    `edgesim test cannot run "${command}": the vitest config and its global setup run in edgesim's runtime, which starts no processes (a \`wrangler build\` step is skipped: edgesim builds Workers from their sources)`,
  );
}

const wordsOf = (command, args) => [...String(command).trim().split(/\s+/), ...(Array.isArray(args) ? args.map(String) : [])];

function check(command, args) {
  if (!isBuildStep(wordsOf(command, args))) throw refuse(wordsOf(command, args).join(" "));
}

const empty = (options) => (options?.encoding && options.encoding !== "buffer" ? "" : new Uint8Array(0));

export function execSync(command, options) {
  check(command);
  return empty(options);
}

export function execFileSync(file, args, options) {
  check(file, args);
  return empty(Array.isArray(args) ? options : args);
}

export function spawnSync(command, args, options) {
  check(command, args);
  const out = empty(Array.isArray(args) ? options : args);
  return { pid: 0, status: 0, signal: null, output: [null, out, out], stdout: out, stderr: out };
}

/// A finished build step: a child process whose output says edgesim skipped it.
class SkippedBuild extends EventEmitter {
  pid = 0;
  exitCode = null;
  killed = false;
  stdin = null;
  constructor(command) {
    super();
    this.stdout = Readable.from([`edgesim: skipped "${command}" (edgesim builds Workers itself)\n`]);
    this.stderr = Readable.from([]);
    queueMicrotask(() => {
      this.exitCode = 0;
      this.emit("spawn");
    });
  }
  kill() {
    this.killed = true;
    this.emit("exit", 0, null);
    this.emit("close", 0, null);
    return true;
  }
  unref() {}
  ref() {}
}

export function spawn(command, args, options) {
  check(command, args);
  return new SkippedBuild(wordsOf(command, args).join(" "));
}

export function exec(command, options, callback) {
  const done = typeof options === "function" ? options : callback;
  check(command);
  const child = new SkippedBuild(command);
  if (done) queueMicrotask(() => done(null, "", ""));
  return child;
}

export function execFile(file, args, options, callback) {
  const done = [args, options, callback].find((a) => typeof a === "function");
  check(file, Array.isArray(args) ? args : []);
  const child = new SkippedBuild(file);
  if (done) queueMicrotask(() => done(null, "", ""));
  return child;
}

export function fork(modulePath) {
  throw refuse(`fork ${modulePath}`);
}

export default { exec, execFile, execFileSync, execSync, fork, spawn, spawnSync };
