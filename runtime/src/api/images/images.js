// The Images binding (images-api.ts in workerd): `info()` answers from the image's header
// (images/mod.rs), as the Images service does, with its ImageInfoResponse shape and its errors
// (`IMAGES_INFO_ERROR <code>: …`, `.code`). Transformations and hosted images need the Images
// service itself, which edgesim does not reach: they reject saying so.

class ImagesError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const NOT_SIMULATED = (what) =>
  new ImagesError(`IMAGES_TRANSFORM_ERROR 9523: ERROR: edgesim does not run the Images service's ${what} (info() is answered locally)`, 9523);

/// The bytes of `stream`, decoded from base64 when the options say it is.
async function readInput(stream, options) {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  if (options?.encoding !== "base64") return bytes;
  const text = atob(core.fromUtf8(bytes).replace(/\s+/g, ""));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

class ImageTransformer {
  #consumed = false;
  transform() { return this; }
  draw(image) {
    if (image instanceof ImageTransformer) image.#consumed = true;
    return this;
  }
  async output() {
    if (this.#consumed) throw new ImagesError("IMAGES_TRANSFORM_ERROR 9523: Image already consumed", 9523);
    this.#consumed = true;
    throw NOT_SIMULATED("transformations");
  }
}

class HostedImages {
  image() { throw NOT_SIMULATED("hosted images"); }
  async upload() { throw NOT_SIMULATED("hosted images"); }
  async list() { throw NOT_SIMULATED("hosted images"); }
  async createDirectUpload() { throw NOT_SIMULATED("hosted images"); }
}

class ImagesBinding {
  #hosted = new HostedImages();
  get hosted() { return this.#hosted; }
  async info(stream, options) {
    const answer = JSON.parse(ops.imagesInfo(await readInput(stream, options)));
    if (answer.error !== undefined) throw new ImagesError(`IMAGES_INFO_ERROR ${answer.code}: ${answer.error}`, answer.code);
    return answer.info;
  }
  input() { return new ImageTransformer(); }
  text() { return new ImageTransformer(); }
}

return { ImagesBinding };
