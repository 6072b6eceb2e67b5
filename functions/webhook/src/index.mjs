// Lambda entry point, bundled to dist/index.js. Settings and the DynamoDB client are created once
// per execution environment, at load, so an invalid setting fails the init instead of a request.

import { loadConfig } from "./config.mjs";
import { createDynamoDbClient } from "./dynamodb-client.mjs";
import { createHandler } from "./handler.mjs";
import { createLogger } from "./logger.mjs";
import { createVerifier } from "./signature/index.mjs";
import { createTransactionStore } from "./storage.mjs";

export const SERVICE_NAME = "webhook-processor";

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel, service: SERVICE_NAME });

export const handler = createHandler({
  config,
  verify: createVerifier({
    scheme: config.signatureScheme,
    keys: config.signingKeys,
    toleranceSeconds: config.toleranceSeconds,
  }),
  storeTransaction: createTransactionStore({ client: createDynamoDbClient(), tableName: config.tableName }),
  logger,
});

logger.info("function initialised", {
  tableName: config.tableName,
  signatureScheme: config.signatureScheme,
  signingKeyCount: config.signingKeys.length,
  toleranceSeconds: config.toleranceSeconds,
  maxBodyBytes: config.maxBodyBytes,
});
