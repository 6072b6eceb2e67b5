import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ValidationError } from "../src/errors.mjs";
import { parseTransaction } from "../src/validation.mjs";
import { NOW_MS, validTransaction } from "./support/fixtures.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;

function parse(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return parseTransaction(Buffer.from(text, "utf8"), { nowMs: NOW_MS });
}

function errorsOf(value) {
  try {
    parse(value);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected ValidationError, got ${error}`);
    return error.errors;
  }
  assert.fail("expected the body to be rejected");
}

describe("parseTransaction", () => {
  it("returns the five fields of a valid body", () => {
    const { transaction } = parse(validTransaction());

    assert.deepEqual(transaction, {
      transactionId: "txn_0001",
      timestamp: NOW_MS - 60_000,
      amount: "19.99",
      currency: "USD",
      status: "captured",
    });
  });

  it("keeps other fields in the parsed body", () => {
    const { body } = parse(validTransaction({ merchant: { id: "m-1" } }));

    assert.deepEqual(body.merchant, { id: "m-1" });
  });

  const acceptedCases = [
    ["transactionId of one character", { transactionId: "a" }],
    ["transactionId of 128 characters", { transactionId: "a".repeat(128) }],
    ["transactionId with every allowed symbol", { transactionId: "A-z_0.9:x" }],
    ["timestamp of zero", { timestamp: 0 }],
    ["timestamp exactly 24 hours ahead", { timestamp: NOW_MS + DAY_MS }],
    ["amount with 18 integer and 6 fraction digits", { amount: "123456789012345678.123456" }],
    ["negative amount", { amount: "-5.5" }],
    ["whole amount", { amount: "100" }],
    ...["pending", "authorized", "captured", "settled", "declined", "failed", "refunded", "reversed", "chargeback"].map((status) => [
      `status ${status}`,
      { status },
    ]),
  ];
  for (const [name, overrides] of acceptedCases) {
    it(`accepts ${name}`, () => {
      const { transaction } = parse(validTransaction(overrides));

      for (const [field, value] of Object.entries(overrides)) {
        assert.equal(transaction[field], value);
      }
    });
  }

  const rejectedCases = [
    ["empty transactionId", { transactionId: "" }, "transactionId"],
    ["transactionId of 129 characters", { transactionId: "a".repeat(129) }, "transactionId"],
    ["transactionId with a space", { transactionId: "txn 1" }, "transactionId"],
    ["transactionId with a slash", { transactionId: "txn/1" }, "transactionId"],
    ["numeric transactionId", { transactionId: 12345 }, "transactionId"],
    ["timestamp as a string", { timestamp: String(NOW_MS) }, "timestamp"],
    ["timestamp with a fraction", { timestamp: 1.5 }, "timestamp"],
    ["negative timestamp", { timestamp: -1 }, "timestamp"],
    ["timestamp one millisecond past 24 hours ahead", { timestamp: NOW_MS + DAY_MS + 1 }, "timestamp"],
    ["amount as a JSON number", { amount: 19.99 }, "amount"],
    ["amount with 7 fraction digits", { amount: "1.1234567" }, "amount"],
    ["amount with 19 integer digits", { amount: "1234567890123456789" }, "amount"],
    ["amount that is a card number", { amount: "4111111111111111" }, "amount"],
    ["amount with card-number integer digits", { amount: "-4111111111111111.25" }, "amount"],
    ["amount with a plus sign", { amount: "+1.00" }, "amount"],
    ["amount with an exponent", { amount: "1e3" }, "amount"],
    ["amount with a trailing dot", { amount: "1." }, "amount"],
    ["amount with a comma", { amount: "1,00" }, "amount"],
    ["lower-case currency", { currency: "usd" }, "currency"],
    ["four-letter currency", { currency: "USDT" }, "currency"],
    ["unknown status", { status: "approved" }, "status"],
    ["upper-case status", { status: "CAPTURED" }, "status"],
    ["null status", { status: null }, "status"],
  ];
  for (const [name, overrides, field] of rejectedCases) {
    it(`rejects ${name}`, () => {
      const errors = errorsOf(validTransaction(overrides));

      assert.deepEqual(errors.map((error) => error.field), [field]);
    });
  }

  it("reports a JSON number amount as a precision risk", () => {
    const [error] = errorsOf(validTransaction({ amount: 125.5 }));

    assert.match(error.message, /got a JSON number, which can lose precision/);
  });

  it("reports every missing field at once", () => {
    const errors = errorsOf({});

    assert.deepEqual(
      errors.map((error) => error.field),
      ["transactionId", "timestamp", "amount", "currency", "status"],
    );
    assert.ok(errors.every((error) => error.message === `${error.field} is missing`));
  });

  it("reports every invalid field at once", () => {
    const errors = errorsOf({ transactionId: "bad id", timestamp: "now", amount: 1, currency: "eur", status: "done" });

    assert.equal(errors.length, 5);
  });

  it("never quotes a field value in a message", () => {
    const errors = errorsOf(validTransaction({ transactionId: "secret value 4111111111111111", currency: "zzz" }));

    for (const error of errors) {
      assert.ok(!error.message.includes("4111111111111111"), error.message);
      assert.ok(!error.message.includes("zzz"), error.message);
    }
  });

  const notObjects = [
    ["an array", "[1,2]", /got an array/],
    ["null", "null", /got null/],
    ["a string", '"text"', /got a string/],
    ["a number", "42", /got a number/],
  ];
  for (const [name, text, pattern] of notObjects) {
    it(`rejects a body that is ${name}`, () => {
      const errors = errorsOf(text);

      assert.equal(errors[0].field, "body");
      assert.match(errors[0].message, pattern);
    });
  }

  it("rejects text that is not JSON without quoting it", () => {
    const errors = errorsOf("{card: 4111111111111111");

    assert.deepEqual(errors, [{ field: "body", message: "body is not valid JSON; send one JSON object" }]);
  });

  it("rejects an empty body", () => {
    const errors = errorsOf("");

    assert.equal(errors[0].field, "body");
  });

  it("rejects bytes that are not UTF-8", () => {
    assert.throws(() => parseTransaction(Buffer.from([0x7b, 0xff, 0x7d]), { nowMs: NOW_MS }), (error) => error.errors[0].message.includes("not valid UTF-8"));
  });

  it("ignores fields nested under __proto__", () => {
    const text = `{"__proto__":${JSON.stringify(validTransaction())}}`;

    const errors = errorsOf(text);

    assert.equal(errors.length, 5);
    assert.equal({}.transactionId, undefined);
  });

  it("accepts a valid body that also has a __proto__ key", () => {
    const text = JSON.stringify(validTransaction()).replace("{", '{"__proto__":{"polluted":true},');

    const { transaction } = parse(text);

    assert.equal(transaction.transactionId, "txn_0001");
    assert.equal({}.polluted, undefined);
  });

  it("takes the last of duplicate keys, as JSON.parse does", () => {
    const text = JSON.stringify(validTransaction()).replace("{", '{"amount":"1.00",');

    assert.equal(parse(text).transaction.amount, "19.99");
  });
});
