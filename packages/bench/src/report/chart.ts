import { SYSTEM_NAMES } from '../load/system.ts';
import type { ScenarioResult } from './results.ts';

const COLORS: Record<string, string> = {
  switchboard: '#2563eb',
  'switchboard-baseline': '#93c5fd',
  centrifugo: '#10b981',
  'socketio-redis-plain': '#8b5cf6',
  'socketio-single': '#9ca3af',
  'socketio-redis-naive': '#f59e0b',
};

interface Panel {
  title: string;
  pick: (rows: ScenarioResult[], system: string) => number | null;
}

const figure =
  (
    scenario: ScenarioResult['name'],
    field: 'rate' | 'p50Ms' | 'p99Ms' | 'rssPerConnectionKb' | 'cpuMsPer1kDeliveries',
  ) =>
  (rows: ScenarioResult[], system: string) =>
    rows.find((r) => r.name === scenario && r.system === system)?.[field] ?? null;

const PANELS: Panel[] = [
  { title: '500-fan-out p50 ms (lower)', pick: figure('fanout-500', 'p50Ms') },
  { title: '500-fan-out p99 ms (lower)', pick: figure('fanout-500', 'p99Ms') },
  { title: 'CPU ms / 1k deliveries (lower)', pick: figure('fanout-500', 'cpuMsPer1kDeliveries') },
  { title: 'burst p50 ms (lower)', pick: figure('fanout-burst', 'p50Ms') },
  { title: 'connects/s (higher better)', pick: figure('connect', 'rate') },
  { title: 'idle RSS/conn KiB (lower)', pick: figure('idle-10k', 'rssPerConnectionKb') },
];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A hand-written SVG: one small bar panel per figure, one bar per system. */
export function renderChart(rows: ScenarioResult[], caption: string): string {
  const panelW = 210;
  const panelH = 180;
  const top = 50;
  const width = panelW * PANELS.length + 20;
  const height = top + panelH + 70;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(caption)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(caption)}</text>`,
  ];
  PANELS.forEach((panel, p) => {
    const x0 = 10 + p * panelW;
    const values = SYSTEM_NAMES.map((s) => panel.pick(rows, s));
    const max = Math.max(...values.map((v) => (v === null || Number.isNaN(v) ? 0 : Math.max(v, 0))), 1e-9);
    parts.push(`<text x="${x0 + 5}" y="${top - 8}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    parts.push(
      `<line x1="${x0 + 5}" y1="${top + panelH}" x2="${x0 + panelW - 15}" y2="${top + panelH}" stroke="#374151"/>`,
    );
    const barW = (panelW - 40) / SYSTEM_NAMES.length;
    SYSTEM_NAMES.forEach((system, i) => {
      const value = values[i];
      const bx = x0 + 12 + i * barW;
      if (value === null || value === undefined || Number.isNaN(value)) {
        parts.push(
          `<text x="${bx + barW / 2 - 4}" y="${top + panelH - 4}" text-anchor="middle" fill="#6b7280">n/a</text>`,
        );
        return;
      }
      const h = Math.round(Math.max(1, (Math.max(value, 0) / max) * (panelH - 20)) * 10) / 10;
      parts.push(
        `<rect x="${bx}" y="${top + panelH - h}" width="${barW - 8}" height="${h}" fill="${COLORS[system]}"/>`,
      );
      parts.push(
        `<text x="${bx + (barW - 8) / 2}" y="${top + panelH - h - 4}" text-anchor="middle">${escapeXml(String(value))}</text>`,
      );
    });
  });
  SYSTEM_NAMES.forEach((system, i) => {
    const lx = 10 + i * 205;
    parts.push(`<rect x="${lx}" y="${top + panelH + 20}" width="12" height="12" fill="${COLORS[system]}"/>`);
    parts.push(`<text x="${lx + 18}" y="${top + panelH + 30}">${system}</text>`);
  });
  parts.push(
    `<text x="10" y="${top + panelH + 55}" fill="#6b7280">Load generator and all servers share the same 2 cores: compare ratios, not absolute values.</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
