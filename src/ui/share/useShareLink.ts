// The Share button's work: build the link, put it on the clipboard, and fall back to a
// selected read-only field where the clipboard is refused (insecure context, no permission,
// the page not focused).
import { useCallback, useRef, useState } from 'react';
import { shareLink } from '../../state/persist';
import { errorMessage } from './format';

export type ShareResult = Awaited<ReturnType<typeof shareLink>>;
/** 'manual': the clipboard refused, the link is selected for the user to copy. */
export type CopyState = 'idle' | 'copied' | 'manual';

export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function useShareLink() {
  const [link, setLink] = useState<ShareResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  // A ref as well as state: a double click must not start two encodes before React re-renders.
  const running = useRef(false);

  const share = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    setCopy('idle');
    try {
      const result = await shareLink();
      setLink(result);
      setCopy((await copyText(result.url)) ? 'copied' : 'manual');
    } catch (e) {
      setError(`The link could not be made: ${errorMessage(e)}`);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  return { link, busy, error, copy, share };
}
