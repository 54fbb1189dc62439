// The top of a run page: scenario, verdict, the saturated-generator banner, warnings, headline numbers.
import type { RunView } from '../view/run.ts';
import { Facts, Notes, Stats } from './Headline.tsx';

export function Header({ view, live }: { view: RunView; live?: 'running' | 'ended' | undefined }) {
  const s = view.summary;
  return (
    <header>
      <div className="title-row">
        <h1><span className="kind">run</span> {s.title}</h1>
        {live ? <span className={live === 'running' ? 'badge live' : 'badge'} data-testid="live-status">{live === 'running' ? `live · ${view.rates.points.length} s` : 'finished'}</span> : null}
        {s.verdict ? <span className={s.verdict.state === 'interrupted' ? 'badge warn' : s.verdict.ok ? 'badge ok' : 'badge bad'} data-testid="verdict" data-state={s.verdict.state}>{s.verdict.text}</span> : live === 'running' ? null : <span className="badge" data-testid="verdict">no thresholds</span>}
      </div>
      {view.banner ? (
        <div className="banner" role="alert" data-testid="generator-banner">
          <strong>{view.banner.title}.</strong> {view.banner.body}
          <ul>{view.banner.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </div>
      ) : null}
      {s.allFailed ? <div className="banner" role="alert" data-testid="all-failed">{s.allFailed}</div> : null}
      {s.partial && live !== 'running' ? <div className="banner partial" role="alert" data-testid="partial">{s.partial}</div> : null}
      <Notes items={view.warnings} testId="warnings" />
      <Stats stats={s.stats} />
      <Facts facts={s.facts} />
    </header>
  );
}
