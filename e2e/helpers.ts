// What several specs do the same way: a model small enough for SwiftShader to build and train
// in seconds, and the page opened at desktop size with WebGPU ready.
import { expect, type Browser, type Locator, type Page } from '@playwright/test';

/** Layers 1, heads 2, width 16, block 16, batch 4 (and max tokens, when given). */
export async function tinyModel(p: Page, opts: { maxTokens?: number } = {}): Promise<void> {
  await p.getByLabel('Layers', { exact: true }).fill('1');
  await p.getByLabel('Heads', { exact: true }).fill('2');
  await p.getByLabel('Width', { exact: true }).fill('16');
  await p.getByLabel('Block size', { exact: true }).fill('16');
  await p.getByLabel('Batch size', { exact: true }).fill('4');
  if (opts.maxTokens !== undefined) await p.getByLabel('Max tokens', { exact: true }).fill(String(opts.maxTokens));
}

/** A new 1280×900 page on the app, failing on any dialog, once its GPU is ready. */
export async function openPlayground(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await page.goto('/');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  return page;
}

/** The step the Train panel shows. */
export const stepOf = async (p: Page): Promise<number> => Number(await p.getByTestId('stat-step').textContent());

/** The steps of the runs saved in IndexedDB, read beside the app. */
export function savedSteps(p: Page): Promise<number[]> {
  return p.evaluate(
    () =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('gpt-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('run-summaries')) return resolve([]);
          const all = db.transaction('run-summaries').objectStore('run-summaries').getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as { step: number }[]).map((r) => r.step));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/**
 * Opens the app on `page` at desktop size, builds the tiny model and trains it until the step
 * counter reaches `atLeast`; returns the Train button, still training.
 */
export async function trainTinyModel(page: Page, atLeast: number): Promise<Locator> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(atLeast);
  return train;
}
