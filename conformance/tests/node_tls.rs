//! node:tls over the simulated network: `tls.connect()` opens a connection with TLS (one more
//! round trip than plain TCP), `tls.connect({ socket })` upgrades a plain net.Socket with
//! `startTls()`, and both emit `secureConnect` before any data and then carry bytes as a
//! net.Socket does. workerd answers these only against a server with a trusted certificate, which
//! the recorder cannot stand up, so the expectations here follow workerd's _tls_wrap.

use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_conformance::{Run, body_json, get, nodejs_compat_worker};
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::origins::{OriginSpec, OriginTable};
use serde_json::json;

/// A Worker with nodejs_compat, node:tls and node:net imported, answering what `body` returns.
fn tls_worker(body: &str) -> WorkerDefinition {
    nodejs_compat_worker(
        "import tls from 'node:tls';\nimport net from 'node:net';",
        body,
    )
}

/// An echo server at 127.0.0.1:47101 (the sockets recorder's).
fn echo_origin() -> Run {
    let specs: BTreeMap<String, OriginSpec> =
        serde_json::from_value(json!({ "127.0.0.1:47101": { "tcp": { "echo": true } } }))
            .expect("origin specs");
    Run {
        declared_origins: Rc::new(
            OriginTable::load(&specs, std::path::Path::new(".")).expect("origins load"),
        ),
        ..Default::default()
    }
}

/// Sends `ping` once the socket is secure and answers the events seen, in order, with the echo.
const EXCHANGE: &str = "
    const events = [];
    return await new Promise((resolve, reject) => {
      socket.on('error', reject);
      for (const name of ['connect', 'ready', 'secure', 'end', 'close']) socket.on(name, () => events.push(name));
      socket.once('secureConnect', () => {
        events.push('secureConnect');
        events.push([socket.authorized, socket.encrypted, socket.secureConnecting, socket.connecting]);
        socket.write('ping');
      });
      socket.on('data', (data) => {
        events.push('data:' + data);
        resolve(events);
        socket.destroy();
      });
    });";

/// What [`EXCHANGE`] answers: the socket's own `connect` listener (registered first, as in
/// workerd's _tls_wrap) emits `secure`, whose first listener emits `secureConnect`, before the
/// Worker's listeners for `secure`, `connect` and `ready` run.
fn secure_then_data() -> serde_json::Value {
    json!([
        "secureConnect",
        [true, true, false, false],
        "secure",
        "connect",
        "ready",
        "data:ping"
    ])
}

#[test]
fn tls_connect_opens_a_tls_connection_and_emits_secure_connect_before_data() {
    let worker = tls_worker(&format!(
        "const socket = tls.connect(47101, '127.0.0.1', {{ servername: 'echo.test' }}); \
         const before = [socket instanceof net.Socket, socket.encrypted, socket.servername, socket.connecting];\
         return [before, await (async () => {{ {EXCHANGE} }})()];"
    ));
    let exchange = echo_origin()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    assert_eq!(
        body_json(&exchange.response),
        json!([[true, true, "echo.test", true], secure_then_data()])
    );
}

#[test]
fn tls_connect_with_a_plain_socket_upgrades_it_with_start_tls() {
    let worker = tls_worker(&format!(
        "const plain = net.connect(47101, '127.0.0.1'); \
         await new Promise((resolve) => plain.once('connect', resolve)); \
         const socket = tls.connect({{ socket: plain }}); \
         const answer = await (async () => {{ {EXCHANGE} }})(); \
         return [answer, plain.destroyed || plain.readyState];"
    ));
    let exchange = echo_origin()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    let answer = body_json(&exchange.response);
    assert_eq!(answer[0], secure_then_data(), "{answer}");
}

#[test]
fn a_tls_socket_to_an_undeclared_host_fails_with_the_connection_error() {
    let worker = tls_worker(
        "const socket = tls.connect(443, 'nowhere.test'); \
         return await new Promise((resolve) => { \
           socket.on('secureConnect', () => resolve('connected')); \
           socket.on('error', (e) => resolve([e.constructor.name, e.message, socket.destroyed])); });",
    );
    let exchange = Run::default()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    let answer = body_json(&exchange.response);
    assert_eq!(answer[2], json!(true), "{answer}");
    assert_ne!(answer[0], json!("connected"), "{answer}");
}

/// A read the plain socket had asked for when `startTls()` was called (a net.Socket always has
/// one) must not take the bytes that arrive after the upgrade: they are the TLS socket's.
#[test]
fn start_tls_hands_the_plain_sockets_waiting_read_to_the_tls_socket() {
    let worker = tls_worker(
        "const { connect } = await import('cloudflare:sockets');          const s = connect('127.0.0.1:47101', { secureTransport: 'starttls' });          await s.opened; const r = s.readable.getReader(); const p = r.read(); p.catch(() => {});          let rel; try { r.releaseLock(); rel = 'released'; } catch (e) { rel = String(e); }          const t = s.startTls(); const w = t.writable.getWriter(); await w.write(new TextEncoder().encode('ping'));          const rr = t.readable.getReader();          const x = await Promise.race([rr.read().then((v) => new TextDecoder().decode(v.value)), new Promise((res) => setTimeout(() => res('timeout'), 500))]);          const y = await Promise.race([p.then((v) => 'plain got ' + v.done, (e) => 'plain rejected ' + e), new Promise((res) => setTimeout(() => res('plain pending'), 10))]);          return [rel, x, y];",
    );
    let exchange = echo_origin()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    assert_eq!(
        body_json(&exchange.response),
        json!([
            "released",
            "ping",
            "plain rejected TypeError: This ReadableStream reader has been released."
        ])
    );
}

/// node:_stream_wrap's JSStreamSocket makes any Duplex a net.Socket, and `tls.connect()` over a
/// Duplex that is not a socket wraps it so: secure at once, its bytes passed through as they are
/// (there is no TLS engine in the Worker, in workerd either).
#[test]
fn a_duplex_wrapped_as_a_socket_carries_bytes_both_ways_with_or_without_tls() {
    let worker = tls_worker(
        "const { PassThrough } = await import('node:stream'); \
         const JSStreamSocket = (await import('node:_stream_wrap')).default; \
         const echo = (socket) => new Promise((resolve) => socket.once('data', (d) => resolve(String(d)))); \
         const plain = new JSStreamSocket(new PassThrough()); \
         const first = echo(plain); plain.write('hello'); \
         const events = []; \
         const secure = tls.connect({ socket: new PassThrough() }, () => events.push('secureConnect')); \
         const second = echo(secure); secure.write('again'); \
         return [plain instanceof net.Socket, await first, await second, events, secure.encrypted];",
    );
    let exchange = Run::default()
        .fetch(&worker, get("https://app.test/"))
        .expect("served");
    assert_eq!(
        body_json(&exchange.response),
        json!([true, "hello", "again", ["secureConnect"], true])
    );
}
