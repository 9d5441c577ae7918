// The playground as a user meets it, on one page (SwiftShader compiles every kernel once per
// page, so the flow shares one): the default demo trains and its loss falls, a sample
// streams, the heatmaps are drawn, the probability bars follow the temperature slider, and
// hostile pasted text stays text. Screenshots of each panel are saved as test artifacts.
import { expect, test, type Page } from '@playwright/test';
import { openDrawer, openPlayground, openSection, revealPanel, tinyModel } from './helpers';
import { mkdirSync } from 'node:fs';

test.describe.configure({ mode: 'serial' });

const SHOTS = 'test-results/screenshots';
let page: Page;

async function shootPanels(p: Page, tag: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: `${SHOTS}/${tag}-page.png`, fullPage: true });
  for (const id of ['data', 'model', 'train', 'sample', 'attention'] as const) {
    await revealPanel(p, id);
    const panel = p.getByTestId(`panel-${id}`);
    if (await panel.count()) await panel.screenshot({ path: `${SHOTS}/${tag}-${id}.png` });
  }
}

/** A small model so that SwiftShader trains it in seconds. */
async function chooseTinyModel(p: Page): Promise<void> {
  await tinyModel(p);
}

async function lossAfterSteps(p: Page, n: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    await p.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(p.getByTestId('stat-step')).toHaveText(String(i + 1), { timeout: 120_000 });
    await expect.poll(async () => parseFloat((await p.getByTestId('stat-loss').textContent()) ?? '')).not.toBeNaN();
    losses.push(parseFloat((await p.getByTestId('stat-loss').textContent()) ?? 'NaN'));
  }
  return losses;
}

test.beforeAll(async ({ browser }) => {
  page = await openPlayground(browser);
});

test.afterAll(async () => {
  await page.close();
});

test('the default demo trains and the loss shown falls', async () => {
  await expect(page.getByTestId('data-text')).not.toHaveValue('');
  await chooseTinyModel(page);
  const losses = await lossAfterSteps(page, 12);
  expect(losses.every(Number.isFinite)).toBe(true);
  const first = (losses[0] + losses[1]) / 2;
  const last = (losses[10] + losses[11]) / 2;
  expect(last).toBeLessThan(first);
});

test('a sample streams into the output', async () => {
  await page.getByLabel('Max tokens', { exact: true }).fill('20');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const out = page.getByTestId('sample-output');
  await expect(out.locator('[role="button"]')).toHaveCount(20, { timeout: 60_000 });
});

test('a sample with half-precision weights streams too', async () => {
  const half = page.getByLabel('Half-precision weights (f16)');
  await half.check();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const out = page.getByTestId('sample-output');
  await expect(out.locator('[role="button"]')).toHaveCount(20, { timeout: 60_000 });
  await expect(page.getByTestId('sample-error')).toHaveCount(0);
  await half.uncheck();
});

test('moving the temperature re-shapes the probability bars without a rerun', async () => {
  const bars = page.getByTestId('prob-bars');
  const values = async () => bars.locator('[data-value]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const before = await values();
  expect(before.length).toBeGreaterThan(1);
  const slider = page.getByLabel(/^Temperature/);
  await slider.focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await values())[0]).toBeGreaterThan(before[0]);
});

test('the attention heatmaps are drawn', async () => {
  await page.getByTestId('attention-refresh').click();
  const canvas = page.getByTestId('head-0-0').locator('canvas').first();
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d')!;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return colours.size;
      }),
    )
    .toBeGreaterThan(2);
  await expect(page.getByTestId('causal-mask')).toBeVisible();
  await shootPanels(page, 'desktop');
});

test('pasted text with emoji and HTML is shown as text and trains', async () => {
  const hostile = 'Hi 👋🏽 there <img src=x onerror=alert(1)> and ünïcödé, 日本語.\n'.repeat(40);
  await openDrawer(page, 'data');
  await page.getByTestId('data-text').fill(hostile);
  await expect(page.getByTestId('data-text')).toHaveValue(hostile);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('stat-step')).toHaveText('1', { timeout: 120_000 });
  await page.getByLabel('Max tokens', { exact: true }).fill('30');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('sample-output').locator('[role="button"]')).toHaveCount(30, { timeout: 60_000 });
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await expect(page.getByTestId('data-stats')).toContainText(/\d/);
});

test('the profiler times the kernels of a training step and of a sampled token', async () => {
  await openSection(page, 'Device');
  await page.getByTestId('profile-step').click();
  const table = page.getByTestId('profile-table');
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table).toContainText('matmul');
  await expect(table).toContainText('adamw');
  mkdirSync(SHOTS, { recursive: true });
  await page.getByTestId('profiler-panel').screenshot({ path: `${SHOTS}/desktop-profiler-step.png` });
  await page.getByTestId('profile-token').click();
  await expect(table).toContainText('attention_decode', { timeout: 60_000 });
  await openSection(page, 'Playground');
});

test('phone width: panels stack and nothing overflows', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shootPanels(page, 'phone');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shootPanels(page, 'phone-dark');
  await page.setViewportSize({ width: 1280, height: 900 });
});
