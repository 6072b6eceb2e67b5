// Runs the bundled Lambda handler for the integration tests. Usage:
//   node runner.cjs BUNDLE_PATH RESULT_FD
// Reads one JSON request per line on stdin, {"id", "event", "remainingMs"}, and starts each
// invocation at once without waiting for earlier ones, so requests sent together are in flight
// together. Writes one JSON line per outcome to file descriptor RESULT_FD, because stdout carries
// the handler's own log lines, which the tests read separately.

"use strict";

const fs = require("node:fs");
const readline = require("node:readline");

const [bundlePath, resultFdText] = process.argv.slice(2);
const resultFd = Number(resultFdText);

function report(message) {
  fs.writeSync(resultFd, `${JSON.stringify(message)}\n`);
}

let bundle;
try {
  bundle = require(bundlePath);
} catch (error) {
  report({ type: "load_error", name: error.name, message: error.message });
  process.exit(1);
}
report({ type: "ready", nodeVersion: process.version });

async function invoke({ id, event, remainingMs }) {
  const startedAt = process.hrtime.bigint();
  const deadline = Date.now() + (remainingMs ?? 10000);
  const context = {
    awsRequestId: id,
    functionName: "webhook-processor-test",
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const response = await bundle.handler(event, context);
    const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    report({ type: "result", id, response, elapsedMs });
  } catch (error) {
    report({ type: "error", id, name: error.name, message: error.message });
  }
}

const pending = new Set();
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") {
    return;
  }
  const invocation = invoke(JSON.parse(line));
  pending.add(invocation);
  invocation.finally(() => pending.delete(invocation));
});
lines.on("close", async () => {
  await Promise.all(pending);
  process.exit(0);
});
