//! The Images binding (`[images]`): `info()` answers from the image's header as the Images
//! service does (Miniflare's local binding is the reference for shapes and error texts);
//! transformations, which need the service itself, reject saying edgesim does not run them.

use edgesim_conformance::Project;
use serde_json::json;

const WORKER: &str = r#"
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
  0, 0, 0, 18, 0, 0, 0, 7, 8, 6, 0, 0, 0, 0, 0, 0, 0];
const stream = (bytes) => new Blob([new Uint8Array(bytes)]).stream();
const text = (s) => new Blob([s]).stream();
const failure = (e) => ({ name: e.constructor.name, message: e.message, code: e.code });
export default {
  async fetch(request, env) {
    const png = await env.IMAGES.info(stream(PNG));
    const base64 = await env.IMAGES.info(text(btoa(String.fromCharCode(...PNG))), { encoding: "base64" });
    const svg = await env.IMAGES.info(text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'));
    const notImage = await env.IMAGES.info(text("hello")).catch(failure);
    const transform = await env.IMAGES.input(stream(PNG)).transform({ width: 2 }).output({ format: "image/webp" }).catch(failure);
    return Response.json({ png, base64, svg, notImage, transform });
  },
};
"#;

#[test]
fn images_info_reads_format_and_size_from_the_header_and_transforms_reject_as_not_run() {
    let p = Project::with(
        "images-binding",
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2025-06-01'\n[images]\nbinding = 'IMAGES'\n",
            ),
            ("index.js", WORKER),
        ],
    );
    let png = json!({ "format": "image/png", "fileSize": 33, "width": 18, "height": 7 });
    assert_eq!(
        p.answer().unwrap(),
        json!({
            "png": png,
            "base64": png,
            "svg": { "format": "image/svg+xml" },
            "notImage": {
                "name": "ImagesError",
                "message": "IMAGES_INFO_ERROR 9520: ERROR: Unsupported image type unknown, expected one of: JPEG, SVG, PNG, WebP, GIF or AVIF",
                "code": 9520
            },
            "transform": {
                "name": "ImagesError",
                "message": "IMAGES_TRANSFORM_ERROR 9523: ERROR: edgesim does not run the Images service's transformations (info() is answered locally)",
                "code": 9523
            }
        })
    );
}
