//! The native side of the D1 binding (d1.js): a request to the database through the
//! host, and its answer as JavaScript values.

use rquickjs::{Ctx, Exception, IntoJs, Object, Value};

use crate::api::durable_object::{rows_to_js, sql_value_from_js};
use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::service_call;
use crate::storage::d1::{D1Reply, D1Request, D1Response, D1Session, D1Statement};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let io = ops.io.clone();
    ops.add_named(
        "d1",
        move |ctx: Ctx<'js>,
              database: String,
              sqls: Option<Vec<String>>,
              bindings: Vec<Vec<Value<'js>>>,
              exec: Option<String>,
              session: Option<String>,
              bookmark: Option<String>|
              -> rquickjs::Result<f64> {
            // `session`: null outside a session, else the constraint it was opened with.
            let session = session.map(|constraint| D1Session {
                first_primary: constraint == "first-primary" && bookmark.is_none(),
                bookmark,
            });
            let request = match exec {
                Some(sql) => D1Request::Exec(sql),
                None => {
                    let mut statements = Vec::new();
                    for (sql, values) in sqls.unwrap_or_default().into_iter().zip(bindings) {
                        let bindings = values
                            .iter()
                            .map(sql_value_from_js)
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| {
                                Exception::throw_type(&ctx, "internal: unconverted D1 binding")
                            })?;
                        statements.push(D1Statement { sql, bindings });
                    }
                    D1Request::Statements(statements)
                }
            };
            service_call(&ctx, &io, |host| {
                Box::pin(async move {
                    match host.d1(&database, request, session).await {
                        Ok(response) => OpOutcome::reply(move |ctx| response_to_js(ctx, response)),
                        Err(e) => OpOutcome::error(e),
                    }
                })
            })
        },
    )
}

/// `{ results: [[columns, rows, meta], ...] | count, bookmark, region, primary }`.
fn response_to_js<'js>(ctx: &Ctx<'js>, response: D1Response) -> rquickjs::Result<Value<'js>> {
    let out = Object::new(ctx.clone())?;
    match response.reply {
        D1Reply::Exec { count } => out.set("count", count as f64)?,
        D1Reply::Results(results) => {
            let list = rquickjs::Array::new(ctx.clone())?;
            for (i, r) in results.into_iter().enumerate() {
                let item = rquickjs::Array::new(ctx.clone())?;
                item.set(0, r.columns)?;
                item.set(1, rows_to_js(ctx, r.rows)?)?;
                let meta = Object::new(ctx.clone())?;
                meta.set("changes", r.meta.changes as f64)?;
                meta.set("last_row_id", r.meta.last_row_id as f64)?;
                meta.set("changed_db", r.meta.changed_db)?;
                meta.set("size_after", r.meta.size_after as f64)?;
                meta.set("rows_read", r.meta.rows_read as f64)?;
                meta.set("rows_written", r.meta.rows_written as f64)?;
                item.set(2, meta)?;
                list.set(i, item)?;
            }
            out.set("results", list)?;
        }
    }
    out.set("bookmark", response.bookmark)?;
    out.set("region", response.served_by_region)?;
    out.set("primary", response.served_by_primary)?;
    out.into_js(ctx)
}
