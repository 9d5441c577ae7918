// The Sample panel's controls as a user meets them: a long generation stops at Stop or Escape
// and keeps its output; temperature 0 says it is greedy; settings out of range get a message
// next to their field instead of being changed; a cleared number field says so instead of
// snapping back; prompt characters outside the vocabulary are listed. Screenshots of the
// panel in each state go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { openDrawer, openPlayground, showArea, tinyModel } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;

const tokens = (p: Page) => p.getByTestId('sample-output').getByTestId('sample-token');

async function shoot(p: Page, name: string, panel = 'sample'): Promise<void> {
  await p.getByTestId(`panel-${panel}`).screenshot({ path: `test-results/${name}.png` });
}

/** Starts a 2,000-token generation and waits until a few tokens are on screen. */
async function startLongSample(p: Page): Promise<void> {
  await p.getByLabel('Max tokens', { exact: true }).fill('2000');
  await p.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(p.getByTestId('sample-stop')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => tokens(p).count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
}

/** The output has stopped growing, short of the 2,000 asked for, and says it was stopped. */
async function expectStoppedAndKept(p: Page): Promise<number> {
  const status = p.getByTestId('sample-status');
  await expect(status).toHaveAttribute('data-stopped', 'true', { timeout: 10_000 });
  await expect(p.getByTestId('sample-stop')).toHaveCount(0);
  const kept = await tokens(p).count();
  await expect(status).toHaveText(`Stopped: ${kept} tokens kept`);
  await p.waitForTimeout(1500); // several tokens' worth on SwiftShader
  expect(await tokens(p).count()).toBe(kept);
  expect(kept).toBeGreaterThanOrEqual(5);
  expect(kept).toBeLessThan(2000);
  await expect(p.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();
  return kept;
}

test.beforeAll(async ({ browser }) => {
  page = await openPlayground(browser);
  // A small model so that SwiftShader builds and runs it in seconds.
  await tinyModel(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('stat-step')).toHaveText('1', { timeout: 120_000 });
});

test.afterAll(async () => {
  await page.close();
});

test('Stop ends a long generation within a token and keeps what it wrote', async () => {
  await startLongSample(page);
  await expect(page.getByTestId('sample-status')).toContainText('/ 2000 tokens');
  // Focus went from Generate (now disabled) to Stop, so a keyboard user can stop at once.
  await expect(page.getByTestId('sample-stop')).toBeFocused();
  await shoot(page, 'sample-generating');
  await page.getByTestId('sample-stop').click();
  await expectStoppedAndKept(page);
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeFocused();
  await shoot(page, 'sample-stopped');
});

test('Escape stops it too, from the Sample panel or from the page, not from another control', async () => {
  await startLongSample(page);
  // A field in the Train panel keeps its own Escape: the sample goes on.
  await page.getByLabel('Batch size', { exact: true }).focus();
  const before = await tokens(page).count();
  await page.keyboard.press('Escape');
  await expect.poll(() => tokens(page).count(), { timeout: 30_000 }).toBeGreaterThan(before + 2);
  await expect(page.getByTestId('sample-stop')).toBeVisible();
  // Focus on nothing in particular (after a click on text): Escape stops.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await expectStoppedAndKept(page);

  // And from inside the Sample panel (focus on Stop, where it moved).
  await startLongSample(page);
  await page.keyboard.press('Escape');
  await expectStoppedAndKept(page);
});

test('temperature 0 is greedy and says so; every token is then the most likely one', async () => {
  const slider = page.getByLabel(/^Temperature/);
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuetext', '0 (greedy)');
  await expect(page.getByTestId('panel-sample')).toContainText('Temperature 0.00');
  const note = page.getByTestId('temperature-greedy-note');
  await expect(note).toHaveText('0 = greedy: always the most likely token');
  await expect(note).toHaveClass(/sample-hint-on/);
  await page.getByLabel('Max tokens', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(tokens(page)).toHaveCount(12, { timeout: 60_000 });
  for (const label of await tokens(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))) {
    expect(label).toMatch(/ 100%$/);
  }
  await expect(page.getByTestId('prob-bars')).toContainText('Temperature 0 is greedy');
  await shoot(page, 'sample-greedy');
  await page.keyboard.press('Escape'); // nothing running: harmless
  await slider.focus();
  for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', '0.80');
  await expect(note).not.toHaveClass(/sample-hint-on/);
});

test('an out-of-range max tokens gets a message next to it and generation waits', async () => {
  const field = page.getByLabel('Max tokens', { exact: true });
  await field.fill('100000');
  await expect(field).toHaveValue('100000'); // not clamped to 2000
  await expect(page.getByText('Max tokens must be a whole number from 1 to 2,000 (got 100000).')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
  await expect(page.getByTestId('sample-blocked')).toHaveText('Fix the settings marked above to generate.');
  // Ctrl+Enter in the prompt does not start it either.
  const shown = await tokens(page).count();
  await page.getByLabel('Prompt', { exact: true }).press('Control+Enter');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('sample-status')).not.toContainText('Generating');
  expect(await tokens(page).count()).toBe(shown);
  await shoot(page, 'sample-out-of-range');
  await field.fill('0');
  await expect(page.getByText('Max tokens must be a whole number from 1 to 2,000 (got 0).')).toBeVisible();
  await field.fill('20');
  await expect(page.getByTestId('sample-blocked')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeEnabled();
});

test('a cleared number field says what to enter instead of snapping back', async () => {
  const block = page.getByLabel('Block size', { exact: true });
  await block.fill('');
  await block.blur();
  await expect(block).toHaveValue('');
  await expect(page.getByText('Enter a number from 2 to 2,048; still using 16.')).toBeVisible();
  await expect(block).toHaveAttribute('aria-invalid', 'true');
  await shoot(page, 'model-block-size-cleared', 'model');
  const maxTokens = page.getByLabel('Max tokens', { exact: true });
  await maxTokens.fill('');
  await expect(page.getByText('Enter a number from 1 to 2,000; still using 20.')).toBeVisible();
  await shoot(page, 'sample-max-tokens-cleared');
  await maxTokens.fill('20');
  await block.fill('16');
  await expect(page.getByText(/Enter a number/)).toHaveCount(0);
});

test('prompt characters outside the vocabulary are listed under the prompt', async () => {
  const note = page.getByTestId('sample-skipped');
  const prompt = page.getByLabel('Prompt', { exact: true });
  await openDrawer(page, 'data');
  await page.getByTestId('data-text').fill('the quick brown fox jumps over the lazy dog.\n'.repeat(40));
  await prompt.fill('the é 🚀 Ω é');
  // Before the new text is tokenized: the vocabulary the worker will build from it.
  await expect(note).toHaveText('Not in the vocabulary, skipped: é 🚀 Ω.');
  // And once it is, from the tokenizer the worker reports.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('stat-step')).toHaveText('1', { timeout: 120_000 });
  await expect(note).toHaveText('Not in the vocabulary, skipped: é 🚀 Ω.');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(tokens(page)).toHaveCount(20, { timeout: 60_000 });
  // The prompt above the output shows them struck through, where they were typed.
  await expect(page.getByTestId('sample-prompt-skipped')).toHaveText(['é', '🚀', 'Ω', 'é']);
  await shoot(page, 'sample-skipped-chars');
  await prompt.fill('àéîõü🚀Ω∑');
  await expect(note).toHaveText(/^Not in the vocabulary, skipped: à é î õ ü 🚀 and 2 more\. Nothing of the prompt is left/);
  await prompt.fill('the ');
  await expect(note).toHaveText('');
});

test('phone width: Stop, the field messages and the skipped list fit without overflow', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  // The narrow layout's area tabs appear once the page has seen the new width.
  await expect(page.getByRole('tab', { name: 'Sample' })).toBeVisible();
  await showArea(page, 'Sample');
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.getByLabel('Prompt', { exact: true }).fill('the é Ω ∑ ü');
  await page.getByLabel('Max tokens', { exact: true }).fill('100000');
  await expect(page.getByText(/Max tokens must be a whole number/)).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shoot(page, 'sample-phone-out-of-range');
  await startLongSample(page);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shoot(page, 'sample-phone-generating');
  await page.getByTestId('sample-stop').click();
  await expectStoppedAndKept(page);
  await shoot(page, 'sample-phone-stopped');
  await page.setViewportSize({ width: 1280, height: 900 });
});
