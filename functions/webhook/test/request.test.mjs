import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { PayloadTooLargeError, UnsupportedMediaTypeError } from "../src/errors.mjs";
import { readHeaders, readRequest } from "../src/request.mjs";

const LIMIT = { maxBodyBytes: 16 };

function event(overrides) {
  return { headers: { "Content-Type": "application/json" }, body: "{}", isBase64Encoded: false, ...overrides };
}

describe("readHeaders", () => {
  it("lower-cases names from both header maps", () => {
    const headers = readHeaders({ headers: { "Webhook-ID": "a" }, multiValueHeaders: { "WEBHOOK-TIMESTAMP": ["1", "2"] } });

    assert.equal(headers.get("webhook-id"), "a");
    assert.equal(headers.get("webhook-timestamp"), "2");
  });

  it("prefers the single-value map when the spelling differs", () => {
    const headers = readHeaders({ headers: { "content-type": "application/json" }, multiValueHeaders: { "Content-Type": ["text/plain"] } });

    assert.equal(headers.get("content-type"), "application/json");
  });

  it("accepts null header maps", () => {
    const headers = readHeaders({ headers: null, multiValueHeaders: null });

    assert.equal(headers.size, 0);
  });
});

describe("readRequest", () => {
  const acceptedContentTypes = ["application/json", "Application/JSON", "application/json; charset=utf-8", 'application/json;charset="UTF-8"'];
  for (const contentType of acceptedContentTypes) {
    it(`accepts Content-Type ${contentType}`, () => {
      const { rawBody } = readRequest(event({ headers: { "content-type": contentType } }), LIMIT);

      assert.equal(rawBody.toString("utf8"), "{}");
    });
  }

  const rejectedContentTypes = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "application/jsonp", ""];
  for (const contentType of rejectedContentTypes) {
    it(`rejects Content-Type ${JSON.stringify(contentType)}`, () => {
      assert.throws(() => readRequest(event({ headers: { "Content-Type": contentType } }), LIMIT), UnsupportedMediaTypeError);
    });
  }

  it("never repeats the rejected Content-Type", () => {
    const contentType = "text/4111111111111111";
    assert.throws(
      () => readRequest(event({ headers: { "Content-Type": contentType } }), LIMIT),
      (error) => error instanceof UnsupportedMediaTypeError && !error.message.includes("4111111111111111"),
    );
  });

  it("rejects a missing Content-Type", () => {
    assert.throws(() => readRequest(event({ headers: {} }), LIMIT), /Content-Type header is missing; send application\/json/);
  });

  it("decodes base64 bodies to the original bytes", () => {
    const bytes = Buffer.from('{"a":"\u00e9"}', "utf8");

    const { rawBody } = readRequest(event({ body: bytes.toString("base64"), isBase64Encoded: true }), LIMIT);

    assert.deepEqual(rawBody, bytes);
  });

  it("treats a null body as empty", () => {
    const { rawBody } = readRequest(event({ body: null }), LIMIT);

    assert.equal(rawBody.length, 0);
  });

  it("accepts a body of exactly the limit", () => {
    const { rawBody } = readRequest(event({ body: "x".repeat(16) }), LIMIT);

    assert.equal(rawBody.length, 16);
  });

  it("rejects a body one byte over the limit", () => {
    assert.throws(() => readRequest(event({ body: "x".repeat(17) }), LIMIT), (error) => error instanceof PayloadTooLargeError && /17 bytes; the maximum is 16 bytes/.test(error.message));
  });

  it("counts bytes, not characters", () => {
    assert.throws(() => readRequest(event({ body: "\u00e9".repeat(9) }), LIMIT), PayloadTooLargeError);
  });

  it("measures a base64 body after decoding", () => {
    const encoded = Buffer.alloc(17, 120).toString("base64");

    assert.throws(() => readRequest(event({ body: encoded, isBase64Encoded: true }), LIMIT), PayloadTooLargeError);
  });

  it("checks the content type before the size", () => {
    assert.throws(() => readRequest(event({ headers: { "Content-Type": "text/plain" }, body: "x".repeat(100) }), LIMIT), UnsupportedMediaTypeError);
  });
});
