// The DynamoDB client with timeouts and retries bounded so that one invocation, retries included,
// responds well inside the function's 10 second timeout, after which API Gateway gives up anyway.

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";

// Same-region DynamoDB connects in milliseconds, so a second means the endpoint is unreachable.
export const CONNECTION_TIMEOUT_MS = 1000;
// Covers the whole request, connection included; a single-item PutItem normally takes under 20 ms.
export const REQUEST_TIMEOUT_MS = 2000;
// One first try and two retries: 3 x 2 s plus the SDK's jittered backoff of well under a second
// stays below 7 s. The handler's own deadline cuts this short when less time remains.
export const MAX_ATTEMPTS = 3;

/**
 * Creates the DynamoDB client. Region, credentials and endpoint come from the SDK's standard
 * sources, so AWS_REGION and AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL) apply.
 *
 * NOTE: the X-Ray SDK is not bundled, so PutItem calls show up inside the function's trace
 * segment but not as subsegments of their own.
 */
export function createDynamoDbClient() {
  return new DynamoDBClient({
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // Without this flag the handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    }),
  });
}
