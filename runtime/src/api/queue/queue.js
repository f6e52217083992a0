// Queues: the producer binding (env.<BINDING> for each `queues.producers` entry) and the batch
// a consumer's `queue(batch, env, ctx)` handler receives. Checks and texts are workerd's
// (api/queue.c++) and, for the service's refusals, what workerd reports for them.

const { G, define, OriginalDate, serializeValue, deserializeValue, utf8, awaitOp } = core;

const QUEUE_CONTENT_TYPES = ["json", "text", "bytes", "v8"];
/// What workerd reports when the queue service refuses a send (too large, too many).
const QUEUE_SEND_REFUSED = "Unknown Internal Error (15000)";

/// `[encoded body, content type, size in bytes]` of one message, or a throw.
function queueMessage(body, contentType) {
  if (body === undefined) throw new TypeError("Message body cannot be undefined");
  const type = contentType ?? "json";
  if (!QUEUE_CONTENT_TYPES.includes(type)) throw new TypeError(`Unsupported queue message content type: ${type}`);
  let value;
  let size;
  switch (type) {
    case "text":
      if (typeof body !== "string") throw new TypeError(`Content Type "text" requires a value of type string, but received: ${typeof body}`);
      value = body;
      size = utf8(body).length;
      break;
    case "bytes":
      if (!(body instanceof ArrayBuffer || ArrayBuffer.isView(body))) throw new TypeError(`Content Type "bytes" requires a value of type ArrayBufferView, but received: ${typeof body}`);
      value = body instanceof ArrayBuffer ? body.slice(0) : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
      size = value.byteLength;
      break;
    case "json": {
      const text = JSON.stringify(body);
      value = text === undefined ? null : JSON.parse(text);
      size = utf8(text ?? "null").length;
      break;
    }
    default:
      value = body;
      size = 0;
  }
  const encoded = serializeValue(value);
  if (type === "v8") size = utf8(encoded).length;
  return [encoded, type, size];
}

function queueDelay(seconds) {
  if (seconds === undefined || seconds === null) return null;
  return Math.max(0, Math.trunc(Number(seconds)) || 0);
}

class WorkerQueue {
  #queue; #delay;
  constructor(queue, delay) { this.#queue = queue; this.#delay = delay; }

  async #send(method, items) {
    let total = 0;
    const messages = [];
    const sizes = [];
    for (const [body, options, batchDelay] of items) {
      const [encoded, type, size] = queueMessage(body, options?.contentType);
      const delay = queueDelay(options?.delaySeconds) ?? batchDelay ?? this.#delay;
      messages.push([encoded, type, String(delay)]);
      sizes.push(size);
      total += size;
      if (size > 128000 - 100) throw new Error(QUEUE_SEND_REFUSED);
    }
    if (messages.length > 100 || total > 256000) throw new Error(QUEUE_SEND_REFUSED);
    let metrics;
    try {
      metrics = await awaitOp(ops.queueSend(this.#queue, messages, sizes));
    } catch (e) {
      // The service's refusal, as workerd reports a non-200 answer (api/queue.c++).
      throw new Error(`Queue ${method} failed: ${e.message}`);
    }
    const oldest = metrics.oldestMessageTimestamp;
    return {
      metadata: {
        metrics: {
          backlogCount: metrics.backlogCount,
          backlogBytes: metrics.backlogBytes,
          oldestMessageTimestamp: oldest === undefined ? undefined : new OriginalDate(oldest),
        },
      },
    };
  }

  send(body, options) {
    return this.#send("send", [[body, options, null]]);
  }

  sendBatch(messages, options) {
    const list = [...(messages ?? [])];
    if (list.length === 0) return Promise.reject(new TypeError("sendBatch() requires at least one message"));
    const batchDelay = queueDelay(options?.delaySeconds);
    return this.#send("sendBatch", list.map((m) => [m.body, m, batchDelay]));
  }
}
define(G, "WorkerQueue", WorkerQueue);
core.tagClass(WorkerQueue);

class QueueMessage {
  #decide;
  constructor(m, decide) {
    this.id = m.id;
    this.timestamp = new OriginalDate(m.timestamp_ms);
    this.body = deserializeValue(m.body);
    this.attempts = m.attempts;
    this.#decide = decide;
  }
  ack() { this.#decide(this.id, ["ack"]); }
  retry(options) { this.#decide(this.id, ["retry", queueDelay(options?.delaySeconds)]); }
}
define(G, "QueueMessage", QueueMessage);

/// The batch handed to `queue()`; per-message calls win over batch-wide ones, and the first
/// call on a message wins over later ones.
class QueueController {
  #decisions = new Map();
  #all = null;
  constructor(queue, messages) {
    this.queue = queue;
    const decide = (id, d) => { if (!this.#decisions.has(id)) this.#decisions.set(id, d); };
    this.messages = messages.map((m) => new QueueMessage(m, decide));
  }
  ackAll() { this.#all ??= ["ack"]; }
  retryAll(options) { this.#all ??= ["retry", queueDelay(options?.delaySeconds)]; }
  static _decisions(batch, succeeded) {
    const out = {};
    for (const m of batch.messages) {
      // A handler that throws has the batch retried, except messages acked one by one.
      const d = batch.#decisions.get(m.id) ?? (succeeded ? batch.#all ?? ["ack"] : null);
      if (d !== null) out[m.id] = d;
    }
    // What the handler called, for `SELF.queue()`'s result in `edgesim test`: not a message
    // (its value is no decision, so the broker passes over it).
    out.$batch = { explicit: [...batch.#decisions], all: batch.#all };
    return JSON.stringify(out);
  }
}
define(G, "QueueController", QueueController);

return { WorkerQueue, QueueController };
