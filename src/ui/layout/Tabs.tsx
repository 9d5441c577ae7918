// Tabs after the WAI-ARIA pattern: a tablist of buttons, one tab stop (the selected tab),
// arrows/Home/End move and select at once, and each tab names the panel it controls.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { tabAfterKey } from './keys';
import './layout.css';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
  /** Shown after the label, e.g. a mark that something in the panel needs attention. */
  badge?: ReactNode;
}

export const tabDomId = (prefix: string, id: string) => `${prefix}-tab-${id}`;
export const panelDomId = (prefix: string, id: string) => `${prefix}-panel-${id}`;

interface TabBarProps<T extends string> {
  /** The accessible name of the list. */
  label: string;
  /** Makes the ids of the tabs and panels unique on the page. */
  prefix: string;
  tabs: readonly TabSpec<T>[];
  selected: T;
  onSelect: (id: T) => void;
  className?: string;
}

export function TabBar<T extends string>({ label, prefix, tabs, selected, onSelect, className }: TabBarProps<T>) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const next = tabAfterKey(e.key, index, tabs.length);
    if (next === null) return;
    e.preventDefault();
    const id = tabs[next].id;
    onSelect(id);
    buttons.current.get(id)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className={['tabs', className].filter(Boolean).join(' ')}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) buttons.current.set(t.id, el);
            else buttons.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={tabDomId(prefix, t.id)}
          aria-selected={t.id === selected}
          aria-controls={panelDomId(prefix, t.id)}
          tabIndex={t.id === selected ? 0 : -1}
          className="tab"
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
          {t.badge}
        </button>
      ))}
    </div>
  );
}

interface TabPanelProps {
  prefix: string;
  id: string;
  selected: boolean;
  className?: string;
  children: ReactNode;
}

/** A tab's panel. It stays mounted while hidden, so what is in it keeps its state. */
export function TabPanel({ prefix, id, selected, className, children }: TabPanelProps) {
  return (
    <div role="tabpanel" id={panelDomId(prefix, id)} aria-labelledby={tabDomId(prefix, id)} hidden={!selected} className={className}>
      {children}
    </div>
  );
}
