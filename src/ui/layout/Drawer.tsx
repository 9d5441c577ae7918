// A settings drawer: a heading that is a disclosure button (title, a one-line summary of what
// is in force, a mark when something inside needs fixing) over a body that stays mounted
// while closed. An error that appears inside a closed drawer opens it, so that the message is
// seen next to its field.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { PanelFrame } from '../controls/controls';

interface DrawerProps {
  id: string;
  title: string;
  summary: ReactNode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Told when the drawer starts or stops holding an error message. */
  onAlertChange?: (id: string, alerting: boolean) => void;
  children: ReactNode;
}

/** The first error message inside an element (FieldError and its kind are role="alert"). */
const alertIn = (el: Element) => el.querySelector<HTMLElement>('[role="alert"]');

/**
 * Scrolls the column the drawer sits in (not the page) so that `el` shows. The page itself is
 * left alone: the user may be reading elsewhere, and the message is marked on the header.
 */
function revealInColumn(el: HTMLElement): void {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowY;
    if ((overflow !== 'auto' && overflow !== 'scroll') || p.scrollHeight <= p.clientHeight) continue;
    const box = p.getBoundingClientRect();
    const at = el.getBoundingClientRect();
    if (at.top < box.top || at.bottom > box.bottom) p.scrollTop += at.top - box.top - box.height / 3;
    return;
  }
}

export function Drawer({ id, title, summary, open, onOpenChange, onAlertChange, children }: DrawerProps) {
  const bodyRef = useRef<HTMLDivElement>(null);
  const [alerting, setAlerting] = useState(false);
  const latest = useRef({ open, onOpenChange, onAlertChange });
  latest.current = { open, onOpenChange, onAlertChange };

  // Watches the body rather than the store: every field's own message counts, whatever its cause.
  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    let had = false;
    let frame = 0;
    const check = () => {
      const has = alertIn(body) !== null;
      if (has === had) return;
      had = has;
      setAlerting(has);
      latest.current.onAlertChange?.(id, has);
      if (!has) return;
      // Only when a message appears: a drawer closed on purpose over a standing one stays closed.
      if (!latest.current.open) latest.current.onOpenChange(true);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const alert = alertIn(body);
        if (alert) revealInColumn(alert);
      });
    };
    check();
    const observer = new MutationObserver(check);
    observer.observe(body, { childList: true, subtree: true });
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      latest.current.onAlertChange?.(id, false);
    };
  }, [id]);

  const titleId = `drawer-${id}-title`;
  const bodyId = `drawer-${id}-body`;
  return (
    <section className={open ? 'drawer is-open' : 'drawer'} aria-labelledby={titleId} data-testid={`drawer-${id}`}>
      <h2 className="drawer-head">
        <button
          type="button"
          className="drawer-toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          data-testid={`drawer-toggle-${id}`}
          onClick={() => onOpenChange(!open)}
        >
          <span className="drawer-chevron" aria-hidden="true" />
          <span className="drawer-title" id={titleId}>
            {title}
          </span>{' '}
          {alerting && (
            <span className="drawer-alert">
              <span aria-hidden="true">!</span>
              <span className="visually-hidden">needs a fix,</span>
            </span>
          )}{' '}
          <span className="drawer-summary">{summary}</span>
        </button>
      </h2>
      <div className="drawer-body" id={bodyId} ref={bodyRef} hidden={!open}>
        <PanelFrame.Provider value="drawer">{children}</PanelFrame.Provider>
      </div>
    </section>
  );
}
