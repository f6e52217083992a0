// Email from and to a Worker: `EmailMessage` (cloudflare:email), the send_email binding's
// `send()`, which takes an EmailMessage (raw MIME) or a message builder, and the message an
// `email` handler gets (ForwardableEmailMessage), which it may reject, forward or reply to.
// What is refused, and in which order, is what Miniflare refuses with the texts it gives as
// production's (workers-sdk miniflare/src/workers/email/send_email.worker.ts, validate.ts,
// core/email.ts); every message sent is handed to the host, which records it (the simulator in
// its trace).

const { utf8 } = core;

class EmailMessage {
  #raw;
  constructor(from, to, raw) {
    this.#raw = raw;
    Object.defineProperty(this, "from", { value: String(from), enumerable: true });
    Object.defineProperty(this, "to", { value: String(to), enumerable: true });
  }
  static _is(value) { return #raw in value; }
  static _raw(message) { return message.#raw; }
}

/// The bare address of `"Name" <address>`, `address` or `{ name, email }`.
function bareAddress(addr) {
  if (typeof addr !== "string") return addr.email;
  const bracketed = addr.match(/<([^>]+)>$/);
  return bracketed ? bracketed[1].trim() : addr.trim();
}

const recipients = (field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]).map(bareAddress);

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The Message-ID production gives a sent message: 36 letters and digits at the sender's
/// domain, whatever the message's own header says.
function messageIdFor(sender) {
  const id = Array.from(ops.randomBytes(36), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
  return `<${id}@${sender.slice(sender.lastIndexOf("@") + 1)}>`;
}

class SendEmail {
  #name; #destination; #allowedDestinations; #allowedSenders;
  constructor(binding) {
    this.#name = binding.name;
    this.#destination = binding.destination ?? undefined;
    this.#allowedDestinations = binding.allowed_destinations ?? undefined;
    this.#allowedSenders = binding.allowed_senders ?? undefined;
  }

  #checkSender(from) {
    if (this.#allowedSenders !== undefined && !this.#allowedSenders.includes(from)) throw new Error(`email from ${from} not allowed`);
  }
  #checkRecipient(to) {
    const allowed = (this.#destination === undefined || to === this.#destination) &&
      (this.#allowedDestinations === undefined || this.#allowedDestinations.includes(to));
    if (!allowed) throw new Error(`email to ${to} not allowed`);
  }
  #sent(from, to, sizeBytes) {
    const messageId = messageIdFor(from);
    ops.emailSent(this.#name, from, to, sizeBytes, messageId);
    return { messageId };
  }

  async send(message) {
    if (message === null || (typeof message !== "object" && typeof message !== "function")) {
      throw new TypeError(`Cannot use 'in' operator to search for 'EmailMessage::raw' in ${String(message)}`);
    }
    if (EmailMessage._is(message)) return this.#sendRaw(message);
    return this.#sendBuilt(message);
  }

  async #sendRaw(message) {
    this.#checkSender(message.from);
    this.#checkRecipient(message.to);
    const bytes = new Uint8Array(await new Response(EmailMessage._raw(message)).arrayBuffer());
    const [messageId, headerFrom, received] = ops.emailHeaders(bytes);
    if (messageId === undefined) throw new Error("invalid message-id");
    if (headerFrom !== message.from) throw new Error("From: header does not match mail from");
    if (received) throw new Error("invalid headers set");
    return this.#sent(message.from, [message.to], bytes.length);
  }

  #sendBuilt(builder) {
    const from = bareAddress(builder.from);
    this.#checkSender(from);
    const to = recipients(builder.to);
    const all = [...to, ...recipients(builder.cc), ...recipients(builder.bcc)];
    if (all.length === 0) throw new TypeError("send(): a message needs at least one recipient in `to`, `cc` or `bcc`.");
    for (const address of to) this.#checkRecipient(address);
    return this.#sent(from, all, builtSize(builder));
  }
}

/// The size a message built from fields is counted at: its subject and bodies.
const builtSize = (builder) =>
  [builder.subject, builder.text, builder.html].reduce((n, s) => n + (typeof s === "string" ? utf8(s).length : 0), 0);

/// Mail for the Worker's `email` handler. Only the platform makes one (`_incoming`).
class ForwardableEmailMessage {
  #from; #to; #raw; #headers; #stream = null; #rejection = null;
  constructor(key, from, to, raw) {
    if (key !== INCOMING) throw new TypeError("Illegal constructor");
    this.#from = from;
    this.#to = to;
    this.#raw = raw;
    this.#headers = new Headers();
    for (const [name, value] of ops.emailHeaderFields(raw)) {
      try { this.#headers.append(name, value); } catch { /* a field no Headers can hold */ }
    }
  }
  static _incoming(from, to, raw) { return new ForwardableEmailMessage(INCOMING, from, to, raw); }
  /// The handler of invocation `id` is done with `message`: what it returns is the reason the
  /// handler gave `setReject`, if it did.
  static _settled(id, message) { ops.emailSettled(id, message.#rejection); }

  get from() { return this.#from; }
  get to() { return this.#to; }
  get headers() { return this.#headers; }
  get rawSize() { return this.#raw.length; }
  /// One stream over the message, as production hands over: read once.
  get raw() { return (this.#stream ??= new Response(this.#raw.slice()).body); }

  setReject(reason) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'setReject' on 'ForwardableEmailMessage': parameter 1 is not of type 'string'.");
    this.#rejection = String(reason);
  }

  async forward(rcptTo, headers) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'forward' on 'ForwardableEmailMessage': parameter 1 is not of type 'string'.");
    const recipient = String(rcptTo);
    const added = headers === undefined ? 0 : [...new Headers(headers)].reduce((n, [k, v]) => n + utf8(`${k}: ${v}\r\n`).length, 0);
    return this.#sent("forward", this.#to, recipient, this.#raw.length + added);
  }

  async reply(message) {
    if (message === null || (typeof message !== "object" && typeof message !== "function")) {
      throw new TypeError(`Cannot use 'in' operator to search for 'EmailMessage::raw' in ${String(message)}`);
    }
    if (!EmailMessage._is(message)) {
      if (!ops.emailReplyable(this.#raw)) throw new Error("Original email is not replyable");
      return this.#sent("reply", bareAddress(message.from), this.#from, builtSize(message));
    }
    const bytes = new Uint8Array(await new Response(EmailMessage._raw(message)).arrayBuffer());
    const checked = ops.emailReply(this.#raw, bytes, message.from);
    if (typeof checked === "string") throw new Error(checked);
    return this.#sent("reply", message.from, message.to, checked.length);
  }

  #sent(how, from, to, sizeBytes) {
    const messageId = messageIdFor(from);
    ops.emailAnswered(how, from, [to], sizeBytes, messageId);
    return { messageId };
  }
}
const INCOMING = Symbol("incoming");
core.tagClass(ForwardableEmailMessage);

return { EmailMessage, SendEmail, ForwardableEmailMessage };
