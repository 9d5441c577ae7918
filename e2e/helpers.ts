// What several specs do the same way: a model small enough for SwiftShader to build and train
// in seconds, the page opened at desktop size with WebGPU ready, and the way to a tab, an
// area of the Playground or a settings drawer.
import { expect, type Browser, type Locator, type Page } from '@playwright/test';

/** Selects one of the page's top-level tabs. */
export async function openSection(p: Page, name: 'Playground' | 'Lessons' | 'Inspect' | 'Keep & share' | 'Device'): Promise<void> {
  const tab = p.getByRole('tab', { name, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/** Shows an area of the Playground: on a narrow window by its tab; a wide one shows them all. */
export async function showArea(p: Page, area: 'Training' | 'Sample' | 'Attention' | 'Settings'): Promise<void> {
  await openSection(p, 'Playground');
  // Not exact: the Settings tab's name says so when a setting needs a fix.
  const tab = p.getByRole('tab', { name: area });
  if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/** Opens a settings drawer (and the Settings area, on a narrow window). */
export async function openDrawer(p: Page, drawer: 'data' | 'model' | 'train'): Promise<void> {
  await showArea(p, 'Settings');
  const toggle = p.getByTestId(`drawer-toggle-${drawer}`);
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** Brings a panel into view, by its id (panel-<id>): its area, or the drawer that holds it. */
export async function revealPanel(p: Page, id: 'data' | 'model' | 'train' | 'sample' | 'attention'): Promise<void> {
  if (id === 'data' || id === 'model') await openDrawer(p, id);
  else await showArea(p, id === 'train' ? 'Training' : id === 'sample' ? 'Sample' : 'Attention');
}

/** Layers 1, heads 2, width 16, block 16, batch 4 (and max tokens, when given). */
export async function tinyModel(p: Page, opts: { maxTokens?: number } = {}): Promise<void> {
  await openDrawer(p, 'model');
  await p.getByLabel('Layers', { exact: true }).fill('1');
  await p.getByLabel('Heads', { exact: true }).fill('2');
  await p.getByLabel('Width', { exact: true }).fill('16');
  await p.getByLabel('Block size', { exact: true }).fill('16');
  await openDrawer(p, 'train');
  await p.getByLabel('Batch size', { exact: true }).fill('4');
  if (opts.maxTokens !== undefined) {
    await showArea(p, 'Sample');
    await p.getByLabel('Max tokens', { exact: true }).fill(String(opts.maxTokens));
  }
}

/** The app with no shipped demo opened (a saved run still reopens): specs start from a blank playground. */
export const BLANK = '/?demo=none';

/** A new 1280×900 page on the app (no demo opened), failing on any dialog, once its GPU is ready. */
export async function openPlayground(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await page.goto(BLANK);
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
  await page.goto(BLANK);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(page);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(atLeast);
  return train;
}
