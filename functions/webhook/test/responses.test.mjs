import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ConflictError,
  PayloadTooLargeError,
  SignatureError,
  StorageError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../src/errors.mjs";
import { errorResponse, successResponse } from "../src/responses.mjs";

const KEY = { transactionId: "txn_1", timestamp: 1796399940000 };

describe("successResponse", () => {
  for (const outcome of ["stored", "duplicate"]) {
    it(`returns 200 ${outcome} with the key`, () => {
      const response = successResponse(outcome, KEY);

      assert.equal(response.statusCode, 200);
      assert.equal(response.headers["Content-Type"], "application/json");
      assert.deepEqual(JSON.parse(response.body), { status: outcome, ...KEY });
    });
  }
});

describe("errorResponse", () => {
  const cases = [
    [new UnsupportedMediaTypeError("m"), 415, "unsupported_media_type"],
    [new PayloadTooLargeError("m"), 413, "payload_too_large"],
    [new SignatureError("m"), 401, "unauthorized"],
    [new ValidationError([{ field: "amount", message: "m" }]), 400, "invalid"],
    [new ConflictError("m"), 409, "conflict"],
    [new StorageError("m", { retryable: true }), 503, "unavailable"],
    [new StorageError("m", { retryable: false }), 500, "error"],
    [new TypeError("a bug"), 500, "error"],
  ];
  for (const [error, statusCode, status] of cases) {
    it(`maps ${error.name} to ${statusCode}`, () => {
      const { response } = errorResponse(error, KEY);

      assert.equal(response.statusCode, statusCode);
      assert.equal(response.headers["Content-Type"], "application/json");
      assert.equal(JSON.parse(response.body).status, status);
    });
  }

  it("lists every validation failure", () => {
    const errors = [
      { field: "amount", message: "a" },
      { field: "currency", message: "b" },
    ];

    const { response } = errorResponse(new ValidationError(errors), undefined);

    assert.deepEqual(JSON.parse(response.body), { status: "invalid", errors });
  });

  it("tells the caller to retry on 5xx", () => {
    for (const error of [new StorageError("m", { retryable: true }), new StorageError("m", { retryable: false })]) {
      const body = JSON.parse(errorResponse(error, KEY).response.body);

      assert.equal(body.retryable, true);
    }
  });

  it("sets Retry-After on 503", () => {
    const { response } = errorResponse(new StorageError("m", { retryable: true }), KEY);

    assert.equal(response.headers["Retry-After"], "1");
  });

  it("hides internal error messages", () => {
    const { response } = errorResponse(new StorageError("PutItem on table secret-table failed", { retryable: false }), KEY);

    assert.ok(!response.body.includes("secret-table"));
  });

  it("names the key in a conflict", () => {
    const body = JSON.parse(errorResponse(new ConflictError("m"), KEY).response.body);

    assert.equal(body.transactionId, "txn_1");
    assert.equal(body.timestamp, 1796399940000);
  });
});
