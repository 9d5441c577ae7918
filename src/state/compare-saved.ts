// A saved run on the loss chart beside the current one: its history is read from the run
// store without opening the run (the session, its weights and its lock stay as they are), and
// it is labelled by how its settings differ from the demo shown now.
import type { DemoState } from '../persist/demo';
import type { RunHistory } from '../persist/runs';
import { addComparedRun, compareStore, describeDifference, removeComparedRun, type ComparedRun } from './compare';
import { currentDemo } from './demo';
import { runSession } from './run-session';

/** The comparison's id for a saved run (lessons add runs of their own, under other ids). */
export const savedCompareId = (runId: string): string => `saved:${runId}`;

/** A saved run's name, demo and loss history, read without opening it. */
export async function loadSavedHistory(runId: string): Promise<{ name: string; demo: DemoState; history: RunHistory }> {
  const run = await (await runSession.runs()).load(runId);
  if (!run) throw new Error('That run is no longer saved.');
  return { name: run.name, demo: run.demo, history: run.history };
}

/** Adds a saved run to the comparison, labelled against the current demo; returns what was added. */
export async function compareSavedRun(runId: string): Promise<ComparedRun> {
  const { name, demo, history } = await loadSavedHistory(runId);
  if (history.steps.length === 0 && history.evals.length === 0) throw new Error(`“${name}” has no loss history to compare yet.`);
  const run: ComparedRun = {
    id: savedCompareId(runId),
    label: describeDifference(demo, currentDemo(), name),
    steps: history.steps.map((s) => ({ step: s.step, loss: s.loss })),
    evals: history.evals.map((e) => ({ step: e.step, train: e.train, val: e.val })),
  };
  addComparedRun(run);
  return run;
}

/** Whether a saved run is on the chart now. */
export const isSavedRunCompared = (runs: readonly ComparedRun[], runId: string): boolean => runs.some((r) => r.id === savedCompareId(runId));

/** Takes a saved run off the chart if it is on it, else loads it and adds it. */
export async function toggleSavedComparison(runId: string): Promise<void> {
  if (isSavedRunCompared(compareStore.getState().runs, runId)) removeComparedRun(savedCompareId(runId));
  else await compareSavedRun(runId);
}
