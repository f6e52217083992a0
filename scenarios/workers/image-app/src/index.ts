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

/** Where a client is: its language, currency and time zone (by `request.cf.country`). */
const MARKETS: Record<string, { locale: string; currency: string; timeZone: string }> = {
  US: { locale: "en-US", currency: "USD", timeZone: "America/New_York" },
  GB: { locale: "en-GB", currency: "GBP", timeZone: "Europe/London" },
  DE: { locale: "de-DE", currency: "EUR", timeZone: "Europe/Berlin" },
  FR: { locale: "fr-FR", currency: "EUR", timeZone: "Europe/Paris" },
  JP: { locale: "ja-JP", currency: "JPY", timeZone: "Asia/Tokyo" },
  BR: { locale: "pt-BR", currency: "BRL", timeZone: "America/Sao_Paulo" },
};
/** Price of a thumbnail per 1000 pixels, in each currency. */
const RATE: Record<string, number> = { USD: 0.42, GBP: 0.33, EUR: 0.39, JPY: 63, BRL: 2.35 };

/**
 * A quote for a batch of thumbnails, written for the client's country: the price in its
 * currency, when it is ready (a fixed time, so that the answer is the same wherever it runs)
 * in its time zone, how far away that is, and the filters as a list.
 */
function quote(country: string, width: number, count: number): Record<string, unknown> {
  const market = MARKETS[country] ?? MARKETS.US;
  const { locale, currency, timeZone } = market;
  const height = Math.round((width * CARD_HEIGHT) / CARD_WIDTH);
  const price = ((width * height * count) / 1000) * RATE[currency];
  const ready = new Date(Date.UTC(2026, 11, 4 + (count % 5), 9 + (width % 12), 30));
  const days = count % 5;
  return {
    country,
    locale,
    thumbnails: new Intl.NumberFormat(locale).format(count),
    pixels: new Intl.NumberFormat(locale, { notation: "compact", compactDisplay: "long" }).format(
      width * height * count,
    ),
    price: new Intl.NumberFormat(locale, { style: "currency", currency }).format(price),
    share: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(
      1 / count,
    ),
    ready: new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone })
      .format(ready),
    in: new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(days, "day"),
    filters: new Intl.ListFormat(locale).format(Object.keys(FILTERS)),
    thumbnail: new Intl.PluralRules(locale).select(count),
  };
}

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
    if (url.pathname === "/quote") {
      const cf = (request as { cf?: { country?: string } }).cf;
      const country = url.searchParams.get("country") ?? cf?.country ?? "US";
      const count = Number(url.searchParams.get("n") ?? "1");
      if (!Number.isInteger(count) || count < 1) {
        return new Response("n must be a whole number of thumbnails\n", { status: 400 });
      }
      return Response.json(quote(country, width, count));
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
