// The Inspect tab on the trained counting demo: six views, each a named region. Surprisal tints
// the validation text's tokens and gives their mean; switching off the head the demo is about
// changes the Playground's next-token bars, and Restore all puts them back; the ablation table
// has a row per head, the logit lens a row per depth, patching a grid in which that head
// carries the count; the embeddings are drawn and the neurons listed. Before any model each
// view says what to do. SCREENSHOTS=1 also saves desktop (light, dark) and phone screenshots
// to test-results/inspect/.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { BLANK, openSection, showArea } from './helpers';

test.describe.configure({ mode: 'serial' });

const VIEWS = ['Surprisal', 'Head ablation', 'Logit lens', 'Activation patching', 'Embeddings', 'Neurons'] as const;
const SHOTS = 'test-results/inspect';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

interface Demo {
  id: string;
  head: { layer: number; head: number };
}

let page: Page;
let demo: Demo;
/** The demo model's layers and heads, read off the ablation grid. */
let L = 0;
let NH = 0;

const region = (name: string) => page.getByRole('region', { name, exact: true });
const barValues = () => page.getByTestId('prob-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));

/** The next-token bars once the sample is written (they change while it is). */
async function settledBars(): Promise<number[]> {
  await showArea(page, 'Sample');
  await expect(page.getByTestId('sample-status')).not.toContainText('Generating', { timeout: 60_000 });
  await expect(page.getByTestId('prob-bar').first()).toBeVisible({ timeout: 60_000 });
  return barValues();
}

const sameBars = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-4);

test.beforeAll(async ({ browser, request }) => {
  const manifest = (await (await request.get('/demos/index.json')).json()) as { demos: Demo[] };
  demo = manifest.demos.find((d) => d.id === 'count')!;
  page = await browser.newPage({ viewport: DESKTOP });
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
});

test.afterAll(async () => {
  await page.close();
});

test('before a model exists, every view says what to do', async () => {
  await page.goto(BLANK);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await openSection(page, 'Inspect');
  for (const name of VIEWS) {
    await expect(region(name).getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
    await expect(region(name).getByTestId('inspect-no-model')).toContainText(/open a demo.*train/i);
  }
});

test('with the demo open, the Inspect tab shows its six views, each a named region', async () => {
  await page.goto(`/?demo=${demo.id}`);
  await openSection(page, 'Playground'); // the tab chosen last is remembered
  await expect(page.getByTestId('prob-bar').first()).toBeVisible({ timeout: 90_000 });
  await openSection(page, 'Inspect');
  const tabs = await page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').allTextContents();
  expect(tabs.slice(0, 3)).toEqual(['Playground', 'Lessons', 'Inspect']);
  for (const name of VIEWS) {
    await expect(region(name)).toBeVisible();
    await expect(region(name).getByTestId('inspect-no-model')).toHaveCount(0);
  }
  const grid = page.getByTestId('ablation-grid');
  L = await grid.locator('tbody tr').count();
  NH = await grid.locator('tbody tr').first().locator('[data-testid*="-H"]').count();
  expect(L).toBeGreaterThan(0);
  expect(NH).toBeGreaterThan(demo.head.head);
});

test('surprisal: the tokens are tinted by bits, with their mean; Enter on one opens that position', async () => {
  const view = region('Surprisal');
  await view.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(view.getByTestId('surprisal-mean')).toHaveText(/^\d+\.\d\d bits$/, { timeout: 60_000 });
  await expect(view.getByTestId('surprisal-summary')).toContainText(/nats.*validation loss/);
  const tokens = view.getByTestId('surprisal-token');
  expect(await tokens.count()).toBeGreaterThan(50);
  const tinted = await tokens.evaluateAll((els) => els.filter((e) => (e as HTMLElement).style.backgroundColor !== '').length);
  expect(tinted).toBeGreaterThan(50);
  // The keyboard: one tab stop, arrows move, Enter picks.
  await tokens.first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(tokens.nth(2)).toBeFocused();
  await expect(view.getByTestId('surprisal-tip')).toContainText(/bits|not predicted/);
  await page.keyboard.press('Enter');
  const detail = view.getByTestId('position-detail');
  await expect(detail.getByRole('heading', { name: /^Token 3,/ })).toBeVisible({ timeout: 60_000 });
  await expect(detail.getByTestId('position-bars').locator('li')).toHaveCount(10);
  await expect(detail.getByTestId('position-attention')).toBeVisible();

  // A text of one's own: none typed is said next to the field; a typed one is measured.
  await view.getByLabel('Your text', { exact: true }).check();
  await view.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(view.getByTestId('surprisal-error')).toContainText('Type a text');
  await view.getByLabel('Your text to measure').fill('3: ***\n5: *****\n');
  await view.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(view.getByTestId('surprisal-error')).toHaveCount(0);
  await expect(view.getByTestId('surprisal-summary')).toContainText('predicted tokens of the text.', { timeout: 60_000 });
  await expect(tokens).toHaveCount(16);
  await view.getByLabel('Validation text').check();
  await view.getByRole('button', { name: 'Measure', exact: true }).click();
  await expect(view.getByTestId('surprisal-summary')).toContainText('of the validation text', { timeout: 60_000 });
});

test('switching off the demo’s head changes the next-token bars; Restore all puts them back', async () => {
  const name = `L${demo.head.layer + 1} H${demo.head.head + 1}`;
  await openSection(page, 'Playground');
  const before = await settledBars();
  expect(before.length).toBeGreaterThan(0);

  await openSection(page, 'Inspect');
  const toggle = region('Head ablation').getByRole('button', { name: `Switch off ${name}` });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('ablation-note-inspect')).toContainText(`Ablated: ${name}`);

  await openSection(page, 'Playground');
  await expect(page.getByTestId('ablation-note-playground')).toContainText(`Ablated: ${name}`);
  await expect.poll(async () => sameBars(await settledBars(), before), { timeout: 90_000 }).toBe(false);

  await page.getByTestId('restore-all-playground').click();
  await expect(page.getByTestId('ablation-note-playground')).toHaveCount(0);
  await expect.poll(async () => sameBars(await settledBars(), before), { timeout: 90_000 }).toBe(true);
  await openSection(page, 'Inspect');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

test('the ablation table has a row for every head and sublayer, sortable', async () => {
  const view = region('Head ablation');
  await view.getByRole('button', { name: 'Measure each head' }).click();
  const rows = view.getByTestId('ablation-row');
  await expect(rows).toHaveCount(L * NH + 2 * L, { timeout: 120_000 });
  const units = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')));
  for (let l = 1; l <= L; l++) for (let h = 1; h <= NH; h++) expect(units).toContain(`L${l} H${h}`);
  await expect(view.getByTestId('ablation-base')).toHaveText(/^\d+\.\d{3}$/);
  await view.getByRole('button', { name: /^Unit/ }).click();
  await expect(view.getByRole('columnheader', { name: /^Unit/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toHaveAttribute('data-unit', 'L1 H1');
});

test('the logit lens shows a row per depth: the embeddings and after each layer', async () => {
  const view = region('Logit lens');
  await view.getByRole('button', { name: 'Show at the last token' }).click();
  await expect(view.getByTestId('lens-row')).toHaveCount(L + 1, { timeout: 60_000 });
  await expect(view.getByTestId('lens-row').first()).toContainText('embeddings');
  // Another position, picked among the prompt's tokens.
  const chips = view.getByTestId('token-chips').getByRole('button');
  await chips.first().click();
  await expect(chips.first()).toHaveAttribute('aria-pressed', 'true', { timeout: 60_000 });
});

test('patching: prompts of different lengths are refused next to the inputs; then a grid in which the demo’s head carries the count', async () => {
  const view = region('Activation patching');
  // The corrupted prompt can start as a copy of the clean one, the cursor in it.
  const clean = await view.getByLabel('Clean prompt').inputValue();
  expect(clean.length).toBeGreaterThan(0);
  await view.getByRole('button', { name: 'Copy the clean prompt here' }).click();
  await expect(view.getByLabel('Corrupted prompt')).toHaveValue(clean);
  await expect(view.getByLabel('Corrupted prompt')).toBeFocused();
  await expect(view.getByRole('button', { name: 'Copy the clean prompt here' })).toHaveCount(0);
  await view.getByLabel('Corrupted prompt').fill('3: ***\n10: ********');
  await view.getByLabel('Target token').fill('↵');
  await view.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(view.getByTestId('patch-error')).toContainText('same number of tokens', { timeout: 60_000 });

  // Nine stars are due instead of eight: the clean run ends the line, the corrupted one does not.
  await view.getByLabel('Corrupted prompt').fill('3: ***\n9: ********');
  await view.getByRole('button', { name: 'Run', exact: true }).click();
  const cells = view.getByTestId('patch-grid').getByTestId('patch-cell');
  await expect(cells).toHaveCount(L * (NH + 2), { timeout: 120_000 });
  await expect(view.getByTestId('patch-error')).toHaveCount(0);
  const p = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const heads = p.filter((_, i) => i % (NH + 2) < NH);
  const demoHead = heads[demo.head.layer * NH + demo.head.head];
  expect(demoHead).toBe(Math.max(...heads));
});

test('the embeddings are drawn, and the plot can be stepped through from the keyboard', async () => {
  const view = region('Embeddings');
  await view.getByRole('button', { name: 'Project the embeddings' }).click();
  const canvas = view.getByTestId('embeddings-canvas');
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(() =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<string>();
        for (let i = 0; i < px.length; i += 16) colours.add(`${px[i]},${px[i + 1]},${px[i + 2]},${px[i + 3]}`);
        return colours.size;
      }),
    )
    .toBeGreaterThan(3);
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect(view.getByTestId('embeddings-readout')).toContainText(/Token “.*” nearest:/);
});

test('neurons: the top neurons per layer, and a neuron’s top contexts', async () => {
  const view = region('Neurons');
  await view.getByRole('button', { name: 'Show at the last token' }).click();
  const neurons = view.getByTestId('neuron');
  await expect(neurons.first()).toBeVisible({ timeout: 60_000 });
  expect(await neurons.count()).toBeGreaterThanOrEqual(L);
  await neurons.first().click();
  await expect(neurons.first()).toHaveAttribute('aria-pressed', 'true');
  await expect(view.getByTestId('neuron-contexts').locator('li').first()).toBeVisible({ timeout: 60_000 });
  await expect(view.getByTestId('neuron-contexts').locator('mark').first()).toBeVisible();
});

test('a phone: every view, its result shown, fits the screen', async () => {
  await page.setViewportSize(PHONE);
  try {
    for (const name of VIEWS) await expect(region(name)).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  } finally {
    await page.setViewportSize(DESKTOP);
  }
});

// Screenshots of the filled views, for looking at (registered only when asked for, so that a
// normal run has no skipped tests): SCREENSHOTS=1 npx playwright test e2e/inspect.spec.ts
if (process.env.SCREENSHOTS) {
  test('screenshots: desktop light and dark, and a phone', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const name = `L${demo.head.layer + 1} H${demo.head.head + 1}`;
    await region('Head ablation').getByRole('button', { name: `Switch off ${name}` }).click();
    await region('Surprisal').getByTestId('surprisal-token').nth(12).click();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByTestId('surprisal-token').nth(20).hover();
      await page.screenshot({ path: `${SHOTS}/desktop-${scheme}.png`, fullPage: true });
    }
    await openSection(page, 'Playground');
    await page.screenshot({ path: `${SHOTS}/desktop-dark-playground-ablated.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(PHONE);
    await openSection(page, 'Inspect');
    await page.screenshot({ path: `${SHOTS}/phone-light.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize(DESKTOP);
  });
}
