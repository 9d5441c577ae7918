// Without WebGPU the page says why and trains on the CPU instead; and the main flow works by
// keyboard alone (run here on the CPU engine, which needs no kernel compilation).
import { expect, test, chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../browser.config.mjs';

test.describe.configure({ mode: 'serial' });

let browser: Browser;
let page: Page;

test.beforeAll(async ({ baseURL }) => {
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs({ webgpu: false }) });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${baseURL}/?demo=none`);
});

test.afterAll(async () => {
  await browser.close();
});

/** Presses Tab until the focused element's accessible name matches, like a keyboard user. */
async function tabTo(p: Page, name: RegExp, max = 250): Promise<void> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    const label = await p.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent : null;
      return (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '').trim();
    });
    if (name.test(label)) return;
  }
  throw new Error(`no focusable element named ${name} within ${max} tabs`);
}

test('without WebGPU the page explains why and selects the CPU engine', async () => {
  const alert = page.getByTestId('gpu-error');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('no usable GPU adapter');
  await expect(page.getByTestId('cpu-mode-note')).toBeVisible();
  await expect(page.getByLabel('Engine', { exact: true })).toHaveValue('cpu');
});

test('the main flow works by keyboard alone, training on the CPU', async () => {
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  for (const [label, value] of [
    [/^Layers$/, '1'],
    [/^Heads$/, '2'],
    [/^Width$/, '16'],
    [/^Block size/, '16'],
    [/^Batch size$/, '4'],
  ] as const) {
    await tabTo(page, label);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(value);
  }
  await tabTo(page, /^Step$/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stat-step')).toHaveText('1', { timeout: 60_000 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stat-step')).toHaveText('2', { timeout: 60_000 });
  const loss = parseFloat((await page.getByTestId('stat-loss').textContent()) ?? 'NaN');
  expect(Number.isFinite(loss)).toBe(true);
  await tabTo(page, /^Max tokens$/);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('10');
  await tabTo(page, /^Generate$/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sample-output').locator('[role="button"]')).toHaveCount(10, { timeout: 60_000 });
});
