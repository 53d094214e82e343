/**
 * Small server-rendered SVG charts for the admin page: no script, no library.
 * Every text is escaped; numbers are rounded so the markup stays small.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
const r1 = (n: number) => Math.round(n * 10) / 10;

export interface Series {
  name: string;
  color: string;
  points: readonly { x: number; y: number }[];
}

export interface LineChartOptions {
  title: string;
  width?: number;
  height?: number;
  /** Text under the x axis at its two ends. */
  xFrom: string;
  xTo: string;
  /** The y values' unit, after the axis maximum. */
  yUnit: string;
  /** x range; points outside are clipped. */
  xMin: number;
  xMax: number;
}

/**
 * A line chart with a y axis from 0 to the largest value, a legend, and a
 * <title> for screen readers.
 *
 * @example lineChart([{ name: "p50", color: "#2481cc", points: [{ x: 0, y: 1.5 }] }], { title: "e2e", xFrom: "-24 h", xTo: "now", yUnit: "s", xMin: 0, xMax: 23 })
 */
export function lineChart(series: readonly Series[], o: LineChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const pad = { left: 48, right: 12, top: 24, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const yMax = Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const x = (v: number) => pad.left + ((v - o.xMin) / Math.max(1, o.xMax - o.xMin)) * plotW;
  const y = (v: number) => pad.top + plotH - (v / yMax) * plotH;
  const lines = series.map((s) => {
    const pts = s.points.filter((p) => p.x >= o.xMin && p.x <= o.xMax);
    if (!pts.length) return "";
    const d = pts.map((p) => `${r1(x(p.x))},${r1(y(p.y))}`).join(" ");
    const dots = pts.length === 1 ? `<circle cx="${r1(x(pts[0]?.x ?? 0))}" cy="${r1(y(pts[0]?.y ?? 0))}" r="3" fill="${esc(s.color)}"/>` : "";
    return `<polyline fill="none" stroke="${esc(s.color)}" stroke-width="2" points="${d}"/>${dots}`;
  });
  const legend = series
    .map((s, i) => `<text x="${pad.left + 8 + i * 90}" y="16" font-size="12" fill="${esc(s.color)}">■ ${esc(s.name)}</text>`)
    .join("");
  const empty = series.every((s) => s.points.length === 0) ? `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="13" fill="#777">no data</text>` : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(o.title)}">`,
    `<title>${esc(o.title)}</title>`,
    `<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" stroke="#999"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" stroke="#999"/>`,
    `<text x="${pad.left - 4}" y="${pad.top + 4}" text-anchor="end" font-size="11">${esc(`${r1(yMax)} ${o.yUnit}`)}</text>`,
    `<text x="${pad.left - 4}" y="${pad.top + plotH}" text-anchor="end" font-size="11">0</text>`,
    `<text x="${pad.left}" y="${height - 8}" font-size="11">${esc(o.xFrom)}</text>`,
    `<text x="${pad.left + plotW}" y="${height - 8}" text-anchor="end" font-size="11">${esc(o.xTo)}</text>`,
    legend,
    ...lines,
    empty,
    "</svg>",
  ].join("");
}
