// Shared builders for unit tests: secrets, signed proxy events and valid transaction bodies.

import { createHmac } from "node:crypto";

// NOW_MS - 60_000, the default transaction timestamp, passes the Luhn check like about one epoch
// milliseconds value in ten, so tests see that masking leaves the key field alone.
export const NOW_SECONDS = 1_796_414_198;
export const NOW_MS = NOW_SECONDS * 1000;

// 32 fixed bytes, so failures are reproducible; real secrets come from a random generator.
export const CURRENT_SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
export const PREVIOUS_SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
export const UNKNOWN_SECRET = `whsec_${Buffer.alloc(32, 11).toString("base64")}`;
export const STRIPE_SECRET = "whsec_stripe_endpoint_secret_for_tests";

/** Returns the HMAC key of a `whsec_` secret under the Standard Webhooks scheme. */
export function standardKey(secret) {
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

/** Returns a `v1,<base64>` Standard Webhooks signature entry. */
export function signStandard(secret, id, timestamp, body) {
  const digest = createHmac("sha256", standardKey(secret)).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return `v1,${digest}`;
}

/** Returns the hex v1 signature of Stripe's scheme. */
export function signStripe(secret, timestamp, body) {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(`${timestamp}.`).update(body).digest("hex");
}

/** Returns a transaction object that passes every rule. */
export function validTransaction(overrides = {}) {
  return {
    transactionId: "txn_0001",
    timestamp: NOW_MS - 60_000,
    amount: "19.99",
    currency: "USD",
    status: "captured",
    ...overrides,
  };
}

/** Returns a proxy event whose body is signed with `secret` under the Standard Webhooks scheme. */
export function signedEvent(body, { secret = CURRENT_SECRET, id = "msg_001", timestamp = NOW_SECONDS, headers = {} } = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    httpMethod: "POST",
    path: "/webhook",
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandard(secret, id, timestamp, text),
      ...headers,
    },
    multiValueHeaders: {},
    isBase64Encoded: false,
    body: text,
    requestContext: { requestId: "api-request-1" },
  };
}
