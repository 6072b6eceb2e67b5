// A JSON-lines logger: one object per line on stdout with level, message, service and timestamp.
// Writing to process.stdout directly skips the text prefix that the Lambda runtime adds to
// console output, so every line stays parseable JSON.

const LEVEL_ORDER = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/**
 * Creates a logger that writes lines at or above `level`. Callers pass constant messages and put
 * values in `fields`; bodies, secrets and card numbers must never be among them.
 */
export function createLogger({ level = "INFO", service, write = (line) => process.stdout.write(`${line}\n`) }) {
  const threshold = LEVEL_ORDER[level];
  if (threshold === undefined) {
    throw new Error(`log level ${JSON.stringify(level)} is unknown; use one of ${Object.keys(LEVEL_ORDER).join(", ")}`);
  }

  function log(lineLevel, message, fields) {
    if (LEVEL_ORDER[lineLevel] < threshold) {
      return;
    }
    const entry = {
      level: lineLevel,
      message,
      service,
      timestamp: new Date().toISOString(),
      ...fields,
    };
    // The runtime sets this variable per invocation when X-Ray tracing is active.
    if (process.env._X_AMZN_TRACE_ID) {
      entry.xrayTraceId = process.env._X_AMZN_TRACE_ID;
    }
    write(JSON.stringify(entry));
  }

  return {
    debug: (message, fields) => log("DEBUG", message, fields),
    info: (message, fields) => log("INFO", message, fields),
    warn: (message, fields) => log("WARN", message, fields),
    error: (message, fields) => log("ERROR", message, fields),
  };
}
