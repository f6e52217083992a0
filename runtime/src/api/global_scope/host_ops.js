// Host operations: the promise each pending one settles when the host answers.

const pendingOps = new Map();
/// A promise settled when the host finishes operation `id` (see completeOp).
function awaitOp(id) {
  const d = deferred();
  pendingOps.set(id, d);
  return d.promise;
}
function completeOp(id, ok, value) {
  const d = pendingOps.get(id);
  if (!d) return;
  pendingOps.delete(id);
  if (ok) d.resolve(value);
  else {
    const [cls, message, flags] = value;
    const Ctor = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[cls];
    const error = Ctor ? new Ctor(message) : cls in unit("dom_exception").DOM_CODES ? domError(cls, message) : new Error(message);
    // Failed Durable Object calls carry .remote / .retryable / .overloaded.
    if (flags) for (const [k, v] of Object.entries(flags)) if (v) error[k] = true;
    d.reject(error);
  }
}
