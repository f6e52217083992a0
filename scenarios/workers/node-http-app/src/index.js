// A Node-style app on Workers: connect middleware served through cloudflare:node's
// httpServerHandler, calling a quotes API with follow-redirects, which speaks node:https and
// follows the API's redirect itself (node:http hands redirects to the caller, as Node does).
// An answer that is not what the API said is a 502, so the scenario's statuses check it.
import http from "node:http";
import connect from "connect";
import followRedirects from "follow-redirects";
import { httpServerHandler } from "cloudflare:node";

/// GET `url` with follow-redirects: the final status, the URL it ended at, and the JSON body.
function getJson(url) {
  return new Promise((resolve, reject) => {
    followRedirects.https
      .get(url, { headers: { accept: "application/json" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, url: res.responseUrl, body: JSON.parse(body) }));
      })
      .on("error", reject);
  });
}

const app = connect();
app.use("/quote", async (req, res, next) => {
  try {
    const symbol = req.url.slice(1);
    const upstream = await getJson(`https://api.quotes.example/quote?symbol=${encodeURIComponent(symbol)}`);
    const followed = upstream.url === `https://api.quotes.example/v2/quote?symbol=${symbol}`;
    res.statusCode = upstream.status === 200 && followed && upstream.body.symbol === symbol ? 200 : 502;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(upstream));
  } catch (error) {
    next(error);
  }
});
app.use((req, res) => {
  res.statusCode = 404;
  res.end(`no route for ${req.method} ${req.url}`);
});

http.createServer(app).listen(8080);
export default httpServerHandler({ port: 8080 });
