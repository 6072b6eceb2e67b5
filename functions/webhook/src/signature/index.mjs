// Chooses the signature scheme named by SIGNATURE_SCHEME. A gateway with its own scheme gets a
// module beside these two and one entry in VERIFIER_FACTORIES.

import { createStandardWebhooksVerifier } from "./standard-webhooks.mjs";
import { createStripeVerifier } from "./stripe.mjs";

const VERIFIER_FACTORIES = {
  "standard-webhooks": createStandardWebhooksVerifier,
  stripe: createStripeVerifier,
};

/**
 * Creates `verify(headers, rawBody)` for `scheme`; it returns `{ deliveryId }` or throws
 * SignatureError. `keys` come from loadConfig, already decoded for that scheme.
 */
export function createVerifier({ scheme, keys, toleranceSeconds, nowSeconds }) {
  const createScheme = VERIFIER_FACTORIES[scheme];
  if (createScheme === undefined) {
    throw new Error(`signature scheme ${JSON.stringify(scheme)} is unknown; use one of ${Object.keys(VERIFIER_FACTORIES).join(", ")}`);
  }
  return createScheme({ keys, toleranceSeconds, nowSeconds });
}
