// Reads an API Gateway REST API proxy event into headers and raw body bytes, and applies the checks
// that come before the signature: the content type (415) and the body size (413).

import { PayloadTooLargeError, UnsupportedMediaTypeError } from "./errors.mjs";

const JSON_MEDIA_TYPE = "application/json";

/**
 * Reads the headers and the raw body of a proxy event, then checks content type and size.
 *
 * Returns `{ headers, rawBody }`: `headers` is a Map from lower-case name to value and `rawBody`
 * is a Buffer of the bytes the caller signed (base64 bodies decoded). Throws
 * UnsupportedMediaTypeError or PayloadTooLargeError.
 */
export function readRequest(event, { maxBodyBytes }) {
  const headers = readHeaders(event);
  checkContentType(headers.get("content-type"));

  const rawBody = readBody(event);
  if (rawBody.length > maxBodyBytes) {
    throw new PayloadTooLargeError(`request body is ${rawBody.length} bytes; the maximum is ${maxBodyBytes} bytes`);
  }
  return { headers, rawBody };
}

/**
 * Merges `headers` and `multiValueHeaders` under lower-case names. HTTP header names are
 * case-insensitive and API Gateway keeps the caller's spelling, which may differ between the two
 * maps. The single-value map wins; a name found only in `multiValueHeaders` takes its last value,
 * the one API Gateway would have put in `headers`.
 */
export function readHeaders(event) {
  const headers = new Map();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (Array.isArray(values) && values.length > 0) {
      headers.set(name.toLowerCase(), String(values[values.length - 1]));
    }
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== null && value !== undefined) {
      headers.set(name.toLowerCase(), String(value));
    }
  }
  return headers;
}

function checkContentType(contentType) {
  if (contentType === undefined) {
    throw new UnsupportedMediaTypeError(`Content-Type header is missing; send ${JSON_MEDIA_TYPE}`);
  }

  const [mediaType, ...parameters] = contentType.split(";");
  const charsetIsUtf8 = parameters.every((parameter) => {
    const [name, value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") {
      return true;
    }
    return value.trim().replace(/^"|"$/g, "").toLowerCase() === "utf-8";
  });
  if (mediaType.trim().toLowerCase() !== JSON_MEDIA_TYPE || !charsetIsUtf8) {
    // The header value is not repeated: a response never echoes what the caller sent.
    throw new UnsupportedMediaTypeError(`Content-Type is not supported; send ${JSON_MEDIA_TYPE} in UTF-8`);
  }
}

// NOTE: a body that is not base64-encoded reaches Lambda as a JavaScript string, so its bytes are
// re-encoded as UTF-8 here. The result equals what the caller sent only for valid UTF-8 bodies.
function readBody(event) {
  if (event.body === null || event.body === undefined) {
    return Buffer.alloc(0);
  }
  return Buffer.from(String(event.body), event.isBase64Encoded ? "base64" : "utf8");
}
