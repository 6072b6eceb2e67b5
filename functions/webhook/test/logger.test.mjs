import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createLogger } from "../src/logger.mjs";

function capture(level) {
  const lines = [];
  const logger = createLogger({ level, service: "webhook-processor", write: (line) => lines.push(line) });
  return { lines, logger };
}

describe("createLogger", () => {
  it("writes one JSON object per line with the standard fields", () => {
    const { lines, logger } = capture("INFO");

    logger.info("webhook request handled", { requestId: "r-1", outcome: "stored" });

    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.level, "INFO");
    assert.equal(entry.message, "webhook request handled");
    assert.equal(entry.service, "webhook-processor");
    assert.equal(entry.requestId, "r-1");
    assert.equal(entry.outcome, "stored");
    assert.ok(!Number.isNaN(Date.parse(entry.timestamp)));
  });

  it("drops lines below the threshold", () => {
    const { lines, logger } = capture("WARN");

    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");

    assert.deepEqual(lines.map((line) => JSON.parse(line).level), ["WARN", "ERROR"]);
  });

  it("rejects an unknown level", () => {
    assert.throws(() => createLogger({ level: "TRACE", service: "s" }), /log level "TRACE" is unknown/);
  });
});
