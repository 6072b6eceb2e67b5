// Helpers shared by the signature schemes.

import { createHmac, timingSafeEqual } from "node:crypto";

import { SignatureError } from "../errors.mjs";

/** Returns the HMAC-SHA256 of `prefix` followed by the raw body bytes. */
export function computeHmac(key, prefix, rawBody) {
  return createHmac("sha256", key).update(prefix, "utf8").update(rawBody).digest();
}

/**
 * Returns true when any candidate equals any expected digest. timingSafeEqual needs buffers of one
 * length, and a candidate of another length cannot match, so it is skipped without comparing.
 */
export function matchesAny(candidates, expectedDigests) {
  for (const expected of expectedDigests) {
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Throws SignatureError unless `timestampText` is whole seconds since the epoch within
 * `toleranceSeconds` of `nowSeconds`, in the past or the future, so old deliveries cannot be replayed.
 */
export function checkTimestamp(headerName, timestampText, nowSeconds, toleranceSeconds) {
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new SignatureError(`${headerName} is invalid; send whole seconds since the Unix epoch`);
  }
  const skewSeconds = Number(timestampText) - nowSeconds;
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const direction = skewSeconds < 0 ? "in the past" : "in the future";
    throw new SignatureError(
      `${headerName} is ${Math.abs(skewSeconds)} seconds ${direction}; the tolerance is ${toleranceSeconds} seconds, so sign with a fresh timestamp`,
    );
  }
  return Number(timestampText);
}

/** Returns the current Unix time in whole seconds. */
export function systemNowSeconds() {
  return Math.floor(Date.now() / 1000);
}
