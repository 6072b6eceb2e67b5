// Error classes of the handler. Each class maps to exactly one HTTP status in responses.mjs,
// so a module signals an outcome by the class it throws and never builds a response itself.

/** Base class of every error this function throws on purpose. */
export class WebhookError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid or missing setting, thrown while the module loads so that Lambda reports an init error. */
export class ConfigurationError extends WebhookError {}

/** Content-Type other than application/json. */
export class UnsupportedMediaTypeError extends WebhookError {}

/** Body larger than MAX_BODY_BYTES. */
export class PayloadTooLargeError extends WebhookError {}

/** Missing or invalid signature headers, no matching signature, or a timestamp outside the tolerance. */
export class SignatureError extends WebhookError {}

/** Body that is not a JSON object or breaks one or more field rules; `errors` lists every failure. */
export class ValidationError extends WebhookError {
  constructor(errors) {
    super(`request body is invalid: ${errors.map((error) => error.field).join(", ")}`);
    this.errors = errors;
  }
}

/** Same key already stored with a different body hash. */
export class ConflictError extends WebhookError {}

/**
 * Storage call failed. `retryable` is true for throttling, timeouts and network or server faults
 * (status 503), false for errors that a retry would repeat, such as a missing table (status 500).
 */
export class StorageError extends WebhookError {
  constructor(message, { retryable, cause }) {
    super(message, { cause });
    this.retryable = retryable;
  }
}
