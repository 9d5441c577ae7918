// Every kernel benchmark case, in one list (npm run bench and bench:kernels run them all),
// and the constructors that build a case at other shapes (the app's device benchmark).
import type { BenchCase } from '../types';
import { cases as activation } from './activation';
import { cases as adamw } from './adamw';
import { cases as attention } from './attention';
import { cases as crossentropy } from './crossentropy';
import { cases as encoder } from './encoder';
import { cases as layernorm } from './layernorm';
import { cases as matmul } from './matmul';
import { cases as residual } from './residual';

export const ALL_CASES: readonly BenchCase[] = [...activation, ...adamw, ...attention, ...crossentropy, ...encoder, ...layernorm, ...matmul, ...residual];

export { geluCases } from './activation';
export { attentionBackwardCase, attentionForwardCase, type AttentionSize } from './attention';
export { crossentropyCases } from './crossentropy';
export { layernormCases } from './layernorm';
export { matmulBackwardCase, matmulForwardCase } from './matmul';
