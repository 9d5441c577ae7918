// Comparing runs on the loss chart: train the tiny model, train a variant of it (no causal
// mask), put the first run on the chart from the saved-runs list, and read the legend: this
// run and the compared one, named by what differs. The legend's button takes it off again.
// Screenshots of the Train panel, light and dark, are saved as test artifacts.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { openPlayground, stepOf, tinyModel } from './helpers';

const SHOTS = 'test-results/screenshots';

/** Opens a tab of the page, when the page has tabs (the saved runs and the chart may be on different ones). */
async function showTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  if (await tab.count()) await tab.click();
}

async function trainTo(page: Page, atLeast: number): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(atLeast);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(page.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
}

test('a saved run is compared on the loss chart, labelled by what differs', async ({ browser }) => {
  test.setTimeout(300_000);
  const page = await openPlayground(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await tinyModel(page);
  await trainTo(page, 15);

  // A variant: the next Train builds a new model, which is a new run.
  await page.getByRole('checkbox', { name: 'Causal mask' }).uncheck();
  await trainTo(page, 15);

  await showTab(page, 'Keep & share');
  const runs = page.getByTestId('runs-list');
  await expect(runs.locator('li.share-run')).toHaveCount(2, { timeout: 60_000 });
  // Only the run that is not the current one can be compared.
  const toggle = runs.getByRole('button', { name: 'Compare' });
  await expect(toggle).toHaveCount(1);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  mkdirSync(SHOTS, { recursive: true });
  await runs.screenshot({ path: `${SHOTS}/compare-runs-list.png` });

  await showTab(page, 'Playground');
  const legend = page.getByTestId('compare-legend');
  await expect(legend).toBeVisible();
  await expect(legend.getByTestId('compare-this')).toHaveText('this run');
  await expect(legend.getByTestId('compare-item')).toHaveCount(1);
  // The saved run had the causal mask, the current one has not: that is what differs.
  await expect(legend.getByTestId('compare-item').locator('.train-compare-label')).toHaveText('causal mask');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('aria-label', /Compared with one run: causal mask, train loss \d/);

  const panel = page.getByTestId('panel-train');
  await panel.scrollIntoViewIfNeeded();
  const chart = page.getByTestId('loss-chart');
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect(page.getByTestId('loss-tooltip')).toContainText('causal mask:');
  await panel.screenshot({ path: `${SHOTS}/compare-light.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await panel.screenshot({ path: `${SHOTS}/compare-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });

  // A reload keeps what is compared (this tab's comparison, with this run reopened).
  await page.reload();
  await expect(page.getByTestId('stat-step')).not.toHaveText('—', { timeout: 60_000 });
  await expect(legend.getByTestId('compare-item').locator('.train-compare-label')).toHaveText('causal mask', { timeout: 60_000 });
  await expect(chart).toHaveAttribute('aria-label', /Compared with one run: causal mask, train loss \d/);

  // Off the chart from the legend; focus lands on the chart, not the page.
  await legend.getByRole('button', { name: 'Remove “causal mask” from the chart' }).click();
  await expect(legend).toHaveCount(0);
  await expect(chart).toBeFocused();
  await showTab(page, 'Keep & share');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.close();
});
