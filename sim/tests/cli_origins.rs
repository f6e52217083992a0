//! `edgesim fetch --origin HOST=PATH`: the Worker's `fetch()` to HOST reaches a directory of
//! files or a Worker acting as the origin; any other host fails as in production, and edgesim
//! says how to declare it.

use std::path::{Path, PathBuf};

use crate::common;

use common::edgesim_in as edgesim;

/// A proxy Worker (`/<host>/<path>` fetches `https://<host>/<path>` and answers its status and
/// body), an origin Worker and a directory of files.
fn project(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("edgesim-cli-origins-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("public/docs")).unwrap();
    let files = [
        (
            "proxy.js",
            "export default { async fetch(request) {\n\
               const u = new URL(request.url);\n\
               try {\n\
                 const r = await fetch('https:/' + u.pathname);\n\
                 return new Response(`${r.status} ${await r.text()}`);\n\
               } catch (e) { return new Response(`${e.name}: ${e.message}`); }\n\
             } };",
        ),
        (
            "origin.ts",
            "export default { fetch(request: Request): Response {\n\
               return Response.json({ from: 'origin', path: new URL(request.url).pathname });\n\
             } };",
        ),
        ("public/docs/a.txt", "a file\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn fetch(dir: &Path, url: &str, origins: &[&str]) -> (String, String) {
    let mut args = vec!["fetch", "proxy.js", url];
    for o in origins {
        args.extend(["--origin", o]);
    }
    let out = edgesim(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let body = stdout.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        body.trim_end().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fetch_origin_serves_a_directory_or_runs_a_worker_and_names_undeclared_hosts() {
    let dir = project("serves");
    let declared = [
        "files.example.com=public",
        "https://api.example.com/v1/=origin.ts",
    ];
    let (body, stderr) = fetch(
        &dir,
        "https://proxy/files.example.com/docs/a.txt",
        &declared,
    );
    assert_eq!((body.as_str(), stderr.as_str()), ("200 a file", ""));
    let (body, _) = fetch(&dir, "https://proxy/api.example.com/v1/users", &declared);
    assert_eq!(body, r#"200 {"from":"origin","path":"/v1/users"}"#);
    let (body, stderr) = fetch(&dir, "https://proxy/api.example.com/v2/users", &declared);
    assert_eq!(body, "TypeError: Network connection lost.");
    assert_eq!(
        stderr,
        "warning: fetch() to api.example.com: no origin is declared for it, so it failed as \
         production fails to reach a host (TypeError: Network connection lost.); declare it \
         with --origin api.example.com=PATH (a directory to serve, or a Worker), or pass \
         --network to reach the real host\n"
    );
}

#[test]
fn fetch_origin_refuses_a_malformed_declaration_with_exit_2() {
    let dir = project("refuses");
    let out = edgesim(&dir, &["fetch", "proxy.js", "--origin", "api.example.com"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --origin \"api.example.com\": expected HOST=PATH, e.g. api.example.com=./origin.js\n"
    );
    let out = edgesim(
        &dir,
        &["fetch", "proxy.js", "--origin", "api.example.com=nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: origin \"api.example.com\": ") && stderr.contains("nope"),
        "{stderr}"
    );
}

/// A one-request HTTP server on the loopback interface that answers with the request line it
/// read; its address.
fn loopback_server() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let body = request_line.trim_end();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 201 Created\r\ncontent-length: {}\r\nx-origin: real\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    });
    address
}

#[test]
fn fetch_network_sends_undeclared_hosts_to_the_real_network() {
    let dir = project("network");
    std::fs::write(
        dir.join("real.js"),
        "export default { async fetch(request) {\n\
           const r = await fetch(new URL(request.url).searchParams.get('to'));\n\
           return new Response(`${r.status} ${r.headers.get('x-origin')} ${await r.text()}`);\n\
         } };",
    )
    .unwrap();
    let server = loopback_server();
    let url = format!("https://proxy/?to=http://{server}/hello?x=1");
    let out = edgesim(&dir, &["fetch", "real.js", &url, "--network"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with("\r\n\r\n201 real GET /hello?x=1 HTTP/1.1\n"),
        "{stdout}"
    );
}
