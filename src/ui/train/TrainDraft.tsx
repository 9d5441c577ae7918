// The training settings as typed, shared by the two places that need them: the settings
// drawer, where they are edited, and the Training controls, which send what is pending
// before Train or Step and refuse to start while a value cannot be used.
import { createContext, useContext, type ReactNode } from 'react';
import { useAppStore } from '../../state/store';
import { useDraftSettings } from './useDraftSettings';

type TrainDraft = ReturnType<typeof useDraftSettings>;

const DraftContext = createContext<TrainDraft | null>(null);

export function TrainDraftProvider({ children }: { children: ReactNode }) {
  const train = useAppStore((s) => s.train);
  const setTrain = useAppStore((s) => s.setTrain);
  const draft = useDraftSettings(train, setTrain);
  return <DraftContext.Provider value={draft}>{children}</DraftContext.Provider>;
}

export function useTrainDraft(): TrainDraft {
  const draft = useContext(DraftContext);
  if (!draft) throw new Error('useTrainDraft needs a TrainDraftProvider above it');
  return draft;
}
