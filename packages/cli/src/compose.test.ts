// docker-compose cannot run here (no Docker engine), so this checks what can be checked: the
// compose file, both nginx configs, Prometheus's targets and the code agree on services, ports
// and environment variables; services/Dockerfile copies every workspace and runs entry points a
// real build emits; and the cluster's rendered nginx config passes `nginx -t`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';
import { ClusterConfigSchema } from '@switchboard/host';
import {
  createMetrics,
  ENV_DOCS,
  IMMUTABLE_CACHE,
  KEEP_ALIVE_TIMEOUT_MS,
  REVALIDATE_CACHE,
} from '@switchboard/runtime';
import { buildProjects } from '@switchboard/testkit';
import { parse } from 'yaml';
import { serviceEntry } from './cluster/child-command.ts';
import { CLUSTER_SERVICES, ClusterRunnerSchema, planProcesses } from './cluster/config.ts';
import { nginxArgs, nginxUpstreams, renderNginxConfig, writeNginxConfig } from './cluster/nginx-config.ts';

interface ComposeService {
  image?: string;
  build?: { dockerfile?: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: unknown;
  volumes?: string[];
}

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const composeNginx = read('nginx/nginx.compose.conf');
const template = read('nginx/nginx.conf.template');
/** The cluster runner's nginx config with one address per upstream. */
const renderOnePerService = () =>
  renderNginxConfig(template, '/tmp/p', {
    listen: 8080,
    gateways: ['127.0.0.1:1'],
    messaging: ['127.0.0.1:2'],
    presence: ['127.0.0.1:3'],
    'call-signaling': ['127.0.0.1:4'],
    notification: ['127.0.0.1:5'],
  });
const serviceFolders = fs
  .readdirSync(path.join(REPO_ROOT, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Containers that run our image with a service entry point (not migrate, not third-party). */
const switchboardContainers = Object.entries(services).filter(([, s]) => s.command?.[0]?.startsWith('services/'));
const folderOf = (s: ComposeService) => s.command![0]!.split('/')[1]!;

function upstreams(conf: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const match of conf.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)) {
    result.set(
      match[1]!,
      [...match[2]!.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]!),
    );
  }
  return result;
}
const locations = (conf: string) =>
  [...conf.matchAll(/^\s*location\s+([^{]+?)\s*\{\s*\n([^}]*?)\}/gm)].map(
    (m) => `${m[1]} -> ${/proxy_pass\s+([^;]+)/.exec(m[2]!)?.[1] ?? 'return'}`,
  );

// The entry points compose and the Dockerfile name are build output: build (incrementally) first.
before(() => buildProjects());

describe('docker-compose.yml', () => {
  test('runs every folder under services/ from its compiled dist/main.js, which the build emits', () => {
    const run = new Set(switchboardContainers.map(([, s]) => folderOf(s)));
    assert.deepEqual([...run].sort(), [...serviceFolders].sort());
    for (const [name, s] of switchboardContainers) {
      assert.equal(s.command![0], serviceEntry(folderOf(s)), `${name} runs the compiled entry point`);
      assert.ok(
        fs.existsSync(path.join(REPO_ROOT, s.command![0]!)),
        `${name}: ${s.command![0]} exists after npm run build`,
      );
      assert.equal(s.build?.dockerfile, 'services/Dockerfile', `${name} is built from services/Dockerfile`);
    }
    for (const folder of serviceFolders)
      assert.ok(
        fs.existsSync(path.join(REPO_ROOT, 'services', folder, 'src', 'main.ts')),
        `services/${folder}/src/main.ts exists`,
      );
    const migrate = services.migrate!.command!;
    assert.deepEqual(migrate, ['packages/cli/dist/migrate.js']);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, migrate[0]!)), `${migrate[0]} exists after npm run build`);
  });

  test('has the same topology as npm run cluster: two gateways and one container per service', () => {
    const gateways = switchboardContainers.filter(([, s]) => folderOf(s) === 'gateway').map(([name]) => name);
    assert.deepEqual(gateways.sort(), ['gateway-1', 'gateway-2']);
    for (const service of CLUSTER_SERVICES) assert.equal(folderOf(services[service]!), service);
    for (const infra of ['redis', 'postgres', 'migrate', 'nginx', 'prometheus'])
      assert.ok(services[infra], `${infra} is in compose`);
  });

  test('sets only environment variables that ENV_DOCS documents, and what each process requires', () => {
    for (const [name, s] of [...switchboardContainers, ['migrate', services.migrate!] as const]) {
      for (const key of Object.keys(s.environment ?? {}))
        assert.ok(key in ENV_DOCS, `${name} sets ${key}, which is not in ENV_DOCS`);
    }
    for (const [name, s] of switchboardContainers) {
      for (const key of ['REDIS_URL', 'DATABASE_URL', 'JWT_SECRET', 'SERVICE_PORT'])
        assert.ok(s.environment?.[key], `${name} sets ${key}`);
    }
    const gatewayIds = switchboardContainers
      .filter(([, s]) => folderOf(s) === 'gateway')
      .map(([name, s]) => [name, s.environment?.GATEWAY_ID]);
    for (const [name, id] of gatewayIds) assert.equal(id, name, 'each gateway reports its container name as serverId');
  });

  test('gives every container an environment its process accepts (unset variables at their defaults)', () => {
    // `${X:-default}` → default; `${X:?message}` and `${X}` → a value the operator must supply.
    const interpolate = (value: string) =>
      value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, _name: string, op?: string, arg?: string) =>
        op === '-' ? (arg ?? '') : 'operator-supplied-value-0123456789',
      );
    for (const [name, s] of switchboardContainers) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
      const result = ClusterConfigSchema.safeParse(env);
      assert.ok(
        result.success,
        `${name}: ${result.success ? '' : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
  });

  test("starts services only after Redis, Postgres and the migration, with the image's healthcheck", () => {
    for (const [name, s] of switchboardContainers) {
      const deps = s.depends_on as Record<string, { condition: string }>;
      assert.equal(deps.redis?.condition, 'service_healthy', name);
      assert.equal(deps.postgres?.condition, 'service_healthy', name);
      assert.equal(deps.migrate?.condition, 'service_completed_successfully', name);
      assert.equal(s.healthcheck, undefined, `${name} keeps the Dockerfile's HEALTHCHECK`);
    }
    assert.deepEqual(
      services.migrate!.healthcheck,
      { disable: true },
      'the one-shot migration has no /readyz to probe',
    );
    const nginxDeps = Object.keys(services.nginx!.depends_on as Record<string, unknown>).sort();
    assert.deepEqual(nginxDeps, switchboardContainers.map(([name]) => name).sort());
  });
});

describe('nginx configs', () => {
  test('the compose config points every upstream at a compose service on its SERVICE_PORT', () => {
    const ups = upstreams(composeNginx);
    const expected = new Map<string, string[]>([
      ['gateways', ['gateway-1', 'gateway-2']],
      ...CLUSTER_SERVICES.map((s) => [s.replace('-', '_'), [s]] as [string, string[]]),
    ]);
    assert.deepEqual([...ups.keys()].sort(), [...expected.keys()].sort());
    for (const [upstream, servers] of ups) {
      assert.deepEqual(
        servers.map((s) => s.split(':')[0]).sort(),
        expected.get(upstream)!.sort(),
        `upstream ${upstream}`,
      );
      for (const server of servers) {
        const [host, port] = server.split(':');
        assert.equal(services[host!]?.environment?.SERVICE_PORT, port, `${server}: ${host} listens on ${port}`);
      }
    }
    assert.match(/upstream gateways \{[^}]*\}/.exec(composeNginx)![0], /ip_hash;/);
  });

  test('the compose config and the cluster template route the same paths to the same upstreams', () => {
    assert.deepEqual(locations(composeNginx), locations(template));
    assert.deepEqual([...upstreams(composeNginx).keys()], [...upstreams(template).keys()]);
    for (const conf of [composeNginx, template]) {
      assert.match(conf, /proxy_set_header Upgrade \$http_upgrade;/);
      assert.match(conf, /proxy_read_timeout 75s;/);
      const internal = locations(conf).filter((l) => /metrics|readyz/.test(l));
      assert.deepEqual(
        internal,
        ['~ ^/(metrics|readyz|debug/hops)$ -> return'],
        'internal endpoints are not public: only a 404 names them',
      );
      assert.match(conf, /location ~ \^\/\(metrics\|readyz\|debug\/hops\)\$ \{\s*return 404 /);
    }
  });

  test('both carry the same capacity settings (the template unclamped, as the runner renders it for an unlimited hard limit)', () => {
    const capacity = (conf: string) =>
      ['worker_processes', 'worker_rlimit_nofile', 'worker_connections', 'accept_mutex', 'accept_mutex_delay'].map(
        (directive) => new RegExp(`^\\s*${directive}\\s+([^;]+);`, 'm').exec(conf)?.[1],
      );
    const rendered = renderOnePerService();
    assert.deepEqual(capacity(rendered), capacity(composeNginx));
    assert.deepEqual(capacity(composeNginx), ['auto', '65536', '32768', 'on', '50ms']);
    const keepalive = (conf: string) => /upstream gateways \{[^}]*keepalive (\d+);/.exec(conf)?.[1];
    assert.equal(keepalive(rendered), keepalive(composeNginx));
    assert.equal(keepalive(composeNginx), '128');
  });

  test("both close idle upstream connections before the services' keep-alive would", () => {
    const rendered = renderOnePerService();
    for (const [name, conf] of [
      ['nginx.conf.template', rendered],
      ['nginx.compose.conf', composeNginx],
    ] as const) {
      const upstreams = [...conf.matchAll(/upstream (\w+) \{([^}]*)\}/g)];
      assert.equal(upstreams.length, 5, `${name}: five upstreams`);
      for (const [, upstream, body] of upstreams) {
        const seconds = /keepalive_timeout (\d+)s;/.exec(body ?? '')?.[1];
        assert.ok(seconds, `${name}: upstream ${upstream} sets keepalive_timeout in seconds`);
        assert.ok(
          Number(seconds) * 1000 < KEEP_ALIVE_TIMEOUT_MS,
          `${name}: upstream ${upstream} keeps idle connections ${seconds} s, the services ${KEEP_ALIVE_TIMEOUT_MS} ms`,
        );
      }
    }
  });

  test('both serve the web app: hashed assets immutable for a year, everything else revalidated, /api/ never the app', () => {
    const cacheOf = (conf: string, location: string) => {
      const block =
        new RegExp(`location\\s+${location.replace(/[/.]/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
      return {
        cache: /add_header Cache-Control "([^"]+)"/.exec(block)?.[1],
        tryFiles: /try_files ([^;]+);/.exec(block)?.[1],
      };
    };
    for (const conf of [composeNginx, template]) {
      assert.deepEqual(cacheOf(conf, '/assets/'), { cache: IMMUTABLE_CACHE, tryFiles: '$uri =404' });
      assert.deepEqual(cacheOf(conf, '/'), { cache: REVALIDATE_CACHE, tryFiles: '$uri /index.html' });
      assert.match(
        conf,
        /location \/api\/ \{\s*return 404 '\{"success":false,"code":"NOT_FOUND"/,
        'unknown /api/ paths stay JSON 404s',
      );
      assert.match(
        conf,
        /location = \/api\/dev\/token \{\s*proxy_pass http:\/\/gateways;/,
        'dev sign-in is answered by the gateways',
      );
      assert.match(conf, /text\/javascript js mjs;/, 'scripts are served as JavaScript without a system mime.types');
    }
    assert.match(template, /root \{\{PREFIX\}\}\/web;/);
    assert.match(composeNginx, /root \/usr\/share\/nginx\/html;/);
  });

  test('the compose nginx image carries its config and the built web app (services/Dockerfile, target web)', () => {
    const nginx = services.nginx!;
    assert.equal(nginx.build?.dockerfile, 'services/Dockerfile');
    assert.equal(nginx.build?.target, 'web');
    for (const [name, s] of switchboardContainers) assert.equal(s.build?.target, 'app', `${name} runs the app target`);
    const dockerfile = read('services/Dockerfile');
    assert.match(dockerfile, /^FROM (node:\S+|\$\{NODE_IMAGE\}) AS app$/m);
    assert.match(dockerfile, /^FROM nginx:\S+ AS web$/m);
    assert.match(dockerfile, /^COPY nginx\/nginx\.compose\.conf \/etc\/nginx\/nginx\.conf$/m);
    assert.match(dockerfile, /^COPY --from=builder \/app\/packages\/web\/dist \/usr\/share\/nginx\/html$/m);
    // `npm ci` in the app stage builds packages/web/dist through the root prepare script.
    assert.match(dockerfile, /RUN npm ci\b/);
    const rootScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    assert.match(rootScripts.prepare ?? '', /web:build/);
    assert.ok(
      !read('.dockerignore')
        .split('\n')
        .some((line) => line.trim() === 'packages/web' || line.trim() === 'nginx'),
      'the sources the image builds from are not ignored',
    );
  });

  test('Prometheus scrapes every Switchboard container on its SERVICE_PORT', () => {
    const prometheus = parse(read('prometheus/prometheus.yml')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort();
    const expected = switchboardContainers.map(([name, s]) => `${name}:${s.environment!.SERVICE_PORT}`).sort();
    assert.deepEqual(targets, expected);
  });

  test('the alert rules are loaded and name only metrics the code exports', async () => {
    const prometheus = parse(read('prometheus/prometheus.yml')) as { rule_files: string[] };
    assert.deepEqual(prometheus.rule_files, ['/etc/prometheus/alerts.yml']);
    assert.ok(
      services.prometheus!.volumes!.some((v) => v.startsWith('./prometheus/alerts.yml:/etc/prometheus/alerts.yml')),
    );
    const rules = parse(read('prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    assert.ok(exprs.length >= 5);
    const exported = new Set((await createMetrics('check').registry.getMetricsAsJSON()).map((m) => m.name));
    for (const name of exprs.flatMap((e) => e.match(/\b(switchboard|nodejs)_[a-z0-9_]+/g) ?? [])) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(exported.has(base), `${name} is exported by createMetrics`);
    }
  });
});

describe('the cluster runner', () => {
  const prefixes: string[] = [];
  after(() => {
    for (const prefix of prefixes) fs.rmSync(prefix, { recursive: true, force: true });
  });

  test("gives every process its own port, distinct from nginx's", () => {
    const config = ClusterRunnerSchema.parse({ PORT: '9000', GATEWAYS: '3' });
    const plans = planProcesses(config);
    const ports = [config.PORT, ...plans.map((p) => p.port)];
    assert.equal(new Set(ports).size, ports.length);
    assert.deepEqual(
      plans.filter((p) => p.kind === 'gateway').map((p) => p.env.GATEWAY_ID),
      ['gateway-1', 'gateway-2', 'gateway-3'],
    );
    assert.deepEqual(
      plans.filter((p) => p.kind === 'service').map((p) => p.service),
      [...CLUSTER_SERVICES],
    );
    for (const plan of plans)
      for (const key of Object.keys(plan.env)) assert.ok(key in ENV_DOCS, `${key} is documented`);
  });

  test('renders an nginx config that `nginx -t` accepts, with an upstream server per replica', async () => {
    const config = ClusterRunnerSchema.parse({ PORT: '18080', REPLICAS: 'messaging=2' });
    const { prefix, confPath } = await writeNginxConfig(nginxUpstreams(config.PORT, planProcesses(config)));
    prefixes.push(prefix);
    const conf = fs.readFileSync(confPath, 'utf8');
    assert.doesNotMatch(conf, /\{\{/);
    const ups = upstreams(conf);
    assert.deepEqual(ups.get('gateways'), ['127.0.0.1:18081', '127.0.0.1:18082']);
    assert.deepEqual(ups.get('messaging'), ['127.0.0.1:18111', '127.0.0.1:18115']);
    assert.deepEqual(ups.get('presence'), ['127.0.0.1:18112']);
    assert.ok(
      fs.existsSync(path.join(prefix, 'web', 'index.html')),
      "the web app (or the not-built page) is staged under the prefix for nginx's root",
    );
    const result = spawnSync('nginx', ['-t', ...nginxArgs(prefix, confPath).slice(0, -2)], { encoding: 'utf8' });
    assert.equal(result.error, undefined, 'nginx is on PATH (apt-get install -y nginx)');
    assert.equal(result.status, 0, result.stderr);
  });
});
