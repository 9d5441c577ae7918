// The Lessons tab: each lesson is set up and run by one click and reaches its outcome. Runs are
// cut to a few steps with `?lessonSteps=` (the outcome's wording then follows what a few steps
// do); the two-run lessons leave both runs, labelled, on the loss chart. Stop keeps what was
// done; a lesson whose shipped demo cannot be downloaded trains its own model; and without
// WebGPU a lesson runs on the CPU engine. Screenshots go to test-results/lessons/
// ($LESSON_SHOTS to put them elsewhere).
import { expect, test, chromium, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { chromiumArgs, chromiumExecutable } from '../browser.config.mjs';
import { openSection, showArea } from './helpers';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.LESSON_SHOTS ?? 'test-results/lessons';
const STEPS = 12;
const DESKTOP = { width: 1440, height: 900 };

let page: Page;

const card = (p: Page, id: string): Locator => p.getByTestId(`lesson-${id}`);
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png` });

async function openLessons(p: Page, query: string): Promise<void> {
  await p.goto(`/?demo=none&${query}`);
  await expect(p.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await openSection(p, 'Lessons');
}

async function start(p: Page, id: string): Promise<void> {
  const c = card(p, id);
  const title = await c.getByRole('heading', { level: 3 }).textContent();
  await c.getByRole('button', { name: new RegExp(`^(Start|Run again): ${title}$`) }).click();
}

/** A two-run lesson: it moves to the Playground, ends with both runs on the chart, and its card shows both samples. */
async function twoRuns(id: string, labels: [string, string], outcome: RegExp): Promise<void> {
  await openSection(page, 'Lessons');
  await start(page, id);
  // Watched in the Playground: the page goes there, the lesson bar (focused) says what runs.
  await expect(page.getByRole('tab', { name: 'Playground', exact: true })).toHaveAttribute('aria-selected', 'true');
  const bar = page.getByTestId('lesson-bar');
  await expect(bar).toBeFocused();
  await expect(bar.getByTestId('lesson-bar-outcome')).toContainText(outcome, { timeout: 180_000 });
  const legend = page.getByTestId('compare-legend');
  await expect(legend.getByTestId('compare-item')).toHaveCount(2);
  await expect(legend.getByTestId('compare-item').nth(0)).toContainText(labels[0]);
  await expect(legend.getByTestId('compare-item').nth(1)).toContainText(labels[1]);
  await shot(page, `${id}-playground`);
  await bar.getByRole('button', { name: 'Back to the lesson' }).click();
  const c = card(page, id);
  await expect(c).toBeFocused();
  await expect(c).toHaveAttribute('data-status', 'done');
  await expect(c.getByTestId('lesson-text')).toHaveCount(2);
  await expect(c.getByTestId('lesson-outcome')).toContainText(outcome);
  await c.scrollIntoViewIfNeeded();
  await shot(page, `${id}-card`);
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  page = await browser.newPage({ viewport: DESKTOP });
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await openLessons(page, `lessonSteps=${STEPS}`);
});

test.afterAll(async () => {
  await page.close();
});

test('six lessons, each a heading, a few sentences and a Start button', async () => {
  const cards = page.locator('[data-testid^="lesson-"][data-status]');
  await expect(cards).toHaveCount(6);
  for (const id of ['temperature', 'causal-mask', 'heads', 'positions', 'layernorm', 'greedy']) {
    await expect(card(page, id).getByRole('heading', { level: 3 })).toBeVisible();
    await expect(card(page, id).getByRole('button', { name: /^Start: / })).toBeEnabled();
  }
  await shot(page, 'lessons-desktop');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'lessons-desktop-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('temperature: a shipped model; the bars and the line follow the slider', async () => {
  await start(page, 'temperature');
  const c = card(page, 'temperature');
  const line = c.getByTestId('lesson-probe-line');
  await expect(line).toContainText('At temperature 0.8 the likeliest next token', { timeout: 120_000 });
  await expect(c).toHaveAttribute('data-status', 'done');
  await expect(c.getByTestId('lesson-outcome')).toContainText('trained demos that ship');
  // Labelled with the model's own vocabulary (kept with the logits, whatever the playground holds later).
  await expect(c.getByTestId('lesson-prob-bar').first().locator('.sample-bar-label')).not.toHaveText(/^#\d+$/);
  const bits = async () => Number((await line.textContent())!.match(/Entropy: ([\d.]+) bits/)![1]);
  const top = async () => Number(await c.getByTestId('lesson-prob-bar').first().getAttribute('data-value'));
  const warm = { bits: await bits(), top: await top() };
  const slider = c.getByRole('slider', { name: /Temperature/ });
  await slider.fill('0.3');
  await expect(line).toContainText('At temperature 0.3 ');
  const cold = { bits: await bits(), top: await top() };
  await slider.fill('2');
  await expect(line).toContainText('At temperature 2 ');
  const hot = { bits: await bits(), top: await top() };
  expect(cold.bits).toBeLessThan(warm.bits);
  expect(warm.bits).toBeLessThan(hot.bits);
  expect(cold.top).toBeGreaterThan(warm.top);
  expect(warm.top).toBeGreaterThan(hot.top);
  await slider.fill('0.8');
  await c.scrollIntoViewIfNeeded();
  await shot(page, 'temperature-card');
});

test('the causal mask: without it the loss collapses; both runs on the chart', async () => {
  await twoRuns('causal-mask', ['causal mask', 'no causal mask'], /Final train loss: [\d.]+ with the mask, [\d.]+ without it/);
});

test('heads forming: the strongest head on the number, before and after, enlarged', async () => {
  await openSection(page, 'Lessons');
  await start(page, 'heads');
  const bar = page.getByTestId('lesson-bar');
  await expect(bar.getByTestId('lesson-bar-outcome')).toContainText(/After training, layer \d, head \d looks back at the number while the stars are written: \d+% of its attention lands there \(before training it gave \d+%/, {
    timeout: 180_000,
  });
  await showArea(page, 'Attention');
  await expect(page.getByTestId('panel-attention')).toBeVisible();
  await shot(page, 'heads-playground');
});

test('learned or sinusoidal positions: two labelled runs', async () => {
  await twoRuns('positions', ['learned positions', 'sinusoidal positions'], /(got lower|about the same)/);
});

test('pre-LN or post-LN at a high learning rate: two labelled runs', async () => {
  await twoRuns('layernorm', ['pre-LN', 'post-LN'], /(got lower|about the same)/);
});

test('greedy or sampling: two texts side by side, and what greedy did', async () => {
  await openSection(page, 'Lessons');
  await start(page, 'greedy');
  const c = card(page, 'greedy');
  await expect(c.getByTestId('lesson-outcome')).toContainText(/Greedy decoding (fell into a loop|did not repeat itself)/, { timeout: 120_000 });
  await expect(c.getByTestId('lesson-text')).toHaveCount(2);
  await expect(c.getByTestId('lesson-text').nth(0)).toContainText('Greedy');
  await expect(c.getByTestId('lesson-text').nth(1)).toContainText('Sampling at temperature 1');
  await c.scrollIntoViewIfNeeded();
  await shot(page, 'greedy-card');
});

test('a phone-sized window: the cards stack, the latest lesson’s bar fits, nothing is wider than the screen', async () => {
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 390, height: 844 });
  await openSection(page, 'Lessons');
  await card(page, 'causal-mask').scrollIntoViewIfNeeded();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, 'lessons-phone');
  // The playground holds the latest lesson's model now, not the layer-norm runs: no way there from that card.
  await expect(card(page, 'layernorm').getByRole('button', { name: 'Watch in the Playground' })).toHaveCount(0);
  await openSection(page, 'Playground');
  await expect(page.getByTestId('lesson-bar')).toBeInViewport();
  await expect(page.getByTestId('lesson-bar')).toContainText('Greedy decoding or sampling');
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, 'greedy-phone-playground');
  await page.setViewportSize(DESKTOP);
});

test('dark mode: the lesson bar and a card with its outcome', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openSection(page, 'Playground');
  await shot(page, 'layernorm-playground-dark');
  await openSection(page, 'Lessons');
  await card(page, 'causal-mask').scrollIntoViewIfNeeded();
  await shot(page, 'causal-mask-card-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('Stop pauses the lesson where it is and keeps what was done', async ({ browser }) => {
  const p = await browser.newPage({ viewport: DESKTOP });
  await openLessons(p, 'lessonSteps=300');
  await start(p, 'positions');
  const bar = p.getByTestId('lesson-bar');
  await expect(bar.getByTestId('lesson-progress')).toContainText(/Run 1 of 2 — learned positions: step ([1-9]\d*) of 300/, { timeout: 120_000 });
  await shot(p, 'running-playground');
  await p.setViewportSize({ width: 390, height: 844 });
  await expect(bar.getByTestId('lesson-progress')).toBeInViewport();
  await shot(p, 'running-phone');
  await bar.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(bar.getByTestId('lesson-bar-outcome')).toContainText(/Stopped\. .*Learned positions: trained to step \d+ of 300/, { timeout: 60_000 });
  await expect(p.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  await openSection(p, 'Lessons');
  await expect(card(p, 'positions')).toHaveAttribute('data-status', 'stopped');
  await expect(card(p, 'positions').getByRole('button', { name: /^Run again: / })).toBeEnabled();
  await p.close();
});

test('a lesson whose shipped demo cannot be downloaded trains its own model', async ({ browser }) => {
  const p = await browser.newPage({ viewport: DESKTOP });
  // The demo's file only (the list of demos still loads; the app's own demos modules too).
  await p.route(/\/demos\/[^/]+\.demo$/, (r) => r.abort());
  await openLessons(p, `lessonSteps=${STEPS}`);
  await start(p, 'temperature');
  const c = card(p, 'temperature');
  await expect(c.getByTestId('lesson-probe-line')).toContainText('the likeliest next token', { timeout: 120_000 });
  await expect(c.getByTestId('lesson-outcome')).toContainText(`The model was trained here for ${STEPS} steps`);
  await p.close();
});

test('without WebGPU a lesson runs on the CPU engine', async ({ baseURL }) => {
  const cpu = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs({ webgpu: false }) });
  try {
    const p = await cpu.newPage({ viewport: DESKTOP });
    await p.goto(`${baseURL}/?demo=none&lessonSteps=${STEPS}`);
    await expect(p.getByTestId('cpu-mode-note')).toBeVisible({ timeout: 60_000 });
    await openSection(p, 'Lessons');
    await start(p, 'layernorm');
    await expect(p.getByTestId('lesson-bar').getByTestId('lesson-bar-outcome')).toContainText(/(got lower|about the same)/, { timeout: 180_000 });
    await expect(p.getByTestId('compare-legend').getByTestId('compare-item')).toHaveCount(2);
  } finally {
    await cpu.close();
  }
});
