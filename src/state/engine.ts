// The one engine worker of the page, created on first use.
import { EngineClient } from '../client/engine-client';

let client: EngineClient | null = null;

export function engine(): EngineClient {
  client ??= EngineClient.create();
  return client;
}
