//! Whole simulations from load to verdicts — the unit of work of `edgesim sweep`: the shipped
//! `hello` scenario (10 requests at two colos, two cold starts) and `do-counter` (a Durable
//! Object under load from four colos, a host crash, a failed write, the linearizability check),
//! `workflow-crash` (Workflow instances replayed after a colo crash, the steps-once check),
//! `tcp-sockets` (`connect()` and Hyperdrive to scripted TCP servers at three colos)
//! and `kv-five-colos` (10 simulated minutes of 10 requests a second from five colos, the KV
//! staleness check): the simulator's throughput; and `burst-2000` (benches/scenarios/: 2,000
//! requests in flight at once in one isolate), which grows with the burst's size; and the
//! linearizability checks of a 100,000-operation counter history and register history on their
//! own.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_sim::check::linearizable::{Model, ObjectVerdict, check_object, operations};
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::{Trace, TraceEvent};

/// Benchmarks one run of `scenarios/<file>` (a path from the repository root when it has a
/// directory), a new seed each iteration.
fn bench_scenario(c: &mut Criterion, id: &str, file: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = match file.contains('/') {
        true => root.join(file),
        false => root.join("scenarios").join(file),
    };
    let scenario = match LoadedScenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut seed = 0;
    c.bench_function(id, |b| {
        b.iter(|| {
            seed += 1;
            run(&scenario, seed).map(|out| out.passed())
        })
    });
}

fn scenarios(c: &mut Criterion) {
    bench_scenario(c, "scenario_hello_one_seed", "hello.yaml");
    bench_scenario(c, "scenario_do_counter_one_seed", "do-counter.yaml");
    bench_scenario(c, "scenario_workflow_crash_one_seed", "workflow-crash.yaml");
    bench_scenario(c, "scenario_tcp_sockets_one_seed", "tcp-sockets.yaml");
}

fn throughput(c: &mut Criterion) {
    bench_scenario(c, "scenario_kv_five_colos_one_seed", "kv-five-colos.yaml");
    bench_scenario(
        c,
        "scenario_burst_2000_kv_reads_one_seed",
        "benches/scenarios/burst-2000.yaml",
    );
}

/// Four clients incrementing and reading one counter with overlapping calls, one call in ten
/// failing: the trace of `calls` operations on one object.
fn counter_trace(calls: u64) -> Trace {
    let mut trace = Trace::default();
    let mut count = 0;
    for call in 0..calls {
        let at_ms = call / 4;
        let increment = call % 3 != 0;
        let failed = call % 10 == 7;
        if increment && !failed {
            count += 1;
        }
        trace.push(TraceEvent::ObjectCall {
            at_ms,
            call,
            namespace: "COUNTER".into(),
            object: "main".into(),
            from: "LHR".into(),
            method: if increment { "increment" } else { "get" }.into(),
            args: "{\"a\":[]}".into(),
        });
        trace.push(TraceEvent::ObjectReturn {
            at_ms: at_ms + 2,
            call,
            ok: !failed,
            value: if failed {
                "\"Network connection lost.\"".into()
            } else {
                count.to_string()
            },
        });
    }
    trace
}

/// `calls` calls on one register by four overlapping clients: distinct writes, and reads of
/// the latest value.
fn register_trace(calls: u64) -> Trace {
    let mut trace = Trace::default();
    let mut current = "null".to_string();
    for call in 0..calls {
        let at_ms = call / 4;
        let write = call % 3 == 0;
        if write {
            current = call.to_string();
        }
        trace.push(TraceEvent::ObjectCall {
            at_ms,
            call,
            namespace: "REGISTER".into(),
            object: "main".into(),
            from: "LHR".into(),
            method: if write { "set" } else { "get" }.into(),
            args: if write {
                format!("{{\"a\":[{call}]}}")
            } else {
                "{\"a\":[]}".into()
            },
        });
        trace.push(TraceEvent::ObjectReturn {
            at_ms: at_ms + 2,
            call,
            ok: true,
            value: if write {
                "null".into()
            } else {
                current.clone()
            },
        });
    }
    trace
}

fn linearizability(c: &mut Criterion) {
    bench_history(
        c,
        "linearizability_register_100000_operations",
        &register_trace(100_000),
        ("REGISTER", Model::Register),
    );
    bench_history(
        c,
        "linearizability_counter_100000_operations",
        &counter_trace(100_000),
        ("COUNTER", Model::Counter),
    );
}

/// Reading the 100,000 calls on object `main` of `namespace` from `trace` and checking them
/// against `model`.
fn bench_history(c: &mut Criterion, id: &str, trace: &Trace, (namespace, model): (&str, Model)) {
    c.bench_function(id, |b| {
        b.iter(|| {
            let by_object = operations(trace, namespace, model);
            let ops = &by_object["main"];
            assert_eq!(ops.len(), 100_000);
            assert_eq!(check_object(ops, model), ObjectVerdict::Linearizable);
        })
    });
}

criterion_group!(benches, scenarios, linearizability);
// A run takes most of a second: criterion's smallest sample count keeps CI's profile short.
criterion_group! {
    name = long_runs;
    config = Criterion::default().sample_size(10);
    targets = throughput
}
criterion_main!(benches, long_runs);
