// Email from a Worker: `EmailMessage` (cloudflare:email) and the send_email binding's `send()`,
// which takes an EmailMessage (raw MIME) or a message builder. What the binding refuses, and in
// which order, is what Miniflare's binding refuses with the texts it gives as production's
// (workers-sdk miniflare/src/workers/email/send_email.worker.ts); a sent message is handed to
// the host, which records it (the simulator in its trace).

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
    const size = [builder.subject, builder.text, builder.html].reduce((n, s) => n + (typeof s === "string" ? utf8(s).length : 0), 0);
    return this.#sent(from, all, size);
  }
}

return { EmailMessage, SendEmail };
