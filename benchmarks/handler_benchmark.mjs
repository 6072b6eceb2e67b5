// Benchmark of the webhook handler; not a test. Run from the repository root after `make build`:
//   functions/webhook/node_modules/node18/bin/node benchmarks/handler_benchmark.mjs
// or `npm --prefix functions/webhook run benchmark`. It prints a Markdown report on stdout.
//
// 1. Per-event time of our handler against a bare handler (JSON.parse and one PutItem), both
//    calling the same stubbed DynamoDB client that resolves at once, so only our code is timed.
// 2. Size of dist/index.js and the time to load it in a fresh process, against loading the
//    unbundled SDK from node_modules, and the same for Powertools' logger.

import { execFileSync, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const FUNCTION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../functions/webhook");
const BUNDLE_PATH = join(FUNCTION_DIR, "dist/index.js");
const NODE24_PATH = join(FUNCTION_DIR, "node_modules/node24/bin/node");
const requireFromFunction = createRequire(join(FUNCTION_DIR, "package.json"));
const { PutItemCommand } = requireFromFunction("@aws-sdk/client-dynamodb");
const esbuild = requireFromFunction("esbuild");

const { createHandler } = await import(join(FUNCTION_DIR, "src/handler.mjs"));
const { createLogger } = await import(join(FUNCTION_DIR, "src/logger.mjs"));
const { createVerifier } = await import(join(FUNCTION_DIR, "src/signature/index.mjs"));
const { createTransactionStore } = await import(join(FUNCTION_DIR, "src/storage.mjs"));

const EVENTS_PER_ROUND = 5000;
const ROUNDS = 7;
const LOAD_SAMPLES = 15;
const SECRET_KEY = randomBytes(32);
const SECRET = `whsec_${SECRET_KEY.toString("base64")}`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Events differ in transactionId only, so both handlers parse the same amount of text.
function buildEvents(count) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, index) => {
    const body = JSON.stringify({
      transactionId: `txn_${index.toString().padStart(8, "0")}`,
      timestamp: Date.now() - 1000,
      amount: "125.50",
      currency: "USD",
      status: "captured",
      merchant: { id: "m-100", name: "Corner Shop", country: "US" },
      card: { brand: "visa", last4: "1111" },
    });
    const id = `msg_${index}`;
    const signature = createHmac("sha256", SECRET_KEY).update(`${id}.${nowSeconds}.${body}`).digest("base64");
    return {
      headers: {
        "Content-Type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(nowSeconds),
        "webhook-signature": `v1,${signature}`,
      },
      body,
      isBase64Encoded: false,
      requestContext: { requestId: `api-${index}` },
    };
  });
}

const stubClient = { send: async () => ({}) };

const ourHandler = createHandler({
  config: { maxBodyBytes: 262144 },
  verify: createVerifier({ scheme: "standard-webhooks", keys: [SECRET_KEY], toleranceSeconds: 300 }),
  storeTransaction: createTransactionStore({ client: stubClient, tableName: "transactions-bench" }),
  // Formats every line as in production but drops it, so terminal speed is not measured.
  logger: createLogger({ level: "INFO", service: "webhook-processor", write: () => {} }),
});

async function bareHandler(event) {
  const body = JSON.parse(event.body);
  await stubClient.send(
    new PutItemCommand({
      TableName: "transactions-bench",
      Item: {
        transactionId: { S: body.transactionId },
        timestamp: { N: String(body.timestamp) },
        payload: { S: event.body },
      },
    }),
  );
  return { statusCode: 200, body: "{}" };
}

async function timeRound(handler, events) {
  const startedAt = performance.now();
  for (const event of events) {
    const response = await handler(event, {});
    if (response.statusCode !== 200) {
      throw new Error(`benchmark event returned status ${response.statusCode}, expected 200: ${response.body}`);
    }
  }
  return ((performance.now() - startedAt) * 1000) / events.length;
}

async function measurePerEvent() {
  const events = buildEvents(EVENTS_PER_ROUND);
  await timeRound(ourHandler, events.slice(0, 1000));
  await timeRound(bareHandler, events.slice(0, 1000));

  // Rounds alternate so that drift in CPU speed affects both handlers alike.
  const ours = [];
  const bare = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    ours.push(await timeRound(ourHandler, events));
    bare.push(await timeRound(bareHandler, events));
  }
  return { oursMicros: median(ours), bareMicros: median(bare) };
}

// Runs each case's script in a fresh Node.js process LOAD_SAMPLES times and returns the median
// milliseconds that each reports on its last output line. Cases take turns, so a slow spell on a
// shared machine hits all of them alike.
function measureLoads(cases) {
  const samples = cases.map(() => []);
  for (let sample = 0; sample < LOAD_SAMPLES; sample += 1) {
    cases.forEach(({ script, env = {}, nodePath = process.execPath }, index) => {
      const output = execFileSync(nodePath, ["-e", script], {
        cwd: FUNCTION_DIR,
        env: { PATH: process.env.PATH, ...env },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      samples[index].push(Number(output.trim().split("\n").at(-1)));
    });
  }
  return samples.map(median);
}

// The bundle writes its init log line to stdout first, so the timing goes on the last line.
function timedRequire(body) {
  return `const { performance } = require("node:perf_hooks"); const t0 = performance.now(); ${body}; console.log(performance.now() - t0);`;
}

async function buildPowertoolsBundle(outDir) {
  const outfile = join(outDir, "powertools-logger.js");
  await esbuild.build({
    stdin: { contents: 'module.exports = require("@aws-lambda-powertools/logger");', resolveDir: FUNCTION_DIR, loader: "js" },
    outfile,
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    minify: true,
    logLevel: "error",
  });
  return outfile;
}

// Log lines go to stdout, discarded, so the child reports its timing on stderr.
function measureLogLines(script) {
  const samples = [];
  for (let sample = 0; sample < 5; sample += 1) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: FUNCTION_DIR,
      env: { PATH: process.env.PATH },
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
    });
    if (child.status !== 0) {
      throw new Error(`log benchmark child failed with status ${child.status}: ${child.stderr}`);
    }
    samples.push(Number(child.stderr.trim().split("\n").at(-1)));
  }
  return median(samples);
}

function describeMachine() {
  const cpuInfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = cpuInfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown";
  return `${cpus().length} CPUs (nproc), ${model}`;
}

const bundleBytes = statSync(BUNDLE_PATH).size;
const bundleGzipBytes = gzipSync(readFileSync(BUNDLE_PATH)).length;
const handlerEnv = { TABLE_NAME: "transactions-bench", WEBHOOK_SIGNING_SECRETS: SECRET, AWS_REGION: "us-east-1" };

const workDir = mkdtempSync(join(tmpdir(), "webhook-benchmark-"));
const powertoolsBundle = await buildPowertoolsBundle(workDir);
const powertoolsBundleBytes = statSync(powertoolsBundle).size;
const requireBundle = timedRequire(`require(${JSON.stringify(BUNDLE_PATH)})`);
const [bundleLoadMs, bundleLoadNode24Ms, sdkLoadMs, powertoolsBundleLoadMs, powertoolsLoadMs] = measureLoads([
  { script: requireBundle, env: handlerEnv },
  { script: requireBundle, env: handlerEnv, nodePath: NODE24_PATH },
  {
    script: timedRequire(
      'const { DynamoDBClient } = require("@aws-sdk/client-dynamodb"); const { NodeHttpHandler } = require("@smithy/node-http-handler"); new DynamoDBClient({ region: "us-east-1", requestHandler: new NodeHttpHandler() })',
    ),
  },
  { script: timedRequire(`require(${JSON.stringify(powertoolsBundle)})`) },
  { script: timedRequire('require("@aws-lambda-powertools/logger")') },
]);
const ownLoggerModule = join(FUNCTION_DIR, "src/logger.mjs");
const logLineCount = 20000;
const ownLogMs = measureLogLines(
  `const { createLogger } = await import(${JSON.stringify(ownLoggerModule)}); const l = createLogger({ level: "INFO", service: "s" }); const t0 = performance.now(); for (let i = 0; i < ${logLineCount}; i++) l.info("webhook request handled", { requestId: "r" + i, outcome: "stored" }); console.error(performance.now() - t0);`,
);
const powertoolsLogMs = measureLogLines(
  `import { Logger } from "@aws-lambda-powertools/logger"; const l = new Logger({ serviceName: "s" }); const t0 = performance.now(); for (let i = 0; i < ${logLineCount}; i++) l.info("webhook request handled", { requestId: "r" + i, outcome: "stored" }); console.error(performance.now() - t0);`,
);
rmSync(workDir, { recursive: true, force: true });

const { oursMicros, bareMicros } = await measurePerEvent();

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`| measure | value |
|---|---|
| machine | ${describeMachine()} |
| Node.js | ${process.version} |
| our handler, per event (median of ${ROUNDS} rounds of ${EVENTS_PER_ROUND}) | ${oursMicros.toFixed(1)} µs |
| bare handler (JSON.parse + PutItem), per event | ${bareMicros.toFixed(1)} µs |
| ratio ours / bare | ${(oursMicros / bareMicros).toFixed(2)} |
| dist/index.js size | ${kib(bundleBytes)} (${kib(bundleGzipBytes)} gzip) |
| load dist/index.js, incl. config and client (median of ${LOAD_SAMPLES} processes) | ${bundleLoadMs.toFixed(1)} ms |
| the same on Node.js 24 (deployed runtime) | ${bundleLoadNode24Ms.toFixed(1)} ms |
| load unbundled SDK from node_modules and create the client | ${sdkLoadMs.toFixed(1)} ms |
| Powertools logger bundled alone, size | ${kib(powertoolsBundleBytes)} |
| load Powertools logger, bundled | ${powertoolsBundleLoadMs.toFixed(1)} ms |
| load Powertools logger from node_modules | ${powertoolsLoadMs.toFixed(1)} ms |
| ${logLineCount} log lines to /dev/null, own logger | ${ownLogMs.toFixed(1)} ms |
| ${logLineCount} log lines to /dev/null, Powertools logger | ${powertoolsLogMs.toFixed(1)} ms |`);
