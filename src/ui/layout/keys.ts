// Keyboard movement in a row of tabs (the WAI-ARIA tabs pattern): arrows move to the
// neighbour and wrap around, Home and End go to the ends. Pure, so it is tested without a DOM.

/** The index a key press moves to among `count` tabs, or null when the key is not ours. */
export function tabAfterKey(key: string, current: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
