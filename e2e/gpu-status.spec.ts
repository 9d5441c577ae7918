// The first thing the page does: find a WebGPU adapter and compile every kernel, or say
// exactly why it cannot.
import { expect, test, chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../browser.config.mjs';

test('reports the WebGPU adapter and that every kernel compiled', async ({ page }) => {
  await page.goto('/?demo=none');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  const adapter = await page.getByTestId('adapter-name').textContent();
  console.log(`page adapter: ${adapter}`);
  expect(adapter?.length).toBeGreaterThan(0);
  await expect(page.getByTestId('kernel-count')).toContainText(/\d+ shader files? compiled/);
});

test('without the WebGPU flag the page says no adapter was offered and how to fix it', async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs({ webgpu: false }) });
  try {
    const page = await browser.newPage();
    await page.goto(`${baseURL}/?demo=none`);
    const alert = page.getByTestId('gpu-error');
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert).toHaveAttribute('data-code', 'no-adapter');
    await expect(alert).toContainText('no usable GPU adapter');
    await expect(alert).toContainText('hardware acceleration');
  } finally {
    await browser.close();
  }
});

test('a browser without navigator.gpu is told to use one that has WebGPU', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/?demo=none');
  const alert = page.getByTestId('gpu-error');
  await expect(alert).toBeVisible();
  await expect(alert).toHaveAttribute('data-code', 'no-webgpu');
  await expect(alert).toContainText('This browser has no WebGPU');
});

test('a shader that fails to compile is named with its file and line', async ({ page }) => {
  // Serve a broken half.wgsl (a kernel the app compiles at start-up): a type error on a known line.
  await page.route(/\/shaders\/half\.wgsl/, async (route) => {
    const res = await route.fetch();
    const body = await res.text();
    const broken = body.replace('words[w] = pack2x16float(vec2f(src[i], hi));', 'words[w] = vec2f(src[i], hi);');
    expect(broken).not.toBe(body);
    await route.fulfill({ response: res, body: broken });
  });
  await page.goto('/?demo=none');
  const alert = page.getByTestId('gpu-error');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toHaveAttribute('data-error', 'ShaderCompileError');
  await expect(alert).toContainText(/WGSL error in half\.wgsl:\d+:\d+/);
  await expect(alert).toContainText('A kernel failed to compile');
});
