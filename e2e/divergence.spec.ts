// Faults while training. A run that blows up (the learning rate raised to 1e6 mid-run) pauses, goes
// back to its last good weights, the step counter and the saved run go back with it, the
// message names the step and the likely cause, and Train then continues the same run. A step
// the GPU refuses (a validation error) does the same, naming the error.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { savedSteps, stepOf, trainTinyModel } from './helpers';

test('a learning rate of 1e6 pauses the run at its last good weights, and Train continues it', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const train = await trainTinyModel(page, 3);
  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('1e6');
  await lr.press('Tab');

  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'diverged', { timeout: 120_000 });
  const message = (await page.getByTestId('train-message').textContent()) ?? '';
  const m = /at step (\d+), so training paused and the model went back to its weights from step (\d+)\. The learning rate \(1000000\) is probably too high/.exec(message);
  expect(m, message).not.toBeNull();
  const [badStep, restored] = [Number(m![1]), Number(m![2])];
  expect(restored).toBeLessThan(badStep);
  await expect.poll(() => stepOf(page)).toBe(restored);
  // The pause's autosave writes the restored, finite weights: the run saved is at that step.
  await expect.poll(() => savedSteps(page), { timeout: 30_000 }).toContain(restored);
  expect(await savedSteps(page)).not.toContain(badStep);
  await expect(page.getByText(/Not saved: the model's/)).toHaveCount(0);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/diverged.png' });

  // A sane rate, and Train goes on from the restored step: the same run, not a new model.
  await lr.fill('0.003');
  await lr.press('Tab');
  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThan(restored + 2);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  const loss = parseFloat((await page.getByTestId('stat-loss').textContent()) ?? 'NaN');
  expect(Number.isFinite(loss)).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('a training step the GPU refuses pauses the run with the error and its last good weights', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const train = await trainTinyModel(page, 3);
  // The dev build's hook has the worker record a dispatch the GPU refuses into the next step.
  const { step: bad } = await page.evaluate(() => window.__gptPlayground!.badDispatch());
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(page.getByTestId('train-message')).toContainText(new RegExp(`A GPU validation error stopped training at step ${bad}: `));
  // Its last good weights: step 0's snapshot, or a later one if the run passed a snapshot step
  // before the bad dispatch went in (a loaded machine can train past step 50 by then).
  const message = (await page.getByTestId('train-message').textContent()) ?? '';
  const restored = Number(/went back to its weights from step (\d+)/.exec(message)?.[1] ?? NaN);
  expect(restored, message).toBeLessThan(bad);
  await expect.poll(() => stepOf(page)).toBe(restored);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/gpu-refused-step.png' });
  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(restored + 2);
  expect(pageErrors).toEqual([]);
});
