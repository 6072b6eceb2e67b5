import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConflictError, StorageError } from "../src/errors.mjs";
import { createTransactionStore, toItem } from "../src/storage.mjs";

const RECORD = {
  transactionId: "txn_1",
  timestamp: "1796399940000",
  amount: "123456789012345678.123456",
  currency: "USD",
  status: "captured",
  deliveryId: "msg_1",
  receivedAt: "2026-12-04T00:00:00.000Z",
  apiRequestId: "api-1",
  bodySha256: "a".repeat(64),
  payload: "{}",
};

function clientThatThrows(error) {
  const calls = [];
  return {
    calls,
    send: async (command, options) => {
      calls.push({ input: command.input, options });
      throw error;
    },
  };
}

function conditionalFailure(storedHash) {
  return Object.assign(new Error("The conditional request failed"), {
    name: "ConditionalCheckFailedException",
    Item: storedHash === undefined ? undefined : { bodySha256: { S: storedHash } },
  });
}

describe("toItem", () => {
  it("writes numbers as text and strings as S", () => {
    const item = toItem(RECORD);

    assert.deepEqual(item.amount, { N: "123456789012345678.123456" });
    assert.deepEqual(item.timestamp, { N: "1796399940000" });
    assert.deepEqual(item.transactionId, { S: "txn_1" });
    assert.deepEqual(item.deliveryId, { S: "msg_1" });
    assert.deepEqual(
      Object.keys(item).sort(),
      ["amount", "apiRequestId", "bodySha256", "currency", "deliveryId", "payload", "receivedAt", "status", "timestamp", "transactionId"],
    );
  });

  it("omits deliveryId when there is none", () => {
    const item = toItem({ ...RECORD, deliveryId: undefined });

    assert.equal(Object.hasOwn(item, "deliveryId"), false);
  });
});

describe("storeTransaction", () => {
  it("sends a conditional PutItem that returns the old item on failure", async () => {
    const calls = [];
    const client = { send: async (command, options) => calls.push({ input: command.input, options }) };
    const signal = new AbortController().signal;

    const outcome = await createTransactionStore({ client, tableName: "transactions-test" })(RECORD, { abortSignal: signal });

    assert.equal(outcome, "stored");
    assert.equal(calls[0].input.TableName, "transactions-test");
    assert.equal(calls[0].input.ConditionExpression, "attribute_not_exists(transactionId)");
    assert.equal(calls[0].input.ReturnValuesOnConditionCheckFailure, "ALL_OLD");
    assert.deepEqual(calls[0].input.Item, toItem(RECORD));
    assert.equal(calls[0].options.abortSignal, signal);
  });

  it("returns duplicate when the stored body hash matches", async () => {
    const store = createTransactionStore({ client: clientThatThrows(conditionalFailure(RECORD.bodySha256)), tableName: "t" });

    assert.equal(await store(RECORD), "duplicate");
  });

  it("throws ConflictError when the stored body hash differs", async () => {
    const store = createTransactionStore({ client: clientThatThrows(conditionalFailure("b".repeat(64))), tableName: "t" });

    await assert.rejects(store(RECORD), ConflictError);
  });

  it("throws a non-retryable error when no old item comes back", async () => {
    const store = createTransactionStore({ client: clientThatThrows(conditionalFailure(undefined)), tableName: "t" });

    await assert.rejects(store(RECORD), (error) => error instanceof StorageError && error.retryable === false);
  });

  const failures = [
    ["throttling", Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" }), true],
    ["an internal server error", Object.assign(new Error("oops"), { name: "InternalServerError", $metadata: { httpStatusCode: 500 } }), true],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), true],
    ["a request timeout", Object.assign(new Error("timed out"), { name: "TimeoutError", code: "ETIMEDOUT" }), true],
    ["an abort at the deadline", Object.assign(new Error("aborted"), { name: "AbortError" }), true],
    ["a missing table", Object.assign(new Error("no table"), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 400 } }), false],
    ["denied access", Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }), false],
  ];
  for (const [name, error, retryable] of failures) {
    it(`maps ${name} to a ${retryable ? "retryable" : "non-retryable"} StorageError`, async () => {
      const store = createTransactionStore({ client: clientThatThrows(error), tableName: "transactions-test" });

      await assert.rejects(store(RECORD), (thrown) => {
        assert.ok(thrown instanceof StorageError);
        assert.equal(thrown.retryable, retryable);
        assert.equal(thrown.cause, error);
        assert.match(thrown.message, /PutItem on table transactions-test failed/);
        return true;
      });
    });
  }
});
