// node_dgram: node:dgram as workerd gives it: sockets can be made (their arguments checked as
// Node checks them) and do nothing: a Worker has no UDP.

const { validate } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");

function Socket(type, callback) {
  EventEmitter.call(this);
  if (typeof type === "string") type = { type };
  validate.object(type, "type");
  if (callback !== undefined) validate.function(callback, "callback");
  return this;
}
Object.setPrototypeOf(Socket.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Socket, EventEmitter);

function createSocket(type, callback) {
  return new Socket(type, callback);
}

const self = function () { return this; };
const nothing = () => {};
const zero = () => 0;
const empty = () => ({});
// In workerd's order: `Object.getOwnPropertyNames(Socket.prototype)` shows it.
const methods = [
  ["bind", self], ["connect", nothing], ["disconnect", nothing], ["sendto", nothing], ["send", nothing],
  ["close", self], ["address", empty], ["remoteAddress", empty], ["setBroadcast", nothing],
  ["setTTL", nothing], ["setMulticastTTL", nothing], ["setMulticastLoopback", nothing],
  ["setMulticastInterface", nothing], ["addMembership", nothing], ["dropMembership", nothing],
  ["addSourceSpecificMembership", nothing], ["dropSourceSpecificMembership", nothing], ["ref", self],
  ["unref", self], ["setRecvBufferSize", nothing], ["setSendBufferSize", nothing],
  ["getRecvBufferSize", zero], ["getSendBufferSize", zero], ["getSendQueueSize", zero],
  ["getSendQueueCount", zero],
];
for (const [name, fn] of methods) {
  Object.defineProperty(Socket.prototype, name, { value: fn, writable: true, configurable: true, enumerable: true });
}
Socket.prototype[Symbol.asyncDispose] = async function () {};

const dgram = { createSocket, Socket };
return { ...dgram, default: dgram };
