// A saved run belongs to one tab at a time: two pages of one browser (one origin: the same
// IndexedDB, Web Locks and BroadcastChannel) on the same run. The second page is told the run
// is open elsewhere; read-only saves nothing; a take-over moves the run and the first page
// keeps its unsaved work in a copy; a save based on a stale revision is refused and reported.
import { expect, test, type Page } from '@playwright/test';
import { openSection, tinyModel } from './helpers';

const stepOf = async (p: Page) => Number(await p.getByTestId('stat-step').textContent());

async function trainAndPause(p: Page, atLeast: number): Promise<void> {
  await openSection(p, 'Playground');
  await p.getByRole('button', { name: 'Train', exact: true }).click();
  await expect.poll(() => stepOf(p), { timeout: 120_000 }).toBeGreaterThanOrEqual(atLeast);
  await p.getByRole('button', { name: 'Pause', exact: true }).click();
}

/** The run this page saves into: the row marked current in Saved runs. */
async function currentRunId(p: Page): Promise<string> {
  const row = p.getByTestId('runs-list').locator('li[aria-current="true"]');
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  return (await row.getAttribute('data-testid'))!.replace(/^run-/, '');
}

interface StoredSummary {
  id: string;
  name: string;
  step: number;
  revision: number;
  updatedAt: number;
}

/** A run's summary as stored in IndexedDB, read beside the app (null when there is none). */
function storedRun(p: Page, id: string): Promise<StoredSummary | null> {
  return p.evaluate(
    (id) =>
      new Promise<StoredSummary | null>((resolve, reject) => {
        const open = indexedDB.open('gpt-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('run-summaries').objectStore('run-summaries').get(id);
          get.onsuccess = () => {
            db.close();
            resolve((get.result as StoredSummary | undefined) ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    id,
  );
}

/** Saves the run behind the app's back, as a writer that does not take turns would (an older build). */
function saveBehindTheAppsBack(p: Page, id: string): Promise<void> {
  return p.evaluate(
    (id) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('gpt-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('run-summaries', 'readwrite');
          const store = tx.objectStore('run-summaries');
          const get = store.get(id);
          get.onsuccess = () => {
            const s = get.result as StoredSummary;
            store.put({ ...s, revision: s.revision + 1, updatedAt: Date.now() });
          };
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    id,
  );
}

test('a saved run belongs to one tab at a time', async ({ page: first, context }) => {
  test.setTimeout(600_000);
  await first.goto('/?demo=none');
  await expect(first.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(first);
  await trainAndPause(first, 3);
  await expect(first.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
  const runId = await currentRunId(first);
  const savedStep = await stepOf(first);
  const saved = (await storedRun(first, runId))!;
  expect(saved).toMatchObject({ step: savedStep });
  expect(saved.revision).toBeGreaterThanOrEqual(1);
  // One more step that no autosave has stored yet: a take-over must not lose it.
  await first.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(first.getByTestId('stat-step')).toHaveText(String(savedStep + 1), { timeout: 120_000 });

  // The second tab restores the last active run, which the first tab has open: it asks.
  const second = await context.newPage();
  await second.goto('/?demo=none');
  const prompt = second.getByTestId('run-conflict');
  await expect(prompt).toBeVisible({ timeout: 60_000 });
  await expect(prompt.getByRole('alert')).toContainText(`Your last run, “${saved.name}”, is open in another tab`);
  await expect(prompt.getByRole('button', { name: 'Open read-only' })).toBeVisible();
  await expect(prompt.getByRole('button', { name: 'Take over' })).toBeVisible();
  await expect(prompt.getByRole('button', { name: 'Fork a copy' })).toBeVisible();
  await expect(second.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await second.screenshot({ path: 'test-results/tabs-second.png' });
  // The banner is the first thing under the header: the keyboard reaches its choices first.
  await second.keyboard.press('Tab');
  await expect(second.getByTestId('conflict-read-only')).toBeFocused();

  // Read-only: the run shows, and nothing is saved, even when the tab is hidden.
  await second.keyboard.press('Enter');
  await expect(second.getByTestId('read-only-banner')).toContainText(`Read-only: “${saved.name}” is open in another tab.`, { timeout: 60_000 });
  await expect(second.getByTestId('stat-step')).toHaveText(String(savedStep), { timeout: 120_000 });
  await expect(second.getByTestId('autosave-status')).toContainText('Autosave is off');
  await expect(second.getByTestId(`run-${runId}`)).toContainText('current, read-only');
  await openSection(second, 'Keep & share');
  await expect(second.getByTestId(`run-${runId}`).getByTestId('open-elsewhere')).toBeVisible();
  await second.getByTestId('read-only-banner').screenshot({ path: 'test-results/tabs-second-read-only.png' });
  await second.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await second.waitForTimeout(2000);
  expect(await storedRun(second, runId)).toEqual(saved);

  // Take over: the second tab owns the run; the first is told and keeps its work in a copy.
  await second.getByTestId('read-only-take-over').click();
  await expect(second.getByTestId('read-only-banner')).toBeHidden({ timeout: 60_000 });
  await expect(second.getByTestId('autosave-status')).not.toContainText('Autosave is off');
  await expect(second.getByTestId(`run-${runId}`)).toHaveAttribute('aria-current', 'true');
  const notice = first.getByTestId('ownership-notice');
  await expect(notice).toContainText(`“${saved.name}” was taken over by another tab`, { timeout: 60_000 });
  await expect(notice.getByRole('alert')).toContainText(`kept in a copy, “${saved.name} (copy)”`);
  await notice.screenshot({ path: 'test-results/tabs-first-taken-over.png' });
  const firstCopyId = await currentRunId(first);
  expect(firstCopyId).not.toBe(runId);
  await expect.poll(() => storedRun(first, firstCopyId), { timeout: 60_000 }).toMatchObject({ name: `${saved.name} (copy)`, step: savedStep + 1 });
  expect(await storedRun(first, runId)).toEqual(saved); // the first tab did not write the run it lost
  await first.getByTestId('ownership-dismiss').click();
  await expect(notice).toBeHidden();
  // Each tab's list marks the other's run; a rename in one tab shows in the other.
  await expect(second.getByTestId(`run-${firstCopyId}`).getByTestId('open-elsewhere')).toBeVisible({ timeout: 30_000 });
  await openSection(first, 'Keep & share');
  await expect(first.getByTestId(`run-${runId}`).getByTestId('open-elsewhere')).toBeVisible({ timeout: 30_000 });
  const copyRow = first.getByTestId(`run-${firstCopyId}`);
  await copyRow.getByRole('button', { name: 'Rename' }).click();
  await copyRow.getByLabel('Run name').fill("The first tab's work");
  await copyRow.getByLabel('Run name').press('Enter');
  await expect(second.getByTestId(`run-${firstCopyId}`)).toContainText("The first tab's work", { timeout: 30_000 });

  // The second tab now saves the run: on from the revision it took over.
  await trainAndPause(second, savedStep + 1);
  await expect.poll(() => storedRun(second, runId), { timeout: 60_000 }).toMatchObject({ revision: saved.revision + 1 });
  const ownSave = (await storedRun(second, runId))!;
  expect(ownSave.step).toBe(await stepOf(second));

  // A stale save: the run is saved behind the second tab's back; its next save is refused,
  // reported beside the autosave status, and its changes go to a copy instead.
  await saveBehindTheAppsBack(second, runId);
  const other = (await storedRun(second, runId))!;
  expect(other.revision).toBe(saved.revision + 2);
  await trainAndPause(second, ownSave.step + 1);
  const refused = second.getByTestId('save-notice');
  await expect(refused).toContainText(`Another tab saved “${saved.name}”`, { timeout: 60_000 });
  await expect(refused).toContainText(`were saved as a copy, “${saved.name} (copy)”`);
  await openSection(second, 'Keep & share');
  await second.getByRole('region', { name: 'Saved runs' }).screenshot({ path: 'test-results/tabs-second-stale.png' });
  expect(await storedRun(second, runId)).toEqual(other); // refused: nothing of it was written
  const secondCopyId = await currentRunId(second);
  expect(secondCopyId).not.toBe(runId);
  await expect.poll(async () => (await storedRun(second, secondCopyId))?.step, { timeout: 60_000 }).toBe(await stepOf(second));
});

test('from the list: cancel keeps this tab as it was, fork copies, and training a read-only run trains a copy', async ({ page: first, context }) => {
  test.setTimeout(600_000);
  await first.goto('/?demo=none');
  await expect(first.getByTestId('gpu-ready')).toBeVisible({ timeout: 60_000 });
  await tinyModel(first);
  await trainAndPause(first, 2);
  await expect(first.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
  const runId = await currentRunId(first);
  const saved = (await storedRun(first, runId))!;

  const second = await context.newPage();
  await second.goto('/?demo=none');
  await expect(second.getByTestId('run-conflict')).toBeVisible({ timeout: 60_000 });
  await second.getByTestId('conflict-cancel').click(); // Not now: the default demo stays
  await expect(second.getByTestId('run-conflict')).toBeHidden();
  const row = second.getByTestId(`run-${runId}`);
  await openSection(second, 'Keep & share');
  await expect(row.getByTestId('open-elsewhere')).toBeVisible({ timeout: 30_000 });

  // Open from the list asks in the run's row; Escape cancels and puts focus back on Open.
  await row.getByRole('button', { name: 'Open' }).click();
  const asked = row.getByTestId('run-conflict');
  await expect(asked).toBeFocused();
  await expect(asked).toContainText(`“${saved.name}” is open in another tab`);
  await second.keyboard.press('Escape');
  await expect(asked).toBeHidden();
  await expect(row.getByRole('button', { name: 'Open' })).toBeFocused();

  // Fork a copy: a new run with the same content, owned (and saved) by this tab.
  await row.getByRole('button', { name: 'Open' }).click();
  await asked.getByRole('button', { name: 'Fork a copy' }).click();
  await expect(second.getByTestId('stat-step')).toHaveText(String(saved.step), { timeout: 120_000 });
  const forkId = await currentRunId(second);
  expect(forkId).not.toBe(runId);
  expect(await storedRun(second, forkId)).toMatchObject({ name: `${saved.name} (copy)`, step: saved.step, revision: 1 });
  await expect(second.getByTestId('autosave-status')).not.toContainText('Autosave is off');

  // Read-only, then Step: the training goes to a new copy; the other tab's run is untouched.
  await row.getByRole('button', { name: 'Open' }).click();
  await asked.getByRole('button', { name: 'Open read-only' }).click();
  await expect(second.getByTestId('read-only-banner')).toBeVisible({ timeout: 60_000 });
  await expect(second.getByTestId('stat-step')).toHaveText(String(saved.step), { timeout: 120_000 });
  await openSection(second, 'Playground');
  await second.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(second.getByTestId('ownership-notice')).toContainText('training it here made a copy', { timeout: 120_000 });
  await expect(second.getByTestId('read-only-banner')).toBeHidden();
  await trainAndPause(second, saved.step + 2);
  await expect(second.getByTestId('autosave-status')).toContainText(/saved/i, { timeout: 60_000 });
  const trainedId = await currentRunId(second);
  expect([runId, forkId]).not.toContain(trainedId);
  await expect.poll(async () => (await storedRun(second, trainedId))?.step, { timeout: 60_000 }).toBe(await stepOf(second));
  expect(await storedRun(second, runId)).toEqual(saved);
});
