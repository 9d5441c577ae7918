// Runs one of the project's pages in headless Chromium (the same browser and flags as the
// tests), served by Vite, and returns what the page reports. Used by the benchmark and the
// headless trainer: they run the same engine code as the app, on the same WebGPU device.
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumExecutable } from '../../browser.config.mjs';

/**
 * A Vite server for the project at `root` (default: this one), on a free port.
 * @param {string} [root]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startServer(root) {
  // No HMR and no file watching: an edit elsewhere in the tree must not reload a long run.
  const server = await createServer({
    ...(root ? { root, configFile: `${root}/vite.config.ts` } : {}),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** @returns {Promise<import('playwright').Browser>} */
export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
}

/**
 * Opens `url` in a new page of `browser` and resolves with what the page passes to
 * window.__report(result); rejects with what it passes to window.__fail(message).
 * @param {import('playwright').Browser} browser
 * @param {string} url
 * @param {{ onLog?: (line: string) => void, timeoutMs?: number, expose?: Record<string, Function> }} [opts]
 * @returns {Promise<unknown>}
 */
export async function reportOf(browser, url, opts = {}) {
  const page = await browser.newPage();
  try {
    const onLog = opts.onLog ?? ((line) => console.log(line));
    page.on('console', (msg) => {
      if (msg.type() === 'log' || msg.type() === 'info') onLog(msg.text());
      else if (msg.type() === 'error') onLog(`[page error] ${msg.text()}`);
    });
    page.on('pageerror', (err) => onLog(`[page exception] ${err.message}`));
    for (const [name, fn] of Object.entries(opts.expose ?? {})) await page.exposeFunction(name, fn);
    const done = new Promise((resolve, reject) => {
      page.exposeFunction('__report', (result) => resolve(result));
      page.exposeFunction('__fail', (message) => reject(new Error(message)));
    });
    await page.goto(url);
    const timeout = opts.timeoutMs ?? 30 * 60_000;
    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`page did not finish within ${timeout / 1000} s`)), timeout);
    });
    try {
      return await Promise.race([done, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close();
  }
}

/**
 * @param {string} pagePath e.g. '/bench/kernels.html?filter=matmul'
 * @param {{ onLog?: (line: string) => void, timeoutMs?: number, expose?: Record<string, Function> }} [opts]
 * @returns {Promise<unknown>} the value the page passed to window.__report(result)
 */
export async function runPage(pagePath, opts = {}) {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    return await reportOf(browser, `${server.url}${pagePath}`, opts);
  } finally {
    await browser.close();
    await server.close();
  }
}
