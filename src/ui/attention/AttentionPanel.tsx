// The Attention panel: the causal mask, what every head of every layer looks at for the
// prompt of the Sample panel, one head enlarged, and the prompt's tokens tinted by what a
// hovered token attends to. The maps arrive as one report per refresh (as soon as a model is
// built, then every few seconds while it trains), so the panel re-renders per report, never per step.
import { useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useAppStore } from '../../state/store';
import type { AttentionReport } from '../../core/protocol';
import { LIVE_MAX_GAP_MS, LIVE_MIN_GAP_MS } from '../../state/live-refresh';
import { FieldError, Panel } from '../controls/controls';
import { useElementWidth } from './canvas';
import { cssRgb, textOn, viridis } from './colormap';
import { CausalMask, FocusedHead, Heatmap, Legend } from './Heatmap';
import { headGridLayout } from './layout';
import { describeHead, headMap, isWellFormed, maskCaption, rowWeights, stripSummary, CHEATING_WARNING } from './summary';
import './attention.css';

/** Positions shown in the mask before there is a prompt to take T from. */
const DEFAULT_MASK_T = 8;

type Head = { layer: number; head: number };

const tileId = (l: number, h: number) => `attention-head-${l}-${h}`;

export function AttentionPanel() {
  const attention = useAppStore((s) => s.attention);
  const focusHead = useAppStore((s) => s.focusHead);
  const setFocusHead = useAppStore((s) => s.setFocusHead);
  const busy = useAppStore((s) => s.attentionBusy);
  const error = useAppStore((s) => s.attentionError);
  const refresh = useAppStore((s) => s.refreshAttention);
  const hasModel = useAppStore((s) => s.modelReport !== null);
  const causal = useAppStore((s) => s.modelReport?.config.causal ?? s.model.causal);
  const blockSize = useAppStore((s) => s.modelReport?.config.blockSize ?? s.model.blockSize);
  const liveViews = useAppStore((s) => s.liveViews);
  const mapsStep = useAppStore((s) => s.attentionStep);

  // The strip's query: the chip under the pointer, else the focused chip (a click pins one).
  const [hoverQuery, setHoverQuery] = useState<number | null>(null);
  const [focusQuery, setFocusQuery] = useState<number | null>(null);
  const query = hoverQuery ?? focusQuery;
  const [focusFromKeyboard, setFocusFromKeyboard] = useState(false);

  const report = attention && isWellFormed(attention) ? attention : null;
  const T = report ? report.tokens.length : DEFAULT_MASK_T;
  // A focus left over from a bigger model is ignored rather than read out of bounds.
  const focus = report && focusHead && focusHead.layer < report.nLayer && focusHead.head < report.nHead ? focusHead : null;
  const tint: Head = focus ?? { layer: 0, head: 0 };

  const openHead = (h: Head, e: MouseEvent) => {
    const same = focus?.layer === h.layer && focus.head === h.head;
    // A click from the keyboard (Enter/Space) has detail 0: then focus moves into the map.
    setFocusFromKeyboard(e.detail === 0);
    setFocusHead(same ? null : h);
  };
  const closeFocus = () => {
    const was = focus;
    setFocusHead(null);
    if (was) document.getElementById(tileId(was.layer, was.head))?.focus();
  };

  const note = !hasModel
    ? 'No model yet: Train, Step or Generate builds one, or Show draws a fresh, untrained one now.'
    : report && mapsStep === 0
      ? 'Step 0: an untrained model’s heads attend almost uniformly — watch them change as it trains.'
      : `${report && mapsStep !== null ? `Maps of step ${mapsStep.toLocaleString('en')}. ` : ''}${
          liveViews
            ? `Redrawn every ${LIVE_MIN_GAP_MS / 1000}–${LIVE_MAX_GAP_MS / 1000} s while training, with the live sample.`
            : 'Live views are off (Sample panel): press Refresh to update the maps.'
        }`;

  return (
    <Panel
      id="attention"
      title="Attention"
      actions={
        <div className="attention-actions">
          {/* Always laid out, shown while busy: no jump at every refresh during training. The
              region's aria-busy tells assistive technology, without an announcement per refresh. */}
          <span className="attention-busy muted" style={{ visibility: busy ? 'visible' : 'hidden' }} data-testid="attention-busy">
            Updating…
          </span>
          <button type="button" onClick={() => void refresh()} data-testid="attention-refresh">
            {hasModel ? 'Refresh' : 'Show'}
          </button>
        </div>
      }
    >
      <p className="attention-status muted" data-testid="attention-status">
        {note}
      </p>
      <FieldError message={error} testId="attention-error" />
      <div className="attention-body">
        <div className="attention-top">
          <figure className="attention-mask">
            <div className="attention-mask-plot">
              <span className="attention-axis attention-axis-y">query position</span>
              <span className="attention-axis attention-axis-x">key position</span>
              <CausalMask T={T} causal={causal} />
            </div>
            <ul className="attention-mask-key">
              <li>
                <span className="attention-swatch is-allowed" aria-hidden="true" />
                may look
              </li>
              <li>
                <span className={`attention-swatch ${causal ? 'is-masked' : 'is-cheat'}`} aria-hidden="true" />
                {causal ? 'masked: the future' : 'the future, visible'}
              </li>
            </ul>
            <figcaption className="attention-mask-caption">
              {maskCaption(causal)} {report ? `${T} prompt tokens` : `${T} positions shown`}; the model sees at most {blockSize}.
            </figcaption>
            {!causal && (
              <p className="attention-warning" data-testid="causal-warning">
                {CHEATING_WARNING}
              </p>
            )}
          </figure>
          <div className="attention-heads" aria-busy={busy}>
            {report ? (
              <>
                <TokenStrip report={report} head={tint} query={query} setHover={setHoverQuery} setFocused={setFocusQuery} />
                <HeadGrid report={report} focus={focus} causal={causal} onOpen={openHead} />
                <Legend />
                {!hasModel && <p className="muted attention-stale">These maps are from the previous model; the new one’s are drawn as soon as it is built.</p>}
              </>
            ) : (
              <div className="attention-empty" data-testid="attention-empty">
                {attention && <p>These maps arrived with an unexpected shape and are not drawn; press Refresh.</p>}
                <p>
                  {busy
                    ? 'Drawing the maps…'
                    : 'The maps show what each head looks at for the prompt in the Sample panel, from the moment a model is built, untrained or not.'}
                </p>
                <p className="muted">Each small square is one head: a row per position of the prompt, bright where it looks.</p>
              </div>
            )}
          </div>
        </div>
        {report && focus && (
          <FocusedHead
            key={`${focus.layer}-${focus.head}`}
            attention={report}
            layer={focus.layer}
            head={focus.head}
            causal={causal}
            highlightRow={query}
            onClose={closeFocus}
            autoFocus={focusFromKeyboard}
          />
        )}
      </div>
    </Panel>
  );
}

interface HeadGridProps {
  report: AttentionReport;
  focus: Head | null;
  causal: boolean;
  onOpen: (h: Head, e: MouseEvent) => void;
}

/** Layers down, heads across; each tile is a button that enlarges its head. */
function HeadGrid({ report, focus, causal, onOpen }: HeadGridProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(wrapRef);
  const g = headGridLayout(width, report.nHead);
  const heads = Array.from({ length: report.nHead }, (_, h) => h);
  const layers = Array.from({ length: report.nLayer }, (_, l) => l);
  return (
    <div className="attention-grid-wrap" ref={wrapRef}>
      <div
        className="attention-grid"
        role="group"
        aria-label="Attention heads: layers down, heads across"
        style={{ gridTemplateColumns: `${g.labelWidth}px repeat(${report.nHead}, ${g.tile}px)`, gap: g.gap, width: g.width }}
      >
        <span />
        {heads.map((h) => (
          <span key={h} className="attention-col-label">
            Head {h + 1}
          </span>
        ))}
        {layers.map((l) => (
          <div key={l} className="attention-grid-row">
            <span className="attention-row-label">Layer {l + 1}</span>
            {heads.map((h) => (
              <HeadTile key={h} report={report} layer={l} head={h} causal={causal} size={g.tile} pressed={focus?.layer === l && focus.head === h} onOpen={onOpen} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

interface HeadTileProps {
  report: AttentionReport;
  layer: number;
  head: number;
  causal: boolean;
  size: number;
  pressed: boolean;
  onOpen: (h: Head, e: MouseEvent) => void;
}

function HeadTile({ report, layer, head, causal, size, pressed, onOpen }: HeadTileProps) {
  const T = report.tokens.length;
  const map = useMemo(() => headMap(report, layer, head), [report, layer, head]);
  const habit = useMemo(() => describeHead(map, T, causal), [map, T, causal]);
  const descId = `${tileId(layer, head)}-desc`;
  return (
    <button
      type="button"
      id={tileId(layer, head)}
      className="attention-tile"
      style={{ width: size, height: size }}
      aria-label={`Layer ${layer + 1} head ${head + 1}`}
      aria-describedby={descId}
      aria-pressed={pressed}
      title={`Layer ${layer + 1} head ${head + 1}: ${habit}`}
      data-testid={`head-${layer}-${head}`}
      onClick={(e) => onOpen({ layer, head }, e)}
    >
      <Heatmap map={map} T={T} />
      <span id={descId} className="attention-sr-only">
        {habit}
      </span>
    </button>
  );
}

interface TokenStripProps {
  report: AttentionReport;
  head: Head;
  query: number | null;
  setHover: (q: number | null) => void;
  setFocused: (q: number | null) => void;
}

/**
 * The prompt's tokens as chips; hovering or focusing one tints every chip by the weight that
 * token's query gives it in the chosen head. Arrow keys move between chips (one tab stop).
 */
function TokenStrip({ report, head, query, setHover, setFocused }: TokenStripProps) {
  const chips = useRef<(HTMLButtonElement | null)[]>([]);
  const { tokens } = report;
  const row = query !== null && query < tokens.length ? rowWeights(report, head.layer, head.head, query) : null;
  const stop = query !== null && query < tokens.length ? query : 0;

  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tokens.length - 1 : null;
    if (next === null || next < 0 || next >= tokens.length) return;
    e.preventDefault();
    chips.current[next]?.focus();
  };

  return (
    <div className="attention-strip-box">
      <div
        className="attention-strip"
        role="group"
        aria-label="Prompt tokens: hover or focus one to see what it attends to"
        data-testid="attention-tokens"
        onPointerLeave={(e) => {
          // A touch "leaves" as the finger lifts: the tapped chip stays the query.
          if (e.pointerType === 'mouse') setHover(null);
        }}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(null);
        }}
      >
        {tokens.map((t, i) => {
          const bg = row ? viridis(row[i]) : null;
          return (
            <button
              key={i}
              ref={(el) => {
                chips.current[i] = el;
              }}
              type="button"
              tabIndex={i === stop ? 0 : -1}
              className={`attention-chip${i === query ? ' is-query' : ''}`}
              style={bg ? { background: cssRgb(bg), color: cssRgb(textOn(bg)) } : undefined}
              data-testid={`attention-token-${i}`}
              onPointerEnter={() => setHover(i)}
              onFocus={() => setFocused(i)}
              onClick={() => setFocused(i)}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {t}
            </button>
          );
        })}
      </div>
      <p className="attention-strip-readout" aria-live="polite" data-testid="attention-strip-readout">
        {row && query !== null
          ? stripSummary(tokens, query, row, head.layer, head.head)
          : `Hover or focus a token: the chips light up by how much it attends to each (layer ${head.layer + 1}, head ${head.head + 1}).`}
      </p>
    </div>
  );
}
