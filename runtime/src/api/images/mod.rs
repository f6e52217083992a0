//! The Images binding (`[images]`): `info()` reads an image's format and size from its header,
//! as the Images service answers it, without calling out. What Miniflare's local binding
//! answers is the reference: its formats, `ImageInfoResponse` shape and error texts
//! (workers-sdk packages/miniflare/src/plugins/images/fetcher.ts).

use serde::Serialize;

use crate::engine::catalog::{OpGroup, OpSet};
use crate::engine::ops::{copy_bytes, require_request};

pub const OPS: OpGroup = OpGroup {
    name: "images",
    install,
};

/// `info()`'s answer: an SVG has no fixed size, so only its format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageInfo {
    pub format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_size: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<usize>,
}

/// An Images service error: its code, and the text after `ERROR <code>: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagesError {
    pub code: u32,
    pub message: String,
}

/// The formats the Images service takes, as its errors list them.
const SUPPORTED: &str = "JPEG, SVG, PNG, WebP, GIF or AVIF";

/// The format and size of the image `bytes`.
pub fn info(bytes: &[u8]) -> Result<ImageInfo, ImagesError> {
    if is_svg(bytes) {
        return Ok(ImageInfo {
            format: "image/svg+xml",
            file_size: None,
            width: None,
            height: None,
        });
    }
    use imagesize::{Compression, ImageType};
    let unsupported = |name: &str| ImagesError {
        code: 9520,
        message: format!("ERROR: Unsupported image type {name}, expected one of: {SUPPORTED}"),
    };
    let kind = imagesize::image_type(bytes).map_err(|_| unsupported("unknown"))?;
    let format = match kind {
        ImageType::Jpeg => "image/jpeg",
        ImageType::Png => "image/png",
        ImageType::Webp => "image/webp",
        ImageType::Gif => "image/gif",
        ImageType::Heif(Compression::Av1) => "image/avif",
        ImageType::Heif(_) => return Err(unsupported("heif")),
        ImageType::Bmp => return Err(unsupported("bmp")),
        ImageType::Tiff => return Err(unsupported("tiff")),
        _ => return Err(unsupported("unknown")),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| ImagesError {
        code: 9523,
        message:
            "ERROR: Internal Images binding error: Expected size, width and height for bitmap input"
                .into(),
    })?;
    Ok(ImageInfo {
        format,
        file_size: Some(bytes.len()),
        width: Some(size.width),
        height: Some(size.height),
    })
}

/// An SVG document: text whose first element, after an XML declaration, comments or a
/// doctype, is `<svg`.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<')
        && text.contains("<svg")
        && !text.starts_with("<html")
        && !text.to_ascii_lowercase().starts_with("<!doctype html")
}

fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "imagesInfo",
        move |ctx: rquickjs::Ctx<'js>,
              bytes: rquickjs::TypedArray<'js, u8>|
              -> rquickjs::Result<String> {
            require_request(&ctx, &i)?;
            let answer = match info(&copy_bytes(&bytes)) {
                Ok(info) => serde_json::json!({ "info": info }),
                Err(e) => serde_json::json!({ "error": e.message, "code": e.code }),
            };
            Ok(answer.to_string())
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_header_gives_its_format_size_and_dimensions() {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        png.extend(b"IHDR");
        png.extend(18u32.to_be_bytes());
        png.extend(7u32.to_be_bytes());
        png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        let info = info(&png).unwrap();
        assert_eq!(
            (info.format, info.width, info.height, info.file_size),
            ("image/png", Some(18), Some(7), Some(png.len()))
        );
    }

    #[test]
    fn svg_has_only_a_format_and_text_is_no_image() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert_eq!(info(svg).unwrap().format, "image/svg+xml");
        let e = info(b"hello").unwrap_err();
        assert_eq!(e.code, 9520);
        assert!(
            e.message
                .contains("expected one of: JPEG, SVG, PNG, WebP, GIF or AVIF")
        );
    }
}
