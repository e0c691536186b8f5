import type { RequestPayload } from '@switchboard/protocol';
import { apiFetch } from '../api/rest.ts';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';
import { type Alert, type AlertEventKind, type AlertPayload, type AuditStep, mergeAlert } from './alert-state.ts';

export interface EmergencyState {
  /** Every alert this user was shown (their own and those they are in the audience of). */
  alerts: Record<string, Alert>;
  /** alertId → its audit timeline, as `GET /api/alerts/:id` last answered. */
  audits: Record<string, AuditStep[]>;
  error?: string;
}

/**
 * Emergencies for the signed-in user: their own SOS, and the alerts they are an audience of
 * (emergency contact, room member, escalation role), kept live by the `emergency:*` events.
 */
export class EmergencyController {
  readonly store = new Store<EmergencyState>({ alerts: {}, audits: {} });
  private readonly offs: Array<() => void> = [];
  /** Timelines the user opened: refreshed whenever their alert changes. */
  private readonly watchedAudits = new Set<string>();

  constructor(private readonly connection: Connection) {
    const client = connection.client;
    const on = (kind: AlertEventKind) => (payload: AlertPayload) => this.apply(payload, kind);
    this.offs.push(
      client.on('connected', () => void this.loadOpen()),
      client.on('emergency:alert', on('alert')),
      client.on('emergency:activated', on('activated')),
      client.on('emergency:escalated', on('escalated')),
      client.on('emergency:acknowledged', on('acknowledged')),
      client.on('emergency:resolved', on('resolved')),
    );
  }

  close(): void {
    for (const off of this.offs) off();
  }

  async sos(payload: RequestPayload<'emergency:sos'>): Promise<Alert> {
    const result: AlertPayload = await this.connection.client.request('emergency:sos', payload);
    return this.apply(result, 'sos');
  }

  async acknowledge(alertId: string): Promise<void> {
    const result: Partial<AlertPayload> = await this.connection.client.request('emergency:acknowledge', { alertId });
    this.apply({ ...result, alertId }, 'acknowledged');
  }

  async resolve(alertId: string, resolution?: string): Promise<void> {
    const payload = resolution?.trim() ? { alertId, resolution: resolution.trim() } : { alertId };
    const result: Partial<AlertPayload> = await this.connection.client.request('emergency:resolve', payload);
    this.apply({ ...result, alertId }, 'resolved');
  }

  /** The alert's audit timeline, and again each time the alert changes while it is watched. */
  async watchAudit(alertId: string): Promise<void> {
    this.watchedAudits.add(alertId);
    await this.loadAudit(alertId);
  }

  unwatchAudit(alertId: string): void {
    this.watchedAudits.delete(alertId);
  }

  private apply(payload: AlertPayload, kind: AlertEventKind): Alert {
    const alert = mergeAlert(this.store.get().alerts[payload.alertId], payload, kind);
    this.store.update((s) => ({ ...s, alerts: { ...s.alerts, [alert.alertId]: alert } }));
    if (this.watchedAudits.has(alert.alertId)) void this.loadAudit(alert.alertId);
    return alert;
  }

  /** After every (re)connect: the unresolved alerts this user can see, in case an event was missed. */
  private async loadOpen(): Promise<void> {
    try {
      const { alerts } = await apiFetch<{ alerts: Alert[] }>(this.connection.session, '/api/alerts');
      for (const alert of alerts) if (alert.state !== 'resolved') this.apply(alert, 'alert');
      this.store.update((s) => (s.error ? { ...s, error: undefined } : s));
    } catch (error) {
      this.store.update((s) => ({ ...s, error: `Open alerts could not be loaded: ${(error as Error).message}` }));
    }
  }

  private async loadAudit(alertId: string): Promise<void> {
    try {
      const { alert, audit } = await apiFetch<{ alert: Alert; audit: AuditStep[] }>(
        this.connection.session,
        `/api/alerts/${encodeURIComponent(alertId)}`,
      );
      const merged = mergeAlert(this.store.get().alerts[alertId], alert, 'alert');
      this.store.update((s) => ({
        ...s,
        alerts: { ...s.alerts, [alertId]: merged },
        audits: { ...s.audits, [alertId]: audit },
      }));
    } catch (error) {
      this.store.update((s) => ({
        ...s,
        error: `The alert's timeline could not be loaded: ${(error as Error).message}`,
      }));
    }
  }
}
