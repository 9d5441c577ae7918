// Live views by the clock: on this software adapter the default run is sized for it and the
// Model panel says why; a model's attention is drawn as soon as it is built, at step 0,
// before any training step; while training, the sample and the maps are redrawn every few
// seconds whatever the step rate, and once more when training pauses. Screenshots go to
// test-results/live-views/.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { openDrawer, openPlayground, showArea, stepOf, tinyModel } from './helpers';

test.describe.configure({ mode: 'serial' });

const SHOTS = 'test-results/live-views';
let page: Page;

/** Distinct colours on a canvas: a blank (or one-colour) canvas has at most one. */
const colours = (canvas: Locator) =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });

test.beforeAll(async ({ browser }) => {
  page = await openPlayground(browser);
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await page.close();
});

test('on a software adapter the default run is the smaller one, and the Model panel says why', async () => {
  await openDrawer(page, 'model');
  const note = page.getByTestId('model-sized-note');
  await expect(note).toHaveText('Sized for a software GPU (SwiftShader): about 3 min. A hardware GPU gets a larger default.');
  await expect(page.getByLabel('Width', { exact: true })).toHaveValue('32');
  await page.getByTestId('drawer-model').screenshot({ path: `${SHOTS}/model-software-default.png` });
  await openDrawer(page, 'train');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('300');
  // A size of the user's own: the estimate no longer applies, and the line goes.
  await tinyModel(page, { maxTokens: 20 });
  await expect(note).toHaveCount(0);
});

test('a model’s attention is drawn as soon as it is built, at step 0, with no training step', async () => {
  await showArea(page, 'Attention');
  await expect(page.getByTestId('attention-status')).toContainText('No model yet');
  await page.getByTestId('panel-attention').screenshot({ path: `${SHOTS}/attention-no-model.png` });
  // Generate builds the model; nobody presses anything in the Attention panel.
  await showArea(page, 'Sample');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const canvas = page.getByTestId('head-0-0').locator('canvas').first();
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => colours(canvas), { timeout: 10_000 }).toBeGreaterThan(2);
  await expect(page.getByTestId('head-0-1').locator('canvas').first()).toBeVisible();
  await showArea(page, 'Attention');
  expect(await stepOf(page)).toBe(0);
  await expect(page.getByTestId('attention-status')).toHaveText('Step 0: an untrained model’s heads attend almost uniformly — watch them change as it trains.');
  await expect(page.getByTestId('attention-empty')).toHaveCount(0);
  await expect(page.getByTestId('sample-output').getByTestId('sample-token')).toHaveCount(20, { timeout: 60_000 });
  await page.getByTestId('panel-attention').screenshot({ path: `${SHOTS}/attention-step0.png` });
  await page.screenshot({ path: `${SHOTS}/page-step0.png` });
});

test('while training, the sample and the maps are redrawn by the clock, and once more on pause', async () => {
  await openDrawer(page, 'train');
  const steps = page.getByLabel('Steps', { exact: true });
  await steps.fill('100000'); // longer than the test: the run must not end by itself
  await steps.press('Tab');
  // Each change of a redraw counter and of the run's state, in order, with the page's clock
  // and the step shown then (read in the page: no round trip between an event and its time).
  await page.evaluate(() => {
    const log: { what: string; at: number; step: number; batch: number }[] = [];
    (window as unknown as { __liveLog: typeof log }).__liveLog = log;
    let batch = 0;
    const observer = new MutationObserver((records) => {
      batch++;
      for (const r of records) {
        const el = r.target as Element;
        const what = r.attributeName === 'data-state' ? `state:${el.getAttribute('data-state')}` : r.attributeName === 'data-sample-redraws' ? 'sample' : 'attention';
        log.push({ what, at: performance.now(), step: Number(document.querySelector('[data-testid="stat-step"]')?.textContent ?? NaN), batch });
      }
    });
    observer.observe(document.querySelector('[data-testid="live-views"]')!, { attributes: true, attributeFilter: ['data-sample-redraws', 'data-attention-redraws'] });
    observer.observe(document.querySelector('[data-testid="train-state"]')!, { attributes: true, attributeFilter: ['data-state'] });
  });
  type Entry = { what: string; at: number; step: number; batch: number };
  const readLog = () => page.evaluate(() => (window as unknown as { __liveLog: Entry[] }).__liveLog.slice());
  /** The redraws logged since the run first showed `state` (in the same DOM update, or later). */
  const redrawsAfter = (log: Entry[], state: string) => {
    const shown = log.find((e) => e.what === `state:${state}`);
    return shown ? log.filter((e) => e.batch >= shown.batch && !e.what.startsWith('state:')) : [];
  };

  await showArea(page, 'Training');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(0);
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(15_000);
  const during = (await readLog()).filter((e) => e.at >= t0);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();

  for (const view of ['sample', 'attention']) {
    const starts = during.filter((e) => e.what === view);
    const seen = starts.map((e) => `${Math.round(e.at - t0)} ms (step ${e.step})`).join(', ');
    expect(starts.length, `${view} redraws in 15 s: ${seen}`).toBeGreaterThanOrEqual(2);
    // However many steps ran between them (tens to hundreds here), never closer than ~2 s.
    const gaps = starts.slice(1).map((e, i) => e.at - starts[i].at);
    expect(Math.min(...gaps), `${view} redraws: ${seen}`).toBeGreaterThanOrEqual(1_500);
  }

  // Once more each after the pause, with the weights training stopped at; then nothing.
  // (A clock redraw the same DOM update took along would make three: never more.)
  await expect.poll(async () => [...new Set(redrawsAfter(await readLog(), 'paused').map((e) => e.what))].sort(), { timeout: 30_000 }).toEqual(['attention', 'sample']);
  const final = redrawsAfter(await readLog(), 'paused').length;
  expect(final).toBeLessThanOrEqual(3);
  await page.waitForTimeout(4_000);
  expect(redrawsAfter(await readLog(), 'paused')).toHaveLength(final);
  // The maps are of the step the run paused at.
  const pausedStep = ((await page.getByTestId('stat-step').textContent()) ?? '').replace(/,/g, '');
  await expect.poll(async () => (/Maps of step ([\d,]+)\./.exec((await page.getByTestId('attention-status').textContent()) ?? '')?.[1] ?? '').replace(/,/g, '')).toBe(pausedStep);
  await page.getByTestId('panel-attention').screenshot({ path: `${SHOTS}/attention-paused.png` });
  await page.getByTestId('panel-sample').screenshot({ path: `${SHOTS}/sample-paused.png` });
});
