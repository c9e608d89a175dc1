// One uPlot time-series chart that follows its container's width. uPlot is
// rebuilt when the series (labels, colours) change, and only fed new data
// otherwise. The container carries a text summary for screen readers.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/index.tsx';

export interface ChartSeries {
  label: string;
  color: string;
  values: number[];
}

interface ChartProps {
  title: string;
  /** Unix seconds, oldest first. */
  times: number[];
  series: ChartSeries[];
  /** The x window in Unix seconds, so a one-bucket series still shows its place in time. */
  xRange: [number, number];
  testId: string;
  height?: number;
}

export function Chart({ title, times, series, xRange, testId, height = 220 }: ChartProps) {
  const { lang, t, fmt } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const range = useRef(xRange);
  range.current = xRange;
  const shape = JSON.stringify([lang, series.map((s) => [s.label, s.color])]);
  const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const isLong = xRange[1] - xRange[0] > 36 * 3600;
    const tick = new Intl.DateTimeFormat(lang, isLong ? { day: 'numeric', month: 'short' } : { hour: '2-digit', minute: '2-digit' });
    const full = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      series: [
        { label: t('chart.time'), value: (_u, v) => (v == null ? '—' : full.format(new Date(v * 1000))) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 5, fill: s.color } })),
      ],
      scales: { x: { time: true, range: () => range.current }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { values: (_u, splits) => splits.map((v) => tick.format(new Date(v * 1000))), space: isLong ? 60 : 70 },
        { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? fmt.number(v) : '')), size: 50 },
      ],
      legend: { live: true },
    };
    const instance = new uPlot(options, latest.current, element);
    plot.current = instance;
    const resize = new ResizeObserver(() => instance.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.destroy();
      plot.current = null;
    };
    // Rebuilt for a new shape (series, language, window length); data alone goes through setData below.
  }, [shape, height, xRange[1] - xRange[0] > 36 * 3600]);

  useEffect(() => {
    plot.current?.setData(latest.current);
  }, [times, series]);

  const summary = series.map((s) => `${s.label} ${fmt.number(s.values.reduce((a, b) => a + b, 0))}`).join(', ');
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} className="chart-plot" />
    </figure>
  );
}
