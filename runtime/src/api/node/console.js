// node_console: node:console as workerd's: the global console's methods, bound; Console,
// context and createTask throw workerd's "not implemented".

const { codes } = core.unit("node_internal");
const METHODS = [
  "assert", "clear", "count", "countReset", "debug", "dir", "dirxml", "error", "group", "groupCollapsed",
  "groupEnd", "info", "log", "profile", "profileEnd", "table", "time", "timeEnd", "timeLog", "timeStamp",
  "trace", "warn",
];
const members = {};
for (const name of METHODS) {
  const method = core.G.console[name];
  members[name] = typeof method === "function" ? method.bind(core.G.console) : () => undefined;
}
const notImplemented = (name, shown) => {
  const f = function () { throw codes.ERR_METHOD_NOT_IMPLEMENTED(shown); };
  Object.defineProperty(f, "name", { value: name });
  return f;
};
members.Console = notImplemented("Console", "Console");
members.context = notImplemented("context", "Console.context");
members.createTask = notImplemented("createTask", "Console.createTask");
return { ...members, default: { ...members } };
