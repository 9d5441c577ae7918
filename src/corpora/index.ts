// The sample corpora the app ships. Synthetic tasks are generated from fixed seeds (the text
// is the same on every load, so a shared demo reproduces); the prose was written for the app.
import { PROSE_TEXT } from './prose';
import { bracketLine, copyLine, countLine, generateLines, reverseLine } from './synthetic';
import type { SampleCorpus } from './types';

/** Size of each synthetic corpus: enough distinct lines that the model cannot memorize them. */
const SYNTHETIC_CHARS = 64 * 1024;

/** Generates once, on first use: the picker lists titles without building every text. */
function cached(make: () => string): () => string {
  let text: string | null = null;
  return () => (text ??= make());
}

export const SAMPLE_CORPORA: SampleCorpus[] = [
  {
    id: 'copy',
    title: 'Copying (abc|abc)',
    description:
      'Random letters, a bar, then the same letters again. The letters before the bar are pure chance, but every letter after it can be predicted. This one is slow: in our runs the default model spent its first 800 steps learning only the layout of a line, with the loss near 3. Copying shows as a sudden drop in the loss, when a head learns to attend from each copied letter back to the one it copies next (a diagonal stripe in the attention map). Give it many steps.',
    prompt: 'garden|gard',
    blockSize: 64,
    text: cached(() => generateLines(101, SYNTHETIC_CHARS, (rng) => copyLine(rng))),
  },
  {
    id: 'count',
    title: 'Counting (3: ***)',
    description:
      'A number from 1 to 12, then that many stars. The number is chance; the stars are not. Watch the lines end after the right number of stars, and a head keep looking back at the number while the stars are written.',
    prompt: '9: ****',
    blockSize: 64,
    text: cached(() => generateLines(202, SYNTHETIC_CHARS, (rng) => countLine(rng))),
  },
  {
    id: 'reverse',
    title: 'Reversing (abcd>dcba)',
    description:
      'Random letters, an arrow, then the same letters backwards. Harder than copying, and as slow: the model first learns only the layout of a line, and must then learn to walk back through the word. When it does, the loss drops and an anti-diagonal appears in the attention map. Give it many steps.',
    prompt: 'stone>eno',
    blockSize: 64,
    text: cached(() => generateLines(303, SYNTHETIC_CHARS, (rng) => reverseLine(rng))),
  },
  {
    id: 'brackets',
    title: 'Bracket matching ([{}])',
    description:
      'Balanced strings of four kinds of bracket. Whether the next bracket opens or closes is a coin toss, but which one closes is forced: the model has to remember what is still open. Watch a head attend from each closing bracket back to the bracket it closes.',
    prompt: '{[(<>)',
    blockSize: 64,
    text: cached(() => generateLines(404, SYNTHETIC_CHARS, (rng) => bracketLine(rng))),
  },
  {
    id: 'fables',
    title: 'Fables (prose)',
    description:
      'Short fables written for this app, about 11 KB of English. Watch the samples go from random letters to spaces and short common words, then to spelled-out words and sentences. The text is small, so after a while the validation loss stops falling as the model starts to memorize it.',
    prompt: 'The old ',
    blockSize: 64,
    text: () => PROSE_TEXT,
  },
];

/** The corpus loaded on first visit: it learns visibly in the first hundred steps of the default model. */
export const DEFAULT_CORPUS_ID = 'count';

export function findCorpus(id: string): SampleCorpus | undefined {
  return SAMPLE_CORPORA.find((c) => c.id === id);
}
