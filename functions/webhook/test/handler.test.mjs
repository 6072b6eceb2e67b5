import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { ConflictError, StorageError } from "../src/errors.mjs";
import { STORAGE_DEADLINE_MS, createHandler } from "../src/handler.mjs";
import { createLogger } from "../src/logger.mjs";
import { createVerifier } from "../src/signature/index.mjs";
import {
  CURRENT_SECRET,
  NOW_MS,
  NOW_SECONDS,
  STRIPE_SECRET,
  UNKNOWN_SECRET,
  signStripe,
  signedEvent,
  standardKey,
  validTransaction,
} from "./support/fixtures.mjs";

const VISA = "4111111111111111";
const CONFIG = { maxBodyBytes: 4096 };

// Builds a handler with a recording store and logger; `store` decides each storage outcome.
function setUp({ store = async () => "stored", scheme = "standard-webhooks", keys = [standardKey(CURRENT_SECRET)] } = {}) {
  const records = [];
  const storeCalls = [];
  const lines = [];
  const handler = createHandler({
    config: CONFIG,
    verify: createVerifier({ scheme, keys, toleranceSeconds: 300, nowSeconds: () => NOW_SECONDS }),
    storeTransaction: async (record, options) => {
      records.push(record);
      storeCalls.push(options);
      return store(record, options);
    },
    logger: createLogger({ level: "DEBUG", service: "webhook-processor", write: (line) => lines.push(line) }),
    nowMs: () => NOW_MS,
  });
  return { handler, records, storeCalls, lines };
}

function bodyOf(response) {
  return JSON.parse(response.body);
}

describe("handler", () => {
  it("returns 200 stored with the key", async () => {
    const { handler } = setUp();
    const transaction = validTransaction();

    const response = await handler(signedEvent(transaction), {});

    assert.equal(response.statusCode, 200);
    assert.deepEqual(bodyOf(response), { status: "stored", transactionId: "txn_0001", timestamp: transaction.timestamp });
  });

  it("builds the record from the event", async () => {
    const { handler, records } = setUp();
    const event = signedEvent(validTransaction({ card: VISA }), { id: "msg_42" });

    await handler(event, { awsRequestId: "lambda-1" });

    const [record] = records;
    assert.equal(record.transactionId, "txn_0001");
    assert.equal(record.timestamp, String(NOW_MS - 60_000));
    assert.equal(record.amount, "19.99");
    assert.equal(record.currency, "USD");
    assert.equal(record.status, "captured");
    assert.equal(record.deliveryId, "msg_42");
    assert.equal(record.apiRequestId, "api-request-1");
    assert.equal(record.receivedAt, new Date(NOW_MS).toISOString());
    assert.equal(record.bodySha256, createHash("sha256").update(event.body).digest("hex"));
    assert.equal(record.payload, event.body.replace(VISA, "411111******1111"));
  });

  it("hashes the decoded bytes of a base64 body", async () => {
    const { handler, records } = setUp();
    const event = signedEvent(validTransaction());
    const bytes = Buffer.from(event.body, "utf8");
    event.body = bytes.toString("base64");
    event.isBase64Encoded = true;

    const response = await handler(event, {});

    assert.equal(response.statusCode, 200);
    assert.equal(records[0].bodySha256, createHash("sha256").update(bytes).digest("hex"));
  });

  it("returns 200 duplicate for a redelivery", async () => {
    const { handler } = setUp({ store: async () => "duplicate" });

    const response = await handler(signedEvent(validTransaction()), {});

    assert.equal(response.statusCode, 200);
    assert.equal(bodyOf(response).status, "duplicate");
  });

  it("returns 409 and logs a warning for a conflict", async () => {
    const { handler, lines } = setUp({
      store: async () => {
        throw new ConflictError("different body");
      },
    });

    const response = await handler(signedEvent(validTransaction()), {});

    assert.equal(response.statusCode, 409);
    assert.equal(bodyOf(response).status, "conflict");
    assert.equal(JSON.parse(lines[0]).level, "WARN");
  });

  it("returns 400 with every failing field", async () => {
    const { handler, records } = setUp();

    const response = await handler(signedEvent({ transactionId: "bad id", amount: 5 }), {});

    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      bodyOf(response).errors.map((error) => error.field),
      ["transactionId", "timestamp", "amount", "currency", "status"],
    );
    assert.equal(records.length, 0);
  });

  it("returns 400 for a signed body that is not JSON", async () => {
    const { handler } = setUp();

    const response = await handler(signedEvent("not json"), {});

    assert.equal(response.statusCode, 400);
    assert.equal(bodyOf(response).errors[0].field, "body");
  });

  it("returns 401 for a wrong secret before looking at the body", async () => {
    const { handler } = setUp();

    const response = await handler(signedEvent("not json", { secret: UNKNOWN_SECRET }), {});

    assert.equal(response.statusCode, 401);
    assert.equal(bodyOf(response).status, "unauthorized");
  });

  it("returns 401 for a replayed timestamp", async () => {
    const { handler } = setUp();

    const response = await handler(signedEvent(validTransaction(), { timestamp: NOW_SECONDS - 301 }), {});

    assert.equal(response.statusCode, 401);
  });

  it("returns 415 before checking the signature", async () => {
    const { handler } = setUp();
    const event = signedEvent(validTransaction(), { secret: UNKNOWN_SECRET, headers: { "Content-Type": "text/plain" } });

    const response = await handler(event, {});

    assert.equal(response.statusCode, 415);
  });

  it("returns 413 before checking the signature", async () => {
    const { handler } = setUp();
    const event = signedEvent(validTransaction({ padding: "x".repeat(5000) }), { secret: UNKNOWN_SECRET });

    const response = await handler(event, {});

    assert.equal(response.statusCode, 413);
  });

  it("returns 503 when storage is unavailable", async () => {
    const { handler, lines } = setUp({
      store: async () => {
        throw new StorageError("PutItem failed", { retryable: true });
      },
    });

    const response = await handler(signedEvent(validTransaction()), {});

    assert.equal(response.statusCode, 503);
    assert.equal(JSON.parse(lines[0]).level, "ERROR");
  });

  it("returns 500 when storage fails for good", async () => {
    const { handler } = setUp({
      store: async () => {
        throw new StorageError("PutItem failed", { retryable: false });
      },
    });

    const response = await handler(signedEvent(validTransaction()), {});

    assert.equal(response.statusCode, 500);
  });

  it("returns 500 for an unexpected error", async () => {
    const { handler, lines } = setUp({
      store: async () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });

    const response = await handler(signedEvent(validTransaction()), {});

    assert.equal(response.statusCode, 500);
    assert.ok(JSON.parse(lines[0]).error.stack.includes("TypeError"));
  });

  it("returns 401, not a crash, for an empty event", async () => {
    const { handler } = setUp();

    const response = await handler({ headers: { "content-type": "application/json" } }, undefined);

    assert.equal(response.statusCode, 401);
  });

  it("bounds storage by the remaining invocation time", async () => {
    const { handler, storeCalls } = setUp({
      store: (record, { abortSignal }) =>
        new Promise((resolve, reject) => {
          abortSignal.addEventListener("abort", () => reject(new StorageError("PutItem was aborted", { retryable: true })));
        }),
    });
    const startedAt = Date.now();

    const response = await handler(signedEvent(validTransaction()), { getRemainingTimeInMillis: () => 700 });

    assert.equal(response.statusCode, 503);
    assert.ok(storeCalls[0].abortSignal.aborted);
    assert.ok(Date.now() - startedAt < 1000, "the deadline should be about 200 ms");
  });

  it("skips storage when too little time remains", async () => {
    const { handler, records } = setUp();

    const response = await handler(signedEvent(validTransaction()), { getRemainingTimeInMillis: () => 550 });

    assert.equal(response.statusCode, 503);
    assert.equal(records.length, 0);
  });

  it("caps the storage deadline below the function timeout", () => {
    assert.ok(STORAGE_DEADLINE_MS <= 8000);
  });

  it("logs one line without body, secret or card", async () => {
    const { handler, lines } = setUp();
    const event = signedEvent(validTransaction({ card: VISA, note: "private note" }));

    await handler(event, { awsRequestId: "lambda-1" });

    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.level, "INFO");
    assert.equal(entry.message, "webhook request handled");
    assert.equal(entry.requestId, "api-request-1");
    assert.equal(entry.lambdaRequestId, "lambda-1");
    assert.equal(entry.transactionId, "txn_0001");
    assert.equal(entry.deliveryId, "msg_001");
    assert.equal(entry.outcome, "stored");
    assert.equal(entry.statusCode, 200);
    assert.equal(typeof entry.durationMs, "number");
    assert.ok(!lines[0].includes(VISA));
    assert.ok(!lines[0].includes("private note"));
    assert.ok(!lines[0].includes(CURRENT_SECRET.slice(6)));
  });

  it("logs the failing field names of a 400, not their values", async () => {
    const { handler, lines } = setUp();

    await handler(signedEvent(validTransaction({ currency: VISA })), {});

    const entry = JSON.parse(lines[0]);
    assert.deepEqual(entry.error.fields, ["currency"]);
    assert.ok(!lines[0].includes(VISA));
  });

  it("logs and stores no card number in any written form", async () => {
    const { handler, lines, records } = setUp();
    const escapedVisa = [...VISA].map((digit) => `\\u003${digit}`).join("");
    const text = JSON.stringify(validTransaction({ spaced: "4111 1111 1111 1111", hyphenated: "5555-5555-5555-4444", escaped: "" }))
      .replace('"escaped":""', `"escaped":"${escapedVisa}"`);

    const response = await handler(signedEvent(text), {});

    assert.equal(response.statusCode, 200);
    const stored = JSON.parse(records[0].payload);
    assert.equal(stored.spaced, "4111 11** **** 1111");
    assert.equal(stored.hyphenated, "5555-55**-****-4444");
    assert.equal(stored.escaped, "411111******1111");
    const digitsInLog = lines[0].replace(/[ -]/g, "");
    assert.ok(!digitsInLog.includes(VISA));
    assert.ok(!digitsInLog.includes("5555555555554444"));
    assert.ok(!lines[0].includes(escapedVisa));
  });

  it("masks a card number sent as the webhook-id", async () => {
    const { handler, lines, records } = setUp();

    await handler(signedEvent(validTransaction(), { id: "4111 1111 1111 1111" }), {});

    assert.equal(records[0].deliveryId, "4111 11** **** 1111");
    assert.equal(JSON.parse(lines[0]).deliveryId, "4111 11** **** 1111");
  });

  it("masks a card webhook-id in the log of a 400", async () => {
    const { handler, lines } = setUp();

    await handler(signedEvent(validTransaction({ currency: "usd" }), { id: "4111-1111-1111-1111" }), {});

    assert.equal(JSON.parse(lines[0]).statusCode, 400);
    assert.equal(JSON.parse(lines[0]).deliveryId, "4111-11**-****-1111");
  });

  it("masks a card number sent as the Stripe event id", async () => {
    const { handler, lines, records } = setUp({ scheme: "stripe", keys: [Buffer.from(STRIPE_SECRET, "utf8")] });
    const text = JSON.stringify(validTransaction({ id: "4111 1111 1111 1111" }));
    const event = {
      headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${NOW_SECONDS},v1=${signStripe(STRIPE_SECRET, NOW_SECONDS, text)}` },
      body: text,
      requestContext: { requestId: "api-3" },
    };

    await handler(event, {});

    assert.equal(records[0].deliveryId, "4111 11** **** 1111");
    assert.equal(JSON.parse(lines[0]).deliveryId, "4111 11** **** 1111");
  });

  it("takes the Stripe event id from the body as the delivery id", async () => {
    const { handler, records } = setUp({ scheme: "stripe", keys: [Buffer.from(STRIPE_SECRET, "utf8")] });
    const text = JSON.stringify(validTransaction({ id: "evt_123" }));
    const event = {
      headers: { "Content-Type": "application/json", "Stripe-Signature": `t=${NOW_SECONDS},v1=${signStripe(STRIPE_SECRET, NOW_SECONDS, text)}` },
      body: text,
      requestContext: { requestId: "api-2" },
    };

    const response = await handler(event, {});

    assert.equal(response.statusCode, 200);
    assert.equal(records[0].deliveryId, "evt_123");
  });
});
