//! Short snippets of Worker code, answered by real workerd (recorded by
//! conformance/reference/workerd/snippets.mjs into `results/snippets-*.json`) and by edgesim:
//! the same outcome, the same error class and the same message, snippet by snippet.

use edgesim_conformance::reference::run_recorded_snippets;

/// Runs the recorded snippets of `name` in edgesim and compares every answer.
fn answers_as_workerd_does(name: &str) {
    answers_as_workerd_does_but(name, &[]);
}

/// As [`answers_as_workerd_does`], but for the snippets holding one of `known`'s texts, which
/// must differ — each for the reason given beside it — so that a fix is noticed.
fn answers_as_workerd_does_but(name: &str, known: &[(&str, &str)]) {
    let (recorded, ours) = run_recorded_snippets(name);
    let is_known = |snippet: &str| known.iter().any(|(part, _)| snippet.contains(part));
    let differences: Vec<String> = recorded
        .iter()
        .zip(&ours)
        .filter(|((snippet, theirs), ours)| (theirs == *ours) == is_known(snippet))
        .map(|((snippet, theirs), ours)| {
            let known = if is_known(snippet) {
                " (a known difference that did not occur)"
            } else {
                ""
            };
            format!("{snippet}{known}\n  workerd: {theirs}\n  edgesim: {ours}")
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{name}:\n{}",
        differences.join("\n")
    );
}

#[test]
fn request_and_response_refuse_a_non_dictionary_init_and_report_error_dispatches_an_error_event() {
    answers_as_workerd_does("constructors-and-report-error");
}

/// What workerd's own kv-test.js checks, against a real namespace: every type of `get`, bulk
/// gets and their refusals, `getWithMetadata` single and bulk, `list` pages, `put` values and
/// expirations, and no `deleteBulk` without its experimental flag.
#[test]
fn kv_answers_the_checks_of_workerds_kv_test_as_workerd_does() {
    answers_as_workerd_does_but(
        "kv-binding-tests",
        &[(
            "await env.KV.delete('success'); return",
            "production takes one write a second to a key, deletes too; Miniflare has no limit",
        )],
    );
}

/// What workerd's d1-api-test.js and d1-api-test-with-sessions.js check, against a real
/// database: results as objects, `raw()` with and without column names, `first(column)`,
/// batches, every bindable type, the write counters in `meta`, `exec`, and sessions.
#[test]
fn d1_answers_the_checks_of_workerds_d1_api_test_as_workerd_does() {
    answers_as_workerd_does_but(
        "d1-binding-tests",
        &[(
            "Object.keys(r.meta).sort()",
            "production's meta has the read-replication fields (served_by_primary, served_by_region, timings) that local D1 lacks",
        )],
    );
}

/// What workerd's queue-test.js checks of a producer: the four content types, per-message and
/// batch delays, and the refusals of bodies a content type cannot carry.
#[test]
fn queue_producers_answer_the_checks_of_workerds_queue_test_as_workerd_does() {
    let backlog = "production's metrics count the messages not yet delivered; local workerd reports none without a consumer";
    let limits = "production refuses a message over 128 KB, a batch over 100 messages or 256 KB (limits.mdx); local workerd does not";
    answers_as_workerd_does_but(
        "queue-binding-tests",
        &[
            (
                "send('abc', { contentType: 'text', delaySeconds: 2 })",
                backlog,
            ),
            (
                "contentType: 'v8', delaySeconds: 1 }], { delaySeconds: 2 })",
                backlog,
            ),
            ("send('x'.repeat(128 * 1000))", limits),
            ("length: 101 }", limits),
            ("'x'.repeat(100000)", limits),
        ],
    );
}

/// What workerd's cache-operations-test.js puts and matches, against a real cache: which
/// `Cache-Control`, `Expires` and `Set-Cookie` combinations are stored, what `match` and
/// `delete` answer with and without `ignoreMethod`, and conditional and range matches.
#[test]
fn the_cache_answers_the_checks_of_workerds_cache_operations_test_as_workerd_does() {
    answers_as_workerd_does_but(
        "cache-operations-tests",
        &[(
            "'put-proxy-revalidate'",
            "Cloudflare keeps a proxy-revalidate response fresh for its max-age (cache/concepts/cache-control); Miniflare's http-cache-semantics stores it as already stale",
        )],
    );
}

/// What workerd's actor-stub-test.js and actor-kv-test.js check: ids, a stub's own keys and
/// names, `getByName` and location hints, RPC to the object (a thrown non-Error included),
/// nullish jurisdictions, and every storage call in turn.
#[test]
fn durable_object_stubs_and_storage_answer_the_checks_of_workerds_actor_tests_as_workerd_does() {
    let jurisdictions = "workerd refuses every jurisdiction locally; production has eu, fedramp, fedramp-high and us (data-location.mdx), as edgesim does";
    answers_as_workerd_does_but(
        "durable-object-stub-tests",
        &[
            ("jurisdiction('mars')", jurisdictions),
            ("{ jurisdiction: 'mars' }", jurisdictions),
            ("jurisdiction('eu')", jurisdictions),
        ],
    );
}

/// What workerd's sync-kv-test.js checks of `ctx.storage.kv`, and more: reads seeing writes at
/// once, list options and their refusals, one open cursor at a time (a new list, synchronous
/// or not, cancels it), cursors that see later writes, values kept through a restart, the
/// asynchronous API seeing the synchronous one's writes and back, arguments refused as Web
/// IDL refuses them, and a class without SQLite refused.
#[test]
fn durable_object_sync_kv_answers_the_checks_of_workerds_sync_kv_test_as_workerd_does() {
    answers_as_workerd_does("durable-object-sync-kv");
}

/// The send_email binding and `EmailMessage`, as Miniflare's binding answers them locally with
/// the texts it gives as production's: which senders and recipients each configuration lets
/// through, and which raw messages are refused (no Message-ID, a `From` header that is not the
/// envelope's sender, a `Received` header), each sent message answered with a Message-ID at
/// the sender's domain; also a message built from fields.
#[test]
fn send_email_bindings_check_senders_recipients_and_headers_as_miniflare_does() {
    let message = "Miniflare's local EmailMessage is a plain object carrying the raw message under a string key it lists; production's is workerd's class, and edgesim's lists only `from` and `to`";
    let display = "Miniflare 4.20260426 compares a builder's `\"Name\" <address>` whole; workers-sdk since takes the address out of it, as edgesim does";
    let no_to = "a builder with only `cc` is a message the docs allow (EmailDestinations); Miniflare 4.20260426 fails on the missing `to`";
    answers_as_workerd_does_but(
        "send-email",
        &[
            ("return [m.from, m.to, Object.keys(m)", message),
            ("'\"One\" <one@example.com>'", display),
            ("send({ from: 'sender@example.com', cc:", no_to),
        ],
    );
}

/// Errors through structuredClone and RPC from compatibility date 2026-04-21
/// (`enhanced_error_serialization`): own properties, `cause` and `name` kept (enumerable),
/// AggregateError and its errors, a property that cannot be cloned refused, a message that is
/// not a string refused; and before it, as V8 serialized errors: type and message (and a
/// non-enumerable `cause`) only.
#[test]
fn errors_keep_their_own_properties_through_structured_clone_from_2026_04_21_as_in_workerd() {
    let remote = "an error thrown across RPC has no own `stack` in edgesim (its class, message and `remote` are as in workerd)";
    let known = [("getByName('errors').throw()", remote)];
    answers_as_workerd_does_but("error-serialization-enhanced", &known);
    answers_as_workerd_does_but("error-serialization-legacy", &known);
}

/// A DOMException's `code`, `name`, `message` and `stack` are its own enumerable properties, in
/// that order (JSON.stringify shows them), the first three read-only; its prototype holds only
/// the legacy constants; it is tagged `[object DOMException]`.
#[test]
fn dom_exception_fields_are_own_enumerable_properties_as_in_workerd() {
    answers_as_workerd_does("dom-exception-shape");
}

/// An error's `stack` as V8 writes it: the error's own line — its name as it is when the stack
/// is first read — above the frames, kept once written; a stack set stays as set and not
/// enumerable; `Error.captureStackTrace` writes the target's own line the same way.
#[test]
fn an_errors_stack_starts_with_its_own_line_as_v8_writes_it() {
    answers_as_workerd_does_but(
        "error-stack",
        &[
            (
                "e.message = 'b'; return",
                "V8 writes the message the error had when it was made; edgesim the one it has when the stack is first read",
            ),
            (
                "const d = Object.getOwnPropertyDescriptor(e, 'stack');",
                "V8 gives every error an own `stack` accessor; edgesim's is on Error.prototype until first read, then an own value",
            ),
        ],
    );
}

/// The messages of the errors the language itself throws, as V8 words them: reading or setting
/// a property of null or undefined, assigning a constant, a variable read before its
/// declaration, a private member the object lacks, `reduce` of an empty array, array lengths
/// and repeat counts, BigInt conversions and mixing, Symbol to string, malformed URIs.
#[test]
fn the_languages_own_errors_say_what_v8_says() {
    let source = "V8 names the value as the source wrote it (`o.nope`, `5`, `(intermediate value)`); QuickJS keeps no source text to name it with";
    answers_as_workerd_does_but(
        "error-messages",
        &[
            ("o.nope()", source),
            ("const f = 5; f()", source),
            ("for (const x of 5)", source),
            ("new (() => {})()", source),
            ("[...undefined]", source),
            (
                "null[Symbol.iterator]",
                "V8 words a read of Symbol.iterator as an iteration",
            ),
            (
                "Object.freeze({}), \"a\"",
                "V8 names the property and the object; QuickJS's message has neither",
            ),
            (
                "Object.freeze({a:1}).a = 2",
                "V8 names the property and the object; QuickJS's message has neither",
            ),
            ("const {a} = null", source),
        ],
    );
}

/// What workerd's r2-test.js checks, against a real bucket: objects' fields from put, get and
/// head, multipart uploads, lists with delimiters, includes and cursors, ranges, conditional
/// puts and gets, HTTP and custom metadata, storage classes, SSE-C and checksums.
#[test]
fn r2_answers_the_checks_of_workerds_r2_test_as_workerd_does() {
    let rate =
        "production takes one write a second to an object (10058); local workerd has no limit";
    let classes = "production reports the class an object was written with (Standard by default); local workerd reports an empty class";
    answers_as_workerd_does_but(
        "r2-binding-tests",
        &[
            ("await env.BUCKET.delete(['basicKey', 'basicKey2'])", rate),
            ("for (const [i, storageClass] of", classes),
            ("createMultipartUpload('classMultipart'", classes),
        ],
    );
}

/// The URL Standard's file URLs, as workerd's ada parses them: hosts before Windows drive
/// letters, empty path segments kept, backslashes as slashes, and setters on them.
#[test]
fn file_urls_keep_their_hosts_and_empty_path_segments_as_workerd_parses_them() {
    answers_as_workerd_does("url-file-cases");
}

#[test]
fn r2_put_accepts_only_streams_of_known_length() {
    answers_as_workerd_does("r2-put-streams");
}

#[test]
fn node_buffer_encodes_decodes_and_refuses_as_workerd_does() {
    answers_as_workerd_does("node-buffer");
}

#[test]
fn node_tls_http2_sqlite_test_mock_and_path_win32_answer_as_workerd_does() {
    answers_as_workerd_does("node-late-modules");
}

#[test]
fn node_crypto_secret_keys_and_primes_are_made_and_refused_as_workerd_does() {
    answers_as_workerd_does("node-crypto-primes");
}

#[test]
fn node_crypto_rsa_encrypts_decrypts_and_refuses_as_workerd_does() {
    answers_as_workerd_does("node-crypto-rsa-cipher");
}

/// Finite-field Diffie-Hellman answers as workerd's does, key for key. workerd 1.20260426's ECDH
/// fails wherever it must encode a point it made or compressed ("Failed to get public key
/// length") and derives no ECDH secret from KeyObjects; edgesim does what Node does there (and
/// what workerd's own code means to), and names the key types it cannot use rather than
/// reporting an internal error.
#[test]
fn node_crypto_diffie_hellman_and_ecdh_agree_and_refuse_as_workerd_does() {
    let broken_point_encoding = "workerd cannot encode ECDH points it generated or compresses";
    answers_as_workerd_does_but(
        "node-crypto-dh",
        &[
            (
                "createECDH('prime256v1'); const pub = e.generateKeys()",
                broken_point_encoding,
            ),
            (
                "createECDH('secp384r1'); const pub = e.generateKeys()",
                broken_point_encoding,
            ),
            (
                "createECDH('secp521r1'); const pub = e.generateKeys()",
                broken_point_encoding,
            ),
            (
                "createECDH('secp224r1'); const pub = e.generateKeys()",
                broken_point_encoding,
            ),
            (
                "e.setPrivateKey(Buffer.alloc(32, 7)); return [e.getPublicKey('hex'),",
                broken_point_encoding,
            ),
            (
                "e.setPrivateKey(Buffer.alloc(32, 9)); const comp",
                broken_point_encoding,
            ),
            (
                "namedCurve: 'prime256v1' }); const x = c.diffieHellman",
                "workerd derives no EC secret from KeyObjects",
            ),
            (
                "const priv = c.createPrivateKey({ key: jwkPriv",
                "workerd derives no EC secret from KeyObjects",
            ),
            (
                "generateKeyPairSync('ed25519'); c.diffieHellman",
                "workerd reports an internal error",
            ),
            (
                "modulusLength: 512 }); c.diffieHellman",
                "workerd reports an internal error",
            ),
        ],
    );
}

/// X509Certificate answers as workerd's does for an RSA CA, an EC leaf with every kind of
/// alternative name and access information, and an Ed25519 certificate with a multi-valued RDN.
/// workerd 1.20260426 fails on a certificate with extended key usages (`keyUsage`,
/// `toLegacyObject`: an internal error), finds no private key to match any certificate, and
/// tells a key from a certificate apart from the same key; edgesim does what Node does.
#[test]
fn node_crypto_x509_certificates_read_check_and_verify_as_workerd_does() {
    let crashes = "workerd fails on extended key usages";
    answers_as_workerd_does_but(
        "node-crypto-x509",
        &[
            (
                "X509Certificate(P.leaf); return Object.fromEntries(",
                crashes,
            ),
            (
                "X509Certificate(P.leaf); const o = x.toLegacyObject();",
                crashes,
            ),
            (
                "const x = new c.X509Certificate(P.leaf); const v = x.keyUsage;",
                crashes,
            ),
            (
                "new c.X509Certificate(P.leaf).toLegacyObject(); return Object.keys(o)",
                crashes,
            ),
            (
                "return [x.checkPrivateKey(c.createPrivateKey(K.leaf))",
                "workerd matches no private key",
            ),
            (
                "k.equals(new c.X509Certificate(P.ca).publicKey)",
                "workerd's key from a certificate equals no other",
            ),
        ],
    );
}

#[test]
fn node_crypto_certificate_reads_and_verifies_spkacs_as_workerd_does() {
    answers_as_workerd_does("node-crypto-spkac");
}

/// Private keys under a passphrase open and seal as in workerd: PKCS #8 PBES2 (PBKDF2 with
/// HMAC-SHA256 or -SHA1, AES-CBC), the PKCS #12 scheme old OpenSSL wrote by default
/// (pbeWithSHAAnd3-KeyTripleDES-CBC) and OpenSSL's traditional encrypted PEM, in PEM and DER.
#[test]
fn node_crypto_encrypted_private_keys_open_and_seal_as_workerd_does() {
    answers_as_workerd_does("node-crypto-key-extras");
}

/// The other schemes BoringSSL reads a private key under, as workerd reads them: PBES2 with
/// triple DES, and PKCS #12's (SHA-1 with triple DES, RC4 or 40-bit RC2) with a passphrase that
/// is UTF-8 beyond ASCII (hashed as a BMPString) or not UTF-8 at all (refused); and RSA-OAEP
/// labels of any bytes, Node's own ciphertext under one included.
#[test]
fn node_crypto_key_schemes_and_binary_oaep_labels_as_workerd_reads_them() {
    answers_as_workerd_does("node-crypto-key-schemes");
}

/// RSA signature paddings as workerd applies them: Sign and Verify take PKCS #1 v1.5 and PSS
/// (BoringSSL's salt lengths: the digest's by default, -2 the most or what the signature shows)
/// and refuse the others with BoringSSL's failures, while the one-shot `sign`/`verify` check
/// the options and then sign PKCS #1 v1.5 whatever they say. PSS signatures Node made verify.
#[test]
fn node_crypto_rsa_signature_paddings_as_workerd_applies_them() {
    answers_as_workerd_does("node-crypto-sign-paddings");
}

#[test]
fn node_crypto_dh_key_pairs_generate_agree_and_refuse_export_as_workerd_does() {
    answers_as_workerd_does("node-crypto-dh-keys");
}

#[test]
fn node_events_emit_in_order_and_fail_with_node_error_texts() {
    answers_as_workerd_does("node-events");
}

#[test]
fn node_util_inspects_and_formats_as_workerd_does() {
    answers_as_workerd_does("node-util");
}

#[test]
fn node_path_process_string_decoder_and_timers_answer_as_workerd_does() {
    answers_as_workerd_does("node-path-process");
}

#[test]
fn async_local_storage_follows_await_timers_and_microtasks_as_workerd_does() {
    answers_as_workerd_does("node-async-hooks");
}

#[test]
fn without_nodejs_compat_there_are_no_node_globals_and_node_imports_fail() {
    answers_as_workerd_does("node-flags");
}

#[test]
fn nodejs_als_alone_gives_async_hooks_and_nothing_else() {
    answers_as_workerd_does("node-als-only");
}

#[test]
fn nodejs_compat_without_v2_gives_prefixed_modules_but_no_globals() {
    answers_as_workerd_does("node-v1");
}

#[test]
fn node_crypto_hashes_derives_and_ciphers_as_workerd_does() {
    answers_as_workerd_does("node-crypto");
}

#[test]
fn node_crypto_cipher_info_key_object_from_and_node_constants_as_workerd_does() {
    answers_as_workerd_does("node-crypto-info");
}

#[test]
fn node_perf_hooks_and_the_performance_timeline_as_workerd_does() {
    answers_as_workerd_does("node-perf-hooks");
    answers_as_workerd_does("perf-classes-disabled");
}

#[test]
fn without_nodejs_compat_performance_has_only_now_and_time_origin() {
    answers_as_workerd_does("perf-without-compat");
}

#[test]
fn node_streams_buffer_flow_pipe_and_finish_as_workerd_does() {
    answers_as_workerd_does("node-stream");
}

#[test]
fn node_zlib_compresses_byte_for_byte_as_workerd_does() {
    answers_as_workerd_does("node-zlib");
}

#[test]
fn node_url_querystring_and_punycode_parse_and_format_as_workerd_does() {
    answers_as_workerd_does("node-url");
}

#[test]
fn node_diagnostics_channel_publishes_runs_stores_and_traces_as_workerd_does() {
    answers_as_workerd_does("node-diagnostics");
}

#[test]
fn node_assert_compares_strictly_and_words_failures_as_workerd_does() {
    answers_as_workerd_does("node-assert");
}

#[test]
fn node_os_stream_consumers_and_old_stream_names_answer_as_workerd_does() {
    answers_as_workerd_does("node-os-misc");
}

#[test]
fn node_module_lists_builtins_and_create_require_loads_only_them_as_workerd_does() {
    answers_as_workerd_does("node-module");
}

#[test]
fn node_crypto_asymmetric_keys_sign_and_verify_as_workerd_does() {
    answers_as_workerd_does("node-crypto-keys");
}

#[test]
fn node_modules_behind_their_own_flags_are_absent_before_their_dates() {
    answers_as_workerd_does("node-module-flags");
}

#[test]
fn a_node_module_flag_turns_its_module_on_or_off_whatever_the_date() {
    answers_as_workerd_does("node-module-flags-off");
}

#[test]
fn node_child_process_cluster_domain_trace_events_and_wasi_check_and_refuse_as_workerd_does() {
    answers_as_workerd_does("node-stubs");
}

#[test]
fn node_dgram_readline_repl_and_inspector_answer_as_workerd_does() {
    answers_as_workerd_does("node-stubs-io");
}

#[test]
fn node_tty_v8_vm_and_worker_threads_check_and_refuse_as_workerd_does() {
    answers_as_workerd_does("node-tty-v8-vm-worker-threads");
}

#[test]
fn message_channel_ports_clone_hold_and_deliver_as_workerd_does() {
    answers_as_workerd_does("message-channel");
}

#[test]
fn before_2025_08_15_there_is_no_global_message_channel() {
    answers_as_workerd_does("message-channel-before-2025-08-15");
}

#[test]
fn eval_and_the_function_constructors_are_refused_while_handling_a_request() {
    answers_as_workerd_does("eval");
}

#[test]
fn webassembly_objects_traps_and_link_errors_answer_with_v8s_values_and_messages() {
    answers_as_workerd_does_but(
        "webassembly",
        &[
            // wasmi traps with one code for both; V8 tells them apart.
            (
                "return x.rem(1, 0)",
                "a remainder by zero traps as a division by zero",
            ),
            (
                "return x.trunc(1e20)",
                "a float too large to truncate traps as a division overflow",
            ),
            // wasmi does not tell a table's function its index in its module.
            (
                "x.table.get(1)]",
                "a function read from a table has no name",
            ),
            // JS Promise Integration is not implemented.
            (
                "Object.keys(WebAssembly).join()",
                "WebAssembly.promising is missing",
            ),
        ],
    );
}

#[test]
fn sqlite_allows_only_workerds_pragmas_functions_modules_and_limits() {
    answers_as_workerd_does_but(
        "sql-authorizer",
        &[
            (
                "PRAGMA data_version\");",
                "workerd's own connection has written once before the user's first statement",
            ),
            (
                "unistr('a\\\\u0062')\");",
                "SQLite 3.50 has unistr(), which workerd 1.20260426's older SQLite lacks; a later \
                 workerd (1.20261123, recorded by hand) refuses it as edgesim does",
            ),
            (
                "CREATE VIRTUAL TABLE _cf_f USING fts5(body)\");",
                "workerd 1.20260426 checks only the shadow tables' names; a later workerd refuses \
                 the table's own name first, as edgesim does",
            ),
        ],
    );
}

#[test]
fn node_fs_reads_writes_and_refuses_in_the_virtual_file_system_as_workerd_does() {
    answers_as_workerd_does("node-fs");
}

#[test]
fn before_2025_09_15_node_fs_needs_its_own_flag() {
    answers_as_workerd_does("node-fs-before-2025-09-15");
}

#[test]
fn event_target_dispatches_to_the_listeners_it_had_and_validates_as_workerd_does() {
    answers_as_workerd_does("events");
}

#[test]
fn the_platform_s_streams_read_as_workerd_s_internal_streams() {
    answers_as_workerd_does("streams-internal");
}

#[test]
fn form_data_iterates_live_and_refuses_malformed_bodies_as_workerd_does() {
    answers_as_workerd_does("form-data");
}

#[test]
fn url_blob_encoding_crypto_and_abort_signal_details_match_workerd() {
    answers_as_workerd_does("web-details");
}

#[test]
fn fetch_answers_a_data_url_from_the_url_itself() {
    answers_as_workerd_does("fetch-data-url");
}

#[test]
fn node_util_inspects_blobs_and_files_by_their_properties() {
    answers_as_workerd_does("blob-inspect");
}
