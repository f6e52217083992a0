//! Pipelines: `env.PIPELINE.send(records)` (pipelines.js) checks the records and hands their
//! JSON to the host, which ingests them (the simulator records them in the trace).

use crate::engine::catalog::OpGroup;
use crate::engine::catalog::OpSet;
use crate::engine::ops::require_request;

pub const OPS: OpGroup = OpGroup {
    name: "pipelines",
    install,
};

fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "pipelineSend",
        move |ctx: rquickjs::Ctx<'js>, pipeline: String, records: Vec<String>| {
            require_request(&ctx, &i)?;
            let host = i.borrow().host.clone();
            host.pipeline_send(&pipeline, records);
            Ok::<(), rquickjs::Error>(())
        },
    )?;
    Ok(())
}
