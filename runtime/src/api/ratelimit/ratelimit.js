// Rate limiting: `limit({ key, limit, period })` counts the call against `key` in fixed
// windows of `period` seconds at the location the Worker runs in, and answers `{ success }`.
// The option checks and their texts are those of the edgeworker binding (as miniflare keeps
// them); they reject the call's promise.

const PERIODS_S = [10, 60];
const OPTION_KEYS = ["key", "limit", "period"];

function check(ok, message) {
  if (!ok) throw new Error(message);
}

class RateLimit {
  #namespace;
  #limit;
  #period;
  constructor(namespace, limit, period) {
    this.#namespace = namespace;
    this.#limit = limit;
    this.#period = period;
  }
  async limit(options) {
    check(typeof options === "object" && options !== null, "invalid rate limit options");
    const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
    check(unknown.length === 0, `bad rate limit options: [${unknown.join(",")}]`);
    const { key = "", limit = this.#limit, period = this.#period } = options;
    check(typeof key === "string", `invalid key: ${key}`);
    check(typeof limit === "number", `limit must be a number: ${limit}`);
    check(typeof period === "number", `period must be a number: ${period}`);
    check(PERIODS_S.includes(period), `unsupported period: ${period}`);
    return { success: ops.rateLimit(this.#namespace, key, limit, period) };
  }
}

return { RateLimit };
