//! Compatibility dates and flags: the behaviours edgesim switches as workerd does, workerd's
//! own catalog of every flag, and what a config is told about the flags it sets.

pub mod catalog;

/// Compatibility flags edgesim implements (each also on from its date where workerd's
/// compatibility-date.capnp gives one). Any other flag a config sets is warned about.
pub const IMPLEMENTED_FLAGS: &[&str] = &[
    "web_socket_auto_reply_to_close",
    "enable_weak_ref",
    "disable_weak_ref",
    "rpc",
    "no_rpc",
    "nodejs_compat",
    "no_nodejs_compat",
    "nodejs_compat_v2",
    "no_nodejs_compat_v2",
    "nodejs_als",
    "no_nodejs_als",
    "nodejs_compat_populate_process_env",
    "nodejs_compat_do_not_populate_process_env",
    "diagnostics_channel_has_subscribers_getter",
    "no_diagnostics_channel_has_subscribers_getter",
    "enable_global_performance_classes",
    "delete_all_deletes_alarm",
    "delete_all_preserves_alarm",
    "enable_ctx_exports",
    "disable_ctx_exports",
    "workflows_preserve_non_retryable_error_message",
    "workflows_replace_non_retryable_error_message",
    "expose_global_message_channel",
    "no_expose_global_message_channel",
    "allow_eval_during_startup",
    "disallow_eval_during_startup",
    "allow_insecure_inefficient_logged_eval",
    "set_event_target_this",
    "no_set_event_target_this",
    "throw_on_not_implemented_tls_options",
    "no_throw_on_not_implemented_tls_options",
    "enhanced_error_serialization",
    "legacy_error_serialization",
];

/// A behaviour workerd switches with a compatibility flag, and on by default from a date
/// (compatibility-date.capnp: `$compatEnableFlag`, `$compatDisableFlag`, `$compatEnableDate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompatFlag {
    pub enable: &'static str,
    /// `None` where edgesim implements no way to turn the behaviour off.
    pub disable: Option<&'static str>,
    /// On by default from this date (`None`: only when set).
    pub from_date: Option<&'static str>,
    /// Also on when this other flag is on and the date is at least this one
    /// (`$impliedByAfterDate`).
    pub implied_by: Option<(&'static CompatFlag, &'static str)>,
}

impl CompatFlag {
    const fn dated(
        enable: &'static str,
        disable: Option<&'static str>,
        from: &'static str,
    ) -> Self {
        CompatFlag {
            enable,
            disable,
            from_date: Some(from),
            implied_by: None,
        }
    }
}

/// workerd's `jsWeakRef`: `WeakRef` and `FinalizationRegistry`.
pub const WEAK_REF: CompatFlag =
    CompatFlag::dated("enable_weak_ref", Some("disable_weak_ref"), "2025-05-05");

/// workerd's `webSocketAutoReplyToClose`: the runtime answers a WebSocket close frame itself.
pub const WEB_SOCKET_AUTO_REPLY_TO_CLOSE: CompatFlag =
    CompatFlag::dated("web_socket_auto_reply_to_close", None, "2026-04-07");

/// workerd's `deleteAllDeletesAlarm`: a Durable Object's `storage.deleteAll()` deletes its
/// alarm too.
pub const DELETE_ALL_DELETES_ALARM: CompatFlag = CompatFlag::dated(
    "delete_all_deletes_alarm",
    Some("delete_all_preserves_alarm"),
    "2026-02-24",
);

/// workerd's `fetcherRpc`: a Durable Object stub (and any Fetcher) has a wildcard method, so
/// `stub.anyName(…)` is an RPC call.
pub const FETCHER_RPC: CompatFlag = CompatFlag::dated("rpc", Some("no_rpc"), "2024-04-03");

/// workerd's `nodeJsCompat`: the `node:*` modules.
pub const NODEJS_COMPAT: CompatFlag =
    CompatFlag::dated("nodejs_compat", Some("no_nodejs_compat"), "2026-08-04");

/// workerd's `nodeJsCompatV2`: with it the `node:*` modules import without their prefix too,
/// and `Buffer`, `process`, `global`, `setImmediate` are globals. Implies `nodejs_compat`.
pub const NODEJS_COMPAT_V2: CompatFlag = CompatFlag {
    implied_by: Some((&NODEJS_COMPAT, "2024-09-23")),
    ..CompatFlag::dated(
        "nodejs_compat_v2",
        Some("no_nodejs_compat_v2"),
        "2026-08-04",
    )
};

/// workerd's `nodeJsAls`: `node:async_hooks` alone, without the rest of `nodejs_compat`.
pub const NODEJS_ALS: CompatFlag = CompatFlag {
    enable: "nodejs_als",
    disable: Some("no_nodejs_als"),
    from_date: None,
    implied_by: None,
};

/// workerd's `populateProcessEnv`: `process.env` holds the Worker's text bindings.
pub const NODEJS_POPULATE_PROCESS_ENV: CompatFlag = CompatFlag {
    enable: "nodejs_compat_populate_process_env",
    disable: Some("nodejs_compat_do_not_populate_process_env"),
    from_date: None,
    implied_by: Some((&NODEJS_COMPAT, "2025-04-01")),
};

/// workerd's `diagnosticsChannelHasSubscribersGetter`: `Channel.hasSubscribers` is a getter,
/// as in Node, rather than a method.
pub const DIAGNOSTICS_CHANNEL_HAS_SUBSCRIBERS_GETTER: CompatFlag = CompatFlag::dated(
    "diagnostics_channel_has_subscribers_getter",
    Some("no_diagnostics_channel_has_subscribers_getter"),
    "2026-05-19",
);

/// workerd's `enableGlobalPerformanceClasses`: `performance.mark`/`measure` and the entry
/// buffer, and `Performance`, `PerformanceEntry`, `PerformanceMark`, … as globals. (workerd
/// keeps them with nodejs_compat even when `disable_global_performance_classes` is set, so
/// edgesim offers no way off.)
pub const GLOBAL_PERFORMANCE_CLASSES: CompatFlag = CompatFlag {
    enable: "enable_global_performance_classes",
    disable: None,
    from_date: None,
    implied_by: Some((&NODEJS_COMPAT, "2026-03-17")),
};

/// workerd's `enableCtxExports`: `ctx.exports` and `exports` from `cloudflare:workers`.
pub const CTX_EXPORTS: CompatFlag = CompatFlag::dated(
    "enable_ctx_exports",
    Some("disable_ctx_exports"),
    "2025-11-17",
);

/// workerd's `workflowsPreserveNonRetryableErrorMessage`: an unhandled NonRetryableError
/// errors the instance with its own message rather than the engine's generic one.
pub const WORKFLOWS_PRESERVE_NON_RETRYABLE_ERROR_MESSAGE: CompatFlag = CompatFlag::dated(
    "workflows_preserve_non_retryable_error_message",
    Some("workflows_replace_non_retryable_error_message"),
    "2026-05-14",
);

/// workerd's `exposeGlobalMessageChannel`: `MessageChannel` and `MessagePort` as globals.
pub const GLOBAL_MESSAGE_CHANNEL: CompatFlag = CompatFlag::dated(
    "expose_global_message_channel",
    Some("no_expose_global_message_channel"),
    "2025-08-15",
);

/// workerd's `allowEvalDuringStartup`: `eval` and `new Function` while the Worker starts (they
/// are refused while it handles events either way; engine/code_generation.rs).
pub const ALLOW_EVAL_DURING_STARTUP: CompatFlag = CompatFlag::dated(
    "allow_eval_during_startup",
    Some("disallow_eval_during_startup"),
    "2025-06-01",
);

/// workerd's `setEventTargetThis`: a listener runs with the target as `this` (a handler object
/// with the object), rather than with none.
pub const SET_EVENT_TARGET_THIS: CompatFlag = CompatFlag::dated(
    "set_event_target_this",
    Some("no_set_event_target_this"),
    "2025-08-01",
);

/// workerd's experimental `experimentalAllowEvalAlways`: `eval` while handling events too.
pub const ALLOW_EVAL_ALWAYS: CompatFlag = CompatFlag {
    enable: "allow_insecure_inefficient_logged_eval",
    disable: None,
    from_date: None,
    implied_by: None,
};

/// workerd's experimental `serviceBindingExtraHandlers`: a binding to a Worker has its
/// `scheduled()` and `queue()` handlers too (for tests; edgesim gives them to a binding to the
/// Worker itself, its `ctx.exports.default`).
pub const SERVICE_BINDING_EXTRA_HANDLERS: CompatFlag = CompatFlag {
    enable: "service_binding_extra_handlers",
    disable: None,
    from_date: None,
    implied_by: None,
};

/// workerd's `throwOnNotImplementedTlsOptions`: `tls.connect()` and `new TLSSocket()` refuse
/// `checkServerIdentity`, which they cannot honour, rather than ignore it.
pub const THROW_ON_NOT_IMPLEMENTED_TLS_OPTIONS: CompatFlag = CompatFlag::dated(
    "throw_on_not_implemented_tls_options",
    Some("no_throw_on_not_implemented_tls_options"),
    "2026-06-16",
);

/// workerd's `enhancedErrorSerialization`: an error through structuredClone or RPC keeps its
/// own properties, and AggregateError is a type of its own (api/global_scope/serialize.js).
pub const ENHANCED_ERROR_SERIALIZATION: CompatFlag = CompatFlag::dated(
    "enhanced_error_serialization",
    Some("legacy_error_serialization"),
    "2026-04-21",
);

/// The flags the isolate reads (IsolateConfig::compat_flags): its JavaScript, and its start.
pub const JS_FLAGS: &[CompatFlag] = &[
    FETCHER_RPC,
    NODEJS_COMPAT,
    NODEJS_COMPAT_V2,
    NODEJS_ALS,
    NODEJS_POPULATE_PROCESS_ENV,
    DIAGNOSTICS_CHANNEL_HAS_SUBSCRIBERS_GETTER,
    GLOBAL_PERFORMANCE_CLASSES,
    CTX_EXPORTS,
    WORKFLOWS_PRESERVE_NON_RETRYABLE_ERROR_MESSAGE,
    GLOBAL_MESSAGE_CHANNEL,
    ALLOW_EVAL_DURING_STARTUP,
    ALLOW_EVAL_ALWAYS,
    SERVICE_BINDING_EXTRA_HANDLERS,
    SET_EVENT_TARGET_THIS,
    THROW_ON_NOT_IMPLEMENTED_TLS_OPTIONS,
    ENHANCED_ERROR_SERIALIZATION,
];

/// The date whose behaviour edgesim has where it does not switch by date: the one its recorded
/// workerd answers were taken at (conformance/reference/workerd).
pub const MODELLED_DATE: &str = "2026-04-20";

/// Dated behaviours of APIs edgesim implements, as workerd has them on from their dates up to
/// [`MODELLED_DATE`]: edgesim always has them on.
const ALWAYS_ON: &[&str] = &[
    "formdata_parser_supports_files",
    "fetch_refuses_unknown_protocols",
    "durable_object_fetch_requires_full_url",
    "streams_enable_constructors",
    "url_standard",
    "global_navigator",
    "transformstream_enable_standard_constructor",
    "r2_list_honor_include",
    "export_commonjs_default",
    "http_headers_getsetcookie",
    "urlsearchparams_delete_has_value_arg",
    "strict_crypto_checks",
    "queues_json_messages",
    "unwrap_custom_thenables",
    "blob_standard_mime_type",
    "fetch_standard_url",
    "set_tostring_tag",
    "upper_case_all_http_methods",
    "urlpattern_standard",
    "workers_api_getters_setters_on_prototype",
    "bind_asynclocalstorage_snapshot_to_request",
    "strip_bom_in_read_all_text",
    "require_returns_default_export",
    "text_decoder_replace_surrogates",
    "websocket_close_reason_byte_limit",
    "websocket_standard_binary_type",
    "writable_stream_spec_compliant_writer",
];

/// Dated behaviours of APIs edgesim implements that workerd turns on after [`MODELLED_DATE`]:
/// edgesim has them off.
const NOT_YET: &[&str] = &[];

/// Where a Worker at `date` differs from workerd because edgesim does not switch a behaviour by
/// date: one line for those edgesim keeps on too early, one for those it lacks.
fn unswitched_differences(date: &str, flags: &[String]) -> Vec<String> {
    let listed = |names: &[&str], on: bool| -> Vec<String> {
        names
            .iter()
            .filter_map(|name| catalog::find(name))
            .filter(|f| f.on_for(Some(date), flags) == on)
            // A disable flag the config sets has a warning of its own.
            .filter(|f| !f.disable.as_ref().is_some_and(|d| flags.contains(d)))
            .map(|f| format!("{} ({})", f.enable, f.date.as_deref().unwrap_or_default()))
            .collect()
    };
    let brief = |names: &[String]| {
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        match names.len() - shown.len() {
            0 => shown.join(", "),
            more => format!("{}, and {more} more", shown.join(", ")),
        }
    };
    let mut out = Vec::new();
    let early = listed(ALWAYS_ON, false);
    if !early.is_empty() {
        out.push(format!(
            "compatibility_date {date} predates {} behaviour(s) edgesim always has on ({}): where \
             the Worker relies on the old behaviour, edgesim differs from workerd",
            early.len(),
            brief(&early)
        ));
    }
    let missing = listed(NOT_YET, true);
    if !missing.is_empty() {
        out.push(format!(
            "compatibility_date {date} turns on {} behaviour(s) edgesim does not have yet ({}): \
             edgesim behaves as workerd did before them",
            missing.len(),
            brief(&missing)
        ));
    }
    out
}

/// What a config's date and flags are worth a word about: flags workerd does not know, flags
/// edgesim does not switch, experimental ones, ones the date makes redundant (workerd's own
/// warning), and a date old enough that edgesim runs dated behaviours workerd would leave off.
pub fn warnings(date: Option<&str>, flags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for flag in flags {
        // The asset router's own flags, which workerd never sees.
        if crate::assets::config::ASSET_FLAGS.contains(&flag.as_str()) {
            continue;
        }
        let Some(known) = catalog::find(flag) else {
            out.push(format!(
                "compatibility flag {flag:?} is not one workerd knows (as of {}; workerd refuses \
                 an unknown flag with \"No such compatibility flag: {flag}\"): ignored",
                catalog::CATALOG_DATE
            ));
            continue;
        };
        if known.experimental && *flag == known.enable {
            out.push(format!(
                "The compatibility flag {flag} is experimental and cannot yet be used in Workers \
                 deployed to Cloudflare."
            ));
        }
        if *flag == known.enable
            && let Some(from) = known
                .date
                .as_deref()
                .filter(|from| date.is_some_and(|d| d >= *from))
        {
            out.push(format!(
                "The compatibility flag {flag} became the default as of {from} so does not need \
                 to be specified anymore."
            ));
        }
        let always_on = ALWAYS_ON.contains(&known.enable.as_str());
        if always_on && known.disable.as_ref() == Some(flag) {
            out.push(format!(
                "compatibility flag {flag:?} turns off {}, which edgesim always has on: ignored",
                known.enable
            ));
        } else if !always_on && !IMPLEMENTED_FLAGS.contains(&flag.as_str()) {
            out.push(format!(
                "compatibility flag {flag:?} is not implemented by edgesim yet (ignored): the \
                 Worker runs as if it were not set"
            ));
        }
    }
    if let Some(d) = date {
        out.extend(unswitched_differences(d, flags));
    }
    out
}

/// What workerd refuses outright when it loads a Worker's date and flags.
pub use catalog::refusals;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each behaviour edgesim switches uses workerd's flag names, date and implications.
    #[test]
    fn every_switched_flag_matches_workerds_catalog() {
        let all = [
            WEAK_REF,
            WEB_SOCKET_AUTO_REPLY_TO_CLOSE,
            DELETE_ALL_DELETES_ALARM,
        ];
        for flag in all.iter().chain(JS_FLAGS) {
            let entry = catalog::find(flag.enable).unwrap_or_else(|| panic!("{}", flag.enable));
            assert_eq!(entry.enable, flag.enable);
            if let Some(disable) = flag.disable {
                assert_eq!(entry.disable.as_deref(), Some(disable), "{}", flag.enable);
            }
            assert_eq!(entry.date.as_deref(), flag.from_date, "{}", flag.enable);
            match (&entry.implied_by, flag.implied_by) {
                (Some((by, date)), Some((ours, our_date))) => {
                    let ours = catalog::find(ours.enable).unwrap();
                    assert!(by.contains(&ours.field), "{}", flag.enable);
                    assert_eq!(date, our_date, "{}", flag.enable);
                }
                (None, None) => {}
                (theirs, _) => panic!("{}: workerd says {theirs:?}", flag.enable),
            }
        }
        for name in IMPLEMENTED_FLAGS.iter().chain(ALWAYS_ON).chain(NOT_YET) {
            assert!(catalog::find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_date_far_from_the_modelled_one_names_the_behaviours_that_differ() {
        let w = warnings(Some("2021-11-05"), &["nodejs_compat".to_string()]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with(&format!(
                "compatibility_date 2021-11-05 predates {} behaviour(s) edgesim always has on \
                 (fetch_refuses_unknown_protocols (2021-11-10), \
                 durable_object_fetch_requires_full_url (2021-11-10), streams_enable_constructors \
                 (2022-11-30), and ",
                ALWAYS_ON.len() - 1
            )),
            "{}",
            w[0]
        );
        // A disable flag of a behaviour edgesim always has is named once, as ignored.
        assert_eq!(
            warnings(
                Some(MODELLED_DATE),
                &["formdata_parser_converts_files_to_strings".into()]
            ),
            [
                "compatibility flag \"formdata_parser_converts_files_to_strings\" turns off \
              formdata_parser_supports_files, which edgesim always has on: ignored"
            ]
        );
        assert!(warnings(Some("2026-05-01"), &[]).is_empty());
        assert!(warnings(Some(MODELLED_DATE), &[]).is_empty());
    }

    #[test]
    fn unknown_redundant_and_experimental_flags_are_named() {
        let flags = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            warnings(Some(MODELLED_DATE), &flags(&["no_such_flag", "rpc"])),
            [
                "compatibility flag \"no_such_flag\" is not one workerd knows (as of 2026-08-22; \
                 workerd refuses an unknown flag with \"No such compatibility flag: \
                 no_such_flag\"): ignored",
                "The compatibility flag rpc became the default as of 2024-04-03 so does not need \
                 to be specified anymore.",
            ]
        );
    }
}
