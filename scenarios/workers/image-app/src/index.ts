// Thumbnails of a generated test card, resized and filtered by photon (Rust compiled to a
// .wasm module that the package imports; wrangler's CompiledWasm rule loads it).
import { PhotonImage, SamplingFilter, grayscale, resize, sepia } from "@cf-wasm/photon";

const CARD_WIDTH = 64;
const CARD_HEIGHT = 48;

/** A 64×48 RGBA test card: a colour gradient with a white diagonal. */
function testCard(): PhotonImage {
  const pixels = new Uint8Array(CARD_WIDTH * CARD_HEIGHT * 4);
  for (let y = 0; y < CARD_HEIGHT; y++) {
    for (let x = 0; x < CARD_WIDTH; x++) {
      const i = (y * CARD_WIDTH + x) * 4;
      const diagonal = Math.abs(x - y) < 2;
      pixels[i] = diagonal ? 255 : x * 4;
      pixels[i + 1] = diagonal ? 255 : y * 5;
      pixels[i + 2] = diagonal ? 255 : 128;
      pixels[i + 3] = 255;
    }
  }
  return new PhotonImage(pixels, CARD_WIDTH, CARD_HEIGHT);
}

const FILTERS: Record<string, (image: PhotonImage) => void> = {
  none: () => {},
  grayscale,
  sepia,
};

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const width = Number(url.searchParams.get("w") ?? "32");
    const filter = FILTERS[url.searchParams.get("filter") ?? "none"];
    if (!Number.isInteger(width) || width < 1 || width > 256 || filter === undefined) {
      return new Response("w must be 1..256 and filter one of none, grayscale, sepia\n", {
        status: 400,
      });
    }
    if (url.pathname === "/decode") {
      // Bytes that are not an image: photon's decoder panics, which traps the wasm module.
      try {
        PhotonImage.new_from_byteslice(new TextEncoder().encode("not an image"));
        return new Response("decoded\n");
      } catch (e) {
        const error = e as Error;
        return Response.json({ error: error.constructor.name, message: error.message }, {
          status: 422,
        });
      }
    }
    const card = testCard();
    const height = Math.round((width * CARD_HEIGHT) / CARD_WIDTH);
    const thumb = resize(card, width, height, SamplingFilter.Triangle);
    filter(thumb);
    const png = thumb.get_bytes();
    const raw = thumb.get_raw_pixels();
    const info = {
      width: thumb.get_width(),
      height: thumb.get_height(),
      png_bytes: png.length,
      png_sha256: await sha256(png),
      pixels_sha256: await sha256(raw),
    };
    card.free();
    thumb.free();
    if (url.pathname === "/info") return Response.json(info);
    if (url.pathname === "/thumb") {
      return new Response(png, { headers: { "content-type": "image/png" } });
    }
    return new Response("not found\n", { status: 404 });
  },
};
