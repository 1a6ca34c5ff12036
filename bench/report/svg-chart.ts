/**
 * A dependency-free SVG chart: horizontal bars with a label on the left and the value at the end
 * of each bar, one or more series per row, an optional budget line, linear or log scale. Text is
 * dark on a white card so it reads on GitHub's light and dark themes alike.
 *
 * @example
 * barChart({
 *   title: 'Cold init, median ms',
 *   series: [{ name: 'median', color: '#4e79a7' }],
 *   rows: [{ label: 'tickets', values: [132] }, { label: 'floor', values: [120], colors: ['#9c9c9c'] }],
 *   format: (v) => `${v.toFixed(0)} ms`,
 * });
 */

interface Series {
  readonly name: string;
  readonly color: string;
}

interface Row {
  readonly label: string;
  /** One per series; null leaves the slot empty. */
  readonly values: ReadonlyArray<number | null>;
  /** Per-value colour, overriding the series colour (baselines in grey). */
  readonly colors?: ReadonlyArray<string | undefined>;
}

interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly series: readonly Series[];
  readonly rows: readonly Row[];
  readonly format: (value: number) => string;
  readonly scale?: 'linear' | 'log';
  /** A vertical dashed line, for a budget. */
  readonly marker?: { readonly value: number; readonly label: string };
  readonly width?: number;
}

const COLORS = {
  ours: '#4e79a7',
  before: '#a0cbe8',
  baseline: '#9c9c9c',
  peer: '#f28e2b',
  second: '#59a14f',
  fail: '#e15759',
} as const;

const FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const BAR = 16;
const BAR_GAP = 3;
const ROW_GAP = 12;
const CHAR = 6.6;

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const niceStep = (max: number) => {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
};

/** Renders the chart as a standalone SVG document. */
const barChart = (spec: ChartSpec): string => {
  const width = spec.width ?? 760;
  const values = spec.rows
    .flatMap((row) => row.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const log = spec.scale === 'log';
  const positives = values.filter((v) => v > 0);
  const maxValue = Math.max(...values, spec.marker?.value ?? 0, log ? 1 : 0);
  const labelWidth = Math.min(
    width * 0.45,
    Math.max(90, ...spec.rows.map((row) => row.label.length * CHAR + 12)),
  );
  const maxChars = Math.floor((labelWidth - 12) / CHAR);
  const fitLabel = (label: string) => (label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label);
  const valueRoom = Math.max(70, ...values.map((v) => spec.format(v).length * CHAR + 10));
  const left = labelWidth + 8;
  const plot = width - left - valueRoom - 12;
  // A decade below the smallest value, so that the smallest bar still shows.
  const logMin = log ? 10 ** Math.floor(Math.log10(Math.min(...positives, 1)) - 1e-9) : 0;
  const logMax = log ? 10 ** Math.ceil(Math.log10(maxValue)) : 0;
  const step = log ? 0 : niceStep(maxValue || 1);
  const top = log ? logMax : Math.ceil((maxValue || 1) / step) * step;
  const x = (v: number) =>
    log
      ? left + (plot * Math.log10(Math.max(v, logMin) / logMin)) / Math.log10(logMax / logMin)
      : left + (plot * v) / top;

  const legend = spec.series.length > 1;
  let y = 28 + (spec.subtitle ? 18 : 0) + (legend ? 24 : 0) + 8;
  const plotTop = y;
  const parts: string[] = [];
  for (const row of spec.rows) {
    const groupHeight = row.values.length * BAR + (row.values.length - 1) * BAR_GAP;
    parts.push(
      `<text x="${labelWidth}" y="${y + groupHeight / 2 + 4}" text-anchor="end" font-size="12" fill="#24292f">${escapeXml(fitLabel(row.label))}</text>`,
    );
    row.values.forEach((value, i) => {
      const barY = y + i * (BAR + BAR_GAP);
      if (value === null || !Number.isFinite(value)) return;
      const color = row.colors?.[i] ?? spec.series[i]?.color ?? COLORS.ours;
      const end = x(value);
      parts.push(
        `<rect x="${left}" y="${barY}" width="${Math.max(1, end - left).toFixed(1)}" height="${BAR}" rx="2" fill="${color}"><title>${escapeXml(`${row.label}: ${spec.format(value)}`)}</title></rect>`,
        `<text x="${(end + 5).toFixed(1)}" y="${barY + BAR - 4}" font-size="11" fill="#24292f">${escapeXml(spec.format(value))}</text>`,
      );
    });
    y += groupHeight + ROW_GAP;
  }
  const plotBottom = y - ROW_GAP + 4;

  const grid: string[] = [];
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(logMax / logMin)) + 1 }, (_, i) => logMin * 10 ** i)
    : Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  for (const tick of ticks) {
    const tx = x(tick);
    grid.push(
      `<line x1="${tx.toFixed(1)}" y1="${plotTop - 4}" x2="${tx.toFixed(1)}" y2="${plotBottom}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${tx.toFixed(1)}" y="${plotBottom + 14}" text-anchor="middle" font-size="10" fill="#57606a">${escapeXml(spec.format(tick))}</text>`,
    );
  }
  if (spec.marker) {
    const mx = x(spec.marker.value);
    grid.push(
      `<line x1="${mx.toFixed(1)}" y1="${plotTop - 6}" x2="${mx.toFixed(1)}" y2="${plotBottom}" stroke="${COLORS.fail}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      `<text x="${(mx - 4).toFixed(1)}" y="${plotTop - 9}" text-anchor="end" font-size="10" fill="${COLORS.fail}">${escapeXml(spec.marker.label)}</text>`,
    );
  }
  const legendParts = legend
    ? spec.series.map((series, i) => {
        const lx = left + i * 170;
        const ly = 28 + (spec.subtitle ? 18 : 0) + 6;
        return `<rect x="${lx}" y="${ly}" width="12" height="12" rx="2" fill="${series.color}"/><text x="${lx + 17}" y="${ly + 10}" font-size="11" fill="#24292f">${escapeXml(series.name)}</text>`;
      })
    : [];
  const height = plotBottom + 26;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" rx="6" fill="#ffffff" stroke="#d0d7de"/>`,
    `<text x="12" y="22" font-size="14" font-weight="600" fill="#24292f">${escapeXml(spec.title)}</text>`,
    spec.subtitle
      ? `<text x="12" y="40" font-size="11" fill="#57606a">${escapeXml(spec.subtitle)}</text>`
      : '',
    ...legendParts,
    ...grid,
    ...parts,
    '</svg>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
};

export type { ChartSpec, Row, Series };
export { barChart, COLORS };
