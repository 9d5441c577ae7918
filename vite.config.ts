import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumExecutable } from './browser.config.mjs';

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of a static host.
  base: './',
  plugins: [react()],
  server: { port: 5173, strictPort: false },
  worker: { format: 'es' },
  // Pre-bundled up front: discovered later it would make Vite reload the page mid-test.
  optimizeDeps: { include: ['onnxruntime-web'] },
  test: {
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
