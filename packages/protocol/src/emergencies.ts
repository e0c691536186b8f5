import { z } from 'zod';
import { Id, LatLng } from './common.ts';

export const EMERGENCY_TYPES = ['PANIC', 'MEDICAL', 'SECURITY', 'FIRE', 'GENERAL'] as const;

export const EmergencySosPayload = z.object({
  type: z.enum(EMERGENCY_TYPES),
  message: z.string().max(2000).optional(),
  location: LatLng.extend({ accuracy: z.number().min(0).optional() }).optional(),
});
export const AlertIdPayload = z.object({ alertId: Id });

export interface SosResult {
  alertId: string;
  activatedRooms: string[];
}
export interface EmergencyEvent {
  alertId: string;
  userId: string;
  type: (typeof EMERGENCY_TYPES)[number];
  message?: string;
  location?: unknown;
  level?: number;
  roomId?: string;
}
