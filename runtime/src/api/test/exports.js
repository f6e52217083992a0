// ---------- what the `test` unit gives the module faces and the core ----------

/// The pool's isolated storage: every suite and test starts from a saved state of the
/// platform's storage and goes back to it when it ends, so a test sees what `beforeAll` wrote
/// and nothing of the tests before it. `isolatedStorage: false` shares one storage.
function makeStorageIsolation(isolated) {
  const save = async () => { if (isolated) ops.testStorage("save"); };
  const restore = async () => { if (isolated) ops.testStorage("restore"); };
  return { enter: save, leave: restore, enterSuite: save, leaveSuite: restore };
}

/// Invocation `id` runs the test file `entry` imports; its report is the invocation's
/// returned value.
function dispatchTest(id, entry, optionsJson) {
  runFile(entry, JSON.parse(optionsJson)).then(
    (report) => { ops.testReport(id, report); ops.handlerDone(id); },
    (e) => ops.fail(id, core.describeError(e)),
  );
}

return {
  dispatchTest,
  vitest: {
    describe, it, test: it, suite: describe, expect, vi, vitest: vi,
    beforeAll, afterAll, beforeEach, afterEach, onTestFinished, onTestFailed,
    inject: (key) => testRun.options.provide?.[key],
    assert,
  },
  cloudflareTest,
  sim,
  expectLinearizable,
  expectKvStalenessAtMost,
};
