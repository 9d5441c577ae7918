import type { DataSlice } from './slices/data';
import type { GpuSlice } from './slices/gpu';
import type { ModelSlice } from './slices/model';
import type { TrainSlice } from './slices/train';
import type { SampleSlice } from './slices/sample';
import type { AttentionSlice } from './slices/attention';
import type { ProfileSlice } from './slices/profile';
import type { BenchmarkSlice } from './slices/benchmark';
import type { InspectSlice } from './slices/inspect';
import type { AblationSlice } from './slices/ablation';
import { WorkerRequestError } from '../client/engine-client';
import type { WireError } from '../core/protocol';

export type AppState = GpuSlice & DataSlice & ModelSlice & TrainSlice & SampleSlice & AttentionSlice & ProfileSlice & BenchmarkSlice & InspectSlice & AblationSlice;

export const asWire = (e: unknown): WireError =>
  e instanceof WorkerRequestError ? e.wire : { name: 'Error', message: e instanceof Error ? e.message : String(e) };
