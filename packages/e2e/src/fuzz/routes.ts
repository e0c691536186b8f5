import type { Router } from 'express';

export interface RestRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api, e.g. `/geofences/:id`. */
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route the services' routers serve, read from the routers themselves (nested routers
 * included), so a route added later is fuzzed without anyone listing it here.
 */
export function enumerateRoutes(routers: Router[]): RestRoute[] {
  const routes: RestRoute[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && ['get', 'post', 'put', 'patch', 'delete'].includes(method))
            routes.push({ method: method as RestRoute['method'], path: layer.route.path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  for (const router of routers) walk((router as unknown as { stack: Layer[] }).stack);
  return routes;
}

/** The path with each `:param` replaced by `value` (URL-encoded). */
export function fillPath(path: string, value: string): string {
  return path.replace(/:[A-Za-z_]+/g, () => encodeURIComponent(value));
}
