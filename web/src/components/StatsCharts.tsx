// Throughput (received, delivered) and outcomes (delivered, deferred,
// bounced, expired, complaints) from `stats` in hour buckets over the last
// hour, day or week, for the whole relay or one sender; refreshed every 30 s.
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql/index.ts';
import type { StatsScope } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { Chart, type ChartSeries } from './Chart.tsx';
import { ErrorNote, ProblemNote } from './Notice.tsx';
import { useInterval } from './useInterval.ts';

const StatsSeriesDocument = graphql(`
  query StatsSeries($scope: StatsScope!, $key: String, $hours: Int!) {
    stats(scope: $scope, key: $key, bucket: HOUR, hours: $hours) {
      since
      points {
        at
        received
        delivered
        deferred
        bounced
        expired
        complaints
      }
      problem {
        code
        message
      }
    }
  }
`);

export const COLORS = {
  received: '#1d4ed8',
  delivered: '#15803d',
  deferred: '#b45309',
  bounced: '#b91c1c',
  expired: '#4b5563',
  complaints: '#7e22ce',
} as const;

const RANGES: { id: 'hour' | 'day' | 'week'; hours: number; label: MessageKey }[] = [
  { id: 'hour', hours: 1, label: 'chart.lastHour' },
  { id: 'day', hours: 24, label: 'chart.lastDay' },
  { id: 'week', hours: 168, label: 'chart.lastWeek' },
];

export const REFRESH_MS = 30_000;

export function StatsCharts({ scope, statsKey, testId }: { scope: StatsScope; statsKey?: string; testId: string }) {
  const { t } = useI18n();
  const [hours, setHours] = useState(24);
  const [result, reexecute] = useQuery({ query: StatsSeriesDocument, variables: { scope, key: statsKey ?? null, hours } });
  useInterval(() => reexecute({ requestPolicy: 'network-only' }), REFRESH_MS);
  const series = result.data?.stats;

  const charts = useMemo(() => {
    if (!series || series.problem) return null;
    const points = series.points;
    const times = points.map((p) => Date.parse(p.at) / 1000);
    const since = Date.parse(series.since) / 1000;
    const line = (key: keyof typeof COLORS, label: MessageKey): ChartSeries => ({
      label: t(label),
      color: COLORS[key],
      values: points.map((p) => p[key] ?? 0),
    });
    return {
      times,
      xRange: [since, since + hours * 3600] as [number, number],
      throughput: [line('received', 'counter.received'), line('delivered', 'counter.delivered')],
      outcomes: [
        line('delivered', 'counter.delivered'),
        line('deferred', 'counter.deferred'),
        line('bounced', 'counter.bounced'),
        line('expired', 'counter.expired'),
        ...(scope === 'DOMAIN' ? [] : [line('complaints', 'counter.complaints')]),
      ],
    };
  }, [series, hours, t, scope]);

  return (
    <section className="card" aria-labelledby={`${testId}-title`} data-testid={testId}>
      <div className="card-head">
        <h2 id={`${testId}-title`}>{statsKey ? t('chart.titleFor', { key: statsKey }) : t('chart.title')}</h2>
        <div className="segmented" role="group" aria-label={t('chart.range')}>
          {RANGES.map((range) => (
            <button
              key={range.id}
              type="button"
              aria-pressed={hours === range.hours}
              onClick={() => setHours(range.hours)}
              data-testid={`range-${range.id}`}
            >
              {t(range.label)}
            </button>
          ))}
        </div>
      </div>
      <ErrorNote error={result.error} />
      <ProblemNote problem={series?.problem} />
      {charts ? (
        <div className="charts">
          <Chart title={t('chart.throughput')} times={charts.times} series={charts.throughput} xRange={charts.xRange} testId={`${testId}-throughput`} />
          <Chart title={t('chart.outcomes')} times={charts.times} series={charts.outcomes} xRange={charts.xRange} testId={`${testId}-outcomes`} />
        </div>
      ) : result.fetching ? (
        <p className="muted">{t('common.loading')}</p>
      ) : null}
    </section>
  );
}
