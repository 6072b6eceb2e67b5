import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { loadConfig } from "../src/config.mjs";
import { ConfigurationError } from "../src/errors.mjs";
import { CURRENT_SECRET, PREVIOUS_SECRET, STRIPE_SECRET, standardKey } from "./support/fixtures.mjs";

const BASE_ENV = { TABLE_NAME: "transactions-dev", WEBHOOK_SIGNING_SECRETS: CURRENT_SECRET };

describe("loadConfig", () => {
  it("applies the defaults when only required variables are set", () => {
    const config = loadConfig(BASE_ENV);

    assert.equal(config.tableName, "transactions-dev");
    assert.equal(config.signatureScheme, "standard-webhooks");
    assert.equal(config.toleranceSeconds, 300);
    assert.equal(config.maxBodyBytes, 262144);
    assert.equal(config.logLevel, "INFO");
    assert.deepEqual(config.signingKeys, [standardKey(CURRENT_SECRET)]);
  });

  it("keeps rotated secrets in order, current first", () => {
    const config = loadConfig({ ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: `${CURRENT_SECRET}, ${PREVIOUS_SECRET}` });

    assert.deepEqual(config.signingKeys, [standardKey(CURRENT_SECRET), standardKey(PREVIOUS_SECRET)]);
  });

  it("uses Stripe secrets as UTF-8 keys with the prefix", () => {
    const config = loadConfig({ ...BASE_ENV, SIGNATURE_SCHEME: "stripe", WEBHOOK_SIGNING_SECRETS: STRIPE_SECRET });

    assert.equal(config.signatureScheme, "stripe");
    assert.deepEqual(config.signingKeys, [Buffer.from(STRIPE_SECRET, "utf8")]);
  });

  it("reads explicit numeric settings and a lower-case log level", () => {
    const config = loadConfig({ ...BASE_ENV, SIGNATURE_TOLERANCE_SECONDS: "60", MAX_BODY_BYTES: "1024", LOG_LEVEL: "debug" });

    assert.equal(config.toleranceSeconds, 60);
    assert.equal(config.maxBodyBytes, 1024);
    assert.equal(config.logLevel, "DEBUG");
  });

  const invalidCases = [
    { name: "missing TABLE_NAME", env: { WEBHOOK_SIGNING_SECRETS: CURRENT_SECRET }, pattern: /TABLE_NAME is missing/ },
    { name: "blank TABLE_NAME", env: { ...BASE_ENV, TABLE_NAME: "  " }, pattern: /TABLE_NAME is missing/ },
    { name: "TABLE_NAME with a slash", env: { ...BASE_ENV, TABLE_NAME: "a/b" }, pattern: /TABLE_NAME is invalid: "a\/b"/ },
    { name: "missing secrets", env: { TABLE_NAME: "t-1" }, pattern: /WEBHOOK_SIGNING_SECRETS is missing/ },
    { name: "secret without prefix", env: { ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: "c2VjcmV0" }, pattern: /entry 1 of 1 is invalid: it must start with 'whsec_'/ },
    { name: "empty entry between commas", env: { ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: `${CURRENT_SECRET},,` }, pattern: /entry 2 of 3 is invalid/ },
    { name: "secret that is not base64", env: { ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: "whsec_not*base64!" }, pattern: /not standard base64/ },
    { name: "secret that is too short", env: { ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: `whsec_${Buffer.alloc(8).toString("base64")}` }, pattern: /decodes to 8 bytes; use 24 to 64/ },
    { name: "unknown scheme", env: { ...BASE_ENV, SIGNATURE_SCHEME: "hmac" }, pattern: /SIGNATURE_SCHEME is invalid: "hmac"; use one of standard-webhooks, stripe/ },
    { name: "fractional tolerance", env: { ...BASE_ENV, SIGNATURE_TOLERANCE_SECONDS: "1.5" }, pattern: /SIGNATURE_TOLERANCE_SECONDS is invalid: "1.5"; use a whole number from 1 to 86400/ },
    { name: "zero tolerance", env: { ...BASE_ENV, SIGNATURE_TOLERANCE_SECONDS: "0" }, pattern: /SIGNATURE_TOLERANCE_SECONDS is invalid/ },
    { name: "text body limit", env: { ...BASE_ENV, MAX_BODY_BYTES: "big" }, pattern: /MAX_BODY_BYTES is invalid: "big"/ },
    { name: "body limit over 10 MiB", env: { ...BASE_ENV, MAX_BODY_BYTES: "10485761" }, pattern: /MAX_BODY_BYTES is invalid/ },
    { name: "unknown log level", env: { ...BASE_ENV, LOG_LEVEL: "TRACE" }, pattern: /LOG_LEVEL is invalid: "TRACE"/ },
  ];

  for (const { name, env, pattern } of invalidCases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => loadConfig(env), (error) => error instanceof ConfigurationError && pattern.test(error.message));
    });
  }

  it("never quotes a secret in its errors", () => {
    const badSecret = "whsec_AAAA";

    assert.throws(
      () => loadConfig({ ...BASE_ENV, WEBHOOK_SIGNING_SECRETS: `${CURRENT_SECRET},${badSecret}` }),
      (error) => !error.message.includes(badSecret) && !error.message.includes(CURRENT_SECRET),
    );
  });
});
