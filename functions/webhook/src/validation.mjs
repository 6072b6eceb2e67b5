// Parses the raw body as JSON and checks every field rule of the transaction contract, reporting all
// failures at once. Messages describe the rule and the type received, never the value, because
// responses must not echo the payload.

import { ValidationError } from "./errors.mjs";
import { passesLuhn } from "./masking.mjs";

export const TRANSACTION_STATUSES = [
  "pending",
  "authorized",
  "captured",
  "settled",
  "declined",
  "failed",
  "refunded",
  "reversed",
  "chargeback",
];

const TRANSACTION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
// At most 18 integer and 6 fraction digits, so every amount fits DynamoDB's 38-digit numbers exactly.
const AMOUNT_PATTERN = /^-?\d{1,18}(\.\d{1,6})?$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses and validates a transaction body.
 *
 * Returns `{ text, body, transaction }`: the decoded body text, the parsed object, and the five
 * contract fields. Throws ValidationError listing every failing field as `{ field, message }`.
 * `nowMs` is the current time in epoch milliseconds, the reference for the future limit.
 */
export function parseTransaction(rawBody, { nowMs }) {
  const text = decodeUtf8(rawBody);
  const body = parseJsonObject(text);

  const errors = [
    ...checkTransactionId(body),
    ...checkTimestamp(body, nowMs),
    ...checkAmount(body),
    ...checkCurrency(body),
    ...checkStatus(body),
  ];
  if (errors.length > 0) {
    throw new ValidationError(errors);
  }

  const transaction = {
    transactionId: body.transactionId,
    timestamp: body.timestamp,
    amount: body.amount,
    currency: body.currency,
    status: body.status,
  };
  return { text, body, transaction };
}

function decodeUtf8(rawBody) {
  try {
    return utf8Decoder.decode(rawBody);
  } catch {
    throw new ValidationError([{ field: "body", message: "body is not valid UTF-8; send UTF-8 encoded JSON" }]);
  }
}

// JSON.parse keeps a "__proto__" key as an ordinary own property, and fields are read below only
// through Object.hasOwn, so such a key can neither supply a field nor change any prototype.
function parseJsonObject(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    // The parser's message quotes part of the body on newer Node.js versions, so it is not passed on.
    throw new ValidationError([{ field: "body", message: "body is not valid JSON; send one JSON object" }]);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError([
      { field: "body", message: `body must be a JSON object, got ${describeType(body)}` },
    ]);
  }
  return body;
}

function checkTransactionId(body) {
  if (!Object.hasOwn(body, "transactionId")) {
    return [missing("transactionId")];
  }
  const value = body.transactionId;
  if (typeof value !== "string" || !TRANSACTION_ID_PATTERN.test(value)) {
    return [
      {
        field: "transactionId",
        message: `transactionId must be a string of 1 to 128 letters, digits, '.', '_', ':' or '-', got ${describeText(value)}`,
      },
    ];
  }
  return [];
}

function checkTimestamp(body, nowMs) {
  if (!Object.hasOwn(body, "timestamp")) {
    return [missing("timestamp")];
  }
  const value = body.timestamp;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    return [
      {
        field: "timestamp",
        message: `timestamp must be a non-negative integer of Unix epoch milliseconds, got ${describeNumber(value)}`,
      },
    ];
  }
  if (value > nowMs + MAX_FUTURE_MS) {
    return [{ field: "timestamp", message: "timestamp is more than 24 hours in the future; send epoch milliseconds, not microseconds" }];
  }
  return [];
}

function checkAmount(body) {
  if (!Object.hasOwn(body, "amount")) {
    return [missing("amount")];
  }
  const value = body.amount;
  if (typeof value === "number") {
    return [{ field: "amount", message: 'amount must be a decimal string such as "125.50", got a JSON number, which can lose precision' }];
  }
  if (typeof value !== "string" || !AMOUNT_PATTERN.test(value)) {
    return [
      {
        field: "amount",
        message: `amount must be a decimal string such as "125.50" with at most 18 integer and 6 fraction digits and an optional leading '-', got ${describeText(value)}`,
      },
    ];
  }
  // The payload copy is masked, but the item's amount attribute is an exact number and cannot be.
  // NOTE: a real amount of 13 or more integer digits also passes the Luhn check about one time in
  // ten and is then rejected. No card transaction is expected to reach 10^12 currency units.
  const integerDigits = value.replace(/^-/, "").split(".")[0];
  if (integerDigits.length >= MIN_CARD_DIGITS && passesLuhn(integerDigits)) {
    return [
      {
        field: "amount",
        message: "amount has 13 or more integer digits that pass the Luhn check like a card number, so it is not stored; check that the gateway sent the amount in this field",
      },
    ];
  }
  return [];
}

// Shortest card number, as in masking.mjs.
const MIN_CARD_DIGITS = 13;

function checkCurrency(body) {
  if (!Object.hasOwn(body, "currency")) {
    return [missing("currency")];
  }
  const value = body.currency;
  if (typeof value !== "string" || !CURRENCY_PATTERN.test(value)) {
    return [{ field: "currency", message: `currency must be an ISO 4217 code of 3 upper-case letters, got ${describeText(value)}` }];
  }
  return [];
}

function checkStatus(body) {
  if (!Object.hasOwn(body, "status")) {
    return [missing("status")];
  }
  const value = body.status;
  if (typeof value !== "string" || !TRANSACTION_STATUSES.includes(value)) {
    return [{ field: "status", message: `status must be one of ${TRANSACTION_STATUSES.join(", ")}, got ${describeText(value)}` }];
  }
  return [];
}

function missing(field) {
  return { field, message: `${field} is missing` };
}

function describeType(value) {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function describeText(value) {
  return typeof value === "string" ? `a string of ${value.length} characters that breaks this rule` : describeType(value);
}

function describeNumber(value) {
  if (typeof value !== "number") {
    return describeType(value);
  }
  return Number.isInteger(value) ? "a negative or unsafe integer" : "a number with a fraction";
}
