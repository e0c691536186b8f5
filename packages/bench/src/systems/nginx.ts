import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nginxOpenFileSettings } from '@switchboard/cli';
import { benchOpenFileLimit, type ChildHandle, spawnAndWait, waitForHttp } from './processes.ts';

/**
 * The config the peers run behind: the same shape and capacity settings as Switchboard's public
 * nginx (a worker per core, open files from the hard limit, accept_mutex, ip_hash over the
 * replicas, WebSocket upgrade), with every path inside a temp directory.
 */
export function renderNginxConfig(options: {
  dir: string;
  port: number;
  upstreams: number[];
  openFiles?: number | undefined;
}): string {
  const servers = options.upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n');
  const files = nginxOpenFileSettings(options.openFiles);
  return `worker_processes auto;
worker_rlimit_nofile ${files.rlimitNofile};
pid ${options.dir}/nginx.pid;
error_log ${options.dir}/error.log warn;
events { worker_connections ${files.workerConnections}; accept_mutex on; accept_mutex_delay 50ms; }
http {
  access_log off;
  client_body_temp_path ${options.dir}/client_body;
  proxy_temp_path ${options.dir}/proxy;
  fastcgi_temp_path ${options.dir}/fastcgi;
  uwsgi_temp_path ${options.dir}/uwsgi;
  scgi_temp_path ${options.dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream relays {
    ip_hash;
${servers}
  }
  server {
    listen 127.0.0.1:${options.port};
    # nginx's own liveness: the upstreams' '/' differ (a relay answers, Centrifugo 404s).
    location = /nginx-health { return 200 'ok'; }
    location / {
      proxy_pass http://relays;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 3600s;
    }
  }
}
`;
}

/** Write the config to a temp dir and run nginx in the foreground until `stop()`. */
export async function startNginx(port: number, upstreams: number[]): Promise<ChildHandle & { dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-nginx-'));
  fs.chmodSync(dir, 0o777);
  const conf = path.join(dir, 'nginx.conf');
  const openFiles = benchOpenFileLimit();
  fs.writeFileSync(conf, renderNginxConfig({ dir, port, upstreams, openFiles }));
  const handle = await spawnAndWait({
    command: 'nginx',
    args: ['-p', dir, '-c', conf, '-g', 'daemon off;'],
    env: process.env,
    cwd: dir,
    timeoutMs: 10_000,
    label: 'nginx',
  });
  await waitForHttp(`http://127.0.0.1:${port}/nginx-health`, 10_000);
  return {
    ...handle,
    dir,
    async stop() {
      await handle.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
