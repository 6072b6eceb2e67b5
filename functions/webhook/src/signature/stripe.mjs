// Stripe scheme: one Stripe-Signature header `t=<seconds>,v1=<hex>,v1=<hex>` holding hex
// HMAC-SHA256 signatures over `${t}.${rawBody}`, keyed with the endpoint secret's UTF-8 bytes.

import { SignatureError } from "../errors.mjs";
import { checkTimestamp, computeHmac, matchesAny, systemNowSeconds } from "./common.mjs";

const HEADER_NAME = "stripe-signature";
const SHA256_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * Creates a verifier for Stripe's scheme.
 *
 * `keys` are the `whsec_` endpoint secrets as UTF-8 bytes, every one of them accepted. Stripe sends
 * no delivery id header, so the verifier returns `{ deliveryId: undefined }` or throws SignatureError.
 */
export function createStripeVerifier({ keys, toleranceSeconds, nowSeconds = systemNowSeconds }) {
  return function verifyStripe(headers, rawBody) {
    const header = headers.get(HEADER_NAME);
    if (header === undefined || header.trim() === "") {
      throw new SignatureError("Stripe-Signature header is missing");
    }

    const { timestampText, candidates } = parseHeader(header);
    if (timestampText === undefined) {
      throw new SignatureError("Stripe-Signature has no 't=<seconds>' element");
    }
    if (candidates.length === 0) {
      throw new SignatureError("Stripe-Signature has no 'v1=<hex>' element");
    }
    checkTimestamp("Stripe-Signature timestamp", timestampText, nowSeconds(), toleranceSeconds);

    const expectedDigests = keys.map((key) => computeHmac(key, `${timestampText}.`, rawBody));
    if (!matchesAny(candidates, expectedDigests)) {
      throw new SignatureError("Stripe-Signature matches no configured signing secret");
    }
    return { deliveryId: undefined };
  };
}

// The first t= element counts; v1= elements that are not 64 hex digits cannot match and are dropped.
function parseHeader(header) {
  let timestampText;
  const candidates = [];
  for (const element of header.split(",")) {
    const separator = element.indexOf("=");
    if (separator < 0) {
      continue;
    }
    const key = element.slice(0, separator).trim();
    const value = element.slice(separator + 1).trim();
    if (key === "t" && timestampText === undefined) {
      timestampText = value;
    } else if (key === "v1" && SHA256_HEX_PATTERN.test(value)) {
      candidates.push(Buffer.from(value, "hex"));
    }
  }
  return { timestampText, candidates };
}
