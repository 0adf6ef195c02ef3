/** The upstream every configuration proxies to: `upstream-server.cjs` as its own node process. */
import { join } from 'node:path';
import type { ServerProcess } from './proc';
import { startProcess, waitUntil } from './proc';

export interface Upstream {
  url: string;
  port: number;
  /** Size of the GET answer in bytes. */
  getBytes: number;
  proc: ServerProcess;
}

export async function startUpstream(): Promise<Upstream> {
  const proc = startProcess('upstream', process.execPath, [join(__dirname, 'upstream-server.cjs')]);
  let info: { port: number; getBytes: number } | undefined;
  await waitUntil(
    'its port',
    async () => {
      const out = proc.stdout();
      if (!out.includes('\n')) return false;
      info = JSON.parse(out.slice(0, out.indexOf('\n'))) as { port: number; getBytes: number };
      return true;
    },
    proc,
    10_000,
  );
  return { url: `http://127.0.0.1:${info!.port}`, port: info!.port, getBytes: info!.getBytes, proc };
}
