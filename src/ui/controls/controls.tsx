// Form controls with a visible label that is also the accessible name, the value shown, and
// keyboard behaviour of the native elements underneath.
import { createContext, useContext, useId, useState, type ReactNode } from 'react';
import { notANumberMessage, typedNumber } from './number-input';

/** The ids an input is described by (its hint, its error), or undefined when none. */
function describedBy(...ids: (string | null)[]): string | undefined {
  const present = ids.filter(Boolean);
  return present.length ? present.join(' ') : undefined;
}

interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  disabled?: boolean;
  hint?: string;
  /** Shown next to the field, e.g. the value in other units. */
  suffix?: ReactNode;
  /** Why the value in force cannot be used (out of range...), shown under the field. */
  error?: string | null;
}

/**
 * A labelled number input. Text that is not a number (a cleared field, "-", "1e") stays in
 * the field with a message and is not passed on: snapping back to the old value would undo
 * the edit under the user's cursor without a word. Ranges are the caller's to check (error).
 */
export function NumberField({ label, value, onChange, min, max, step = 1, disabled, hint, suffix, error }: NumberFieldProps) {
  const id = useId();
  const [notNumber, setNotNumber] = useState(false);
  // A new value from elsewhere (a share link, a restored run) replaces the unfinished text.
  const [shownValue, setShownValue] = useState(value);
  if (!Object.is(shownValue, value)) {
    setShownValue(value);
    setNotNumber(false);
  }
  const message = notNumber ? notANumberMessage(min, max, value) : error;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          // '' while the text is not a number: React then leaves the browser's text alone.
          value={notNumber || !Number.isFinite(value) ? '' : value}
          min={min}
          max={max}
          step={step}
          disabled={disabled}
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy(hint ? `${id}-hint` : null, message ? `${id}-error` : null)}
          onChange={(e) => {
            const input = e.currentTarget;
            const v = typedNumber(input.value, input.validity.badInput);
            setNotNumber(v === null);
            if (v !== null) onChange(v);
          }}
        />
        {suffix}
      </div>
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      <FieldError id={`${id}-error`} message={message} />
    </div>
  );
}

interface SliderProps {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min: number;
  max: number;
  step: number;
  format?: (v: number) => string;
  /** What a screen reader announces, when it says more than the short visible value. */
  valueText?: (v: number) => string;
  disabled?: boolean;
  hint?: ReactNode;
  /** Why the value in force cannot be used; the thumb cannot show a value off its track. */
  error?: string | null;
}

/** A labelled range slider that shows its value (also announced via aria-valuetext). */
export function Slider({ label, value, onChange, min, max, step, format = String, valueText = format, disabled, hint, error }: SliderProps) {
  const id = useId();
  return (
    <div className="field slider">
      <label htmlFor={id}>
        {label} <output htmlFor={id}>{format(value)}</output>
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-valuetext={valueText(value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint ? `${id}-hint` : null, error ? `${id}-error` : null)}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

interface SelectProps<T extends string> {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
  disabled?: boolean;
  hint?: string;
}

export function Select<T extends string>({ label, value, options, onChange, disabled, hint }: SelectProps<T>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value as T)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

interface CheckboxProps {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  hint?: ReactNode;
}

export function Checkbox({ label, checked, onChange, disabled, hint }: CheckboxProps) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.currentTarget.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

/** An error shown next to the input that caused it, announced to screen readers. */
export function FieldError({ message, testId, id }: { message: string | null | undefined; testId?: string; id?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="field-error" data-testid={testId} id={id}>
      {message}
    </p>
  );
}

/**
 * Where a Panel is drawn: as a card of its own, or as the body of a settings drawer, whose
 * header already carries the title and names the region.
 */
export const PanelFrame = createContext<'card' | 'drawer'>('card');

/** A titled panel (a landmark region named by its heading). */
export function Panel({ id, title, children, actions }: { id: string; title: string; children: ReactNode; actions?: ReactNode }) {
  const frame = useContext(PanelFrame);
  if (frame === 'drawer') {
    return (
      <div className="panel-in-drawer" id={id} data-testid={`panel-${id}`}>
        {actions && <div className="panel-head">{actions}</div>}
        {children}
      </div>
    );
  }
  return (
    <section className="panel" aria-labelledby={`${id}-title`} id={id} data-testid={`panel-${id}`}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
