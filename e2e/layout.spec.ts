// The page's layout. On a 1440×900 desktop, while the tiny model trains, the Training, Sample
// and Attention regions are all inside the window at once, without scrolling; settings live
// in drawers that open by themselves when one of their fields has a problem. On a 390×844
// phone one area shows at a time, chosen in a tab bar, and nothing is wider than the screen.
// The chosen tab survives a reload. Screenshots (light, dark, phone: every tab) go to
// test-results/layout/ ($LAYOUT_SHOTS to put them elsewhere).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { BLANK, openDrawer, openSection, showArea, stepOf, tinyModel } from './helpers';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.LAYOUT_SHOTS ?? 'test-results/layout';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const LANDMARKS = ['Training', 'Sample', 'Attention'] as const;
const SECTIONS = ['Playground', 'Lessons', 'Inspect', 'Keep & share', 'Device'] as const;
const AREAS = ['Training', 'Sample', 'Attention', 'Settings'] as const;

let page: Page;

const shot = (name: string, fullPage = false) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, '-');

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  page = await browser.newPage({ viewport: DESKTOP });
  await page.goto(BLANK);
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
});

test.afterAll(async () => {
  await page.close();
});

test('desktop: while training, Training, Sample and Attention are all in view at once', async () => {
  await tinyModel(page, { maxTokens: 60 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  // The live views refresh by the clock while training: a sample and the heads arrive.
  await expect(page.getByTestId('head-0-0')).toBeVisible({ timeout: 90_000 });
  await expect.poll(() => page.getByTestId('sample-token').count(), { timeout: 90_000 }).toBeGreaterThan(0);

  await shot('desktop-light-training');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  for (const name of LANDMARKS) {
    const box = await page.getByRole('region', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(DESKTOP.height);
    expect(box!.x, `${name} left`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(DESKTOP.width);
  }
  // What each one is there to show is itself in view, not scrolled away inside its frame.
  for (const id of ['loss-chart', 'sample-output', 'prob-bars', 'head-0-0']) {
    await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
  }
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeInViewport();
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot('desktop-dark-training');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('desktop: the other tabs, light and dark', async () => {
  // Paused, or finished already (the tiny model's run is short).
  const state = page.getByTestId('train-state');
  if ((await state.getAttribute('data-state')) === 'running') {
    await page.getByRole('button', { name: 'Pause', exact: true }).click({ timeout: 5_000 }).catch(() => undefined);
  }
  await expect(state).not.toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of SECTIONS.slice(1)) {
      await openSection(page, name);
      await shot(`desktop-${scheme}-${slug(name)}`, true);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await openSection(page, 'Playground');
});

test('a drawer holding a field with a problem opens by itself and is marked', async () => {
  await openDrawer(page, 'data');
  const text = page.getByTestId('data-text');
  const picker = page.getByLabel('Sample text', { exact: true });
  const sample = await picker.inputValue();
  await text.fill('');
  const toggle = page.getByTestId('drawer-toggle-data');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  // Step needs the text: its message appears in the Data drawer, which opens to show it.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('data-error')).toBeVisible({ timeout: 60_000 });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(toggle).toContainText('needs a fix');
  await shot('desktop-light-drawer-error');
  await picker.selectOption(sample);
  await expect(page.getByTestId('data-error')).toHaveCount(0);
  await expect(toggle).not.toContainText('needs a fix');
});

test('tabs: arrow keys move between them, and the choice survives a reload', async () => {
  const playground = page.getByRole('tab', { name: 'Playground', exact: true });
  await playground.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Lessons', exact: true })).toBeFocused();
  await expect(page.getByRole('tab', { name: 'Lessons', exact: true })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  const device = page.getByRole('tab', { name: 'Device', exact: true });
  await expect(device).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'Device' })).toBeVisible();
  await expect(page.getByTestId('profiler-panel')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'Device', exact: true })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tab', { name: 'Device', exact: true })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(playground).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Training', exact: true })).toBeVisible();
});

test('phone: one area at a time in a tab bar, nothing wider than the screen', async () => {
  await page.setViewportSize(PHONE);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const area of AREAS) {
      await showArea(page, area);
      const tab = page.getByRole('tab', { name: area });
      await expect(tab).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('tabpanel', { name: area })).toBeVisible();
      for (const other of AREAS.filter((a) => a !== area)) await expect(page.getByRole('tabpanel', { name: other })).toBeHidden();
      await shot(`phone-${scheme}-${slug(area)}`, true);
      expect(await overflow(), `${area}: page wider than the screen`).toBeLessThanOrEqual(0);
    }
    for (const name of SECTIONS.slice(1)) {
      await openSection(page, name);
      await shot(`phone-${scheme}-${slug(name)}`, true);
      expect(await overflow(), `${name}: page wider than the screen`).toBeLessThanOrEqual(0);
    }
    await openSection(page, 'Playground');
  }
  await page.emulateMedia({ colorScheme: 'light' });
  // A setting that cannot be used marks the Settings tab while another area is shown.
  await openDrawer(page, 'model');
  const heads = page.getByLabel('Heads', { exact: true });
  await heads.fill('3');
  await expect(page.getByTestId('model-error')).toBeVisible();
  await showArea(page, 'Training');
  await expect(page.getByRole('tab', { name: 'Settings' })).toContainText('needs a fix');
  await page.getByRole('tablist', { name: 'Playground areas' }).screenshot({ path: `${SHOTS}/phone-light-settings-marked.png` });
  await openDrawer(page, 'model');
  await heads.fill('2');
  await expect(page.getByRole('tab', { name: 'Settings' })).not.toContainText('needs a fix');
  // The area chosen on the phone is kept over a reload too.
  await showArea(page, 'Attention');
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Attention' })).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Attention', exact: true })).toBeVisible();
  await page.setViewportSize(DESKTOP);
});

test('laptop 1280×800: the default demo shows every head, the whole step count, and the chart clear of the line under it', async ({ browser }) => {
  const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await laptop.goto('/');
  // The default demo has 2 layers of 4 heads.
  const lastHead = laptop.getByTestId('head-1-3');
  await expect(lastHead).toBeVisible({ timeout: 60_000 });
  await expect(laptop.getByTestId('stat-step')).not.toHaveText('—', { timeout: 60_000 });
  await laptop.screenshot({ path: `${SHOTS}/laptop-1280-demo.png` });
  // Every head's tile fits: the grid does not scroll sideways, the last tile is fully shown.
  const wrap = laptop.locator('.attention-grid-wrap');
  expect(await wrap.evaluate((e) => e.scrollWidth - e.clientWidth), 'head grid scrolls sideways').toBeLessThanOrEqual(0);
  await expect(lastHead).toBeInViewport({ ratio: 1 });
  // "500 / 500": the planned total is inside its box, not cut off by an ellipsis.
  const fits = await laptop.locator('[data-stat="total"]').evaluate((e) => {
    const dd = e.closest('dd')!.getBoundingClientRect();
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right <= dd.right + 0.5 && r.bottom <= dd.bottom + 0.5;
  });
  expect(fits, 'the step total is shown whole').toBe(true);
  // The autosave line starts below the chart's frame.
  const chart = await laptop.locator('.train-chart-box').boundingBox();
  const line = await laptop.getByTestId('autosave-status').boundingBox();
  expect(chart && line, 'chart and autosave line are laid out').toBeTruthy();
  expect(line!.y, 'autosave line under the chart').toBeGreaterThanOrEqual(chart!.y + chart!.height - 0.5);
  await laptop.close();
});
