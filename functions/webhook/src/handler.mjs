// The request pipeline: read, verify, validate, mask, store, respond, and log one line.
// Its collaborators are passed in, so unit tests run it with stubs and index.mjs with real ones.

import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

import { StorageError } from "./errors.mjs";
import { maskCardNumbers, maskCardNumbersInString } from "./masking.mjs";
import { readRequest } from "./request.mjs";
import { errorResponse, successResponse } from "./responses.mjs";
import { parseTransaction } from "./validation.mjs";

// Upper bound for the storage step, below the 10 s function timeout so that a 503 still gets out.
export const STORAGE_DEADLINE_MS = 8000;
// Time kept back from the remaining invocation time to build the response and write the log line.
export const RESPONSE_RESERVE_MS = 500;
// Below this, a storage call would be cut off before DynamoDB could respond, so none is attempted.
const MIN_STORAGE_BUDGET_MS = 100;

/**
 * Creates the Lambda handler.
 *
 * `verify(headers, rawBody)` checks the signature, `storeTransaction(record, { abortSignal })`
 * writes the item, and `nowMs()` returns epoch milliseconds. Errors from these steps become proxy
 * results instead of rejections, and a storage failure becomes a 5xx, never a 2xx.
 */
export function createHandler({ config, verify, storeTransaction, logger, nowMs = Date.now }) {
  return async function handler(event, context) {
    const startedAt = performance.now();
    const apiRequestId = event?.requestContext?.requestId ?? context?.awsRequestId ?? "unknown";
    let key;
    let deliveryId;
    let result;

    try {
      const { headers, rawBody } = readRequest(event ?? {}, config);
      ({ deliveryId } = verify(headers, rawBody));
      deliveryId = maskDeliveryId(deliveryId);
      const receivedAtMs = nowMs();
      const { text, body, transaction } = parseTransaction(rawBody, { nowMs: receivedAtMs });
      key = { transactionId: transaction.transactionId, timestamp: transaction.timestamp };
      // Stripe sends the event id in the body, not in a header.
      deliveryId ??= typeof body.id === "string" && body.id !== "" ? maskDeliveryId(body.id) : undefined;

      const record = {
        transactionId: transaction.transactionId,
        timestamp: String(transaction.timestamp),
        amount: transaction.amount,
        currency: transaction.currency,
        status: transaction.status,
        deliveryId,
        receivedAt: new Date(receivedAtMs).toISOString(),
        apiRequestId,
        bodySha256: createHash("sha256").update(rawBody).digest("hex"),
        payload: maskCardNumbers(text),
      };
      const outcome = await storeBeforeDeadline(storeTransaction, record, context);
      result = { response: successResponse(outcome, key), outcome, level: "info" };
    } catch (error) {
      result = errorResponse(error, key);
      result.error = describeError(error);
    }

    logger[result.level]("webhook request handled", {
      requestId: apiRequestId,
      lambdaRequestId: context?.awsRequestId,
      transactionId: key?.transactionId,
      deliveryId,
      outcome: result.outcome,
      statusCode: result.response.statusCode,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      error: result.error,
    });
    return result.response;
  };
}

// The delivery id comes from the sender and is stored and logged, so it is masked like the body.
function maskDeliveryId(deliveryId) {
  return deliveryId === undefined ? undefined : maskCardNumbersInString(deliveryId);
}

async function storeBeforeDeadline(storeTransaction, record, context) {
  const remainingMs = context?.getRemainingTimeInMillis?.();
  const budgetMs =
    typeof remainingMs === "number"
      ? Math.min(STORAGE_DEADLINE_MS, remainingMs - RESPONSE_RESERVE_MS)
      : STORAGE_DEADLINE_MS;
  if (budgetMs < MIN_STORAGE_BUDGET_MS) {
    throw new StorageError(`only ${remainingMs} ms of the invocation remain, too little to store the transaction`, {
      retryable: true,
    });
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  try {
    return await storeTransaction(record, { abortSignal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

// Names, codes and messages only: the messages of this function's errors never quote a body or
// secret, and the stack is kept for unexpected errors, which are bugs.
function describeError(error) {
  const described = { name: error?.name, message: error?.message };
  if (error?.errors) {
    described.fields = error.errors.map((entry) => entry.field);
  }
  if (error?.cause) {
    described.cause = { name: error.cause.name, code: error.cause.code, message: error.cause.message };
  }
  if (!(error instanceof Error) || error.constructor === Error || error instanceof TypeError) {
    described.stack = error?.stack;
  }
  return described;
}
