//! What a test asks of the world around it (`edgesim:test`'s `sim`, Host::test_world): the
//! faults a scenario's `faults:` names, happening now and checked by the same rules; the
//! run's trace; the scenario checkers over a part of it.

use edgesim_runtime::host::{WorldAnswer, WorldCheck, WorldRequest};
use edgesim_runtime::worker::WorkerDefinition;

use crate::one_colo::ONE_COLO;
use crate::platform::Platform;
use crate::scenario::Duration;
use crate::scenario::LinearizableSpec;
use crate::scenario::expect::{check_kv_staleness, check_linearizable, object_namespaces};
use crate::scenario::fault::{Fault, FaultSpec, Group, PartitionSpec};
use crate::scenario::run::{Verdict, apply_fault};
use crate::trace::Trace;

/// Answers `request` for a test of `worker` running on `platform`.
pub fn answer(
    platform: &Platform,
    worker: &WorkerDefinition,
    request: WorldRequest,
) -> Result<WorldAnswer, String> {
    let events = || platform.trace.borrow().events.len();
    match request {
        WorldRequest::TraceLength => Ok(WorldAnswer::Length(events())),
        WorldRequest::Trace { from } => {
            let trace = platform.trace.borrow();
            let part = trace.events.get(from..).unwrap_or_default();
            let json = serde_json::to_string(part).map_err(|e| e.to_string())?;
            Ok(WorldAnswer::Json(json))
        }
        WorldRequest::Check { check, from } => {
            let part = Trace::of(
                (platform.trace.borrow().events.get(from..))
                    .unwrap_or_default()
                    .to_vec(),
            );
            let Verdict {
                ok,
                expectation,
                detail,
            } = match check {
                WorldCheck::KvStalenessAtMost { bound_ms } => {
                    check_kv_staleness("kv_staleness_max", Duration::from_ms(bound_ms), &part)
                }
                WorldCheck::Linearizable { binding, model } => {
                    let spec = LinearizableSpec {
                        durable_object: binding,
                        model: Some(model),
                    };
                    check_linearizable(&spec, &part, &object_namespaces([worker]))
                }
            };
            Ok(WorldAnswer::Verdict {
                ok,
                expectation,
                detail,
            })
        }
        fault => {
            let fault = checked_fault(fault)?;
            apply_fault(platform, platform.elapsed_ms(), fault);
            Ok(WorldAnswer::Done)
        }
    }
}

/// The fault a request names, checked as a scenario's would be; a test cannot take down the
/// colo it runs at.
fn checked_fault(request: WorldRequest) -> Result<Fault, String> {
    let mut spec = FaultSpec {
        at: Duration::from_ms(0),
        crash: None,
        for_: None,
        fail_storage_writes: None,
        partition: None,
        latency_spike: None,
        add: None,
    };
    match request {
        WorldRequest::Partition {
            from,
            to,
            both_ways,
            for_ms,
        } => {
            let (from, to) = (Group::Many(from), Group::Many(to));
            spec.partition = Some(match both_ways {
                true => PartitionSpec::BothWays(vec![from, to]),
                false => PartitionSpec::OneWay { from, to },
            });
            spec.for_ = Some(Duration::from_ms(for_ms));
        }
        WorldRequest::LatencySpike {
            between: (a, b),
            add_ms,
            for_ms,
        } => {
            spec.latency_spike = Some(vec![Group::Many(a), Group::Many(b)]);
            spec.add = Some(Duration::from_ms(add_ms));
            spec.for_ = Some(Duration::from_ms(for_ms));
        }
        WorldRequest::Crash { target, for_ms } => {
            spec.crash = Some(target);
            spec.for_ = Some(Duration::from_ms(for_ms));
        }
        WorldRequest::FailStorageWrites(n) => spec.fail_storage_writes = Some(n),
        _ => return Err("edgesim: not a fault".to_string()),
    }
    let fault = spec.fault(&[]).map_err(|e| e.to_string())?;
    if let Fault::CrashColo { colo, .. } = &fault
        && colo == ONE_COLO
    {
        return Err(format!(
            "cannot crash colo:{ONE_COLO}: the test itself runs there; crash another colo, or \
             do-host:{ONE_COLO} (its Durable Object hosts)"
        ));
    }
    Ok(fault)
}
