// A chat room: clients connect to /room/<name> over WebSockets; one Durable Object per room
// relays every message, unchanged, to everybody in the room (sender included), and keeps the
// room's history in its SQLite storage. Sockets are hibernatable, so an idle room costs nothing
// and wakes when someone speaks; "ping" is answered by the platform without waking it.
import { DurableObject } from "cloudflare:workers";

interface Env {
  ROOMS: DurableObjectNamespace<ChatRoom>;
}

export class ChatRoom extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") {
      const count = this.ctx.storage.sql.exec("SELECT count(*) AS n FROM messages").one().n;
      return Response.json({ messages: count, connected: this.ctx.getWebSockets().length });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, ["member"]);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    this.ctx.storage.sql.exec("INSERT INTO messages (text) VALUES (?)", text);
    for (const member of this.ctx.getWebSockets("member")) {
      if (member.readyState === WebSocket.OPEN) member.send(text);
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    console.log(`left with ${code} ${reason}`);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const match = new URL(request.url).pathname.match(/^\/room\/([a-z0-9-]+)$/);
    if (!match) return new Response("not found", { status: 404 });
    return env.ROOMS.getByName(match[1]).fetch(request);
  },
};
