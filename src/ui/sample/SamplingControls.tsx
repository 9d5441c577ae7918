// The sampling settings. Each value is kept as entered and checked where it is shown: one out
// of range gets a message next to its field and Generate waits, instead of the value being
// quietly moved into range (a max of 100000 silently becoming 2000, say).
import { checkGenerateOptions, MAX_SAMPLE_SEED, MAX_SAMPLE_TOKENS } from '../../core/distribution';
import { LIVE_MAX_GAP_MS, LIVE_MIN_GAP_MS } from '../../state/live-refresh';
import { generateOptionsOf } from '../../state/slices/sample';
import { useAppStore } from '../../state/store';
import { Checkbox, NumberField, Slider } from '../controls/controls';
import { formatTemperature, formatTopK, formatTopP, temperatureValueText } from './format';

/** The message of every sampling setting that cannot be used, from the store's values. */
export function useSamplingErrors() {
  const sampling = useAppStore((s) => s.sampling);
  const maxTokens = useAppStore((s) => s.maxTokens);
  const sampleSeed = useAppStore((s) => s.sampleSeed);
  return checkGenerateOptions(generateOptionsOf({ sampling, maxTokens, sampleSeed }));
}

export function SamplingControls() {
  const sampling = useAppStore((s) => s.sampling);
  const setSampling = useAppStore((s) => s.setSampling);
  const maxTokens = useAppStore((s) => s.maxTokens);
  const sampleSeed = useAppStore((s) => s.sampleSeed);
  const liveViews = useAppStore((s) => s.liveViews);
  const liveRedraws = useAppStore((s) => s.liveRedraws);
  const setSampleOptions = useAppStore((s) => s.setSampleOptions);
  const halfWeights = useAppStore((s) => s.halfWeights);
  const onCpu = useAppStore((s) => s.backend === 'cpu');
  const vocab = useAppStore((s) => s.modelReport?.config.vocabSize ?? s.dataReport?.vocabSize ?? 256);
  const errors = useSamplingErrors();
  return (
    <>
      <div className="sample-sliders">
        <Slider
          label="Temperature"
          min={0}
          max={2}
          step={0.05}
          value={sampling.temperature}
          format={formatTemperature}
          valueText={temperatureValueText}
          onChange={(temperature) => setSampling({ temperature })}
          // Always there (no layout shift); stands out while it is what the slider says.
          hint={
            <span className={sampling.temperature === 0 ? 'sample-hint-on' : undefined} data-testid="temperature-greedy-note">
              0 = greedy: always the most likely token
            </span>
          }
          error={errors.temperature}
        />
        <Slider
          label="Top-k"
          min={0}
          max={vocab}
          step={1}
          value={Math.min(sampling.topK, vocab)}
          format={formatTopK}
          onChange={(topK) => setSampling({ topK })}
          hint="0 keeps every token"
          error={errors.topK}
        />
        <Slider
          label="Top-p"
          min={0.05}
          max={1}
          step={0.05}
          value={sampling.topP}
          format={formatTopP}
          onChange={(topP) => setSampling({ topP })}
          hint="1 keeps every token"
          error={errors.topP}
        />
      </div>
      <div className="sample-numbers">
        <NumberField
          label="Max tokens"
          min={1}
          max={MAX_SAMPLE_TOKENS}
          value={maxTokens}
          onChange={(v) => setSampleOptions({ maxTokens: v })}
          hint={`1–${MAX_SAMPLE_TOKENS}`}
          error={errors.maxTokens}
        />
        <NumberField
          label="Sample seed"
          min={0}
          max={MAX_SAMPLE_SEED}
          value={sampleSeed}
          onChange={(v) => setSampleOptions({ sampleSeed: v })}
          hint="Same seed, same sample"
          error={errors.seed}
        />
      </div>
      {/* The redraw counts are for tests that check the timing from outside the page. */}
      <div data-testid="live-views" data-sample-redraws={liveRedraws.sample} data-attention-redraws={liveRedraws.attention}>
        <Checkbox
          label="Live views while training"
          checked={liveViews}
          onChange={(v) => setSampleOptions({ liveViews: v })}
          hint={`This sample and the attention maps are redrawn every ${LIVE_MIN_GAP_MS / 1000}–${LIVE_MAX_GAP_MS / 1000} s while training (less often when a redraw is slow, so training keeps the GPU), and once more when it stops.`}
        />
      </div>
      <Checkbox
        label="Greedy"
        checked={sampling.greedy}
        onChange={(greedy) => setSampling({ greedy })}
        hint="Always the most likely token; ignores temperature, top-k and top-p."
      />
      <Checkbox
        label="Half-precision weights (f16)"
        checked={halfWeights && !onCpu}
        disabled={onCpu}
        onChange={(v) => setSampleOptions({ halfWeights: v })}
        hint={onCpu
          ? 'GPU engine only: the CPU engine computes in float64.'
          : 'Sample from a 16-bit copy of the weights: half the bytes read per token, about three significant digits kept.'}
      />
    </>
  );
}
