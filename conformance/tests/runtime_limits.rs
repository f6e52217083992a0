//! semantics.md §1.1–1.2: CPU, memory, startup, subrequest and timer limits, each with the
//! outcome production gives.

use edgesim_conformance::{Run, body_text, get, js};
use edgesim_runtime::{Outcome, StartupError};
use edgesim_sim::one_colo::OneColoError;

const BUSY: &str = "export default { fetch(req) {
    const n = Number(new URL(req.url).searchParams.get('n'));
    let x = 0; for (let i = 0; i < n; i++) x = (x + i) | 0;
    return new Response(String(x));
} };";

#[test]
fn free_plan_cpu_overrun_gives_error_1102_and_exceeded_cpu() {
    assert_stopped_at_the_free_limit(BUSY, "https://example.com/?n=100000000");
}

/// `worker` answering `url` on the Free plan is stopped at 10 ms of CPU, as production stops it.
fn assert_stopped_at_the_free_limit(worker: &str, url: &str) {
    let x = Run::free().fetch(&js(worker), get(url)).unwrap();
    assert_eq!(x.response.status, 503, "{url}");
    assert!(body_text(&x.response).contains("Error 1102"));
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    assert!(
        x.report.cpu_used_ms >= 10.0 && x.report.cpu_used_ms < 10.1,
        "{url} stopped at {} ms",
        x.report.cpu_used_ms
    );
}

#[test]
fn free_plan_request_under_ten_ms_of_cpu_succeeds() {
    let x = Run::free()
        .fetch(&js(BUSY), get("https://example.com/?n=100000"))
        .unwrap();
    assert_eq!(x.response.status, 200);
    assert_eq!(x.report.outcome, Outcome::Ok);
    assert!(x.report.cpu_used_ms > 0.0 && x.report.cpu_used_ms < 10.0);
}

#[test]
fn cpu_time_is_the_same_on_every_run() {
    let a = Run::default()
        .fetch(&js(BUSY), get("https://example.com/?n=300000"))
        .unwrap();
    let b = Run {
        seed: 99,
        ..Default::default()
    }
    .fetch(&js(BUSY), get("https://example.com/?n=300000"))
    .unwrap();
    assert_eq!(a.report.cpu, b.report.cpu);
    assert!(a.report.cpu.polls >= 600_000, "{:?}", a.report.cpu);
}

/// The runtime's own JavaScript for the less used APIs loads the first time a Worker touches them
/// (api::CATALOG); production has all of it ready before any Worker runs, so loading it is not the
/// Worker's CPU time. (Within 0.1 ms: allocation is charged as QuickJS requests it, arena by arena.)
#[test]
fn loading_the_runtime_on_first_use_costs_the_worker_no_cpu() {
    let names: Vec<&str> = edgesim_runtime::api::CATALOG
        .units
        .iter()
        .flat_map(|u| u.globals.iter().copied())
        .collect();
    let names = serde_json::to_string(&names).unwrap_or_default();
    let worker = format!(
        "export default {{ fetch(req) {{
            if (new URL(req.url).pathname === '/touch') {names}.forEach((n) => typeof globalThis[n]);
            return new Response('ok');
        }} }};"
    );
    let cpu_ms = |path: &str| {
        let x = Run::free()
            .fetch(&js(&worker), get(&format!("https://example.com{path}")))
            .unwrap();
        assert_eq!(x.response.status, 200);
        x.report.cpu_used_ms
    };
    let (touching, plain) = (cpu_ms("/touch"), cpu_ms("/plain"));
    assert!(
        touching < plain + 0.1,
        "{touching} ms touching every API, {plain} ms not"
    );
}

#[test]
fn limits_cpu_ms_lowers_the_paid_limit() {
    let run = Run {
        cpu_ms: Some(5),
        ..Default::default()
    };
    let x = run
        .fetch(&js(BUSY), get("https://example.com/?n=100000000"))
        .unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    assert!(x.report.cpu_used_ms >= 5.0 && x.report.cpu_used_ms < 5.1);
}

#[test]
fn paid_infinite_loop_is_stopped_by_the_runaway_guard_with_a_log_line() {
    let w = js("export default { fetch() { for (;;) {} } };");
    let x = Run {
        runaway_cpu_ms: Some(20),
        ..Default::default()
    }
    .fetch(&w, get("https://example.com/"))
    .unwrap();
    assert_eq!(x.response.status, 503);
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    let warn = &x
        .report
        .logs
        .iter()
        .find(|l| l.level == "warn")
        .expect("a warning")
        .message;
    assert!(
        warn.contains("runaway guard") && warn.contains("30000 ms"),
        "{warn}"
    );
}

#[test]
fn catching_does_not_escape_the_cpu_limit() {
    let w = js(
        "export default { fetch() { try { for (;;) {} } catch (e) { return new Response('escaped'); } } };",
    );
    let x = Run::free().fetch(&w, get("https://example.com/")).unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    assert_eq!(x.response.status, 503);
}

#[test]
fn memory_overrun_gives_1102_and_exceeded_memory() {
    let w = js(
        "export default { fetch() { const a = []; for (;;) a.push(new Array(100000).fill(1)); } };",
    );
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.response.status, 503);
    assert!(body_text(&x.response).contains("Error 1102"));
    assert_eq!(x.report.outcome, Outcome::ExceededMemory);
}

#[test]
fn caught_out_of_memory_still_ends_the_invocation() {
    let w = js(
        "export default { fetch() { const a = []; try { for (;;) a.push(new Array(100000).fill(1)); } catch { a.length = 0; return new Response('survived'); } } };",
    );
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededMemory);
}

#[test]
fn startup_over_the_cpu_limit_fails_with_10021_text() {
    let w = js(
        "let x = 0; for (let i = 0; i < 1e12; i++) x++;\nexport default { fetch() { return new Response('x'); } };",
    );
    let run = Run {
        runaway_cpu_ms: Some(2_000),
        ..Default::default()
    };
    match run.fetch(&w, get("https://example.com/")) {
        Err(OneColoError::Startup(e @ StartupError::CpuExceeded)) => {
            assert_eq!(e.to_string(), "Script startup exceeded CPU time limit.")
        }
        other => panic!("expected a startup CPU failure, got {other:?}"),
    }
}

#[test]
fn free_plan_51st_external_subrequest_throws_too_many_subrequests() {
    let w = js("export default { async fetch() {
        const errors = [];
        for (let i = 0; i < 51; i++) { try { await fetch('https://origin.test/' + i); } catch (e) { errors.push(e.message); } }
        return Response.json(errors);
    } };");
    let x = Run::free().fetch(&w, get("https://example.com/")).unwrap();
    let errors: Vec<String> = serde_json::from_slice(&x.response.body).unwrap();
    assert_eq!(errors.len(), 51);
    assert!(
        errors[..50].iter().all(|e| e == "Network connection lost."),
        "{errors:?}"
    );
    assert_eq!(errors[50], "Too many subrequests.");
    assert_eq!(x.report.subrequests, 51);
}

#[test]
fn the_10001st_active_timeout_throws_quota_exceeded() {
    let v = edgesim_conformance::eval_json(
        "for (let i = 0; i < 10000; i++) setTimeout(() => {}, 1000);
         try { setTimeout(() => {}, 1); return 'no error'; } catch (e) { return [e.name, e.message, e instanceof DOMException]; }",
    );
    assert_eq!(
        v,
        serde_json::json!([
            "QuotaExceededError",
            "You have exceeded the number of active timeouts you may set.",
            true
        ])
    );
}

#[test]
fn io_at_top_level_is_refused_with_workerds_text() {
    let w = js(
        "await fetch('https://x.test/');\nexport default { fetch() { return new Response('x'); } };",
    );
    let err = Run::default()
        .fetch(&w, get("https://example.com/"))
        .expect_err("startup must fail");
    assert!(
        err.to_string()
            .contains("Disallowed operation called within global scope"),
        "{err}"
    );
}

/// Native work is CPU time, and is charged before it runs: a key derivation that would pass the
/// limit ends the request at once rather than holding the simulator (issue 24).
#[test]
fn webcrypto_pbkdf2_past_the_cpu_limit_ends_the_request_as_exceeded_cpu_without_running_it() {
    let w = js("export default { async fetch() {
          const enc = new TextEncoder();
          const base = await crypto.subtle.importKey('raw', enc.encode('pw'), 'PBKDF2', false, ['deriveBits']);
          try {
            await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode('s'), iterations: 1000000000 }, base, 256);
          } catch (e) { return new Response('caught'); }
          return new Response('done');
        } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
}

/// A Worker whose `/re?n=N` tests `/^(a+)+$/` against N a's and a `!` (2^N paths to backtrack),
/// and whose `/big?n=N` grows a BigInt N times: workerd 1.20260426.1 took 920 ms for `re?n=24`
/// and 41 ms for `big?n=40000` (1 ms for `big?n=4000`), so production ends both on the Free plan.
const NATIVE_WORK: &str = "export default { fetch(req) {
    const u = new URL(req.url);
    const n = Number(u.searchParams.get('n'));
    if (u.pathname === '/re') return new Response(String(/^(a+)+$/.test('a'.repeat(n) + '!')));
    let x = 1n;
    for (let i = 0; i < n; i++) x = x * 3n + BigInt(i);
    return new Response(String(x % 1000007n));
} };";

#[test]
fn free_plan_catastrophically_backtracking_regex_ends_as_exceeded_cpu_at_ten_ms() {
    assert_stopped_at_the_free_limit(NATIVE_WORK, "https://example.com/re?n=30");
    let quick = Run::free()
        .fetch(&js(NATIVE_WORK), get("https://example.com/re?n=12"))
        .unwrap();
    assert_eq!(body_text(&quick.response), "false");
    assert!(
        quick.report.cpu.bytecode.regex_steps > 4096,
        "{:?}",
        quick.report.cpu
    );
}

#[test]
fn free_plan_bigint_heavy_loop_ends_as_exceeded_cpu_at_ten_ms() {
    assert_stopped_at_the_free_limit(NATIVE_WORK, "https://example.com/big?n=40000");
    let quick = Run::free()
        .fetch(&js(NATIVE_WORK), get("https://example.com/big?n=4000"))
        .unwrap();
    assert_eq!(quick.response.status, 200);
    assert!(quick.report.cpu_used_ms < 10.0);
    assert!(
        quick.report.cpu.bytecode.bigint_limbs > 4000,
        "{:?}",
        quick.report.cpu
    );
}

/// The CPU model's counts (reports/cpu-model.md) see each opcode and each built-in call: a
/// thousand more iterations of a loop calling `Math.abs` are a thousand more of each.
#[test]
fn cpu_counts_each_opcode_by_class_and_each_builtin_call() {
    let w = js("export default { fetch(req) {
        const n = Number(new URL(req.url).searchParams.get('n'));
        let x = 0; for (let i = 0; i < n; i++) x += Math.abs(i);
        return new Response(String(x));
    } };");
    let counts = |n: u32| {
        Run::default()
            .fetch(&w, get(&format!("https://example.com/?n={n}")))
            .unwrap()
            .report
            .cpu
            .bytecode
    };
    let (small, large) = (counts(1000), counts(2000));
    assert_eq!(large.native_calls - small.native_calls, 1000);
    assert_eq!(large.op_call - small.op_call, 1000);
    assert_eq!(
        large.op_property - small.op_property,
        2000,
        "`Math`, then `.abs`"
    );
    assert_eq!(large.op_arith - small.op_arith, 3000, "<, +=, ++");
    assert_eq!(large.op_iterate, small.op_iterate);
}
