/** Types of scripts/serve.js (the demo's static server), for the tests. */
import type { Server } from 'node:http';

export const MIME: Record<string, string>;

export function serve(
  dir: string,
  opts?: { port?: number; host?: string; mounts?: Record<string, string>; quiet?: boolean },
): Promise<{ url: string; port: number; close(): Promise<void>; server: Server }>;
