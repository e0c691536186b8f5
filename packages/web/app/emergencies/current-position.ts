export interface Where {
  latitude: number;
  longitude: number;
  accuracy?: number;
}

/**
 * Where the user is for an SOS: the browser's geolocation if it answers within a few seconds,
 * else the last fix they shared; none when neither exists (an SOS must not wait on a GPS).
 */
export async function currentPosition(
  lastFix: { latitude: number; longitude: number; accuracy?: number | null } | undefined,
): Promise<Where | undefined> {
  const fallback = lastFix
    ? {
        latitude: lastFix.latitude,
        longitude: lastFix.longitude,
        ...(typeof lastFix.accuracy === 'number' ? { accuracy: lastFix.accuracy } : {}),
      }
    : undefined;
  if (!('geolocation' in navigator)) return fallback;
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => resolve({ latitude: coords.latitude, longitude: coords.longitude, accuracy: coords.accuracy }),
      () => resolve(fallback),
      { timeout: 3000, maximumAge: 60_000 },
    );
  });
}
