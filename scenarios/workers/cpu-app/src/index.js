// /light answers at once; /heavy?n=N spins N million iterations of arithmetic. On the Free
// plan (10 ms of CPU per request) 50 million (about 17 ms under V8) are stopped with error 1102.
export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/heavy") {
      const n = Number(url.searchParams.get("n") ?? "5") * 1e6;
      let x = 0;
      for (let i = 0; i < n; i++) x = (x * 31 + i) | 0;
      return new Response(String(x));
    }
    return new Response("light");
  },
};
