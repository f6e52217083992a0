//! semantics.md §3: the R2 binding — objects with metadata and checksums, conditional and
//! ranged reads, listing with delimiters and cursors, multipart uploads, and the service's
//! error codes.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

fn run(body: &str) -> serde_json::Value {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\n[[r2_buckets]]\nbinding = 'B'\nbucket_name = 'b'\n",
    )
    .unwrap();
    let source = format!(
        "export default {{ async fetch(request, env) {{ const B = env.B;\n\
         try {{ return Response.json(await (async () => {{ {body} }})()); }}\n\
         catch (e) {{ return Response.json(`${{e.constructor.name}}: ${{e.message}}`); }} }} }};"
    );
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    body_json(&x.response)
}

#[test]
fn r2_put_then_get_returns_the_body_metadata_and_md5_etag() {
    let v = run(
        "await B.put('a.txt', 'hello', { httpMetadata: { contentType: 'text/plain' }, customMetadata: { k: 'v' } });
         const o = await B.get('a.txt');
         const h = new Headers(); o.writeHttpMetadata(h);
         return [await o.text(), o.size, o.etag, o.httpEtag, o.customMetadata, h.get('content-type'), o.constructor.name];",
    );
    assert_eq!(
        v,
        json!(["hello", 5, "5d41402abc4b2a76b9719d911017c592", "\"5d41402abc4b2a76b9719d911017c592\"", {"k": "v"}, "text/plain", "GetResult"])
    );
}

#[test]
fn r2_failed_get_precondition_returns_the_object_without_a_body() {
    let v = run("await B.put('a', 'x');
         const o = await B.get('a', { onlyIf: { etagMatches: 'nope' } });
         return [o.constructor.name, 'body' in o, o.key];");
    assert_eq!(v, json!(["HeadResult", false, "a"]));
}

#[test]
fn r2_failed_put_precondition_returns_null_and_stores_nothing() {
    let v = run(
        "await B.put('a', 'first');
         const r = await B.put('a', 'second', { onlyIf: { etagDoesNotMatch: (await B.head('a')).etag } });
         return [r, await (await B.get('a')).text()];",
    );
    assert_eq!(v, json!([null, "first"]));
}

#[test]
fn r2_ranges_read_offset_length_and_suffix_and_refuse_the_unsatisfiable() {
    let v = run(
        "await B.put('t', '0123456789');
         const read = async (range) => { const o = await B.get('t', { range }); return [o.range.offset, o.range.length, await o.text()]; };
         let e; try { await B.get('t', { range: { offset: 10 } }); } catch (x) { e = x.message; }
         return [await read({ offset: 2, length: 3 }), await read({ suffix: 4 }), await read({ offset: 5, length: 100 }), e];",
    );
    assert_eq!(
        v,
        json!([
            [2, 3, "234"],
            [6, 4, "6789"],
            [5, 5, "56789"],
            "get: The requested range is not satisfiable (10039)"
        ])
    );
}

#[test]
fn r2_list_groups_by_delimiter_and_pages_with_a_cursor() {
    let v = run(
        "for (const k of ['a/1', 'a/2', 'b', 'c', 'd']) await B.put(k, 'x');
         const grouped = await B.list({ delimiter: '/' });
         const p1 = await B.list({ limit: 2 });
         const p2 = await B.list({ limit: 2, cursor: p1.cursor });
         return [grouped.objects.map((o) => o.key), grouped.delimitedPrefixes,
                 p1.objects.map((o) => o.key), p1.truncated, p2.objects.map((o) => o.key)];",
    );
    assert_eq!(
        v,
        json!([["b", "c", "d"], ["a/"], ["a/1", "a/2"], true, ["b", "c"]])
    );
}

#[test]
fn r2_put_with_a_wrong_checksum_is_refused() {
    let v = run("return await B.put('m', 'x', { md5: new Uint8Array(16).buffer });");
    assert_eq!(
        v,
        json!(
            "Error: put: The MD5 checksum you specified did not match what we received.\nYou provided a MD5 checksum with value: 00000000000000000000000000000000\nActual MD5 was: 9dd4e461268c8034f5c8564e155c67a6 (10037)"
        )
    );
}

#[test]
fn r2_multipart_etag_is_the_md5_of_the_part_md5s_and_the_part_count() {
    let v = run(
        "const mpu = await B.createMultipartUpload('big');
         const p1 = await mpu.uploadPart(1, new Uint8Array(5 * 1024 * 1024).fill(97));
         const p2 = await mpu.uploadPart(2, 'tail');
         const done = await mpu.complete([p1, p2]);
         return [done.etag, done.size, await (await B.get('big', { range: { suffix: 4 } })).text()];",
    );
    assert_eq!(
        v,
        json!(["30dcfd3901d1c613b7fb532281748544-2", 5_242_884, "tail"])
    );
}

#[test]
fn r2_multipart_parts_but_the_last_must_be_at_least_5_mib() {
    let v = run("const mpu = await B.createMultipartUpload('small');
         const parts = [await mpu.uploadPart(1, 'a'), await mpu.uploadPart(2, 'b')];
         return await mpu.complete(parts);");
    assert_eq!(
        v,
        json!(
            "Error: completeMultipartUpload: Your proposed upload is smaller than the minimum allowed object size. (10011)"
        )
    );
}

#[test]
fn r2_part_numbers_run_from_1_to_10000() {
    let v = run(
        "const mpu = await B.createMultipartUpload('p'); return await mpu.uploadPart(10001, 'x');",
    );
    assert_eq!(
        v,
        json!(
            "TypeError: Part number must be between 1 and 10000 (inclusive). Actual value was: 10001"
        )
    );
}

#[test]
fn r2_keys_over_1024_bytes_are_not_valid() {
    assert_eq!(
        run("return await B.put('k'.repeat(1025), 'x');"),
        json!("Error: put: The specified object name is not valid. (10020)")
    );
}

#[test]
fn r2_second_write_to_an_object_name_within_a_second_gets_10058() {
    let v = run("await B.put('k', '1');
         const refused = async (f) => { try { await f(); return 'ok'; } catch (e) { return e.message; } };
         const put = await refused(() => B.put('k', '2'));
         const del = await refused(() => B.delete('k'));
         const other = await refused(() => B.put('other', 'x'));
         await scheduler.wait(1000);
         await B.put('k', '3');
         return [put, del, other, await (await B.get('k')).text()];");
    assert_eq!(
        v,
        json!([
            "put: Reduce your concurrent request rate for the same object. (10058)",
            "delete: Reduce your concurrent request rate for the same object. (10058)",
            "ok",
            "3"
        ])
    );
}

#[test]
fn r2_one_bucket_name_in_two_jurisdictions_is_two_buckets() {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\n\
         [[r2_buckets]]\nbinding = 'PLAIN'\nbucket_name = 'b'\n\
         [[r2_buckets]]\nbinding = 'EU'\nbucket_name = 'b'\njurisdiction = 'eu'\n\
         [[r2_buckets]]\nbinding = 'EU_TOO'\nbucket_name = 'b'\njurisdiction = 'eu'\n",
    )
    .unwrap();
    let source = "export default { async fetch(request, env) {
         await env.EU.put('k', 'in the EU');
         const plain = await env.PLAIN.get('k');
         const eu = await env.EU_TOO.get('k');
         return Response.json([plain, await eu.text()]); } };";
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body_json(&x.response), json!([null, "in the EU"]));
}

#[test]
fn r2_unknown_jurisdiction_is_a_config_error_at_its_line() {
    let e = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\n[[r2_buckets]]\nbinding = 'B'\njurisdiction = 'mars'\n",
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        e.starts_with("wrangler.toml:4:16:")
            && e.contains("unknown variant `mars`, expected one of `eu`, `fedramp`, `us`"),
        "{e}"
    );
}

#[test]
fn r2_objects_keep_the_storage_class_they_were_written_with() {
    let v = run(
        "const put = await B.put('ia', 'x', { storageClass: 'InfrequentAccess' });
         const plain = await B.put('std', 'x');
         const m = await B.createMultipartUpload('ia-multi', { storageClass: 'InfrequentAccess' });
         const done = await m.complete([await m.uploadPart(1, 'y')]);
         const listed = (await B.list()).objects.map((o) => [o.key, o.storageClass]);
         return [put.storageClass, (await B.head('ia')).storageClass, plain.storageClass,
                 done.storageClass, (await B.get('ia-multi')).storageClass, listed];",
    );
    assert_eq!(
        v,
        json!([
            "InfrequentAccess",
            "InfrequentAccess",
            "Standard",
            "InfrequentAccess",
            "InfrequentAccess",
            [
                ["ia", "InfrequentAccess"],
                ["ia-multi", "InfrequentAccess"],
                ["std", "Standard"]
            ]
        ])
    );
}
