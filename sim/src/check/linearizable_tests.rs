//! The linearizability checker's tests: small cases, the fast checks against the search on
//! random histories, and long histories.

use super::*;

fn op(call: u64, method: &str, arg: Option<i64>, span: (u64, u64), result: &str) -> Operation {
    let args = match arg {
        Some(a) => format!("{{\"a\":[{a}]}}"),
        None => "{\"a\":[]}".to_string(),
    };
    Operation {
        call,
        object: "o".into(),
        method: method.into(),
        call_ms: span.0,
        return_ms: Some(span.1),
        ok: true,
        value: Some(result.into()),
        action: action(Model::Counter, method, &args).unwrap_or(Action::Read),
    }
}

#[test]
fn overlapping_increments_may_return_in_either_order() {
    let ops = vec![
        op(1, "increment", None, (0, 10), "2"),
        op(2, "increment", None, (1, 9), "1"),
        op(3, "get", None, (11, 12), "2"),
    ];
    assert_eq!(
        check_object(&ops, Model::Counter),
        ObjectVerdict::Linearizable
    );
}

#[test]
fn a_read_that_misses_a_finished_increment_is_a_violation() {
    let ops = vec![
        op(1, "increment", None, (0, 5), "1"),
        op(2, "get", None, (6, 7), "0"),
    ];
    assert!(matches!(
        check_object(&ops, Model::Counter),
        ObjectVerdict::Violation { ordered: 1, .. }
    ));
    assert_eq!(lost_acknowledged_writes(&ops).len(), 1);
}

#[test]
fn a_failed_increment_may_or_may_not_have_happened() {
    let mut failed = op(1, "increment", None, (0, 5), "Network connection lost.");
    failed.ok = false;
    for seen in ["0", "1"] {
        let ops = vec![failed.clone(), op(2, "get", None, (6, 7), seen)];
        assert_eq!(
            check_object(&ops, Model::Counter),
            ObjectVerdict::Linearizable
        );
    }
}

#[test]
fn two_increments_both_returning_1_are_a_lost_update() {
    let ops = vec![
        op(1, "increment", None, (0, 10), "1"),
        op(2, "increment", None, (0, 10), "1"),
    ];
    assert!(matches!(
        check_object(&ops, Model::Counter),
        ObjectVerdict::Violation { .. }
    ));
}

/// A counter history from a sequential run: each operation takes effect at a time that
/// never goes back, inside its span; some then fail (a failed increment did not happen) or
/// go unanswered, and some answers are changed, so that both verdicts occur.
fn history(steps: Vec<(bool, u64, u64, u64, u8, i64)>) -> Vec<Operation> {
    let mut count = 0;
    let mut at_ms = 0;
    let mut ops = Vec::new();
    for (k, (increment, gap_ms, before_ms, after_ms, fate, nudge)) in steps.into_iter().enumerate()
    {
        at_ms += gap_ms;
        let method = if increment { "increment" } else { "get" };
        let applied = !(increment && fate == 1);
        if increment && applied {
            count += 1;
        }
        let shown = if fate == 2 { count + nudge } else { count };
        let span = (at_ms.saturating_sub(before_ms), at_ms + after_ms);
        let mut o = op(k as u64 + 1, method, None, span, &shown.to_string());
        match fate {
            1 => o.ok = false,
            3 => o.return_ms = None,
            _ => {}
        }
        ops.push(o);
    }
    ops
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// The O(n log n) counter check and the exhaustive search agree on every small history.
    #[test]
    fn the_fast_counter_check_agrees_with_the_search(
        steps in proptest::collection::vec(
            (proptest::bool::ANY, 0u64..4, 0u64..6, 0u64..6, 0u8..6, -2i64..3),
            1..9,
        )
    ) {
        let ops = history(steps);
        let history = counter_history(&ops).expect("unit increments and reads");
        let fast = counter_history::check(&history).is_ok();
        let searched = search(&ops, Model::Counter) == ObjectVerdict::Linearizable;
        proptest::prop_assert_eq!(fast, searched, "{:#?}", ops);
    }
}

/// A register call: `set(arg)` or a read, with its span and answer.
fn reg(call: u64, method: &str, arg: Option<i64>, span: (u64, u64), result: &str) -> Operation {
    let mut o = op(call, method, None, span, result);
    let args = arg.map_or("{\"a\":[]}".to_string(), |a| format!("{{\"a\":[{a}]}}"));
    o.action = action(Model::Register, method, &args).unwrap_or(Action::Read);
    o
}

/// A register history from a sequential run of distinct writes: each operation takes
/// effect at a time that never goes back, inside its span; some writes fail (applied or
/// not) or go unanswered, and some reads answer an older value, so both verdicts occur.
fn register_ops(steps: Vec<(bool, u64, u64, u64, u8, u8)>) -> Vec<Operation> {
    let mut current: Option<i64> = None;
    let mut at_ms = 0;
    let mut ops = Vec::new();
    for (k, (write, gap_ms, before_ms, after_ms, fate, back)) in steps.into_iter().enumerate() {
        at_ms += gap_ms;
        let span = (at_ms.saturating_sub(before_ms), at_ms + after_ms);
        let call = k as u64 + 1;
        let mut o = if write {
            let value = call as i64;
            if fate != 1 {
                current = Some(value);
            }
            let mut o = reg(call, "set", Some(value), span, "null");
            o.ok = !matches!(fate, 1 | 4);
            o
        } else {
            let seen = match (fate, current) {
                (2, Some(v)) if v > i64::from(back) => Some(v - i64::from(back)),
                (2, _) => None,
                _ => current,
            };
            reg(
                call,
                "get",
                None,
                span,
                &seen.map_or("null".into(), |v| v.to_string()),
            )
        };
        if fate == 3 {
            o.return_ms = None;
            o.value = None;
        }
        ops.push(o);
    }
    ops
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// The O(n log n) register check and the exhaustive search agree on every small history.
    #[test]
    fn the_fast_register_check_agrees_with_the_search(
        steps in proptest::collection::vec(
            (proptest::bool::ANY, 0u64..4, 0u64..6, 0u64..6, 0u8..6, 0u8..3),
            1..9,
        )
    ) {
        let ops = register_ops(steps);
        let history = register_history(&ops).expect("distinct writes and reads");
        let fast = register_history::check(&history, REGISTER_INITIAL).is_ok();
        let searched = search(&ops, Model::Register) == ObjectVerdict::Linearizable;
        proptest::prop_assert_eq!(fast, searched, "{:#?}", ops);
    }
}

#[test]
fn a_hundred_thousand_operation_register_history_is_checked_not_refused() {
    // Four clients writing distinct values and reading one register, overlapping.
    let mut ops = Vec::new();
    let mut current = None;
    for k in 0..100_000u64 {
        let at_ms = k / 4;
        let o = if k % 3 == 0 {
            current = Some(k as i64);
            reg(k, "set", Some(k as i64), (at_ms, at_ms + 2), "null")
        } else {
            let seen = current.map_or("null".to_string(), |v: i64| v.to_string());
            reg(k, "get", None, (at_ms, at_ms + 2), &seen)
        };
        ops.push(o);
    }
    assert_eq!(
        check_object(&ops, Model::Register),
        ObjectVerdict::Linearizable
    );
    // A read long after that sees the first value again is refused.
    let stale = ops.iter().rposition(|o| o.method == "get").unwrap_or(0);
    ops[stale].value = Some("3".into());
    match check_object(&ops, Model::Register) {
        ObjectVerdict::Violation { stuck, .. } => assert!(
            stuck
                .iter()
                .any(|s| s.starts_with(&format!("call #{stale} get() -> 3"))),
            "{stuck:?}"
        ),
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn a_hundred_thousand_operation_counter_history_is_checked_not_refused() {
    // Four clients incrementing and reading one counter, overlapping, one failing call in
    // ten (applied or not), in the history's order.
    let mut ops = Vec::new();
    let mut count = 0;
    for k in 0..100_000u64 {
        let at_ms = k / 4;
        let increment = k % 3 != 0;
        let failed = k % 10 == 7;
        if increment && !(failed && k % 20 == 7) {
            count += 1;
        }
        let method = if increment { "increment" } else { "get" };
        let mut o = op(k, method, None, (at_ms, at_ms + 2), &count.to_string());
        o.ok = !failed;
        ops.push(o);
    }
    assert_eq!(
        check_object(&ops, Model::Counter),
        ObjectVerdict::Linearizable
    );
    // The same history with one read that saw the past is refused, naming that read.
    let stale = ops.iter().rposition(|o| o.method == "get" && o.ok).unwrap();
    ops[stale].value = Some("1".into());
    match check_object(&ops, Model::Counter) {
        ObjectVerdict::Violation { stuck, .. } => assert!(
            stuck
                .iter()
                .any(|s| s.starts_with(&format!("call #{stale} get() -> 1"))),
            "{stuck:?}"
        ),
        other => panic!("expected a violation, got {other:?}"),
    }
    assert_eq!(lost_acknowledged_writes(&ops).len(), 1);
}
