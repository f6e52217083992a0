// DOMException, with the legacy code constants Web IDL gives it.

const { G, define } = core;

const DOM_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
/// As workerd's: `code`, `name`, `message` and `stack` are the instance's own enumerable
/// properties, in that order (so JSON.stringify and Object.keys show them), the first three
/// read-only; the prototype holds only the legacy constants.
class DOMException extends Error {
  constructor(message = "", name = "Error") {
    super(String(message));
    const text = String(message);
    const kind = typeof name === "object" && name !== null ? String(name.name ?? "Error") : String(name);
    delete this.message;
    const readOnly = (key, value) => Object.defineProperty(this, key, { get: () => value, enumerable: true, configurable: true });
    readOnly("code", DOM_CODES[kind] ?? 0);
    readOnly("name", kind);
    readOnly("message", text);
    Object.defineProperty(this, "stack", { value: core.stackOf(this), writable: true, enumerable: true, configurable: true });
    if (typeof name === "object" && name !== null && "cause" in name) define(this, "cause", name.cause);
  }
}
core.tagClass(DOMException);
const LEGACY_CONSTANTS = {
  INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7, NOT_FOUND_ERR: 8,
  NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11, SYNTAX_ERR: 12,
  INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15, VALIDATION_ERR: 16,
  TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20, URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
};
for (const name in LEGACY_CONSTANTS) {
  Object.defineProperty(DOMException, name, { value: LEGACY_CONSTANTS[name], enumerable: true });
  Object.defineProperty(DOMException.prototype, name, { value: LEGACY_CONSTANTS[name], enumerable: true });
}
define(G, "DOMException", DOMException);

return { DOMException, DOM_CODES };
