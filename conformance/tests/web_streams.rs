//! Streams as Workers use them (WHATWG Streams; workerd's readable.c++, writable.c++,
//! compression.c++, identity and fixed-length streams): values and the texts of the errors.

use edgesim_conformance::{Run, body_text, eval_json, js, thrown};
use serde_json::json;

#[test]
fn transform_stream_maps_chunks_and_flushes() {
    let v = eval_json(
        "const t = new TransformStream({
           transform(chunk, c) { c.enqueue(chunk.toUpperCase()); },
           flush(c) { c.enqueue('!'); },
         });
         const w = t.writable.getWriter();
         w.write('a'); w.write('b'); w.close();
         const out = [];
         for await (const chunk of t.readable) out.push(chunk);
         return out;",
    );
    assert_eq!(v, json!(["A", "B", "!"]));
}

#[test]
fn transform_stream_tells_its_transformer_once_when_cancelled_or_aborted() {
    let v = eval_json(
        "const seen = [];
         const make = () => new TransformStream({ cancel(reason) { seen.push(String(reason)); } });
         const a = make();
         await a.readable.cancel('stop');
         await a.writable.abort('again').catch(() => {});
         const b = make();
         await b.writable.abort('gone');
         const c = new CompressionStream('gzip');
         await c.readable.cancel('unused');
         return seen;",
    );
    assert_eq!(v, json!(["stop", "gone"]));
}

#[test]
fn pipe_through_a_chain_of_transforms_and_text_streams() {
    let v = eval_json(
        "const source = ReadableStream.from(['héllo ', 'wörld']);
         const text = await new Response(source
           .pipeThrough(new TextEncoderStream())
           .pipeThrough(new CompressionStream('gzip'))
           .pipeThrough(new DecompressionStream('gzip'))
           .pipeThrough(new TextDecoderStream())
           .pipeThrough(new TextEncoderStream())).text();
         return text;",
    );
    assert_eq!(v, json!("héllo wörld"));
}

#[test]
fn compression_formats_round_trip_and_gzip_has_its_magic() {
    let v = eval_json(
        "const data = new TextEncoder().encode('x'.repeat(1000));
         const out = {};
         for (const f of ['gzip', 'deflate', 'deflate-raw']) {
           const packed = new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(new CompressionStream(f))).arrayBuffer());
           const back = await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream(f))).text();
           out[f] = [packed.length < 100, back.length, f === 'gzip' ? [packed[0], packed[1]] : null];
         }
         return out;",
    );
    assert_eq!(
        v,
        json!({ "gzip": [true, 1000, [31, 139]], "deflate": [true, 1000, null],
                "deflate-raw": [true, 1000, null] })
    );
}

#[test]
fn compression_stream_refuses_unknown_formats_with_workerd_text() {
    assert_eq!(
        thrown("new CompressionStream('brotli');"),
        "TypeError: The compression format must be either 'deflate', 'deflate-raw' or 'gzip'."
    );
}

#[test]
fn decompression_of_truncated_or_corrupt_data_fails_with_workerd_texts() {
    let v = eval_json(
        "const packed = new Uint8Array(await new Response(new Blob(['hello hello']).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
         const attempt = async (bytes) => {
           try { await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text(); return 'ok'; }
           catch (e) { return `${e.name}: ${e.message}`; }
         };
         const junk = new Uint8Array([...packed, 1, 2, 3]);
         return [await attempt(packed.slice(0, packed.length - 4)), await attempt(junk), await attempt(new TextEncoder().encode('not gzip'))];",
    );
    assert_eq!(
        v,
        json!([
            "TypeError: Called close() on a decompression stream with incomplete data",
            "TypeError: Trailing bytes after end of compressed data",
            "TypeError: Decompression failed."
        ])
    );
}

#[test]
fn readable_stream_tee_gives_both_branches_every_chunk() {
    let v = eval_json(
        "const [a, b] = ReadableStream.from([1, 2, 3]).tee();
         const read = async (s) => { const out = []; for await (const x of s) out.push(x); return out; };
         const [x, y] = await Promise.all([read(a), read(b)]);
         return { x, y };",
    );
    assert_eq!(v, json!({ "x": [1, 2, 3], "y": [1, 2, 3] }));
}

#[test]
fn locked_streams_refuse_with_workerd_texts() {
    assert_eq!(
        thrown("const s = new ReadableStream(); s.getReader(); s.getReader();"),
        "TypeError: This ReadableStream is currently locked to a reader."
    );
    assert_eq!(
        thrown("const s = new WritableStream(); s.getWriter(); s.getWriter();"),
        "TypeError: This WritableStream is currently locked to a writer."
    );
    assert_eq!(
        thrown("new ReadableStream().getReader({ mode: 'nope' });"),
        "TypeError: mode must be undefined or 'byob' in call to getReader()."
    );
    assert_eq!(
        thrown(
            "const s = new ReadableStream(); s.getReader(); await s.pipeTo(new WritableStream());"
        ),
        "TypeError: This ReadableStream is currently locked to a reader."
    );
}

#[test]
fn writable_stream_applies_backpressure_and_writes_in_order() {
    let v = eval_json(
        "const seen = [];
         let release;
         const gate = new Promise((r) => { release = r; });
         const ws = new WritableStream({
           async write(chunk) { if (chunk === 1) await gate; seen.push(chunk); },
         }, { highWaterMark: 2 });
         const w = ws.getWriter();
         const sizes = [w.desiredSize];
         w.write(1); sizes.push(w.desiredSize);
         w.write(2); sizes.push(w.desiredSize);
         release();
         await w.close();
         return { seen, sizes, after: w.desiredSize };",
    );
    assert_eq!(v, json!({ "seen": [1, 2], "sizes": [2, 1, 0], "after": 0 }));
}

#[test]
fn pipe_to_with_an_aborted_signal_stops_and_rejects() {
    let v = eval_json(
        "const ac = new AbortController();
         ac.abort(new Error('stop'));
         const got = [];
         try {
           await ReadableStream.from([1, 2]).pipeTo(new WritableStream({ write(c) { got.push(c); } }), { signal: ac.signal });
           return 'piped';
         } catch (e) { return [e.message, got]; }",
    );
    assert_eq!(v, json!(["stop", []]));
}

#[test]
fn byte_streams_fill_byob_readers() {
    let v = eval_json(
        "const s = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close(); } });
         const r = s.getReader({ mode: 'byob' });
         const a = await r.read(new Uint8Array(2));
         const b = await r.read(new Uint8Array(8));
         const c = await r.read(new Uint8Array(8));
         return [[...a.value], a.done, [...b.value], c.done];",
    );
    assert_eq!(v, json!([[1, 2], false, [3, 4, 5], true]));
}

#[test]
fn fixed_length_stream_enforces_its_length_with_workerd_texts() {
    let v = eval_json(
        "const run = async (n, chunks) => {
           const f = new FixedLengthStream(n);
           const w = f.writable.getWriter();
           const reading = new Response(f.readable).arrayBuffer().then((b) => b.byteLength, (e) => e.message);
           for (const c of chunks) await w.write(new Uint8Array(c)).catch(() => {});
           await w.close().catch(() => {});
           return await reading;
         };
         return [await run(3, [3]), await run(3, [2]), await run(2, [3])];",
    );
    assert_eq!(
        v,
        json!([
            3,
            "FixedLengthStream did not see all expected bytes before close().",
            "Attempt to write too many bytes through a FixedLengthStream."
        ])
    );
}

#[test]
fn identity_transform_stream_refuses_non_byte_chunks() {
    let v = eval_json(
        "const t = new IdentityTransformStream();
         const w = t.writable.getWriter();
         t.readable.getReader().read().catch(() => {});
         try { await w.write('text'); return 'accepted'; } catch (e) { return e.message; }",
    );
    assert_eq!(
        v,
        json!(
            "This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side."
        )
    );
}

#[test]
fn a_response_built_from_a_stream_is_streamed_to_the_client() {
    let worker = js("export default { async fetch() {
      const { readable, writable } = new TransformStream();
      const w = writable.getWriter();
      (async () => { for (const part of ['one ', 'two ', 'three']) { await w.write(new TextEncoder().encode(part)); } await w.close(); })();
      return new Response(readable.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream()), { headers: { 'content-type': 'text/plain' } });
    } };");
    let x = Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body_text(&x.response), "one two three");
}

/// A byte source writes into the pending read's memory: the BYOB reader's view, or a buffer of
/// `autoAllocateChunkSize` for a default reader; workerd's texts for what it refuses.
#[test]
fn byte_sources_answer_reads_in_place_through_byob_request() {
    let v = eval_json(
        r#"const out = [];
  // A source writing straight into the reader's view.
  let n = 0;
  const rs = new ReadableStream({ type: "bytes", pull(c) {
    const r = c.byobRequest;
    if (n === 3) { c.close(); r.respond(0); return; }
    out.push(["view", r.view.constructor.name, r.view.byteLength, r === c.byobRequest]);
    r.view[0] = 65 + n; r.view[1] = 66 + n; n++;
    r.respond(2);
    out.push(["after", c.byobRequest]);
  } });
  const reader = rs.getReader({ mode: "byob" });
  let buf = new Uint8Array(8);
  for (;;) {
    const { value, done } = await reader.read(buf);
    out.push([done, value.byteLength, Array.from(value)]);
    if (done) break;
    buf = new Uint8Array(8);
  }
  // autoAllocateChunkSize for a default reader.
  const auto = new ReadableStream({ type: "bytes", autoAllocateChunkSize: 4, pull(c) {
    const r = c.byobRequest; r.view.set([1, 2, 3]); r.respond(3); c.close();
  } });
  const d = await auto.getReader().read();
  out.push(["auto", Array.from(d.value), d.value.buffer.byteLength]);
  // Errors.
  const errs = [];
  const e1 = new ReadableStream({ type: "bytes", pull(c) {
    const r = c.byobRequest;
    try { r.respond(0); } catch (e) { errs.push(`${e.name}: ${e.message}`); }
    try { r.respond(99); } catch (e) { errs.push(`${e.name}: ${e.message}`); }
    c.enqueue(new Uint8Array([9]));
    try { r.respond(1); } catch (e) { errs.push(`${e.name}: ${e.message}`); }
  } });
  const got = await e1.getReader({ mode: "byob" }).read(new Uint8Array(4));
  errs.push(Array.from(got.value));
  out.push(errs);
  // A Uint16Array view answered one byte at a time.
  const halves = new ReadableStream({ type: "bytes", pull(c) { const r = c.byobRequest; r.view[0] = 7; r.respond(1); } });
  const h = await halves.getReader({ mode: "byob" }).read(new Uint16Array(2));
  out.push(["u16", h.value.constructor.name, h.value.length, h.value[0]]);
  return out;"#,
    );
    assert_eq!(
        v,
        json!([
            ["view", "Uint8Array", 8, true],
            ["after", null],
            [false, 2, [65, 66]],
            ["view", "Uint8Array", 8, true],
            ["after", null],
            [false, 2, [66, 67]],
            ["view", "Uint8Array", 8, true],
            ["after", null],
            [false, 2, [67, 68]],
            [true, 0, []],
            ["auto", [1, 2, 3], 4],
            [
                "TypeError: The bytesWritten must be more than zero while the stream is open.",
                "RangeError: bytesWritten out of range",
                "TypeError: This ReadableStreamBYOBRequest has been invalidated.",
                [9]
            ],
            ["u16", "Uint16Array", 1, 1799]
        ])
    );
}

#[test]
fn a_byob_read_detaches_the_readers_buffer_and_answers_in_its_memory() {
    let v = eval_json(
        "const rs = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array([1, 2])); } });
         const buf = new Uint8Array(4);
         const { value } = await rs.getReader({ mode: 'byob' }).read(buf);
         return [buf.byteLength, buf.buffer.detached, Array.from(value), value.buffer.byteLength];",
    );
    assert_eq!(v, json!([0, true, [1, 2], 4]));
}
