// Yielding to the worker's event loop between units of work, so that queued messages are read.

/**
 * Resolves in a later task, so that the worker reads the messages queued meanwhile (a Stop):
 * the CPU engine computes a token without ever leaving the current task. A MessageChannel,
 * not setTimeout, which browsers slow to 4 ms once nested.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
