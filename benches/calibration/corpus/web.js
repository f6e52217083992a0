// Workloads of the Web APIs a Worker calls natively (crypto.subtle, compression, Response).
import { BYTES, USERS } from "./data.js";

// workerd allows no crypto at a module's top level: the key is made on first use.
let hmacKey;

export const web = {
  subtle_digest: {
    exercises: "crypto.subtle.digest of 64 KB with SHA-256",
    async run() {
      const d = await crypto.subtle.digest("SHA-256", BYTES);
      return new Uint8Array(d)[0];
    },
  },
  subtle_hmac: {
    exercises: "crypto.subtle HMAC signatures of 100 short messages",
    async run() {
      hmacKey ??= crypto.subtle.importKey("raw", new TextEncoder().encode("key"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const key = await hmacKey;
      const enc = new TextEncoder();
      let total = 0;
      for (let i = 0; i < 100; i++) total += new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`message ${i}`)))[0];
      return total;
    },
  },
  response_json: {
    exercises: "building a JSON Response and reading it back",
    async run() {
      const res = Response.json({ users: USERS.slice(0, 100) });
      return (await res.json()).users.length;
    },
  },
  random_uuid: {
    exercises: "crypto.randomUUID and getRandomValues",
    run() {
      let total = 0;
      const buf = new Uint8Array(16);
      for (let i = 0; i < 1_000; i++) total += crypto.randomUUID().length + crypto.getRandomValues(buf).length;
      return total;
    },
  },
};
