export function chromiumExecutable(): string | undefined;
export function chromiumArgs(opts?: { webgpu?: boolean }): string[];
