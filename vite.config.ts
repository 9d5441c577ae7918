import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumExecutable } from './browser.config.mjs';

// The built site's Content-Security-Policy: only our own scripts, workers and WebAssembly
// (onnxruntime-web compiles its .wasm, hence 'wasm-unsafe-eval'); no inline or foreign code.
// Dev mode is left without it: Vite's dev server injects inline scripts.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const cspPlugin: Plugin = {
  name: 'gpt-playground-csp',
  apply: 'build',
  transformIndexHtml: (html) =>
    html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
};

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of a static host.
  base: './',
  plugins: [react(), cspPlugin],
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  // Pre-bundled up front: discovered later it would make Vite reload the page mid-test.
  optimizeDeps: { include: ['onnxruntime-web'] },
  test: {
    // Randomized tests take fixed seeds unless TEST_SEED says otherwise (random, or a seed to
    // replay): src/engine/testing/seed.ts. Provided, not read from process.env, so that the
    // browser (GPU) tests see it too.
    provide: { testSeed: process.env.TEST_SEED ?? '' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.gpu.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['src/**/*.gpu.test.ts'],
          setupFiles: ['src/engine/testing/gpu-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser page: SwiftShader uses every core already.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
