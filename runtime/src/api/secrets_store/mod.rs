//! Secrets Store: `env.SECRET.get()` (secrets_store.js) reads the host's store; the admin
//! operations a test uses write it. A missing store reads as an empty one.

use crate::engine::catalog::{OpGroup, OpSet};
use crate::storage::secrets_store::SecretNotFound;

pub const OPS: OpGroup = OpGroup {
    name: "secrets_store",
    install,
};

fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add("secretsStoreGet", move |store: String, name: String| {
        let host = i.borrow().host.clone();
        let value =
            (host.secrets_store()).and_then(|s| s.borrow().get(&store, &name).map(str::to_string));
        Ok::<Option<String>, rquickjs::Error>(value)
    })?;
    let i = ops.io.clone();
    ops.add(
        "secretsStoreAdmin",
        move |ctx: rquickjs::Ctx<'js>, store: String, op: String, args: Vec<String>| {
            let host = i.borrow().host.clone();
            let Some(secrets) = host.secrets_store() else {
                return Err(throw(&ctx, "edgesim: this host keeps no Secrets Store"));
            };
            let mut secrets = secrets.borrow_mut();
            let arg = |k: usize| args.get(k).map(String::as_str).unwrap_or_default();
            let answer = match op.as_str() {
                "put" => {
                    secrets.put(&store, arg(0), arg(1), arg(2));
                    Ok(rquickjs::Value::new_undefined(ctx.clone()))
                }
                "update" => secrets
                    .update(&store, arg(0), arg(1))
                    .map(|()| rquickjs::Value::new_undefined(ctx.clone())),
                "duplicate" => secrets
                    .duplicate(&store, arg(0), arg(1), arg(2))
                    .map(|()| rquickjs::Value::new_undefined(ctx.clone())),
                "delete" => secrets
                    .delete(&store, arg(0))
                    .map(|()| rquickjs::Value::new_undefined(ctx.clone())),
                "name" => secrets
                    .name_of(&store, arg(0))
                    .and_then(|n| rquickjs::IntoJs::into_js(n, &ctx).map_err(|_| SecretNotFound)),
                "list" => {
                    let pairs: Vec<Vec<String>> = (secrets.list(&store).into_iter())
                        .map(|(name, id)| vec![name, id])
                        .collect();
                    rquickjs::IntoJs::into_js(pairs, &ctx).map_err(|_| SecretNotFound)
                }
                _ => return Err(throw(&ctx, "edgesim: unknown Secrets Store operation")),
            };
            answer.map_err(|e| throw(&ctx, &e.to_string()))
        },
    )?;
    Ok(())
}

/// An `Error` with `message`, thrown into the Worker.
fn throw(ctx: &rquickjs::Ctx<'_>, message: &str) -> rquickjs::Error {
    match rquickjs::Exception::from_message(ctx.clone(), message) {
        Ok(e) => ctx.throw(e.into_value()),
        Err(e) => e,
    }
}
