// node:http at compatibility date 2025-08-20 (nodejs_compat): the client is there, the server
// is not (enable_nodejs_http_server_modules is implied only from 2025-09-01).
import http from "node:http";
import { httpServerHandler } from "cloudflare:node";

const error = (f) => {
  try {
    f();
    return "no error";
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message };
  }
};

export default {
  async fetch() {
    return Response.json({
      request: typeof http.request,
      createServer: error(() => http.createServer(() => {})),
      server: error(() => new http.Server()),
      response: error(() => new http.ServerResponse(new http.IncomingMessage())),
      handler: error(() => httpServerHandler({ port: 8080 })),
    });
  },
};
