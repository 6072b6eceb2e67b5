// Standard Webhooks scheme: headers webhook-id, webhook-timestamp and webhook-signature, the latter
// holding space-separated `v1,<base64 HMAC-SHA256>` entries over `${id}.${timestamp}.${rawBody}`.

import { SignatureError } from "../errors.mjs";
import { checkTimestamp, computeHmac, matchesAny, systemNowSeconds } from "./common.mjs";

const SIGNATURE_VERSION = "v1";

/**
 * Creates a verifier for the Standard Webhooks scheme.
 *
 * `keys` are the decoded `whsec_` secrets, every one of them accepted. The verifier returns
 * `{ deliveryId }` (the webhook-id header) or throws SignatureError.
 */
export function createStandardWebhooksVerifier({ keys, toleranceSeconds, nowSeconds = systemNowSeconds }) {
  return function verifyStandardWebhooks(headers, rawBody) {
    const id = requireHeader(headers, "webhook-id");
    const timestampText = requireHeader(headers, "webhook-timestamp");
    const signatureHeader = requireHeader(headers, "webhook-signature");

    checkTimestamp("webhook-timestamp", timestampText, nowSeconds(), toleranceSeconds);

    const candidates = parseSignatures(signatureHeader);
    if (candidates.length === 0) {
      throw new SignatureError(`webhook-signature has no '${SIGNATURE_VERSION},<base64>' entry`);
    }

    const prefix = `${id}.${timestampText}.`;
    const expectedDigests = keys.map((key) => computeHmac(key, prefix, rawBody));
    if (!matchesAny(candidates, expectedDigests)) {
      throw new SignatureError("webhook-signature matches no configured signing secret");
    }
    return { deliveryId: id };
  };
}

function requireHeader(headers, name) {
  const value = headers.get(name);
  if (value === undefined || value.trim() === "") {
    throw new SignatureError(`${name} header is missing`);
  }
  return value.trim();
}

// Entries of other versions, such as v1a (ed25519), are ignored as the scheme specifies, so senders can add them.
function parseSignatures(header) {
  const candidates = [];
  for (const entry of header.split(" ")) {
    const separator = entry.indexOf(",");
    if (separator < 0 || entry.slice(0, separator) !== SIGNATURE_VERSION) {
      continue;
    }
    candidates.push(Buffer.from(entry.slice(separator + 1), "base64"));
  }
  return candidates;
}
