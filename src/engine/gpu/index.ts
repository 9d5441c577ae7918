export * from './errors';
export * from './device';
export * from './ledger';
export * from './pipelines';
export * from './tensor';
export * from './arena';
export * from './dispatch';
export * from './readback';
