export interface Series {
  label: string;
  color: string;
  values: number[];
}

interface Props {
  title: string;
  series: Series[];
  /** Seconds between points, for the axis caption. */
  stepSec: number;
  unit: string;
}

const W = 560;
const H = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 24 };

/** A small SVG line chart of the latest samples, with the current values in text beside it. */
export function LineChart({ title, series, stepSec, unit }: Props) {
  const points = Math.max(2, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const top = niceCeil(max);
  const x = (i: number) => PAD.left + (i / (points - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const summary = series.map((s) => `${s.label}: ${format(s.values.at(-1) ?? 0)} ${unit}`).join('; ');

  return (
    <figure className="chart">
      <figcaption>
        <strong>{title}</strong>{' '}
        <span className="muted small">last {Math.round((((points - 1) * stepSec) / 60) * 10) / 10} min</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. Now: ${summary}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} className="gridline" />
            <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" className="axis">
              {format(top * f)}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={s.color}
            strokeWidth="2"
            points={s.values.map((v, i) => `${x(i + points - s.values.length)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.label}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}: <strong data-series={s.label}>{format(s.values.at(-1) ?? 0)}</strong> {unit}
          </li>
        ))}
      </ul>
    </figure>
  );
}

function niceCeil(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((f) => f * power).find((c) => c >= v) ?? 10 * power;
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
