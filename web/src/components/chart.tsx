/** Findings per day as bars (uPlot, bundled), with the numbers also in a table for screen readers. */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';

export function DailyChart({ days, label }: { days: { date: number; total: number }[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  // colours come from the theme's CSS variables: draw again when the system theme changes
  const [scheme, setScheme] = useState(0);
  useEffect(() => {
    const m = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setScheme((n) => n + 1);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  useEffect(() => {
    const node = el.current;
    if (!node || !days.length) return;
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--fg-muted').trim() || '#666';
    const bar = css.getPropertyValue('--accent').trim() || '#2563eb';
    const grid = css.getPropertyValue('--border').trim() || '#ccc';
    const width = Math.max(300, node.clientWidth);
    const plot = new uPlot({
      width, height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: (_u, min, max) => [min - 43200, max + 43200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60 },
      ],
      series: [{}, { label, stroke: bar, fill: bar, width: 1, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }],
    }, [days.map((d) => d.date), days.map((d) => d.total)], node);
    const onResize = () => plot.setSize({ width: Math.max(300, node.clientWidth), height: 220 });
    window.addEventListener('resize', onResize);
    return () => { window.removeEventListener('resize', onResize); plot.destroy(); };
  }, [days, label, scheme]);
  return (
    <figure className="chart">
      <div ref={el} aria-hidden="true" />
      <figcaption className="sr-only">
        <table><caption>{label}</caption><tbody>{days.map((d) => <tr key={d.date}><th>{new Date(d.date * 1000).toISOString().slice(0, 10)}</th><td>{d.total}</td></tr>)}</tbody></table>
      </figcaption>
    </figure>
  );
}
