import { z } from 'zod';

/** Ids are opaque strings; the bound keeps hostile payloads small. */
export const Id = z.string().min(1, 'is required').max(128, 'is too long');
export const UserIds = z.array(Id).min(1, 'needs at least one user id').max(500, 'has too many user ids');
export const Seq = z.number().int().min(0);
export const IsoDate = z.string().datetime({ offset: true });

export const MAX_CONTENT_LENGTH = 10_000;
