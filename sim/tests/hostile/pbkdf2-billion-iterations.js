// expect: 503 exceededCpu
export default {
  async fetch() {
    const key = await crypto.subtle.importKey("raw", new Uint8Array(16), "PBKDF2", false, ["deriveBits"]);
    const params = { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations: 1e9 };
    await crypto.subtle.deriveBits(params, key, 256);
    return new Response("done");
  },
};
