// Secrets Store (`[[secrets_store_secrets]]`): `env.SECRET.get()` reads one secret of an
// account's store, as Miniflare's local store answers it (secrets-store/secret.worker.ts):
// the value, or `Secret "<name>" not found`. The admin API under ADMIN_API is what
// `cloudflare:test`'s `adminSecretsStore(binding)` hands a test to write secrets with.

const ADMIN_API = "SecretsStoreSecret::admin_api";

/// A new secret's id: 32 hex digits, from the isolate's seeded randomness.
const newId = () => crypto.randomUUID().replaceAll("-", "");

class SecretsStoreSecret {
  #store;
  #name;
  constructor(store, name) {
    this.#store = store;
    this.#name = name;
  }
  async get() {
    const value = ops.secretsStoreGet(this.#store, this.#name);
    if (value == null) throw new Error(`Secret "${this.#name}" not found`);
    return value;
  }
  [ADMIN_API]() {
    const store = this.#store;
    const name = this.#name;
    const admin = (op, ...args) => ops.secretsStoreAdmin(store, op, args);
    return {
      create: async (value) => {
        const id = newId();
        admin("put", name, String(value), id);
        return id;
      },
      update: async (value, id) => {
        admin("update", String(id), String(value));
        return id;
      },
      duplicate: async (id, newName) => {
        const copy = crypto.randomUUID();
        admin("duplicate", String(id), String(newName), copy);
        return copy;
      },
      delete: async (id) => {
        admin("delete", String(id));
      },
      list: async () => admin("list").map(([secret, uuid]) => ({ name: secret, metadata: { uuid } })),
      get: async (id) => admin("name", String(id)),
    };
  }
  get [Symbol.toStringTag]() { return "SecretsStoreSecret"; }
}

/// `adminSecretsStore(binding)` of `cloudflare:test` (vitest-plugin's worker/secrets-store.ts).
function adminSecretsStore(binding) {
  if (typeof binding !== "object" || binding === null || typeof binding[ADMIN_API] !== "function") {
    throw new TypeError("Failed to execute 'adminSecretsStore': parameter 1 is not a secrets store binding.");
  }
  return binding[ADMIN_API]();
}

return { SecretsStoreSecret, adminSecretsStore };
