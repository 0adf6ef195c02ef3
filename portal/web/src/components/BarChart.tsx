export interface BarSeries {
  key: string;
  label: string;
  className: string;
}

/** A grouped bar chart in inline SVG: one group per day, one bar per series. */
export function BarChart<T extends Record<string, unknown>>({
  rows,
  labelOf,
  series,
  title,
  testId,
}: {
  rows: readonly T[];
  labelOf: (row: T) => string;
  series: readonly BarSeries[];
  title: string;
  testId: string;
}) {
  const height = 180;
  const top = 12;
  const bottom = 28;
  const left = 40;
  const groupWidth = Math.max(18, Math.min(80, Math.floor(1100 / Math.max(1, rows.length))));
  const barWidth = Math.max(3, Math.floor((groupWidth - 6) / series.length));
  const width = left + rows.length * groupWidth + 8;
  const value = (row: T, key: string) => (typeof row[key] === 'number' ? (row[key] as number) : 0);
  const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => value(r, s.key))));
  const plot = height - top - bottom;
  const y = (v: number) => top + plot - (v / max) * plot;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label={title}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={width} y1={y(t)} y2={y(t)} className="grid" />
            <text x={left - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {t}
            </text>
          </g>
        ))}
        {rows.map((row, i) => (
          <g key={i} transform={`translate(${left + i * groupWidth + 3},0)`}>
            {series.map((s, j) => {
              const v = value(row, s.key);
              return (
                <rect key={s.key} x={j * barWidth} y={y(v)} width={barWidth - 1} height={top + plot - y(v)} className={s.className}>
                  <title>{`${labelOf(row)}: ${v} ${s.label.toLowerCase()}`}</title>
                </rect>
              );
            })}
            {(rows.length <= 16 || i % Math.ceil(rows.length / 12) === 0) && (
              <text x={(groupWidth - 6) / 2} y={height - 10} textAnchor="middle" className="axis">
                {labelOf(row)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.key}>
            <i className={`swatch ${s.className}`} /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
