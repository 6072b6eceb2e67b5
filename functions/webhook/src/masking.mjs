// Masks card numbers in the JSON body text before it is stored. A card number is a maximal run of
// 13 to 19 digits that passes the Luhn check. Masking keeps its first 6 and last 4 digits and its length.

const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;
const KEPT_PREFIX_DIGITS = 6;
const KEPT_SUFFIX_DIGITS = 4;
// The key fields are stored in their own attributes and must match the payload. A 13-digit epoch
// milliseconds timestamp passes the Luhn check about one time in ten, so it needs the exemption too.
const EXEMPT_TOP_LEVEL_KEYS = new Set(["transactionId", "timestamp"]);

/**
 * Returns `text` with every card number masked, except in the values of the top-level
 * `transactionId` and `timestamp` keys, which must stay equal to the stored key.
 *
 * `text` must be valid JSON (the caller parses it first). The result stays valid JSON: a card
 * number written as a JSON number becomes a JSON string such as "411111******1111", because
 * asterisks are not allowed in numbers.
 *
 * NOTE: digits written as \u escapes, or split by spaces or dashes, are not recognised, and other
 * 13-digit epoch milliseconds values in the body are masked when they happen to pass the Luhn check.
 */
export function maskCardNumbers(text) {
  const parts = [];
  let copiedUpTo = 0;
  const containers = [];
  let expectingKey = false;
  let currentKey;
  let index = 0;

  while (index < text.length) {
    const char = text[index];
    const inTopLevelObject = containers.length === 1 && containers[0] === "{";

    if (char === '"') {
      const end = findStringEnd(text, index);
      const token = text.slice(index, end);
      const isKey = inTopLevelObject && expectingKey;
      const isExempt = inTopLevelObject && !isKey && EXEMPT_TOP_LEVEL_KEYS.has(currentKey);
      if (isKey) {
        currentKey = JSON.parse(token);
        expectingKey = false;
      }
      if (!isExempt) {
        const masked = maskDigitRuns(token);
        if (masked !== token) {
          parts.push(text.slice(copiedUpTo, index), masked);
          copiedUpTo = end;
        }
      }
      index = end;
      continue;
    }

    if (char === "-" || (char >= "0" && char <= "9")) {
      let end = index + 1;
      while (end < text.length && /[0-9eE+.-]/.test(text[end])) {
        end += 1;
      }
      const token = text.slice(index, end);
      const isExempt = inTopLevelObject && EXEMPT_TOP_LEVEL_KEYS.has(currentKey);
      const masked = isExempt ? token : maskDigitRuns(token);
      if (masked !== token) {
        parts.push(text.slice(copiedUpTo, index), JSON.stringify(masked));
        copiedUpTo = end;
      }
      index = end;
      continue;
    }

    if (char === "{" || char === "[") {
      containers.push(char);
      expectingKey = char === "{" && containers.length === 1;
    } else if (char === "}" || char === "]") {
      containers.pop();
    } else if (char === "," && inTopLevelObject) {
      expectingKey = true;
    }
    index += 1;
  }

  parts.push(text.slice(copiedUpTo));
  return parts.join("");
}

/** Returns true when the digit string passes the Luhn checksum. */
export function passesLuhn(digits) {
  let sum = 0;
  let double = false;
  for (let position = digits.length - 1; position >= 0; position -= 1) {
    let digit = digits.charCodeAt(position) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function maskDigitRuns(token) {
  return token.replace(/\d+/g, (run) => {
    if (run.length < MIN_CARD_DIGITS || run.length > MAX_CARD_DIGITS || !passesLuhn(run)) {
      return run;
    }
    const hidden = run.length - KEPT_PREFIX_DIGITS - KEPT_SUFFIX_DIGITS;
    return run.slice(0, KEPT_PREFIX_DIGITS) + "*".repeat(hidden) + run.slice(-KEPT_SUFFIX_DIGITS);
  });
}

// Returns the index just past the closing quote of the string starting at `start`.
function findStringEnd(text, start) {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') {
    index += text[index] === "\\" ? 2 : 1;
  }
  return index + 1;
}
