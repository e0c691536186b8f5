// Emergency alerts end to end (issue 11, "Done means"): a real cluster (nginx, two gateways, one
// notification process), clients bound to 127.0.N.1 so nginx's ip_hash puts them on both
// gateways. SOS across two owned rooms reaches both rooms' contacts (matched by phone) and nobody
// else; the notification process is SIGKILLed with the first escalation step pending, the
// supervisor restarts it and the step fires exactly once; a contact connecting later is alerted
// on connect; acknowledge reaches the owner and stops escalation; outsiders are refused.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Alert, AlertAuditEntry } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';
import { sleep, waitFor } from '@switchboard/testkit';
import { io } from 'socket.io-client';
import { connectClient, type E2eClient } from './client.ts';
import { type RunningCluster, startCluster } from './cluster-harness.ts';
import { mapAddressesToGateways, record, requestJson } from './presence-helpers.ts';

/** Long enough that the kill lands before it is due on a loaded machine; the second step comes after the acknowledge. */
const FIRST_STEP_MS = 8000;
const ESCALATION = `${FIRST_STEP_MS}:supervisor,600000:admin`;
const WAIT = { timeoutMs: 30_000 };

describe('emergency alerts through nginx, clients on both gateways', () => {
  let cluster: RunningCluster;
  const clients: E2eClient[] = [];
  let onA: string[];
  let onB: string[];

  const token = (userId: string, extra: { role?: string; phone?: string } = {}) =>
    signToken(cluster.jwtSecret, userId, { name: `User ${userId}`, ...extra });
  const connect = async (userId: string, localAddress: string, extra: { role?: string; phone?: string } = {}) => {
    const client = await connectClient(cluster.url, token(userId, extra), { localAddress });
    clients.push(client);
    return client;
  };
  const ok = <T extends { success: boolean }>(ack: T): Extract<T, { success: true }> => {
    assert.equal(ack.success, true, JSON.stringify(ack));
    return ack as Extract<T, { success: true }>;
  };

  before(async () => {
    cluster = await startCluster({ gateways: 2, env: { EMERGENCY_ESCALATION: ESCALATION } });
    const byGateway = await mapAddressesToGateways(cluster.url, token('address-probe'));
    assert.equal(byGateway.size, 2, `all probe addresses landed on one gateway: ${JSON.stringify([...byGateway])}`);
    [onA, onB] = [...byGateway.values()] as [string[], string[]];
  });

  /** A raw socket whose `emergency:alert` listener exists before it connects (connectClient attaches later). */
  const lateSocket = (jwt: string, localAddress: string) => {
    const agent = new http.Agent({ localAddress, keepAlive: true });
    const socket = io(cluster.url, {
      auth: { token: jwt },
      forceNew: true,
      agent: agent as unknown as string,
      ...({ localAddress } as object),
    });
    const alert = new Promise<Alert>((resolve, reject) => {
      socket.on('emergency:alert' as never, (data: Alert) => resolve(data));
      setTimeout(() => reject(new Error('late contact not alerted on connect')), WAIT.timeoutMs).unref();
    });
    closers.push(() => {
      socket.close();
      agent.destroy();
    });
    return { socket, alert };
  };
  const closers: (() => void)[] = [];

  after(async () => {
    for (const close of closers) close();
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('SOS across two owned rooms: contacts on the other gateway are alerted by phone, nobody else; a SIGKILL of notification neither skips nor repeats the escalation; acknowledge reaches the owner', async () => {
    const owner = await connect('owner', onA[0]!, { phone: '+1 555 000 1000' });
    const mum = await connect('mum', onB[0]!, { phone: '+15550001001' });
    const boss = await connect('boss', onB[1] ?? onB[0]!, { phone: '+1 (555) 000-1002' });
    const supervisor = await connect('sup', onA[1] ?? onA[0]!, { role: 'supervisor' });
    const outsider = await connect('outsider', onB[0]!, { phone: '+15559999999' });
    assert.notEqual(owner.connected().serverId, mum.connected().serverId, 'the contact is on the other gateway');

    const home = ok(
      await owner.request('room:create', { type: 'emergency', name: 'home', emergencyContacts: ['+1 555 000 1001'] }),
    );
    const work = ok(
      await owner.request('room:create', {
        type: 'group',
        name: 'work',
        emergencyContacts: ['+15550001002', '+15550001003'],
      }),
    );
    const seen = {
      mum: record(mum, 'emergency:alert'),
      boss: record(boss, 'emergency:alert'),
      outsider: record(outsider, 'emergency:alert'),
      outsiderAny: [
        record(outsider, 'emergency:escalated'),
        record(outsider, 'emergency:acknowledged'),
        record(outsider, 'emergency:activated'),
      ],
      supervisor: record(supervisor, 'emergency:escalated'),
      ownerAcknowledged: record(owner, 'emergency:acknowledged'),
      ownerActivated: record(owner, 'emergency:activated'),
    };

    const bad = await owner.request('emergency:sos', { type: 'ALIENS' });
    assert.equal(bad.success, false);
    if (!bad.success) assert.equal(bad.code, 'INVALID_PAYLOAD');

    const sos = ok(await owner.request('emergency:sos', { type: 'MEDICAL', message: 'fell down' }));
    assert.deepEqual(sos.activatedRooms.sort(), [home.room.id, work.room.id].sort());
    const alertId = sos.alertId;
    const kill = (await cluster.state()).processes.find((p) => p.service === 'notification')!;
    cluster.kill(kill.pid);
    const killedAt = Date.now();

    await waitFor(() => seen.mum.length === 1 && seen.boss.length === 1, {
      ...WAIT,
      what: 'both rooms’ contacts alerted',
    });
    assert.equal(seen.mum[0]!.alertId, alertId);
    assert.equal(seen.boss[0]!.type, 'MEDICAL');
    await waitFor(() => seen.ownerActivated.length === 2, { ...WAIT, what: 'both rooms activated' });

    assert.ok(killedAt < Date.parse(sos.alert.createdAt) + FIRST_STEP_MS, 'the process died before the step was due');
    await cluster.waitForRestart(kill.name, kill.pid);
    // Until the restarted process holds the dead one's bus partitions (their leases expire after
    // BUS_LEASE_MS) a request may be answered UNAVAILABLE, as the protocol allows; a client presses again.
    let pressed = await owner.request('emergency:sos', { type: 'PANIC' });
    for (let attempt = 1; attempt < 4 && !pressed.success && pressed.code === 'UNAVAILABLE'; attempt++) {
      pressed = await owner.request('emergency:sos', { type: 'PANIC' });
    }
    const again = ok(pressed).alertId;
    assert.equal(again, alertId, 'a second press returns the open alert (answered by the restarted process)');

    // A contact who opens the app now is alerted on connect (the listener is there before the handshake).
    const late = lateSocket(token('late', { phone: '+15550001003' }), onA[0]!);
    const lateAlert = await late.alert;
    assert.equal(lateAlert.alertId, alertId);

    await waitFor(() => seen.supervisor.length >= 1, { timeoutMs: 60_000, what: 'the first escalation' });
    assert.equal(seen.supervisor[0]!.level, 2);

    const refused = await outsider.request('emergency:acknowledge', { alertId });
    assert.equal(refused.success, false);
    if (!refused.success) assert.equal(refused.code, 'FORBIDDEN');

    const acknowledged = ok(await mum.request('emergency:acknowledge', { alertId }));
    assert.equal(acknowledged.alert.acknowledgedBy, 'mum');
    await waitFor(() => seen.ownerAcknowledged.length === 1, { ...WAIT, what: 'the owner hears of it' });

    const read = await requestJson(`${cluster.url}/api/alerts/${alertId}`, 'GET', token('owner'));
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const audit = read.body.audit as AlertAuditEntry[];
    assert.deepEqual(
      audit.filter((a) => a.action === 'escalated').map((a) => a.level),
      [2],
      'the step fired exactly once, across the crash',
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['triggered', 'notified', 'notified', 'notified', 'escalated', 'acknowledged'],
    );
    assert.equal((await requestJson(`${cluster.url}/api/alerts/${alertId}`, 'GET', token('outsider'))).status, 403);
    assert.equal((await requestJson(`${cluster.url}/api/alerts/${alertId}`, 'GET', undefined)).status, 401);
    assert.equal((await requestJson(`${cluster.url}/api/alerts/unknown-alert`, 'GET', token('owner'))).status, 404);

    const resolved = await requestJson(`${cluster.url}/api/alerts/${alertId}/resolve`, 'POST', token('owner'), {
      resolution: 'ambulance came',
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal((resolved.body.alert as Alert).state, 'resolved');
    const twice = await requestJson(`${cluster.url}/api/alerts/${alertId}/resolve`, 'POST', token('owner'), {});
    assert.equal(twice.status, 409);

    await sleep(500); // anything misrouted would have arrived by now
    assert.equal(seen.supervisor.length, 1, 'no repeat of level 2, and no level 3 after the acknowledge');
    assert.deepEqual(seen.outsider, [], 'the outsider was never alerted');
    assert.deepEqual(seen.outsiderAny.flat(), []);
  });

  test('POST /api/alerts (a phone in the background) answers 201; GET /api/alerts lists what the caller may see', async () => {
    const created = await requestJson(`${cluster.url}/api/alerts`, 'POST', token('walker', { phone: '+15550002000' }), {
      type: 'SECURITY',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const alertId = created.body.alertId as string;
    const mine = await requestJson(`${cluster.url}/api/alerts?state=active`, 'GET', token('walker'));
    assert.deepEqual(
      (mine.body.alerts as Alert[]).map((a) => a.alertId),
      [alertId],
    );
    const theirs = await requestJson(`${cluster.url}/api/alerts`, 'GET', token('stranger'));
    assert.deepEqual(theirs.body.alerts, []);
    const admin = await requestJson(`${cluster.url}/api/alerts?state=active`, 'GET', token('root', { role: 'admin' }));
    assert.ok((admin.body.alerts as Alert[]).some((a) => a.alertId === alertId));
    assert.equal(
      (await requestJson(`${cluster.url}/api/alerts`, 'POST', token('walker'), { type: 'NOPE' })).status,
      400,
    );
    assert.equal((await requestJson(`${cluster.url}/api/alerts?state=open`, 'GET', token('walker'))).status, 400);
    assert.equal((await requestJson(`${cluster.url}/api/alerts`, 'POST', undefined, { type: 'PANIC' })).status, 401);
  });
});
