// Long-lived Lambda stand-in for the local runner and the bundle's integration tests. Usage:
//   node worker.cjs BUNDLE_PATH RESULT_FD FUNCTION_NAME TIMEOUT_MS
// Loads the bundle once, then reads one JSON request per line on stdin, {"id", "event"} with an
// optional "remainingMs" that replaces TIMEOUT_MS for that invocation. It starts each invocation at
// once, so concurrent requests run concurrently as they would on several Lambda instances. Each
// outcome is one JSON line on file descriptor RESULT_FD, with the time the handler took, because
// stdout and stderr carry the handler's own log lines.

"use strict";

const fs = require("node:fs");
const readline = require("node:readline");

const [bundlePath, resultFdText, functionName, timeoutMsText] = process.argv.slice(2);
const resultFd = Number(resultFdText);
const timeoutMs = Number(timeoutMsText);

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
  const deadline = Date.now() + (remainingMs ?? timeoutMs);
  const context = {
    awsRequestId: id,
    functionName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const response = await bundle.handler(event, context);
    const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    report({ type: "result", id, response, elapsedMs });
  } catch (error) {
    // Lambda reports a thrown error to API Gateway, which responds with 502.
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
// The runner closes stdin to stop: finish what is in flight, then exit.
lines.on("close", async () => {
  await Promise.all(pending);
  process.exit(0);
});
