// Builds API Gateway proxy results. Each error class maps to exactly one status, and no body ever
// contains a secret or the request payload.

import {
  ConflictError,
  PayloadTooLargeError,
  SignatureError,
  StorageError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./errors.mjs";

const JSON_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };
// Seconds a caller should wait before retrying after a 503.
const RETRY_AFTER_SECONDS = "1";

/** Returns the 200 result for a "stored" or "duplicate" outcome. */
export function successResponse(outcome, { transactionId, timestamp }) {
  return jsonResponse(200, { status: outcome, transactionId, timestamp });
}

/**
 * Returns the result and log details for a thrown error: `{ response, outcome, level }`.
 * Unknown errors return 500 so that the gateway retries.
 */
export function errorResponse(error, key) {
  if (error instanceof UnsupportedMediaTypeError) {
    return rejected(415, "unsupported_media_type", error);
  }
  if (error instanceof PayloadTooLargeError) {
    return rejected(413, "payload_too_large", error);
  }
  if (error instanceof SignatureError) {
    return rejected(401, "unauthorized", error);
  }
  if (error instanceof ValidationError) {
    return {
      response: jsonResponse(400, { status: "invalid", errors: error.errors }),
      outcome: "invalid",
      level: "warn",
    };
  }
  if (error instanceof ConflictError) {
    return {
      response: jsonResponse(409, {
        status: "conflict",
        transactionId: key?.transactionId,
        timestamp: key?.timestamp,
        message: "a different body is already stored for this transactionId and timestamp; send a new key",
      }),
      outcome: "conflict",
      level: "warn",
    };
  }
  if (error instanceof StorageError && error.retryable) {
    return {
      response: jsonResponse(
        503,
        { status: "unavailable", retryable: true, message: "storage is unavailable; retry the delivery" },
        { "Retry-After": RETRY_AFTER_SECONDS },
      ),
      outcome: "storage_unavailable",
      level: "error",
    };
  }
  return {
    response: jsonResponse(500, {
      status: "error",
      retryable: true,
      message: "the transaction was not stored; retry the delivery",
    }),
    outcome: error instanceof StorageError ? "storage_failed" : "internal_error",
    level: "error",
  };
}

function rejected(statusCode, status, error) {
  return {
    response: jsonResponse(statusCode, { status, message: error.message }),
    outcome: status,
    level: "warn",
  };
}

function jsonResponse(statusCode, body, extraHeaders = {}) {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...extraHeaders },
    body: JSON.stringify(body),
  };
}
