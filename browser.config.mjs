// Where the test, e2e, benchmark and headless-trainer runs find Chromium, and the flags that
// give it WebGPU. One place, so that every runner launches the browser the same way.
import { existsSync } from 'node:fs';

/**
 * The Chromium to launch: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else undefined
 * (Playwright's own browser, if `npx playwright install` was run).
 * @returns {string | undefined}
 */
export function chromiumExecutable() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

/**
 * Flags: WebGPU on (SwiftShader where there is no GPU) and no background network traffic.
 * @param {{ webgpu?: boolean }} [opts]
 * @returns {string[]}
 */
export function chromiumArgs(opts = {}) {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  if (opts.webgpu !== false) args.push('--enable-unsafe-webgpu');
  return args;
}
