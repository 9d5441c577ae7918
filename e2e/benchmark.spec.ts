// "Benchmark this device" on the Device tab: run from the keyboard with one timed training
// step (?benchSteps=1), its progress said as it goes, the results as tables, the report
// copied as Markdown and JSON and downloaded; Train held back while it measures; and the Run
// button held back, with the reason, while training runs.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { BLANK, openSection, trainTinyModel } from './helpers';

async function openDevicePage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await page.goto(`${BLANK}&benchSteps=1`);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await openSection(page, 'Device');
  return page;
}

/** Runs the benchmark with the keyboard and waits for its tables; `during` runs while it measures. */
async function runBenchmark(page: Page, during?: () => Promise<void>): Promise<void> {
  const section = page.getByRole('region', { name: 'Benchmark this device' });
  const run = section.getByRole('button', { name: 'Run the benchmark' });
  await run.focus();
  await page.keyboard.press('Enter');
  await expect(section.getByTestId('bench-progress')).toContainText(/Kernels \d of 9: /, { timeout: 30_000 });
  if (during) await during();
  await expect(section.getByTestId('bench-kernels')).toBeVisible({ timeout: 180_000 });
}

test('benchmarks the device and copies the report as Markdown and JSON', async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await openDevicePage(browser);
  const section = page.getByRole('region', { name: 'Benchmark this device' });
  // While it measures, Train waits and says why.
  await runBenchmark(page, async () => {
    await openSection(page, 'Playground');
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toHaveAttribute('aria-disabled', 'true');
    await expect(page.getByTestId('train-benchmarking')).toContainText('Training is paused while Benchmark this device runs');
    await openSection(page, 'Device');
  });
  await expect(section.getByTestId('bench-error')).toHaveCount(0);
  await expect(section.getByTestId('bench-progress')).toHaveText('Done: the results are below.');

  // No model was built: the default model's shapes, B·T = 16·64 rows of width 64.
  const kernels = section.getByTestId('bench-kernels');
  await expect(kernels.getByRole('row')).toHaveCount(1 + 9);
  await expect(kernels.getByRole('row', { name: /matmul_forward attention qkv/ })).toContainText('1024×64×192');
  await expect(kernels.getByRole('row', { name: /matmul_forward attention qkv/ })).toContainText(/GFLOP\/s/);
  await expect(kernels.getByRole('row', { name: /layernorm_forward/ })).toContainText(/GB\/s/);
  const training = section.getByTestId('bench-training');
  await expect(training.getByRole('row', { name: /L2 H4 C64 T64 B16 V65/ })).toBeVisible();
  await expect(section.getByTestId('bench-step').getByRole('row').nth(1)).toContainText('%');

  const adapter = (await section.getByTestId('bench-adapter').textContent()) ?? '';
  expect(adapter).not.toBe('');
  await section.getByRole('button', { name: 'Copy Markdown' }).click();
  await expect(section.getByTestId('bench-copy-status')).toHaveText('Copied the Markdown to the clipboard.');
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toContain(`- Adapter: ${adapter}`);
  expect(markdown).toContain('### Kernels\n\n| Kernel | Size | In the model | Time | Throughput |');
  expect(markdown).toMatch(/\n\| matmul_forward \| 1024×64×192 \| attention qkv \| [\d.,]+ ms \| [\d.,]+ GFLOP\/s \|\n/);
  expect(markdown).toMatch(/\n\| L2 H4 C64 T64 B16 V65 \| [\d,]+ \| 1,024 \| 1 \| [\d.,]+ \| [\d.,]+ \|\n/);

  await section.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(section.getByTestId('bench-copy-status')).toHaveText('Copied the JSON to the clipboard.');
  const json = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { adapter: { description: string }; kernels: unknown[]; training: { steps: number }[] };
  expect(json.adapter.description).toBe(adapter);
  expect(json.kernels).toHaveLength(9);
  expect(json.training[0].steps).toBe(1);

  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^gpt-playground-benchmark-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
  await page.context().close();
});

test('where the clipboard is refused, the report is selected in a field to copy by hand', async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await openDevicePage(browser);
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
  });
  const section = page.getByRole('region', { name: 'Benchmark this device' });
  await runBenchmark(page);
  await section.getByRole('button', { name: 'Copy Markdown' }).click();
  await expect(section.getByTestId('bench-copy-status')).toContainText('the Markdown is selected below');
  const field = section.getByLabel('The report as Markdown');
  await expect(field).toBeFocused();
  expect(await field.inputValue()).toContain('### Kernels');
  const selected = await field.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd).length === el.value.length);
  expect(selected).toBe(true);
  await page.context().close();
});

test('the benchmark waits while training runs, and says why', async ({ page }) => {
  await trainTinyModel(page, 1);
  await openSection(page, 'Device');
  const section = page.getByRole('region', { name: 'Benchmark this device' });
  const run = section.getByRole('button', { name: 'Run the benchmark' });
  await expect(run).toHaveAttribute('aria-disabled', 'true');
  await expect(section).toContainText('Pause training to run the benchmark: it needs the GPU to itself.');
  await run.click({ force: true });
  await expect(section.getByTestId('bench-progress')).toHaveCount(1);
  await expect(section.getByTestId('bench-progress')).toHaveText('');
  // Paused, it may run.
  await openSection(page, 'Playground');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  await openSection(page, 'Device');
  await expect(run).not.toHaveAttribute('aria-disabled', 'true', { timeout: 30_000 });
});

// Screenshots of the Device tab with results, for looking at (registered only when asked for,
// so a normal run has no skipped tests): SCREENSHOTS=1 npx playwright test e2e/benchmark.spec.ts
const SCHEMES = process.env.SCREENSHOTS ? (['light', 'dark'] as const) : [];
for (const scheme of SCHEMES) {
  test(`screenshot: the Device tab with benchmark results, ${scheme}`, async ({ browser }, info) => {
    test.setTimeout(240_000);
    const page = await openDevicePage(browser, scheme);
    await runBenchmark(page);
    await page.getByRole('region', { name: 'Benchmark this device' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: info.outputPath(`benchmark-${scheme}.png`) });
    await page.screenshot({ path: info.outputPath(`benchmark-${scheme}-full.png`), fullPage: true });
    await page.context().close();
  });
}
