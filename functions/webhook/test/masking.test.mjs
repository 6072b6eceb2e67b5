import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { maskCardNumbers, maskCardNumbersInString, passesLuhn } from "../src/masking.mjs";

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

describe("maskCardNumbers with separators and escapes", () => {
  // Every expected value below keeps the first 6 and last 4 digits and the separators in place.
  const cases = [
    ["a spaced Visa", '{"pan":"4111 1111 1111 1111"}', '{"pan":"4111 11** **** 1111"}'],
    ["a hyphenated Mastercard", '{"pan":"5555-5555-5555-4444"}', '{"pan":"5555-55**-****-4444"}'],
    ["a spaced Amex in 4-6-5 groups", '{"pan":"3782 822463 10005"}', '{"pan":"3782 82**** *0005"}'],
    ["a hyphenated Amex in 4-6-5 groups", '{"pan":"3782-822463-10005"}', '{"pan":"3782-82****-*0005"}'],
    ["a 19-digit number in 4-4-4-4-3 groups", '{"pan":"6011 0000 0000 0000 001"}', '{"pan":"6011 00** **** ***0 001"}'],
    ["a spaced card inside text", '{"note":"paid with 4111 1111 1111 1111 today"}', '{"note":"paid with 4111 11** **** 1111 today"}'],
    ["a spaced card after other digit groups", '{"note":"ref 2024 4111 1111 1111 1111"}', '{"note":"ref 2024 4111 11** **** 1111"}'],
    ["a spaced card after a hyphenated group", '{"note":"12-4111 1111 1111 1111"}', '{"note":"12-4111 11** **** 1111"}'],
    ["a spaced card in a nested object", '{"a":{"b":{"pan":"4111 1111 1111 1111"}}}', '{"a":{"b":{"pan":"4111 11** **** 1111"}}}'],
    ["a spaced card in an array", '{"cards":["x","4111-1111-1111-1111"]}', '{"cards":["x","4111-11**-****-1111"]}'],
    ["a spaced card under a nested transactionId", '{"a":{"transactionId":"4111-1111-1111-1111"}}', '{"a":{"transactionId":"4111-11**-****-1111"}}'],
    // 2028 4111 1111 1111 passes the Luhn check as well, so both candidates hide their middle digits.
    ["overlapping candidates by the union", '{"note":"2028 4111 1111 1111 1111"}', '{"note":"2028 41** **** **** 1111"}'],
    ["a card with escaped digits", '{"pan":"\\u0034111111111111111"}', '{"pan":"411111******1111"}'],
    ["a card with escaped spaces", '{"pan":"4111\\u00201111\\u00201111\\u00201111"}', '{"pan":"4111 11** **** 1111"}'],
    ["a card with escaped hyphens", '{"pan":"4111\\u002d1111\\u002d1111\\u002d1111"}', '{"pan":"4111-11**-****-1111"}'],
    ["a card escaped throughout", `{"pan":"${[..."4111111111111111"].map((digit) => `\\u003${digit}`).join("")}"}`, '{"pan":"411111******1111"}'],
    ["a card as an escaped key", '{"\\u0034111111111111111":1}', '{"411111******1111":1}'],
  ];
  for (const [name, input, expected] of cases) {
    it(`masks ${name}`, () => {
      const masked = maskCardNumbers(input);

      assert.equal(masked, expected);
      assert.doesNotThrow(() => JSON.parse(masked));
    });
  }

  const untouched = [
    ["a spaced number failing Luhn", '{"ref":"4111 1111 1111 1112"}'],
    ["a phone-like number failing Luhn", '{"phone":"0044 20 7946 0958"}'],
    ["an ISO date", '{"paidOn":"2024-01-15"}'],
    ["an ISO date and time", '{"paidAt":"2024-01-15T10:20:30.123Z"}'],
    // Their 16 digits pass the Luhn check, but a card number uses one kind of separator.
    ["a date range with mixed separators", '{"period":"2024-01-01 2024-01-29"}'],
    ["12 digits in groups", '{"ref":"4111 1111 1111"}'],
    ["20 grouped digits with no Luhn-valid span", '{"ref":"1234 5678 9012 3456 7890"}'],
    ["groups joined by two spaces", '{"ref":"1234  5678"}'],
    ["a hyphenated top-level transactionId", '{"transactionId":"4111-1111-1111-1111","x":1}'],
    ["an escaped top-level transactionId key", '{"transaction\\u0049d":"4111111111111111"}'],
    ["escapes in a string without a card", '{"note":"caf\\u00e9 \\u0031\\u0032"}'],
  ];
  for (const [name, input] of untouched) {
    it(`leaves ${name}`, () => {
      assert.equal(maskCardNumbers(input), input);
    });
  }

  it("keeps the length of a spaced card", () => {
    const input = '{"pan":"4111 1111 1111 1111"}';

    assert.equal(maskCardNumbers(input).length, input.length);
  });

  it("keeps other escapes in a masked string", () => {
    const masked = maskCardNumbers('{"note":"caf\\u00e9 \\"4111 1111 1111 1111\\""}');

    assert.equal(JSON.parse(masked).note, 'café "4111 11** **** 1111"');
  });

  it("masks a long run of digit groups in time", () => {
    const input = JSON.stringify({ note: "1 ".repeat(128 * 1024) });
    const startedAt = performance.now();

    const masked = maskCardNumbers(input);

    assert.equal(masked.length, input.length);
    assert.ok(performance.now() - startedAt < 2000, "masking took over 2 s");
  });
});

describe("maskCardNumbersInString", () => {
  it("masks a spaced card in a plain string", () => {
    assert.equal(maskCardNumbersInString("evt 4111 1111 1111 1111"), "evt 4111 11** **** 1111");
  });

  it("leaves an ordinary id", () => {
    assert.equal(maskCardNumbersInString("evt_1NXWPn2eZvKYlo2C"), "evt_1NXWPn2eZvKYlo2C");
  });
});
