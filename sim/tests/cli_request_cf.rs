//! `edgesim fetch --ip ADDR --cf JSON`: the client's address and `request.cf` fields, over what
//! the edge fills for a client in the colo's city.

use std::path::Path;
use std::process::Command;

#[test]
fn fetch_sets_the_clients_address_and_request_cf_fields() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edgesim-cli-cf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("echo.js"),
        "export default { fetch(request) {\n\
           const { colo, country, city, asn } = request.cf;\n\
           const h = (n) => request.headers.get(n);\n\
           return new Response([colo, country, city, asn, h('cf-connecting-ip'), h('cf-ipcountry')].join(' '));\n\
         } };",
    )
    .unwrap();
    let body = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_edgesim"))
            .args(["fetch", "echo.js"])
            .args(args)
            .current_dir(Path::new(&dir))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.split("\r\n\r\n")
            .nth(1)
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    assert_eq!(
        body(&["--colo", "NRT", "--ip", "203.0.113.9"]),
        "NRT JP Tokyo 2516 203.0.113.9 JP"
    );
    assert_eq!(
        body(&[
            "--colo",
            "NRT",
            "--ip",
            "203.0.113.9",
            "--cf",
            r#"{"country":"KR","asn":4766}"#
        ]),
        "NRT KR Tokyo 4766 203.0.113.9 KR"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["fetch", "echo.js", "--cf", "[1]"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --cf \"[1]\": expected a JSON object, e.g. '{\"country\":\"DE\"}'\n"
    );
}
