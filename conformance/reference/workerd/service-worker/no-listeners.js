// A service-worker-format Worker that registers no listener: workerd refuses it at startup.
addEventListener("unhandledrejection", () => {});
globalThis.answer = 42;
