// The GPU device lost mid-run, the way a driver reset loses it: the dev build's window hook has
// the worker destroy its own device. The GPU panel says the device was lost and then that a
// new one runs the restored run; the Train panel says which step came back; Train continues
// that run (never a new model from step 0); and nothing on the way is an uncaught page error,
// an unhandled rejection in the worker or a failed autosave.
import { expect, test } from '@playwright/test';
import { savedSteps, stepOf, trainTinyModel } from './helpers';
import { mkdirSync } from 'node:fs';

test('a device lost mid-run is replaced and Train continues the run from its last good step', async ({ page }) => {
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A reload would restore the run from its autosave and hide what this test looks at.
  let loads = 0;
  page.on('load', () => loads++);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  // Train a little and pause: the pause saves the run, and that save's read of the weights is
  // also the copy the worker keeps on the CPU for a lost device.
  const train = await trainTinyModel(page, 5);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  // The step shown may still catch up with the last step reported: wait for the two to meet.
  await expect.poll(async () => (await savedSteps(page)).includes(await stepOf(page)), { timeout: 30_000 }).toBe(true);
  const pausedAt = await stepOf(page);

  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(pausedAt + 2);
  // The restore can be over in a moment (the model is rebuilt without its training plan): what
  // the page says meanwhile is recorded as it changes, and checked afterwards.
  await page.evaluate(() => {
    const seen: { lost: string; message: string; step: string }[] = [];
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
    new MutationObserver(() => {
      const now = { lost: text('gpu-lost'), message: text('train-message'), step: text('stat-step') };
      const last = seen.at(-1);
      if (!last || last.lost !== now.lost || last.message !== now.message || last.step !== now.step) seen.push(now);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  expect(await page.evaluate(() => window.__gptPlayground!.destroyDevice())).toEqual({ destroyed: true });

  // Then: ready again, with a note of the reset, and the run paused at its last good step.
  const note = page.getByTestId('gpu-reset-note');
  await expect(note).toBeVisible({ timeout: 60_000 });
  const message = page.getByTestId('train-message');
  await expect(message).toHaveText(/^The GPU was reset; restored step \d+\. Press Train to continue the run\.$/);
  // While the worker opened a new device and rebuilt the model, the GPU panel said so, and the
  // Train panel named the step the run was being restored from, which the step shown went back to at once.
  const seen = await page.evaluate(() => (window as unknown as { __seen: { lost: string; message: string; step: string }[] }).__seen);
  const lostSaid = seen.find((s) => /GPU device lost Getting a new device and restoring the run from its last good step, \d+…/.test(s.lost));
  expect(lostSaid?.lost, JSON.stringify(seen)).toContain('WebGPU device lost (destroyed)');
  const restoring = /^The GPU device was lost; the run is being restored from step (\d+) on a new device…$/;
  expect(seen.some((s) => restoring.exec(s.message)?.[1] === s.step), JSON.stringify(seen)).toBe(true);
  const restored = Number(/restored step (\d+)/.exec((await message.textContent()) ?? '')![1]);
  // The copy read at the pause, or a snapshot confirmed since (one is taken every 50 steps).
  expect(restored === pausedAt || (restored > pausedAt && restored % 50 === 0), `restored ${restored}, paused at ${pausedAt}`).toBe(true);
  await expect(page.getByTestId('gpu-reset-step')).toHaveText(String(restored));
  await expect(note).toContainText('destroyed: “Device was destroyed.”');
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('stat-step')).toHaveText(String(restored));
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/device-lost.png', fullPage: true });
  await page.getByRole('region', { name: 'GPU' }).screenshot({ path: 'test-results/device-lost-gpu.png' });
  await page.getByTestId('panel-train').screenshot({ path: 'test-results/device-lost-train.png' });

  // Train continues the same run: the counter goes on from the restored step.
  await train.click();
  await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(restored + 2);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('train-state')).toHaveAttribute('data-state', 'paused');
  const resumedTo = await stepOf(page);
  await expect.poll(() => savedSteps(page), { timeout: 30_000 }).toContain(resumedTo);

  await expect(page.getByText(/Autosave failed/)).toHaveCount(0);
  await expect(page.getByText(/Failed to execute/)).toHaveCount(0);
  expect(loads, 'the page reloaded during the test').toBe(1);
  expect(pageErrors).toEqual([]);
  expect(consoleErrors.filter((t) => /Uncaught|unhandled|mapAsync|AbortError/i.test(t))).toEqual([]);
});
