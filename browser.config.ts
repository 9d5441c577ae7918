// Where the test, e2e and benchmark runs find Chromium, and the flags that give it WebGPU.
// One place, so that every runner launches the browser the same way.
import { existsSync } from 'node:fs';

/** The Chromium to launch: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own. */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined; // Playwright's bundled browser, if `npx playwright install` was run
}

/** Flags: WebGPU on (SwiftShader where there is no GPU), and no background network traffic. */
export function chromiumArgs(opts: { webgpu?: boolean } = {}): string[] {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  if (opts.webgpu !== false) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan');
  return args;
}
