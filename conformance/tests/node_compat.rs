//! nodejs_compat behaviour the recorded snippets cannot show (differential_snippets.rs has
//! those): how a Worker's flags and date decide what loads, how `require` of a built-in runs in
//! an npm package, AsyncLocalStorage across a request's life, and process.exit.

use edgesim_conformance::{Project, Run, body_text, get, js};
use edgesim_runtime::Outcome;

/// A Worker's wrangler.toml with `nodejs_compat` at 2026-04-20 (node:fs and node:http's server on).
const NODEJS_COMPAT_CONFIG: &str = "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n\
                                    compatibility_flags = ['nodejs_compat']\n";

const PROBE: &str =
    "export default { fetch() { return Response.json([typeof Buffer, typeof process]); } };";

#[test]
fn nodejs_compat_is_on_by_default_from_2026_08_04_as_in_workerd() {
    for (date, expected) in [("2026-08-03", "undefined"), ("2026-08-04", "function")] {
        let p = Project::with(
            &format!("node-date-{date}"),
            &[
                (
                    "wrangler.toml",
                    &format!("name = 'app'\nmain = 'index.js'\ncompatibility_date = '{date}'\n"),
                ),
                ("index.js", PROBE),
            ],
        );
        assert_eq!(p.answer().unwrap()[0], expected, "{date}");
    }
    // From that date nodejs_compat_v2 is on by date too, and implies nodejs_compat: turning the
    // behaviour off takes both flags off.
    for (flags, expected) in [
        ("['no_nodejs_compat']", "function"),
        ("['no_nodejs_compat', 'no_nodejs_compat_v2']", "undefined"),
    ] {
        let p = Project::with(
            "node-date-off",
            &[
                (
                    "wrangler.toml",
                    &format!(
                        "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-09-01'\n\
                         compatibility_flags = {flags}\n"
                    ),
                ),
                ("index.js", PROBE),
            ],
        );
        assert_eq!(p.answer().unwrap()[0], expected, "{flags}");
    }
}

#[test]
fn without_the_flag_a_node_import_fails_the_load_and_names_the_flag() {
    let p = Project::with(
        "node-no-flag",
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n",
            ),
            (
                "index.js",
                "import { Buffer } from 'node:buffer';\nexport default { fetch() { return new Response(''); } };",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap_err(),
        "index.js:1:24: No such module \"node:buffer\": Node.js built-ins need the \"nodejs_compat\" \
         compatibility flag"
    );
}

#[test]
fn a_commonjs_package_requiring_builtins_gets_their_default_exports() {
    let p = Project::with(
        "node-cjs-require",
        &[
            ("wrangler.toml", NODEJS_COMPAT_CONFIG),
            (
                "index.js",
                "import Ticker from 'ticker';\nexport default { fetch() {\n\
                 const t = new Ticker(); let n = 0; t.on('tick', () => n++); t.tick(); t.tick();\n\
                 return Response.json([n, t.id, Ticker.isEmitter]); } };",
            ),
            (
                "node_modules/ticker/package.json",
                r#"{"name":"ticker","main":"index.js"}"#,
            ),
            (
                "node_modules/ticker/index.js",
                "const EventEmitter = require('events');\nconst { Buffer } = require('node:buffer');\n\
                 class Ticker extends EventEmitter {\n  constructor() { super(); this.id = Buffer.from('tick').toString('hex'); }\n\
                 tick() { this.emit('tick'); }\n}\nTicker.isEmitter = typeof EventEmitter.once === 'function';\n\
                 module.exports = Ticker;\n",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        serde_json::json!([2, "7469636b", true])
    );
}

#[test]
fn async_local_storage_follows_a_request_into_wait_until_after_the_response() {
    let w = js("import { AsyncLocalStorage } from 'node:async_hooks';
        const als = new AsyncLocalStorage();
        export default { fetch(req, env, ctx) {
          return als.run(new URL(req.url).pathname, async () => {
            ctx.waitUntil(scheduler.wait(100).then(() => console.log('later:', als.getStore())));
            await scheduler.wait(10);
            return new Response(als.getStore());
          });
        } };");
    let xs = Run::default()
        .sequence(
            &w,
            vec![get("https://example.com/a"), get("https://example.com/b")],
            1,
        )
        .unwrap();
    assert_eq!(body_text(&xs[0].response), "/a");
    assert_eq!(body_text(&xs[1].response), "/b");
    let logs: Vec<&str> = xs
        .iter()
        .flat_map(|x| x.report.logs.iter().map(|l| l.message.as_str()))
        .collect();
    assert_eq!(logs, ["later: /a", "later: /b"]);
}

#[test]
fn process_exit_fails_the_request_uncatchably_and_the_isolate_serves_on() {
    let w = js("export default { async fetch(req) {
        if (new URL(req.url).pathname === '/exit') {
          await null;
          try { process.exit(3); } catch (e) { return new Response('caught'); }
          return new Response('went on');
        }
        return new Response('still here');
      } };");
    let xs = Run::default()
        .sequence(
            &w,
            vec![get("https://example.com/exit"), get("https://example.com/")],
            1,
        )
        .unwrap();
    assert_eq!(xs[0].response.status, 500);
    assert_eq!(xs[0].report.outcome, Outcome::Exception);
    assert_eq!(
        xs[0].report.logs[0].message,
        "Uncaught Error: The Node.js process.exit(3) API was called. Canceling the request."
    );
    assert_eq!(body_text(&xs[1].response), "still here");
}

#[test]
fn process_env_holds_text_bindings_unless_the_flag_says_not_to() {
    for (flags, expected) in [
        (
            "['nodejs_compat']",
            serde_json::json!({"NAME": "edge", "SECRET": "s3"}),
        ),
        (
            "['nodejs_compat', 'nodejs_compat_do_not_populate_process_env']",
            serde_json::json!({}),
        ),
    ] {
        let p = Project::with(
            "node-env",
            &[
                (
                    "wrangler.toml",
                    &format!(
                        "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n\
                         compatibility_flags = {flags}\n[vars]\nNAME = 'edge'\nCOUNT = 3\n"
                    ),
                ),
                (".dev.vars", "SECRET=s3\n"),
                (
                    "index.js",
                    "export default { fetch() { return Response.json({ ...process.env }); } };",
                ),
            ],
        );
        assert_eq!(p.answer().unwrap(), expected, "{flags}");
    }
}

#[test]
fn process_stdout_and_stderr_write_whole_lines_to_the_log() {
    let w = js("export default { fetch() {
        process.stdout.write('out line\\n');
        process.stdout.write('partial ');
        process.stdout.write('rest\\n');
        process.stderr.write('err line\\n');
        return new Response('ok');
      } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    let logs: Vec<(&str, &str)> = x
        .report
        .logs
        .iter()
        .map(|l| (l.level.as_str(), l.message.as_str()))
        .collect();
    assert_eq!(
        logs,
        [
            ("log", "stdout: out line"),
            ("log", "stdout: partial rest"),
            ("error", "stderr: err line")
        ]
    );
}

#[test]
fn key_derivation_past_the_cpu_limit_ends_the_request_as_exceeded_cpu_without_running_it() {
    // 2³¹−1 PBKDF2 rounds would take the host half an hour; the CPU it stands for is charged
    // first, and the request ends as production's would, at once.
    let w = js("import { pbkdf2Sync } from 'node:crypto';
        export default { fetch() {
          try { pbkdf2Sync('pw', 'salt', 2147483647, 32, 'sha256'); } catch (e) { return new Response('caught'); }
          return new Response('done');
        } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    assert_eq!(x.response.status, 503);
}

#[test]
fn a_private_key_asking_for_a_hundred_million_key_derivation_rounds_ends_the_request_as_exceeded_cpu()
 {
    // A PKCS #12 (SHA-1, triple DES) encrypted key whose parameters ask for 100,000,000
    // iterations, BoringSSL's largest: opening it is charged from the count it states, before
    // any hashing, so the request ends as production's would rather than holding the host.
    let w = js("import { createPrivateKey } from 'node:crypto';
        const der = Buffer.from('303230' + '1e060a2a864886f70d010c0103' + '3010040801020304050607080204' +
          '05f5e100' + '0410' + '00'.repeat(16), 'hex');
        export default { fetch() {
          try { createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: 'pw' }); }
          catch (e) { return new Response('caught ' + e.message); }
          return new Response('opened');
        } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.outcome, Outcome::ExceededCpu);
    assert_eq!(x.response.status, 503);
}

/// workerd's `/tmp` is the request's own: what one request wrote, the next one (same isolate)
/// does not see.
#[test]
fn node_fs_tmp_belongs_to_the_request_that_wrote_it() {
    let p = Project::with(
        "node-fs-tmp",
        &[
            ("wrangler.toml", NODEJS_COMPAT_CONFIG),
            (
                "index.js",
                "import fs from 'node:fs';\nexport default { fetch(req) {\n\
                 if (req.url.endsWith('/write')) fs.writeFileSync('/tmp/note.txt', 'mine');\n\
                 return Response.json(fs.readdirSync('/tmp')); } };",
            ),
        ],
    );
    let worker = p.worker(None).unwrap();
    let out = Run::default()
        .sequence(
            &worker,
            vec![get("https://x/write"), get("https://x/read")],
            10,
        )
        .unwrap();
    let lists: Vec<String> = out.iter().map(|x| body_text(&x.response)).collect();
    assert_eq!(lists, ["[\"note.txt\"]", "[]"]);
}

/// A response whose body stream stops with nothing left to write more: the caller gets the head
/// and the bytes written so far, and the request ends in workerd's hang error (recorded with
/// Express: differential_node_projects.rs).
#[test]
fn a_response_body_that_stops_half_way_reaches_the_caller_and_the_request_ends_as_hung() {
    let x = Run::default()
        .fetch(
            &js("export default { fetch() {\n\
                 const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('partial')); } });\n\
                 return new Response(body, { headers: { 'content-type': 'text/plain' } }); } };"),
            get("https://x/"),
        )
        .unwrap();
    assert_eq!(
        (x.response.status, body_text(&x.response)),
        (200, "partial".to_string())
    );
    assert_eq!(x.report.outcome, Outcome::Exception);
    assert_eq!(
        x.report.exception.as_deref(),
        Some(edgesim_runtime::engine::io_state::HUNG)
    );
}
