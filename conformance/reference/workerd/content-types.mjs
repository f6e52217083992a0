// Writes runtime/src/assets/content-types.tsv: the Content-Type wrangler gives each static
// asset by its extension (workers-shared `getContentType`: the `mime` package, with
// `; charset=utf-8` added to text types), one `extension<TAB>type` line per extension.
//
//   npm i --no-save mime@4.0.7 && node content-types.mjs
import mime from "mime";
import standard from "mime/types/standard.js";
import other from "mime/types/other.js";
import { writeFileSync } from "node:fs";

const extensions = new Set();
for (const table of [standard, other]) {
  for (const list of Object.values(table)) for (const e of list) extensions.add(e.replace(/^\*/, ""));
}
const lines = [...extensions].sort().map((e) => {
  let type = mime.getType(`x.${e}`);
  if (type.startsWith("text/") && !type.includes("charset")) type = `${type}; charset=utf-8`;
  return `${e}\t${type}`;
});
const out = new URL("../../../runtime/src/assets/content-types.tsv", import.meta.url);
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${lines.length} extensions`);
