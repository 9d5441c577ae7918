// Runs before every GPU test file, in the browser: acquire the device once and print which
// adapter the tests run on (SwiftShader on machines without a GPU).
import { beforeAll } from 'vitest';
import { adapterLine } from './gpu';

let printed = false;
beforeAll(async () => {
  const line = await adapterLine();
  if (!printed) {
    console.log(line);
    printed = true;
  }
});
