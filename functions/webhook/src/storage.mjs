// Stores a transaction exactly once. The conditional PutItem creates the item only when its key
// (transactionId and timestamp) is new. Otherwise DynamoDB returns the stored item, and the hash of
// its raw body tells a redelivery (duplicate) from a different event reusing the key (conflict).

import { PutItemCommand } from "@aws-sdk/client-dynamodb";

import { ConflictError, StorageError } from "./errors.mjs";

// Errors that a later try may not repeat; anything else, such as a missing table or denied access,
// needs an operator and returns status 500.
const RETRYABLE_ERROR_NAMES = new Set([
  "AbortError",
  "TimeoutError",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ThrottlingException",
  "InternalServerError",
  "ServiceUnavailable",
  "TransactionConflictException",
]);
const RETRYABLE_NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * Creates `storeTransaction(record, { abortSignal })`, which returns "stored" or "duplicate" and
 * throws ConflictError or StorageError.
 *
 * `record` has the string attributes transactionId, timestamp, amount (decimal text), currency,
 * status, deliveryId (optional), receivedAt, apiRequestId, bodySha256 and payload.
 */
export function createTransactionStore({ client, tableName }) {
  return async function storeTransaction(record, { abortSignal } = {}) {
    const command = new PutItemCommand({
      TableName: tableName,
      Item: toItem(record),
      ConditionExpression: "attribute_not_exists(transactionId)",
      // Returns the stored item with the failure, so no GetItem (and no read permission) is needed.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });

    try {
      await client.send(command, { abortSignal });
      return "stored";
    } catch (error) {
      if (error?.name !== "ConditionalCheckFailedException") {
        throw toStorageError(error, tableName);
      }
      return compareWithStored(error.Item, record);
    }
  };
}

/** Returns the DynamoDB item; amount and timestamp go as number text, so no float rounding occurs. */
export function toItem(record) {
  const item = {
    transactionId: { S: record.transactionId },
    timestamp: { N: record.timestamp },
    amount: { N: record.amount },
    currency: { S: record.currency },
    status: { S: record.status },
    receivedAt: { S: record.receivedAt },
    apiRequestId: { S: record.apiRequestId },
    bodySha256: { S: record.bodySha256 },
    payload: { S: record.payload },
  };
  if (record.deliveryId !== undefined) {
    item.deliveryId = { S: record.deliveryId };
  }
  return item;
}

function compareWithStored(storedItem, record) {
  const storedHash = storedItem?.bodySha256?.S;
  if (storedHash === undefined) {
    throw new StorageError(
      "PutItem reported an existing item but returned no bodySha256; check that the endpoint supports ReturnValuesOnConditionCheckFailure",
      { retryable: false },
    );
  }
  if (storedHash === record.bodySha256) {
    return "duplicate";
  }
  throw new ConflictError(
    `transactionId and timestamp are already stored with a different body (stored bodySha256 ${storedHash})`,
  );
}

function toStorageError(error, tableName) {
  const name = error?.name ?? "Error";
  const code = error?.code ?? error?.cause?.code;
  const httpStatus = error?.$metadata?.httpStatusCode;
  const retryable =
    RETRYABLE_ERROR_NAMES.has(name) ||
    RETRYABLE_NETWORK_CODES.has(code) ||
    error?.$retryable !== undefined ||
    (httpStatus !== undefined && httpStatus >= 500);
  return new StorageError(`PutItem on table ${tableName} failed with ${name}${code ? ` (${code})` : ""}`, {
    retryable,
    cause: error,
  });
}
