// A service-worker-format Worker with a Cron Trigger: the scheduled listener gets a
// ScheduledEvent and stores what it saw through `waitUntil`; a fetch listener reads it back.
addEventListener("scheduled", (event) => {
  event.waitUntil(KV.put("cron", JSON.stringify({
    type: event.type,
    cron: event.cron,
    scheduledTime: event.scheduledTime,
    isScheduledEvent: event instanceof ScheduledEvent,
    isExtendableEvent: event instanceof ExtendableEvent,
    tag: Object.prototype.toString.call(event),
    ownKeys: Object.keys(event),
    noRetry: typeof event.noRetry,
  })));
});

addEventListener("fetch", (event) => {
  event.respondWith(KV.get("cron").then((v) => new Response(v ?? "no run yet")));
});
