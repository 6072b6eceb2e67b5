import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { SignatureError } from "../src/errors.mjs";
import { createVerifier } from "../src/signature/index.mjs";
import {
  CURRENT_SECRET,
  NOW_SECONDS,
  PREVIOUS_SECRET,
  STRIPE_SECRET,
  UNKNOWN_SECRET,
  signStandard,
  signStripe,
  standardKey,
} from "./support/fixtures.mjs";

const BODY = '{"transactionId":"txn_1","amount":"10.00"}';
const TOLERANCE = 300;

function standardVerifier(secrets = [CURRENT_SECRET]) {
  return createVerifier({
    scheme: "standard-webhooks",
    keys: secrets.map(standardKey),
    toleranceSeconds: TOLERANCE,
    nowSeconds: () => NOW_SECONDS,
  });
}

function standardHeaders({ id = "msg_1", timestamp = NOW_SECONDS, signature } = {}) {
  return new Map([
    ["webhook-id", id],
    ["webhook-timestamp", String(timestamp)],
    ["webhook-signature", signature ?? signStandard(CURRENT_SECRET, id, timestamp, BODY)],
  ]);
}

function assertRejected(verify, headers, body, pattern) {
  assert.throws(() => verify(headers, Buffer.from(body)), (error) => error instanceof SignatureError && pattern.test(error.message));
}

describe("Standard Webhooks verifier", () => {
  it("accepts a valid signature and returns the webhook-id", () => {
    const result = standardVerifier()(standardHeaders(), Buffer.from(BODY));

    assert.deepEqual(result, { deliveryId: "msg_1" });
  });

  it("rejects a signature made with another secret", () => {
    const signature = signStandard(UNKNOWN_SECRET, "msg_1", NOW_SECONDS, BODY);

    assertRejected(standardVerifier(), standardHeaders({ signature }), BODY, /matches no configured signing secret/);
  });

  it("rejects a body with one byte changed", () => {
    assertRejected(standardVerifier(), standardHeaders(), BODY.replace("10.00", "10.01"), /matches no configured/);
  });

  it("rejects a body with whitespace changed", () => {
    assertRejected(standardVerifier(), standardHeaders(), BODY.replace(",", ", "), /matches no configured/);
  });

  it("rejects a signature with one character changed", () => {
    const signature = signStandard(CURRENT_SECRET, "msg_1", NOW_SECONDS, BODY);
    const last = signature.at(-2) === "A" ? "B" : "A";
    const tampered = `${signature.slice(0, -2)}${last}${signature.slice(-1)}`;

    assertRejected(standardVerifier(), standardHeaders({ signature: tampered }), BODY, /matches no configured/);
  });

  it("rejects a signature over another webhook-id", () => {
    const signature = signStandard(CURRENT_SECRET, "msg_2", NOW_SECONDS, BODY);

    assertRejected(standardVerifier(), standardHeaders({ signature }), BODY, /matches no configured/);
  });

  const toleranceCases = [
    { name: "exactly the tolerance in the past", offset: -TOLERANCE, accepted: true },
    { name: "exactly the tolerance in the future", offset: TOLERANCE, accepted: true },
    { name: "one second past the tolerance in the past", offset: -TOLERANCE - 1, accepted: false },
    { name: "one second past the tolerance in the future", offset: TOLERANCE + 1, accepted: false },
  ];
  for (const { name, offset, accepted } of toleranceCases) {
    it(`${accepted ? "accepts" : "rejects"} a timestamp ${name}`, () => {
      const timestamp = NOW_SECONDS + offset;
      const headers = standardHeaders({ timestamp, signature: signStandard(CURRENT_SECRET, "msg_1", timestamp, BODY) });

      if (accepted) {
        assert.deepEqual(standardVerifier()(headers, Buffer.from(BODY)), { deliveryId: "msg_1" });
      } else {
        assertRejected(standardVerifier(), headers, BODY, /tolerance is 300 seconds/);
      }
    });
  }

  it("names the direction of a stale timestamp", () => {
    const timestamp = NOW_SECONDS - 400;
    const headers = standardHeaders({ timestamp, signature: signStandard(CURRENT_SECRET, "msg_1", timestamp, BODY) });

    assertRejected(standardVerifier(), headers, BODY, /400 seconds in the past/);
  });

  const invalidTimestamps = ["abc", "-5", "1.5", "1796400000000000"];
  for (const timestamp of invalidTimestamps) {
    it(`rejects webhook-timestamp ${timestamp}`, () => {
      assertRejected(standardVerifier(), standardHeaders({ timestamp }), BODY, /webhook-timestamp is invalid/);
    });
  }

  for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    it(`rejects a request without ${header}`, () => {
      const headers = standardHeaders();
      headers.delete(header);

      assertRejected(standardVerifier(), headers, BODY, new RegExp(`${header} header is missing`));
    });
  }

  it("accepts a matching entry among several signatures", () => {
    const other = signStandard(UNKNOWN_SECRET, "msg_1", NOW_SECONDS, BODY);
    const good = signStandard(CURRENT_SECRET, "msg_1", NOW_SECONDS, BODY);
    const signature = `v1a,ignored ${other} ${good}`;

    assert.deepEqual(standardVerifier()(standardHeaders({ signature }), Buffer.from(BODY)), { deliveryId: "msg_1" });
  });

  it("rejects a header with only other versions", () => {
    const good = signStandard(CURRENT_SECRET, "msg_1", NOW_SECONDS, BODY).replace("v1,", "v2,");

    assertRejected(standardVerifier(), standardHeaders({ signature: good }), BODY, /has no 'v1,<base64>' entry/);
  });

  it("rejects a truncated signature without throwing a RangeError", () => {
    const signature = signStandard(CURRENT_SECRET, "msg_1", NOW_SECONDS, BODY).slice(0, 20);

    assertRejected(standardVerifier(), standardHeaders({ signature }), BODY, /matches no configured/);
  });

  it("accepts a body signed with the previous secret during rotation", () => {
    const signature = signStandard(PREVIOUS_SECRET, "msg_1", NOW_SECONDS, BODY);
    const verify = standardVerifier([CURRENT_SECRET, PREVIOUS_SECRET]);

    assert.deepEqual(verify(standardHeaders({ signature }), Buffer.from(BODY)), { deliveryId: "msg_1" });
  });

  it("rejects the previous secret once it is removed", () => {
    const signature = signStandard(PREVIOUS_SECRET, "msg_1", NOW_SECONDS, BODY);

    assertRejected(standardVerifier([CURRENT_SECRET]), standardHeaders({ signature }), BODY, /matches no configured/);
  });

  it("signs the exact bytes, including non-ASCII text", () => {
    const body = '{"note":"caf\u00e9"}';
    const signature = signStandard(CURRENT_SECRET, "msg_1", NOW_SECONDS, body);

    assert.deepEqual(standardVerifier()(standardHeaders({ signature }), Buffer.from(body, "utf8")), { deliveryId: "msg_1" });
  });
});

describe("Stripe verifier", () => {
  function stripeVerifier(secrets = [STRIPE_SECRET]) {
    return createVerifier({
      scheme: "stripe",
      keys: secrets.map((secret) => Buffer.from(secret, "utf8")),
      toleranceSeconds: TOLERANCE,
      nowSeconds: () => NOW_SECONDS,
    });
  }

  function stripeHeaders(value) {
    return new Map([["stripe-signature", value]]);
  }

  it("accepts a valid signature", () => {
    const header = `t=${NOW_SECONDS},v1=${signStripe(STRIPE_SECRET, NOW_SECONDS, BODY)}`;

    assert.deepEqual(stripeVerifier()(stripeHeaders(header), Buffer.from(BODY)), { deliveryId: undefined });
  });

  it("accepts a matching v1 among several, next to a v0", () => {
    const wrong = signStripe("whsec_other", NOW_SECONDS, BODY);
    const good = signStripe(STRIPE_SECRET, NOW_SECONDS, BODY);
    const header = `t=${NOW_SECONDS},v1=${wrong},v1=${good},v0=deadbeef`;

    assert.deepEqual(stripeVerifier()(stripeHeaders(header), Buffer.from(BODY)), { deliveryId: undefined });
  });

  it("accepts the previous secret during rotation", () => {
    const header = `t=${NOW_SECONDS},v1=${signStripe("whsec_previous", NOW_SECONDS, BODY)}`;

    assert.deepEqual(stripeVerifier([STRIPE_SECRET, "whsec_previous"])(stripeHeaders(header), Buffer.from(BODY)), { deliveryId: undefined });
  });

  it("rejects a signature made with another secret", () => {
    const header = `t=${NOW_SECONDS},v1=${signStripe("whsec_other", NOW_SECONDS, BODY)}`;

    assertRejected(stripeVerifier(), stripeHeaders(header), BODY, /matches no configured signing secret/);
  });

  it("rejects a changed body", () => {
    const header = `t=${NOW_SECONDS},v1=${signStripe(STRIPE_SECRET, NOW_SECONDS, BODY)}`;

    assertRejected(stripeVerifier(), stripeHeaders(header), `${BODY} `, /matches no configured/);
  });

  it("rejects a timestamp one second past the tolerance in the past", () => {
    const timestamp = NOW_SECONDS - TOLERANCE - 1;
    const header = `t=${timestamp},v1=${signStripe(STRIPE_SECRET, timestamp, BODY)}`;

    assertRejected(stripeVerifier(), stripeHeaders(header), BODY, /in the past; the tolerance is 300 seconds/);
  });

  it("rejects a timestamp one second past the tolerance in the future", () => {
    const timestamp = NOW_SECONDS + TOLERANCE + 1;
    const header = `t=${timestamp},v1=${signStripe(STRIPE_SECRET, timestamp, BODY)}`;

    assertRejected(stripeVerifier(), stripeHeaders(header), BODY, /in the future/);
  });

  it("accepts a timestamp exactly at the tolerance", () => {
    const timestamp = NOW_SECONDS - TOLERANCE;
    const header = `t=${timestamp},v1=${signStripe(STRIPE_SECRET, timestamp, BODY)}`;

    assert.deepEqual(stripeVerifier()(stripeHeaders(header), Buffer.from(BODY)), { deliveryId: undefined });
  });

  const malformedHeaders = [
    { name: "a missing header", headers: new Map(), pattern: /Stripe-Signature header is missing/ },
    { name: "no timestamp", headers: stripeHeaders(`v1=${"a".repeat(64)}`), pattern: /no 't=<seconds>' element/ },
    { name: "no v1 element", headers: stripeHeaders(`t=${NOW_SECONDS},v0=abc`), pattern: /no 'v1=<hex>' element/ },
    { name: "a v1 that is not hex", headers: stripeHeaders(`t=${NOW_SECONDS},v1=${"z".repeat(64)}`), pattern: /no 'v1=<hex>' element/ },
  ];
  for (const { name, headers, pattern } of malformedHeaders) {
    it(`rejects ${name}`, () => {
      assertRejected(stripeVerifier(), headers, BODY, pattern);
    });
  }

  it("rejects a Standard Webhooks signature", () => {
    assertRejected(stripeVerifier(), standardHeaders(), BODY, /Stripe-Signature header is missing/);
  });
});

describe("createVerifier", () => {
  it("rejects an unknown scheme by name", () => {
    assert.throws(() => createVerifier({ scheme: "github", keys: [], toleranceSeconds: 1 }), /"github" is unknown; use one of standard-webhooks, stripe/);
  });
});
