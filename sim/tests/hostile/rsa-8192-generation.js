// expect: 503 exceededCpu
// Seconds of prime search in BoringSSL: more than the CPU limit affords, so never started.
export default {
  async fetch() {
    const params = { name: "RSASSA-PKCS1-v1_5", modulusLength: 8192, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    await crypto.subtle.generateKey(params, true, ["sign"]);
    return new Response("done");
  },
};
