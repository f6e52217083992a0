const v = globalThis[Symbol.for("edgesim.test")]().vitest;
export const { describe, it, test, suite, expect, vi, vitest, beforeAll, afterAll, beforeEach, afterEach, onTestFinished, onTestFailed, assert, inject } = v;
export default v;
