// The parts every page header shares (run, comparison, capacity): notes, headline numbers and
// the facts list.

export interface StatItem {
  id: string;
  value: string;
  label: string;
  tone?: string | undefined;
}

export interface FactItem {
  label: string;
  value: string;
}

/** A warnings list, or nothing when there are none. */
export function Notes({ items, testId }: { items: readonly string[]; testId: string }) {
  if (items.length === 0) return null;
  return <ul className="warnings" data-testid={testId}>{items.map((n, i) => <li key={i}>{n}</li>)}</ul>;
}

export function Stats({ stats }: { stats: readonly StatItem[] }) {
  return (
    <div className="stats">
      {stats.map((st) => (
        <div key={st.id} className={`stat ${st.tone ?? ''}`} data-stat={st.id}>
          <div className="stat-value">{st.value}</div>
          <div className="stat-label">{st.label}</div>
        </div>
      ))}
    </div>
  );
}

export function Facts({ facts }: { facts: readonly FactItem[] }) {
  return (
    <dl className="facts">
      {facts.map((f, i) => (
        <div key={i}><dt>{f.label}</dt><dd>{f.value}</dd></div>
      ))}
    </dl>
  );
}
