// Keeping and sharing: a demo link retrains the same model from the same seed, a link with
// weights samples at once and identically everywhere, a reload resumes a run, and a bad link,
// a bad file or missing storage each get their message.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { openSection, tinyModel } from './helpers';

async function steps(p: Page, n: number): Promise<void> {
  await openSection(p, 'Playground');
  const start = Number((await p.getByTestId('stat-step').getAttribute('data-value')) ?? 0) || 0;
  for (let i = 1; i <= n; i++) {
    await p.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(p.getByTestId('stat-step')).toHaveText(String(start + i), { timeout: 120_000 });
  }
}

async function sample(p: Page): Promise<string> {
  await openSection(p, 'Playground');
  await p.getByRole('button', { name: 'Generate', exact: true }).click();
  const tokens = p.getByTestId('sample-output').getByTestId('sample-token');
  await expect(tokens).toHaveCount(16, { timeout: 120_000 });
  return (await tokens.allTextContents()).join('');
}

async function share(p: Page): Promise<string> {
  await openSection(p, 'Keep & share');
  await p.getByTestId('share-button').click();
  const url = p.getByTestId('share-url');
  await expect(url).not.toHaveValue('', { timeout: 60_000 });
  return url.inputValue();
}

async function fresh(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  return page;
}

test('a demo link retrains the same model from the same seed: same sample', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.goto('/?demo=none');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page, { maxTokens: 16 });
  const link = await share(page); // before training: the demo alone
  expect(link).toContain('#demo=');
  await expect(page.getByTestId('share-size')).toContainText(/demo only|retrain/i);
  await steps(page, 3);
  const original = await sample(page);
  const other = await fresh(browser, link);
  await expect(other.getByLabel('Width', { exact: true })).toHaveValue('16');
  await steps(other, 3);
  expect(await sample(other)).toBe(original);
});

test('a link with weights samples at once, the same in every fresh page', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.goto('/?demo=none');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page, { maxTokens: 16 });
  await steps(page, 3);
  const link = await share(page);
  await expect(page.getByTestId('share-size')).toContainText(/weights/i);
  const a = await fresh(browser, link);
  const b = await fresh(browser, link);
  // The link brings the loss history that led to its weights: the chart is not empty.
  await expect(a.getByTestId('stat-step')).toHaveText('3', { timeout: 60_000 });
  await expect(a.locator('canvas[aria-label^="Loss chart"]')).toHaveAttribute('aria-label', /step 3\b.*train loss/);
  const sa = await sample(a); // no training first: the weights came with the link
  const sb = await sample(b);
  expect(sa).toBe(sb);
  expect(sa.length).toBeGreaterThan(0);
});

test('a reload resumes the run where it was saved', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?demo=none');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page, { maxTokens: 16 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(async () => Number(await page.getByTestId('stat-step').textContent()), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
  const saved = Number(await page.getByTestId('stat-step').textContent());
  await page.reload();
  await expect(page.getByTestId('stat-step')).toHaveText(String(saved), { timeout: 120_000 });
  await expect(page.getByLabel('Width', { exact: true })).toHaveValue('16');
  await steps(page, 1); // and training continues from there
});

test('a damaged link is reported and the default demo shown', async ({ page }) => {
  await page.goto('/#demo=R1BUUAEAAAAAAAAAAAAA');
  await expect(page.getByTestId('link-error')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('link-error')).toContainText(/incomplete|damaged|not a GPT Playground link/);
  await expect(page.getByTestId('data-text')).not.toHaveValue('');
  await page.goto('about:blank');
  await page.goto('/#demo=<img src=x onerror=alert(1)>');
  await expect(page.getByTestId('link-error')).toBeVisible({ timeout: 60_000 });
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('a corrupt checkpoint file is rejected with its reason', async ({ page }) => {
  await page.goto('/?demo=none');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await openSection(page, 'Keep & share');
  await page.getByTestId('import-checkpoint').setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a checkpoint at all') });
  await expect(page.getByTestId('file-error')).toBeVisible();
  await expect(page.getByTestId('file-error')).toContainText(/header|safetensors|file/i);
});

test('without IndexedDB the page says saving is off and still trains', async ({ page }) => {
  test.setTimeout(200_000);
  await page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
  await page.goto('/?demo=none');
  await expect(page.getByTestId('storage-error')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page, { maxTokens: 16 });
  await steps(page, 1);
});
