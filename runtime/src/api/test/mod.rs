//! `edgesim test`'s half inside the isolate: vitest's `describe`/`it`/`expect`/`vi`, the
//! `cloudflare:test` helpers, and the runner that runs one test file and reports it. The
//! driver (sim/src/test) loads a test file's Worker with [`MODULES`] as virtual modules and
//! starts the file with `Isolate::start_test`.

mod ops;
mod world_ops;

use crate::engine::catalog::OpGroup;

pub const OPS: OpGroup = OpGroup {
    name: "test",
    install: ops::install,
};

/// The modules a test file imports, by specifier: ES faces over the `test` unit.
pub const MODULES: &[(&str, &str)] = &[
    ("vitest", include_str!("modules/vitest.mjs")),
    (
        "cloudflare:test",
        include_str!("modules/cloudflare_test.mjs"),
    ),
    ("edgesim:test", include_str!("modules/edgesim_test.mjs")),
];
