// A text button with a busy state that keeps its label (and so its accessible name and width:
// no layout shift) and stays focusable while blocked, so keyboard users don't lose their place.
import type { ReactNode } from 'react';

interface ActionButtonProps {
  children: ReactNode;
  onClick: () => void;
  /** This button's own work is under way: a spinner over the (kept) label. */
  busy?: boolean;
  /** Another action is under way, or this one cannot run now. */
  blocked?: boolean;
  secondary?: boolean;
  testId?: string;
  describedBy?: string;
  /** Names the button within its row, for moving focus back to it (data-action). */
  action?: string;
}

export function ActionButton({ children, onClick, busy = false, blocked = false, secondary = false, testId, describedBy, action }: ActionButtonProps) {
  const inert = busy || blocked;
  const cls = ['share-action', secondary && 'secondary', busy && 'share-busy'].filter(Boolean).join(' ');
  return (
    <button
      type="button"
      className={cls}
      // aria-disabled, not disabled: a disabled button drops focus to <body> mid-action.
      aria-disabled={inert || undefined}
      aria-busy={busy || undefined}
      aria-describedby={describedBy}
      data-testid={testId}
      data-action={action}
      onClick={() => {
        if (!inert) onClick();
      }}
    >
      <span className="share-action-label">{children}</span>
    </button>
  );
}
