// node_stream_consumers: node:stream/consumers, reading a whole stream (Node or web) or async
// iterable into one value.

const { Buffer } = core.unit("node_buffer");

async function chunksOf(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return chunks;
}
async function buffer(stream) {
  return Buffer.concat((await chunksOf(stream)).map((c) => (c instanceof Uint8Array ? c : Buffer.from(c))));
}
async function arrayBuffer(stream) {
  const b = await buffer(stream);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}
async function text(stream) {
  return new TextDecoder().decode(await buffer(stream));
}
async function json(stream) {
  return JSON.parse(await text(stream));
}
async function blob(stream) {
  return new core.Blob(await chunksOf(stream));
}
const consumers = { arrayBuffer, blob, buffer, json, text };
return { ...consumers, default: consumers };
