/**
 * nginx as a bare reverse proxy: one worker, a keep-alive pool to the upstream, no access log. Its config, pid,
 * logs and temp paths all live in a temp dir; it runs in the foreground as a child process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers, freePort, startProcess, waitUntil } from './proc';
import type { Target } from './target';
import { nginxVersion } from './tools';

export function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  return `# written by bench/peers/nginx.ts
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream backend {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

export async function startNginx(nginx: string, upstreamPort: number): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'concord-bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, nginxConfig(dir, port, upstreamPort));
  // -e: the error log before the config is read (otherwise /var/log/nginx/error.log).
  const proc = startProcess('nginx', nginx, ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf, '-g', 'daemon off;']);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('an answer', async () => (await answers(`${baseUrl}/`)).status === 200, proc, 15_000);
  } catch (err) {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    key: 'nginx',
    label: 'nginx (bare proxy)',
    baseUrl,
    token: async () => '',
    proc,
    version: await nginxVersion(nginx),
    notes: ['1 worker, keepalive 64 to the upstream, HTTP/1.1, access log off; no auth, no rate limit, no validation', 'RSS: master + worker'],
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
