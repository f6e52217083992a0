// A 1 GiB body streamed in 1 MiB chunks: production streams it to the client; the isolate
// holds one chunk at a time, and so must edgesim.
export default {
  fetch() {
    const chunk = new Uint8Array(1 << 20).fill(97);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ === 1024) return controller.close();
        controller.enqueue(chunk);
      },
    });
    return new Response(body, { headers: { "content-length": String(1 << 30) } });
  },
};
