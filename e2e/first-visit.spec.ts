// A first visit opens a trained demo that ships with the app: within 10 s of navigation, with
// no click, the attention heatmaps are drawn, the chart shows the demo's loss history and the
// Sample panel shows the next-token bars. `?demo=<id>` opens another demo, `?demo=none` none;
// a saved run wins over the default demo; a missing, damaged or unreachable demo is reported
// in the gallery and leaves the playground usable.
import { expect, test, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { BLANK, stepOf, trainTinyModel } from './helpers';

interface Entry {
  id: string;
  title: string;
  lookAt: string;
  step: number;
  valLoss: number;
}
interface Manifest {
  defaultId: string;
  demos: Entry[];
}

let manifest: Manifest;
test.beforeAll(async ({ request }) => {
  manifest = (await (await request.get('/demos/index.json')).json()) as Manifest;
});
const byId = (id: string) => manifest.demos.find((d) => d.id === id)!;

async function freshPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...opts });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  return page;
}

/** Whether every head's heatmap canvas has been drawn (more than one colour in it). */
function heatmapsDrawn(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid^="head-"]:not([data-testid="head-focus"]) canvas')];
    if (canvases.length === 0) return false;
    return canvases.every((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return false;
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const first = px.slice(0, 4).join();
      for (let i = 4; i < px.length; i += 4) if (`${px[i]},${px[i + 1]},${px[i + 2]},${px[i + 3]}` !== first) return true;
      return false;
    });
  });
}

/** The trained demo is on screen: heatmaps, its history on the chart, the next-token bars. */
async function expectDemoShown(page: Page, demo: Entry, timeout: number): Promise<void> {
  await expect(page.getByTestId(`demo-card-${demo.id}`)).toHaveAttribute('aria-current', 'true', { timeout });
  await expect(page.getByTestId('demo-lookat')).toContainText(demo.lookAt);
  await expect.poll(() => heatmapsDrawn(page), { timeout }).toBe(true);
  await expect(page.locator('canvas[aria-label^="Loss chart"]')).toHaveAttribute('aria-label', new RegExp(`step ${demo.step.toLocaleString('en-US')} of .*validation loss`), { timeout });
  await expect(page.getByTestId('stat-step')).toHaveText(demo.step.toLocaleString('en-US'), { timeout });
  await expect(page.getByTestId('prob-bar').first()).toBeVisible({ timeout });
}

// The target: within 10 s of navigation on a software adapter, with no click. Measured here
// (SwiftShader, 2 cores) at 6.9–7.1 s with the machine quiet; the time is printed too.
const FIRST_VISIT_MS = 10_000;
test('a first visit shows the default trained demo within 10 s without a click', async ({ browser }) => {
  const page = await freshPage(browser);
  const demo = byId(manifest.defaultId);
  const t0 = Date.now();
  await page.goto('/');
  await expectDemoShown(page, demo, 90_000);
  const elapsed = Date.now() - t0;
  const sinceNavigation = await page.evaluate(() => performance.now());
  console.log(`first visit: "${demo.title}" shown ${elapsed} ms after navigation started (page clock ${sinceNavigation.toFixed(0)} ms)`);
  expect(elapsed, 'heatmaps, loss history and next-token bars on screen').toBeLessThan(FIRST_VISIT_MS);
  // The address stays as it was: a copied address is the plain page.
  expect(new URL(page.url()).search).toBe('');
  await page.context().close();
});

test('?demo=<id> opens that demo, and the gallery opens another with one click', async ({ browser }) => {
  const other = manifest.demos.find((d) => d.id !== manifest.defaultId)!;
  const page = await freshPage(browser);
  await page.goto(`/?demo=${other.id}`);
  await expectDemoShown(page, other, 60_000);
  await expect(page.getByTestId(`demo-card-${manifest.defaultId}`)).not.toHaveAttribute('aria-current', 'true');
  await page.getByTestId(`demo-card-${manifest.defaultId}`).click();
  await expectDemoShown(page, byId(manifest.defaultId), 60_000);
  expect(new URL(page.url()).searchParams.get('demo')).toBe(manifest.defaultId);
  // Train your own: the same task with no trained model; the chart starts empty.
  await page.getByTestId('demo-train-own').click();
  await expect(page.getByTestId('demo-notice')).toContainText(/Press Train/);
  await expect(page.locator('[aria-current="true"][data-testid^="demo-card-"]')).toHaveCount(0);
  await expect(page.getByTestId('attention-empty')).toBeVisible();
  await expect(page.locator('canvas[aria-label^="Loss chart"]')).toHaveAttribute('aria-label', /empty/);
  expect(new URL(page.url()).searchParams.get('demo')).toBe('none');
  // Step builds a new model of the same size and takes its first step from random weights.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('stat-step')).toHaveText('1', { timeout: 60_000 });
  await page.context().close();
});

test('a demo opens at the end of its run, and one press trains it 500 steps more', async ({ browser }) => {
  const page = await freshPage(browser);
  const demo = byId(manifest.defaultId);
  await page.goto('/');
  await expectDemoShown(page, demo, 90_000);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('train-state')).toContainText('the end of the run');
  const more = page.getByRole('button', { name: 'Train 500 more steps' });
  await more.click();
  // The run goes on from the demo's weights (not from step 0) towards the new end.
  const step = async () => Number((await page.getByTestId('stat-step').textContent())?.replace(/,/g, ''));
  await expect.poll(step, { timeout: 120_000 }).toBeGreaterThan(demo.step);
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'running');
  await expect(more).toBeHidden();
  await expect(page.locator('[data-stat="total"]')).toHaveAttribute('data-value', String(demo.step + 500));
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(train).toHaveAttribute('aria-disabled', 'false');
  await page.context().close();
});

test('?demo=none opens no demo; an unknown id says which demos there are', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto(BLANK);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId(`demo-card-${manifest.defaultId}`)).toBeVisible();
  await page.waitForTimeout(3000); // time enough for a demo to have started opening
  await expect(page.locator('[aria-current="true"][data-testid^="demo-card-"]')).toHaveCount(0);
  await expect(page.getByTestId('demo-lookat')).toHaveCount(0);
  await expect(page.getByTestId('attention-empty')).toBeVisible();
  await page.goto('/?demo=no-such-demo');
  await expect(page.getByTestId('demo-error')).toContainText(/no demo called “no-such-demo”.*count/);
  await page.context().close();
});

test('a saved run is reopened instead of the default demo', async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await freshPage(browser);
  const train = await trainTinyModel(page, 2);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
  await expect(train).toBeVisible();
  const saved = await stepOf(page);
  await page.goto('/');
  await expect(page.getByTestId('stat-step')).toHaveText(String(saved), { timeout: 120_000 });
  await expect(page.locator('[aria-current="true"][data-testid^="demo-card-"]')).toHaveCount(0);
  await page.context().close();
});

test('a missing, damaged or unreachable demo is reported and the playground stays usable', async ({ browser }) => {
  const page = await freshPage(browser);
  const file = `**/demos/${manifest.defaultId}.demo`;
  await page.route(file, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  await expect(page.getByTestId('demo-error')).toContainText(/is missing \(HTTP 404\)/, { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();

  await page.unroute(file);
  await page.route(file, (route) => route.fulfill({ status: 200, body: Buffer.from('GPTP\u0001 not really a demo') }));
  await page.goto('/');
  await expect(page.getByTestId('demo-error')).toContainText(/damaged: it is cut short/, { timeout: 60_000 });

  await page.route('**/demos/index.json', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await expect(page.getByTestId('demo-error')).toContainText(/could not be downloaded.*offline/, { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await page.context().close();
});

// Screenshots of the first visit, for looking at (registered only when asked for, so a normal
// run has no skipped tests): SCREENSHOTS=1 npx playwright test e2e/first-visit.spec.ts
const SHOTS = process.env.SCREENSHOTS
  ? ([
      ['desktop', { width: 1440, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const)
  : [];
for (const [name, size] of SHOTS) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`screenshot: ${name}, ${scheme}`, async ({ browser }, info) => {
      const page = await freshPage(browser, { viewport: size, colorScheme: scheme, isMobile: name === 'phone', hasTouch: name === 'phone' });
      const t0 = Date.now();
      await page.goto('/');
      await expect(page.getByTestId(`demo-card-${manifest.defaultId}`)).toHaveAttribute('aria-current', 'true', { timeout: 60_000 });
      if (name === 'desktop') await expect.poll(() => heatmapsDrawn(page), { timeout: 60_000 }).toBe(true);
      // What a first visit looks like 10 s after navigation.
      await page.waitForTimeout(Math.max(0, FIRST_VISIT_MS - (Date.now() - t0)));
      await page.screenshot({ path: info.outputPath(`first-visit-${name}-${scheme}.png`) });
      if (name === 'phone') {
        await page.getByRole('tab', { name: 'Attention' }).click();
        await expect.poll(() => heatmapsDrawn(page), { timeout: 60_000 }).toBe(true);
        await page.screenshot({ path: info.outputPath(`first-visit-${name}-${scheme}-attention.png`) });
      }
      await page.context().close();
    });
  }
}
