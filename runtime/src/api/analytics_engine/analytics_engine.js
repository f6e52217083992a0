// Workers Analytics Engine: `writeDataPoint({ indexes, blobs, doubles })`, checked as workerd
// checks it (analytics-engine-impl.h: its TypeErrors word for word, the stray parenthesis
// included), in its order: indexes, then blobs, then doubles.

const PREFIX = "writeDataPoint(): ";
const MAX_MEMBERS = 20;
const MAX_INDEX_BYTES = 96;
const MAX_BLOB_BYTES = 256 * MAX_MEMBERS;

/// A blob or index as bytes: a string's UTF-8, or an ArrayBuffer's or view's bytes.
function slotBytes(value) {
  if (value === null || value === undefined) return null;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return core.utf8(String(value));
}
const asText = (bytes) => (bytes === null ? null : core.fromUtf8(bytes));

class AnalyticsEngineDataset {
  #dataset;
  constructor(dataset) { this.#dataset = dataset; }
  writeDataPoint(event) {
    const indexes = [...(event?.indexes ?? [])];
    const blobs = [...(event?.blobs ?? [])];
    const doubles = [...(event?.doubles ?? [])];
    if (indexes.length > 1) throw new TypeError(`${PREFIX}Maximum of 1 indexes supported.`);
    const index = slotBytes(indexes[0]);
    if (index !== null && index.length > MAX_INDEX_BYTES) {
      throw new TypeError(`${PREFIX}Size of indexes[0] exceeds ${MAX_INDEX_BYTES} bytes).`);
    }
    if (blobs.length > MAX_MEMBERS) throw new TypeError(`${PREFIX}Maximum of ${MAX_MEMBERS} blobs supported.`);
    let total = 0;
    const blobBytes = blobs.map((b) => {
      const bytes = slotBytes(b);
      total += bytes?.length ?? 0;
      if (total > MAX_BLOB_BYTES) throw new TypeError(`${PREFIX}Cumulative size of blobs exceeds ${MAX_BLOB_BYTES} bytes).`);
      return bytes;
    });
    if (doubles.length > MAX_MEMBERS) throw new TypeError(`${PREFIX}Maximum of ${MAX_MEMBERS} doubles supported.`);
    ops.analyticsWrite(this.#dataset, asText(index), blobBytes.map(asText), doubles.map(Number));
  }
}

return { AnalyticsEngineDataset };
