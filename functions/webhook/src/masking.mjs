// Masks card numbers in the JSON body text before it is stored. A card number is 13 to
// 19 digits that pass the Luhn check, written either as one run of digits or as groups of digits
// separated by single spaces or by single hyphens, one kind per number ("4111 1111 1111 1111",
// "3782-822463-10005"). Mixed kinds would join a date range such as "2024-01-01 2024-01-29".
// Masking keeps the first 6 and last 4 digits and every separator in place, so "4111 11** **** 1111"
// still shows how the sender wrote the number.
//
// Trade-off: about one in ten random digit strings passes the Luhn check. So a grouped value that is
// not a card, such as a phone number, an amount written "1 234 567 890 123" or the digit groups of
// an id, is sometimes masked too. That loses digits only in the stored copy of the body, whereas a
// card number stored in clear is a compliance breach, so the rule errs towards masking.

const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;
const KEPT_PREFIX_DIGITS = 6;
const KEPT_SUFFIX_DIGITS = 4;
// Digit groups joined by single spaces or hyphens. Groups are split again below, so that the
// separator kind can be checked per candidate.
const DIGIT_GROUP_RUN = /\d+(?:[ -]\d+)*/g;
const DIGIT_GROUP = /\d+/g;
// The key fields are stored in their own attributes and must match the payload. A 13-digit epoch
// milliseconds timestamp passes the Luhn check about one time in ten, so it needs the exemption too.
const EXEMPT_TOP_LEVEL_KEYS = new Set(["transactionId", "timestamp"]);

/**
 * Returns `text` with every card number masked, except in the values of the top-level
 * `transactionId` and `timestamp` keys, which must stay equal to the stored key.
 *
 * `text` must be valid JSON (the caller parses it first). The result stays valid JSON: a card
 * number written as a JSON number becomes a JSON string such as "411111******1111", because
 * asterisks are not allowed in numbers. Strings are matched on their decoded value, so digits
 * written as \u0034-style escapes are found too. A string that contains a card number is written
 * back by JSON.stringify, which keeps only the escapes JSON requires. Every other token is copied
 * unchanged.
 *
 * NOTE: other 13-digit epoch milliseconds values in the body are masked when they happen to pass
 * the Luhn check, and digits separated by anything but one space or one hyphen are not recognised.
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
      const value = JSON.parse(token);
      const isKey = inTopLevelObject && expectingKey;
      const isExempt = inTopLevelObject && !isKey && EXEMPT_TOP_LEVEL_KEYS.has(currentKey);
      if (isKey) {
        currentKey = value;
        expectingKey = false;
      }
      if (!isExempt) {
        const masked = maskCardNumbersInString(value);
        if (masked !== value) {
          parts.push(text.slice(copiedUpTo, index), JSON.stringify(masked));
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
      const masked = isExempt ? token : maskCardNumbersInString(token);
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

/**
 * Returns `value` with every card number masked, separators kept in place. The handler also uses
 * it for ids that come from the caller and are logged.
 */
export function maskCardNumbersInString(value) {
  return value.replace(DIGIT_GROUP_RUN, maskDigitGroupRun);
}

// Every span of whole groups with one separator kind is a candidate, not just the whole run, so
// that "ref 2024 4111 1111 1111 1111" or "12-4111 1111 1111 1111" still has its card masked. When
// candidates overlap and more than one passes the Luhn check, the hidden digits are the union of
// theirs, so a card never shows more than its first 6 and last 4 digits.
function maskDigitGroupRun(run) {
  const groups = [...run.matchAll(DIGIT_GROUP)];
  const hidden = new Uint8Array(run.length);
  let masked = false;

  for (let first = 0; first < groups.length; first += 1) {
    let digits = "";
    for (let last = first; last < groups.length; last += 1) {
      if (last > first + 1 && separatorBefore(run, groups[last]) !== separatorBefore(run, groups[first + 1])) {
        break;
      }
      digits += groups[last][0];
      if (digits.length > MAX_CARD_DIGITS) {
        break;
      }
      if (digits.length >= MIN_CARD_DIGITS && passesLuhn(digits)) {
        hideMiddleDigits(groups.slice(first, last + 1), digits.length, hidden);
        masked = true;
      }
    }
  }

  if (!masked) {
    return run;
  }
  let result = "";
  for (let position = 0; position < run.length; position += 1) {
    result += hidden[position] ? "*" : run[position];
  }
  return result;
}

function separatorBefore(run, group) {
  return run[group.index - 1];
}

// Marks the character positions of all digits of `groups` but the first 6 and the last 4.
function hideMiddleDigits(groups, digitCount, hidden) {
  let digitIndex = 0;
  for (const group of groups) {
    for (let offset = 0; offset < group[0].length; offset += 1) {
      if (digitIndex >= KEPT_PREFIX_DIGITS && digitIndex < digitCount - KEPT_SUFFIX_DIGITS) {
        hidden[group.index + offset] = 1;
      }
      digitIndex += 1;
    }
  }
}

// Returns the index just past the closing quote of the string starting at `start`.
function findStringEnd(text, start) {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') {
    index += text[index] === "\\" ? 2 : 1;
  }
  return index + 1;
}
