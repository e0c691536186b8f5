import type { LocationEvent } from '@switchboard/protocol';
import type { MouseEvent } from 'react';
import { fenceExtent, isViolating, type Point } from './geometry.ts';
import type { Geofence } from './location-controller.ts';
import { fitProjection, scaleBarMeters } from './projection.ts';

interface Props {
  positions: LocationEvent[];
  fences: Geofence[];
  me: string;
  /** A click on the map picks this point (the form beside it is the keyboard way). */
  onPick?: (point: Point) => void;
  pick?: Point;
}

/** Members and geofences drawn offline in SVG: no tile server, north up, with a scale bar. */
export function MapCanvas({ positions, fences, me, onPick, pick }: Props) {
  const extent: Point[] = [...positions, ...fences.flatMap(fenceExtent), ...(pick ? [pick] : [])];
  const projection = fitProjection(extent);
  const { width, height } = projection;
  const violators = new Set(positions.filter((p) => fences.some((f) => isViolating(f, p))).map((p) => p.userId));
  const scale = scaleBarMeters(projection);

  const click = (event: MouseEvent<SVGSVGElement>) => {
    if (!onPick) return;
    const box = event.currentTarget.getBoundingClientRect();
    onPick(
      projection.toPoint(
        ((event.clientX - box.left) / box.width) * width,
        ((event.clientY - box.top) / box.height) * height,
      ),
    );
  };

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: clicking picks a point; keyboard users type the same coordinates in the share panel
    <svg
      className="map"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Map of ${positions.length} member position${positions.length === 1 ? '' : 's'} and ${fences.length} geofence${fences.length === 1 ? '' : 's'}; the lists below say the same in text`}
      onClick={click}
      data-testid="map"
    >
      <defs>
        <pattern id="grid" width="50" height="50" patternUnits="userSpaceOnUse">
          <path d="M 50 0 L 0 0 0 50" fill="none" stroke="#d5dbe3" strokeWidth="1" />
        </pattern>
      </defs>
      <rect width={width} height={height} fill="#f4f6f9" />
      <rect width={width} height={height} fill="url(#grid)" />
      {fences.map((fence) => {
        const broken = positions.some((p) => isViolating(fence, p));
        const cls = `fence ${fence.kind}${broken ? ' violated' : ''}`;
        if (fence.shape.type === 'circle') {
          const c = projection.toXY(fence.shape.center);
          return (
            <g key={fence.id} className={cls} data-fence={fence.id} data-violated={broken}>
              <circle cx={c.x} cy={c.y} r={Math.max(fence.shape.radiusMeters * projection.pxPerMeter, 3)} />
              <text x={c.x} y={c.y - fence.shape.radiusMeters * projection.pxPerMeter - 6} textAnchor="middle">
                {fence.name}
              </text>
            </g>
          );
        }
        const pts = fence.shape.points.map((p) => projection.toXY(p));
        return (
          <g key={fence.id} className={cls} data-fence={fence.id} data-violated={broken}>
            <polygon points={pts.map((p) => `${p.x},${p.y}`).join(' ')} />
            <text x={pts[0]!.x} y={pts[0]!.y - 6}>
              {fence.name}
            </text>
          </g>
        );
      })}
      {pick &&
        (() => {
          const p = projection.toXY(pick);
          return (
            <path
              className="pick"
              d={`M ${p.x - 8} ${p.y} L ${p.x + 8} ${p.y} M ${p.x} ${p.y - 8} L ${p.x} ${p.y + 8}`}
            />
          );
        })()}
      {positions.map((pos) => {
        const p = projection.toXY(pos);
        const cls = `marker${pos.userId === me ? ' me' : ''}${violators.has(pos.userId) ? ' violating' : ''}`;
        return (
          <g key={pos.userId} className={cls} data-user={pos.userId} transform={`translate(${p.x} ${p.y})`}>
            {violators.has(pos.userId) && <circle r="14" className="halo" />}
            <circle r="7" />
            <text x="11" y="4">
              {pos.name}
            </text>
          </g>
        );
      })}
      <g className="scale" transform={`translate(16 ${height - 18})`}>
        <path d={`M 0 -6 L 0 0 L ${scale * projection.pxPerMeter} 0 L ${scale * projection.pxPerMeter} -6`} />
        <text x="0" y="-9">
          {scale >= 1000 ? `${scale / 1000} km` : `${scale} m`}
        </text>
      </g>
      <text x={width - 16} y="24" textAnchor="end" className="north">
        N ↑
      </text>
    </svg>
  );
}
