//! node:fs's native half (the file system itself is JavaScript, fs_vfs.js): what `/bundle`
//! holds, and which invocation is running, so `/tmp` belongs to the request that wrote it and
//! goes when that request has ended.

use rquickjs::{Array, Ctx, TypedArray};

use crate::engine::catalog::OpSet;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "fsBundleFiles",
        move |ctx: Ctx<'js>| -> rquickjs::Result<Array<'js>> {
            let bundle = i.borrow().bundle.clone();
            let files = Array::new(ctx.clone())?;
            for (n, (name, bytes)) in bundle
                .map(|b| b.files())
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                let entry = Array::new(ctx.clone())?;
                entry.set(0, name)?;
                entry.set(1, TypedArray::<u8>::new(ctx.clone(), bytes)?)?;
                files.set(n, entry)?;
            }
            Ok(files)
        },
    )?;
    let i = ops.io.clone();
    ops.add("fsInvocation", move || -> f64 {
        i.borrow().current.map_or(-1.0, |id| id as f64)
    })?;
    let i = ops.io.clone();
    ops.add("fsLiveInvocations", move || -> Vec<f64> {
        i.borrow().invocations.keys().map(|&id| id as f64).collect()
    })?;
    Ok(())
}
