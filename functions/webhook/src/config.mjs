// Settings read from the environment once, when the module loads. Any invalid value throws a
// ConfigurationError naming the variable, the value and what is allowed, which Lambda reports
// as an init error instead of serving requests with a half-configured function.

import { ConfigurationError } from "./errors.mjs";

export const SIGNATURE_SCHEMES = ["standard-webhooks", "stripe"];
export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"];

const DEFAULT_TOLERANCE_SECONDS = 300;
const DEFAULT_MAX_BODY_BYTES = 262144;
// API Gateway REST APIs reject payloads above 10 MB, so a larger limit could never apply.
const MAX_BODY_BYTES_CEILING = 10 * 1024 * 1024;
const SECRET_PREFIX = "whsec_";
// The Standard Webhooks specification calls for random secrets of 24 to 64 bytes (192 to 512 bits).
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads and checks every setting of the function.
 *
 * Returns `{ tableName, signatureScheme, signingKeys, toleranceSeconds, maxBodyBytes, logLevel }`,
 * where `signingKeys` (HMAC keys decoded for the scheme) keeps the configured order: the first is current, the rest are still
 * accepted while a rotation is under way. Throws ConfigurationError on the first invalid variable.
 */
export function loadConfig(env) {
  const tableName = readRequired(env, "TABLE_NAME");
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    throw new ConfigurationError(
      `TABLE_NAME is invalid: ${JSON.stringify(tableName)}; use a DynamoDB table name of 3 to 255 letters, digits, '_', '-' or '.'`,
    );
  }

  const signatureScheme = readChoice(env, "SIGNATURE_SCHEME", SIGNATURE_SCHEMES, "standard-webhooks");
  const signingKeys = readSigningKeys(env, signatureScheme);
  const toleranceSeconds = readInteger(env, "SIGNATURE_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS, 1, 86400);
  const maxBodyBytes = readInteger(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES_CEILING);
  const logLevel = readChoice(env, "LOG_LEVEL", LOG_LEVELS, "INFO", (value) => value.toUpperCase());

  return { tableName, signatureScheme, signingKeys, toleranceSeconds, maxBodyBytes, logLevel };
}

function readRequired(env, name) {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    throw new ConfigurationError(`${name} is missing; set it in the function's environment`);
  }
  return value.trim();
}

function readChoice(env, name, allowed, fallback, normalize = (value) => value) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") {
    return fallback;
  }
  const value = normalize(raw.trim());
  if (!allowed.includes(value)) {
    throw new ConfigurationError(
      `${name} is invalid: ${JSON.stringify(raw)}; use one of ${allowed.join(", ")} (default ${fallback})`,
    );
  }
  return value;
}

function readInteger(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") {
    return fallback;
  }
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigurationError(
      `${name} is invalid: ${JSON.stringify(raw)}; use a whole number from ${min} to ${max} (default ${fallback})`,
    );
  }
  return value;
}

// Secrets are never quoted in messages; only their position in the list is.
function readSigningKeys(env, scheme) {
  const raw = readRequired(env, "WEBHOOK_SIGNING_SECRETS");
  const entries = raw.split(",").map((entry) => entry.trim());

  return entries.map((entry, index) => {
    const position = `WEBHOOK_SIGNING_SECRETS entry ${index + 1} of ${entries.length}`;
    if (!entry.startsWith(SECRET_PREFIX) || entry.length === SECRET_PREFIX.length) {
      throw new ConfigurationError(
        `${position} is invalid: it must start with '${SECRET_PREFIX}' followed by the secret; separate secrets with commas and no empty entries`,
      );
    }
    if (scheme === "stripe") {
      // Stripe uses the whole endpoint secret, prefix included, as the UTF-8 HMAC key.
      return Buffer.from(entry, "utf8");
    }
    const encoded = entry.slice(SECRET_PREFIX.length);
    const key = Buffer.from(encoded, "base64");
    if (!BASE64_PATTERN.test(encoded) || key.toString("base64").replace(/=+$/, "") !== encoded.replace(/=+$/, "")) {
      throw new ConfigurationError(`${position} is invalid: the part after '${SECRET_PREFIX}' is not standard base64`);
    }
    if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
      throw new ConfigurationError(
        `${position} is invalid: it decodes to ${key.length} bytes; use ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes, for example 32`,
      );
    }
    return key;
  });
}
