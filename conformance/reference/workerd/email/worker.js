// The email probe (recorded by ../email.mjs, replayed by conformance/tests/email_handler.rs):
// each case is mail to `<case>@routing.example`, delivered through `wrangler dev`'s
// `/cdn-cgi/handler/email` route; the handler does what the case names and keeps what it saw,
// which `GET /seen` answers afterwards. `GET /scheduled-seen` answers what the last cron tick
// fired through `/cdn-cgi/handler/scheduled` saw.
import { EmailMessage } from "cloudflare:email";

let seen = null;
let scheduledSeen = null;

const errorOf = (e) => ({ name: e?.name, message: e?.message });
const attempt = async (f) => {
  try {
    const value = await f();
    return { ok: true, keys: Object.keys(value ?? {}), messageIdType: typeof value?.messageId };
  } catch (e) {
    return { error: errorOf(e) };
  }
};

function replyText(message, extra = "", from = message.to) {
  return `From: ${from}\r\nTo: ${message.from}\r\nMessage-ID: <reply@routing.example>\r\n${extra}Subject: Re\r\n\r\nThanks`;
}
const reply = (message, text, from = message.to) => message.reply(new EmailMessage(from, message.from, text));
const originalId = (message) => message.headers.get("message-id");

const CASES = {
  async shape(message) {
    return {
      from: message.from,
      to: message.to,
      rawSize: message.rawSize,
      headers: [...message.headers],
      raw: await new Response(message.raw).text(),
      tag: Object.prototype.toString.call(message),
      methods: ["setReject", "forward", "reply"].map((m) => typeof message[m]),
    };
  },
  reject(message) { message.setReject("Mailbox full"); return {}; },
  rejectNumber(message) { message.setReject(42); return {}; },
  rejectThenThrow(message) { message.setReject("no"); throw new Error("after reject"); },
  async forward(message) {
    return { result: await attempt(() => message.forward("inbox@destination.example", new Headers({ "X-Tag": "1" }))) };
  },
  async forwardNoArguments(message) { return { result: await attempt(() => message.forward()) }; },
  throws() { throw new TypeError("handler broke"); },
  async rawTwice(message) {
    const first = await new Response(message.raw).text();
    let second;
    try { second = await new Response(message.raw).text(); } catch (e) { second = { error: e.name }; }
    return { firstLength: first.length, second };
  },
  async reply(message) {
    return { result: await attempt(() => reply(message, replyText(message, `In-Reply-To: ${originalId(message)}\r\n`))) };
  },
  async replyWithReferences(message) {
    const refs = `References: <older@sender.example> ${originalId(message)}\r\n`;
    return { result: await attempt(() => reply(message, replyText(message, `In-Reply-To: ${originalId(message)}\r\n${refs}`))) };
  },
  async replyMissingInReplyTo(message) { return { result: await attempt(() => reply(message, replyText(message))) }; },
  async replyWrongInReplyTo(message) {
    return { result: await attempt(() => reply(message, replyText(message, "In-Reply-To: <other@x.example>\r\n"))) };
  },
  async replyFromMismatch(message) {
    const text = replyText(message, `In-Reply-To: ${originalId(message)}\r\n`, "someone@else.example");
    return { result: await attempt(() => reply(message, text)) };
  },
  async replyBadReferences(message) {
    return { result: await attempt(() => reply(message, replyText(message, `In-Reply-To: ${originalId(message)}\r\nReferences: <x@y.example>\r\n`))) };
  },
  async replyNoMessageId(message) {
    const text = `From: ${message.to}\r\nTo: ${message.from}\r\nIn-Reply-To: ${originalId(message)}\r\n\r\nThanks`;
    return { result: await attempt(() => reply(message, text)) };
  },
  async replyReceived(message) {
    return { result: await attempt(() => reply(message, replyText(message, `In-Reply-To: ${originalId(message)}\r\nReceived: by relay\r\n`))) };
  },
  async replyNotAnObject(message) { return { result: await attempt(() => message.reply("text")) }; },
  async notReplyableAutoSubmitted(message) { return this.reply(message); },
  async notReplyableSuppress(message) { return this.reply(message); },
  async notReplyableHalfThread(message) { return this.reply(message); },
  async replyableSuppressNone(message) { return this.reply(message); },
};

export default {
  async email(message, env, ctx) {
    const name = message.to.split("@")[0];
    seen = { case: name };
    Object.assign(seen, await CASES[name](message));
  },
  async scheduled(controller) {
    scheduledSeen = { cron: controller.cron, scheduledTime: controller.scheduledTime, type: controller.type };
  },
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/seen") { const s = seen; seen = null; return Response.json(s); }
    if (pathname === "/scheduled-seen") return Response.json(scheduledSeen);
    return new Response("fetch handler", { status: 200 });
  },
};
