// A Worker that talks TCP: `connect()` to a Redis-style cache server (PING, then QUIT), and
// Hyperdrive's `connect()` to a database that answers one line per query. Each answer says how
// long the exchange took: Date.now() moves on only across I/O, so it measures the network.
import { connect } from "cloudflare:sockets";

const enc = new TextEncoder();
const dec = new TextDecoder();

/// Sends each line and reads until the answer to it has arrived (it ends with "\r\n").
async function converse(socket, lines) {
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const answers = [];
  for (const line of lines) {
    await writer.write(enc.encode(`${line}\r\n`));
    let answer = "";
    while (!answer.endsWith("\r\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      answer += dec.decode(value, { stream: true });
    }
    answers.push(answer.trim());
  }
  return answers;
}

async function timed(socket, lines) {
  const started = Date.now();
  await socket.opened;
  const answers = await converse(socket, lines);
  await socket.close();
  return { answers, ms: Date.now() - started };
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === "/cache") {
        return Response.json(await timed(connect("cache.internal:6379"), ["PING", "QUIT"]));
      }
      if (pathname === "/db") {
        return Response.json(await timed(env.DB.connect(), ["SELECT count(*) FROM orders"]));
      }
      if (pathname === "/nowhere") {
        const socket = connect("nowhere.internal:6379");
        await socket.opened;
        return new Response("connected?");
      }
    } catch (e) {
      return Response.json({ error: e.message }, { status: 502 });
    }
    return new Response("not found", { status: 404 });
  },
};
