import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { maskCardNumbers, passesLuhn } from "../src/masking.mjs";

const VISA = "4111111111111111";
const VISA_MASKED = "411111******1111";

describe("passesLuhn", () => {
  const cases = [
    [VISA, true],
    ["4111111111111112", false],
    ["378282246310005", true],
    ["6011111111111117", true],
    ["4222222222222", true],
    ["0000000000000", true],
    ["1234567890123", false],
  ];
  for (const [digits, expected] of cases) {
    it(`returns ${expected} for ${digits}`, () => {
      assert.equal(passesLuhn(digits), expected);
    });
  }
});

describe("maskCardNumbers", () => {
  const cases = [
    ["a card number in a string", `{"card":"${VISA}"}`, `{"card":"${VISA_MASKED}"}`],
    ["a card number inside text", `{"note":"paid with ${VISA} today"}`, `{"note":"paid with ${VISA_MASKED} today"}`],
    ["a 13-digit card number", '{"card":"4222222222222"}', '{"card":"422222***2222"}'],
    ["a 19-digit card number", '{"card":"6011000000000000001"}', '{"card":"601100*********0001"}'],
    ["a 15-digit card number", '{"card":"378282246310005"}', '{"card":"378282*****0005"}'],
    ["a card number as a JSON number", `{"card":${VISA}}`, `{"card":"${VISA_MASKED}"}`],
    ["a card number in a nested array", `{"a":[{"b":"${VISA}"}]}`, `{"a":[{"b":"${VISA_MASKED}"}]}`],
    ["a card number as a key", `{"${VISA}":1}`, `{"${VISA_MASKED}":1}`],
    ["a nested transactionId", `{"inner":{"transactionId":"${VISA}"}}`, `{"inner":{"transactionId":"${VISA_MASKED}"}}`],
    ["a card number after an escaped quote", `{"a":"x\\"${VISA}"}`, `{"a":"x\\"${VISA_MASKED}"}`],
  ];
  for (const [name, input, expected] of cases) {
    it(`masks ${name}`, () => {
      assert.equal(maskCardNumbers(input), expected);
    });
  }

  const untouched = [
    ["a run failing Luhn", '{"ref":"4111111111111112"}'],
    ["a run of 12 digits", '{"ref":"411111111111"}'],
    ["a run of 20 digits", '{"ref":"41111111111111111110"}'],
    ["a top-level timestamp that passes Luhn", '{"timestamp":1796414133431}'],
    ["a top-level timestamp as a string", '{"timestamp":"1796414133431"}'],
    ["an amount", '{"amount":"123456789012345678.123456"}'],
    ["the top-level transactionId", `{"transactionId":"${VISA}","x":1}`],
    ["a transactionId after a nested object", `{"a":{"b":[1,2]},"transactionId":"${VISA}"}`],
  ];
  for (const [name, input] of untouched) {
    it(`leaves ${name}`, () => {
      assert.equal(maskCardNumbers(input), input);
    });
  }

  it("masks a Luhn-valid number under a nested timestamp key", () => {
    assert.equal(maskCardNumbers('{"a":{"timestamp":1796414133431}}'), '{"a":{"timestamp":"179641***3431"}}');
  });

  it("masks other fields next to an exempt transactionId", () => {
    const input = `{"transactionId":"${VISA}","card":"${VISA}"}`;

    assert.equal(maskCardNumbers(input), `{"transactionId":"${VISA}","card":"${VISA_MASKED}"}`);
  });

  it("keeps the length of masked strings", () => {
    const input = `{"card":"${VISA}"}`;

    assert.equal(maskCardNumbers(input).length, input.length);
  });

  it("keeps formatting and stays valid JSON", () => {
    const input = `{\n  "transactionId": "t-1",\n  "card": ${VISA},\n  "list": [ "${VISA}" ]\n}`;

    const masked = maskCardNumbers(input);

    assert.deepEqual(JSON.parse(masked), { transactionId: "t-1", card: VISA_MASKED, list: [VISA_MASKED] });
    assert.ok(masked.startsWith('{\n  "transactionId": "t-1",\n'));
  });

  it("masks transactionId inside an array body", () => {
    assert.equal(maskCardNumbers(`[{"transactionId":"${VISA}"}]`), `[{"transactionId":"${VISA_MASKED}"}]`);
  });
});
