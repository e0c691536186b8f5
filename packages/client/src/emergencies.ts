import type { Alert, EmergencyEvent, EmergencySosPayload, SosResult } from '@switchboard/protocol';
import type { SwitchboardClient } from './client.ts';
import type { RequestOptions } from './request.ts';

export type AlertEventKind = 'alert' | 'activated' | 'escalated' | 'acknowledged' | 'resolved';
export type AlertHandler = (alert: EmergencyEvent, kind: AlertEventKind) => void;

const EVENTS = {
  alert: 'emergency:alert',
  activated: 'emergency:activated',
  escalated: 'emergency:escalated',
  acknowledged: 'emergency:acknowledged',
  resolved: 'emergency:resolved',
} as const;

/**
 * Emergency alerts for one client: SOS, acknowledge and resolve as promises, and every
 * `emergency:*` event folded into the latest state of each alert this device has heard of
 * ("acknowledged elsewhere" arrives as `acknowledged` on every device alerted).
 */
export class EmergencyAlerts {
  private readonly alerts = new Map<string, Alert>();
  private readonly handlers = new Set<AlertHandler>();
  private readonly off: Array<() => void>;

  constructor(private readonly client: SwitchboardClient) {
    this.off = (Object.entries(EVENTS) as [AlertEventKind, (typeof EVENTS)[AlertEventKind]][]).map(([kind, event]) =>
      client.on(event, (alert) => this.update(alert, kind)),
    );
  }

  /** Raise an SOS; a second press while the alert is open answers the same alert. Never rate limited. */
  async sos(payload: EmergencySosPayload, options?: RequestOptions): Promise<SosResult> {
    const result = await this.client.request('emergency:sos', payload, options);
    this.alerts.set(result.alertId, result.alert);
    return result;
  }

  async acknowledge(alertId: string, options?: RequestOptions): Promise<Alert> {
    const { alert } = await this.client.request('emergency:acknowledge', { alertId }, options);
    this.alerts.set(alert.alertId, alert);
    return alert;
  }

  async resolve(alertId: string, resolution?: string, options?: RequestOptions): Promise<Alert> {
    const payload = resolution === undefined ? { alertId } : { alertId, resolution };
    const { alert } = await this.client.request('emergency:resolve', payload, options);
    this.alerts.set(alert.alertId, alert);
    return alert;
  }

  /** Every `emergency:*` event, with which one it was. Returns an unsubscribe function. */
  onEvent(handler: AlertHandler): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  get(alertId: string): Alert | undefined {
    return this.alerts.get(alertId);
  }

  /** Alerts not resolved yet, oldest first. */
  open(): Alert[] {
    return [...this.alerts.values()].filter((a) => a.state !== 'resolved');
  }

  close(): void {
    for (const off of this.off) off();
    this.handlers.clear();
  }

  private update(event: EmergencyEvent, kind: AlertEventKind): void {
    const { roomId: _roomId, ...alert } = event;
    this.alerts.set(alert.alertId, alert);
    for (const handler of this.handlers) handler(event, kind);
  }
}
