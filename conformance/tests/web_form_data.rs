//! FormData and form bodies as workerd parses and serialises them (form-data.c++): multipart
//! and urlencoded, files, the LF-for-CRLF tolerance, and the texts of every parse error.

use edgesim_conformance::eval_json;
use serde_json::json;

#[test]
fn form_data_round_trips_through_a_multipart_request_body() {
    let v = eval_json(
        "const fd = new FormData();
         fd.append('name', 'Ann \"A\" Lee');
         fd.append('upload', new Blob(['file body'], { type: 'text/plain' }), 'notes.txt');
         fd.append('raw', new Blob([new Uint8Array([0, 255])]));
         const req = new Request('https://example.com/', { method: 'POST', body: fd });
         const type = req.headers.get('content-type');
         const back = await req.formData();
         const upload = back.get('upload'), raw = back.get('raw');
         return { multipart: type.startsWith('multipart/form-data; boundary=----edgesim-formdata-'),
                  name: back.get('name'), file: [upload instanceof File, upload.name, upload.type, await upload.text()],
                  raw: [raw.name, raw.type, Array.from(new Uint8Array(await raw.arrayBuffer()))],
                  keys: [...back.keys()] };",
    );
    assert_eq!(
        v,
        json!({ "multipart": true, "name": "Ann \"A\" Lee",
                "file": [true, "notes.txt", "text/plain", "file body"],
                "raw": ["raw", "application/octet-stream", [0, 255]],
                "keys": ["name", "upload", "raw"] })
    );
}

#[test]
fn form_data_methods_follow_the_spec() {
    let v = eval_json(
        "const fd = new FormData();
         fd.append('a', '1'); fd.append('b', '2'); fd.append('a', '3');
         const all = fd.getAll('a');
         fd.set('a', '4');
         const afterSet = [...fd];
         fd.delete('b');
         return { all, afterSet, has: [fd.has('a'), fd.has('b')], missing: fd.get('zzz'), tag: String(fd) };",
    );
    assert_eq!(
        v,
        json!({ "all": ["1", "3"], "afterSet": [["a", "4"], ["b", "2"]], "has": [true, false],
                "missing": null, "tag": "[object FormData]" })
    );
}

#[test]
fn urlencoded_bodies_parse_as_form_data() {
    let v = eval_json(
        "const r = new Response('a=1&b=two+words&a=%C3%A9', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
         const fd = await r.formData();
         return [fd.getAll('a'), fd.get('b')];",
    );
    assert_eq!(v, json!([["1", "é"], "two words"]));
}

#[test]
fn multipart_with_bare_line_feeds_is_accepted_as_workerd_does() {
    let v = eval_json(
        "const body = '--X\\ncontent-disposition: form-data; name=\"f\"\\n\\nvalue\\n--X--';
         const fd = await new Response(body, { headers: { 'content-type': 'multipart/form-data; boundary=X' } }).formData();
         return fd.get('f');",
    );
    assert_eq!(v, json!("value"));
}

#[test]
fn form_data_parse_errors_use_workerd_texts() {
    let v = eval_json(
        "const parse = async (body, type) => {
           try { await new Response(body, type === null ? {} : { headers: { 'content-type': type } }).formData(); return 'parsed'; }
           catch (e) { return `${e.name}: ${e.message}`; }
         };
         return [
           await parse('x', 'text/plain'),
           await parse('x', 'multipart/form-data'),
           await parse('no boundary here', 'multipart/form-data; boundary=X'),
           await parse('--X\\r\\ncontent-disposition: form-data; name=\"a\"\\r\\n\\r\\nunterminated', 'multipart/form-data; boundary=X'),
           await parse('--X\\r\\ncontent-disposition: form-data\\r\\n\\r\\nv\\r\\n--X--', 'multipart/form-data; boundary=X'),
           await parse('--X\\r\\ncontent-type: text/plain\\r\\n\\r\\nv\\r\\n--X--', 'multipart/form-data; boundary=X'),
           await parse('--Xjunk', 'multipart/form-data; boundary=X'),
         ];",
    );
    assert_eq!(
        v,
        json!([
            "TypeError: Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded",
            "TypeError: No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4.",
            "TypeError: No initial boundary string (or you have a truncated message).",
            "TypeError: No subsequent boundary string after multipart message.",
            "TypeError: Content-Disposition header in FormData part is missing a name.",
            "TypeError: No valid Content-Disposition header found in FormData part.",
            "TypeError: Boundary string was not succeeded by CRLF, LF, or '--'."
        ])
    );
}
