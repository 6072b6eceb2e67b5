// Bundles src/index.mjs and the AWS SDK into one CommonJS file for the Lambda runtime, so that the
// function never depends on the SDK version that a runtime happens to ship.

import { build } from "esbuild";

const result = await build({
  entryPoints: ["src/index.mjs"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  // Minifying shrinks the bundle, which shortens cold starts; names are kept so that error names
  // in logs and stack traces stay readable.
  minify: true,
  keepNames: true,
  // A separate map keeps the bundle small. Node.js reads it only when NODE_OPTIONS contains
  // --enable-source-maps, which slows every cold start.
  sourcemap: "external",
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});

const outputBytes = result.metafile.outputs["dist/index.js"].bytes;
console.log(`built dist/index.js (${(outputBytes / 1024).toFixed(1)} KiB)`);
