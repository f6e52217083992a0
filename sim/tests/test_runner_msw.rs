//! Mock Service Worker (msw 2, from the registry) in `edgesim test`, as Cloudflare's docs and the
//! pool's examples use it: `setupServer` from `msw/node` patches the isolate's `fetch`, so the
//! tested Worker's own upstream requests (through `SELF`, in the same isolate) meet its
//! handlers; unhandled ones fall through to the config's `outboundService`. It loads because the
//! runner does what the pool's does: a no-op `BroadcastChannel`, and a built-in's missing
//! export (`HTTPParser` from `_http_common`) read as `undefined`, as vite's transform reads it.

use std::path::Path;

use crate::common::{all_passed, test_statuses};

#[test]
fn msw_handlers_answer_the_workers_fetches_and_the_rest_falls_through_to_the_outbound_service() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vitest/msw");
    crate::common::npm_ci(&root);
    let file = crate::common::run_test_file(&root, "weather");
    assert_eq!(
        test_statuses(&file),
        all_passed(&[
            "answers the Worker's upstream fetch from an msw handler",
            "lets an unhandled request fall through to the outbound service",
            "resets handlers between tests, so the upstream is no longer mocked",
            "mocks a failing upstream once",
        ])
    );
}
