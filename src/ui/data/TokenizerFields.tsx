// The tokenizer choice: characters, or byte-pair encoding with a vocabulary size. The size
// is committed to the store only when valid, so typing "1024" does not pass through "1".
import { useEffect, useState } from 'react';
import { useAppStore } from '../../state/store';
import { FieldError, NumberField, Select } from '../controls/controls';
import { BPE_VOCAB_DEFAULT, BPE_VOCAB_MAX, BPE_VOCAB_MIN, checkVocabSize } from './text-input';

type Kind = 'char' | 'bpe';

const OPTIONS: { value: Kind; label: string }[] = [
  { value: 'char', label: 'Characters' },
  { value: 'bpe', label: 'Byte-pair (BPE)' },
];

const HINTS: Record<Kind, string> = {
  char: 'One token per distinct character: a small vocabulary, and attention maps you can read letter by letter.',
  bpe: 'Frequent byte sequences merged into tokens: shorter sequences, so the model sees more text per block.',
};

export function TokenizerFields() {
  const tokenizer = useAppStore((s) => s.tokenizer);
  const setTokenizer = useAppStore((s) => s.setTokenizer);
  const [draft, setDraft] = useState(tokenizer.kind === 'bpe' ? tokenizer.vocabSize : BPE_VOCAB_DEFAULT);

  // Follow the store when it changes elsewhere (a restored demo, a share link).
  useEffect(() => {
    if (tokenizer.kind === 'bpe') setDraft(tokenizer.vocabSize);
  }, [tokenizer]);

  const invalid = tokenizer.kind === 'bpe' ? checkVocabSize(draft) : null;
  // Say which size is in force, since the invalid number in the field is not.
  const draftError = invalid && tokenizer.kind === 'bpe' ? `${invalid} Still using ${tokenizer.vocabSize}.` : null;

  const onKind = (kind: Kind) => {
    if (kind === tokenizer.kind) return;
    // Switching to BPE with an invalid draft falls back to the default rather than failing later in the worker.
    setTokenizer(kind === 'char' ? { kind: 'char' } : { kind: 'bpe', vocabSize: checkVocabSize(draft) ? BPE_VOCAB_DEFAULT : draft });
  };

  const onVocab = (v: number) => {
    setDraft(v);
    if (!checkVocabSize(v) && (tokenizer.kind !== 'bpe' || tokenizer.vocabSize !== v)) setTokenizer({ kind: 'bpe', vocabSize: v });
  };

  return (
    <div className="data-tokenizer">
      <Select label="Tokenizer" value={tokenizer.kind} options={OPTIONS} onChange={onKind} hint={HINTS[tokenizer.kind]} />
      {tokenizer.kind === 'bpe' && (
        <>
          <NumberField
            label="Vocabulary size"
            value={draft}
            onChange={onVocab}
            min={BPE_VOCAB_MIN}
            max={BPE_VOCAB_MAX}
            step={64}
            hint="256 byte tokens plus the merges learned from the text (fewer if the text runs out of pairs)."
          />
          <FieldError message={draftError} testId="data-vocab-error" />
        </>
      )}
    </div>
  );
}
