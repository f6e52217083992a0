//! An account's Secrets Store as `wrangler dev` keeps one locally: secrets by store and name,
//! each with the id the admin API gives it. A Worker reads a secret through its binding; a
//! scenario declares secrets, and a test writes them through `adminSecretsStore` (Miniflare's
//! admin API), whose answers and texts these are.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Secret {
    value: String,
    /// 32 hex digits, given when the secret is created.
    id: String,
}

/// Why an admin operation failed: Miniflare's one text for an id no secret has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Secret not found")]
pub struct SecretNotFound;

/// The secrets of every store, by (store id, secret name).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SecretsStore {
    secrets: BTreeMap<(String, String), Secret>,
}

impl SecretsStore {
    /// The value of secret `name` of `store`, if it exists.
    pub fn get(&self, store: &str, name: &str) -> Option<&str> {
        (self.secrets.get(&(store.to_string(), name.to_string()))).map(|s| s.value.as_str())
    }

    /// Sets secret `name` of `store` to `value` under id `id` (a new id for a new value).
    pub fn put(&mut self, store: &str, name: &str, value: &str, id: &str) {
        let secret = Secret {
            value: value.to_string(),
            id: id.to_string(),
        };
        self.secrets
            .insert((store.to_string(), name.to_string()), secret);
    }

    /// The name of the secret of `store` with id `id`.
    pub fn name_of(&self, store: &str, id: &str) -> Result<String, SecretNotFound> {
        (self.secrets.iter())
            .find(|((s, _), secret)| s == store && secret.id == id)
            .map(|((_, name), _)| name.clone())
            .ok_or(SecretNotFound)
    }

    /// Sets the value of the secret of `store` with id `id`.
    pub fn update(&mut self, store: &str, id: &str, value: &str) -> Result<(), SecretNotFound> {
        let name = self.name_of(store, id)?;
        self.put(store, &name, value, id);
        Ok(())
    }

    /// Copies the secret with id `id` to `new_name` under id `new_id`.
    pub fn duplicate(
        &mut self,
        store: &str,
        id: &str,
        new_name: &str,
        new_id: &str,
    ) -> Result<(), SecretNotFound> {
        let name = self.name_of(store, id)?;
        let value = self.get(store, &name).ok_or(SecretNotFound)?.to_string();
        self.put(store, new_name, &value, new_id);
        Ok(())
    }

    /// Deletes the secret of `store` with id `id`.
    pub fn delete(&mut self, store: &str, id: &str) -> Result<(), SecretNotFound> {
        let name = self.name_of(store, id)?;
        self.secrets.remove(&(store.to_string(), name));
        Ok(())
    }

    /// The secrets of `store` as (name, id), in name order.
    pub fn list(&self, store: &str) -> Vec<(String, String)> {
        (self.secrets.iter())
            .filter(|((s, _), _)| s == store)
            .map(|((_, name), secret)| (name.clone(), secret.id.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_kept_per_store_and_reached_by_id_through_the_admin_operations() {
        let mut store = SecretsStore::default();
        store.put("a", "KEY", "one", "id1");
        store.put("b", "KEY", "two", "id2");
        assert_eq!(store.get("a", "KEY"), Some("one"));
        assert_eq!(store.update("a", "id1", "uno"), Ok(()));
        assert_eq!(store.get("a", "KEY"), Some("uno"));
        assert_eq!(store.update("a", "id2", "x"), Err(SecretNotFound));
        assert_eq!(store.duplicate("a", "id1", "COPY", "id3"), Ok(()));
        assert_eq!(
            store.list("a"),
            [("COPY".into(), "id3".into()), ("KEY".into(), "id1".into())]
        );
        assert_eq!(store.delete("a", "id1"), Ok(()));
        assert_eq!(store.get("a", "KEY"), None);
        assert_eq!(store.get("b", "KEY"), Some("two"));
    }
}
