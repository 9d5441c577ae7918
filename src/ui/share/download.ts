// Saving a Blob as a file: an <a download> pointing at an object URL, the one way that works
// in every browser without a server.

// Revoking at once can cancel the download in Safari and Firefox, which read the URL after
// the click has returned; a while later the browser holds its own copy of the bytes.
const REVOKE_AFTER_MS = 30_000;

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  // Firefox ignores clicks on anchors that are not in the document.
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
