// The dashboard's capacity studies: the list under the runs (every capacity.json under
// reports/out/, newest first) and a study opened in the same CapacityPage its capacity.html shows.
import { useEffect, useState } from 'react';
import type { CapacityDocument } from '../../runner/result/capacity-schema.ts';
import { parseCapacityDocument } from '../model/capacity.ts';
import type { CapacityEntry } from '../server/capacity-runs.ts';
import { formatRate } from '../view/format.ts';
import { CapacityPage } from './CapacityPage.tsx';

export const capacityHash = (id: string) => `#/capacity/${encodeURIComponent(id)}`;

/** `#/capacity/<id>` → the id; null for any other hash. */
export function capacityIdOfHash(hash: string): string | null {
  const m = /^#\/capacity\/(.+)$/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

export function CapacityList({ version }: { version: number }) {
  const [studies, setStudies] = useState<CapacityEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/capacity')
      .then((r) => (r.ok ? (r.json() as Promise<CapacityEntry[]>) : Promise.reject(new Error(`/api/capacity: HTTP ${r.status}`))))
      .then(setStudies, (e: unknown) => setError(String(e)));
  }, [version]);
  return (
    <section id="capacity-studies">
      <h2>Capacity studies in reports/out/</h2>
      {error ? <p className="load-error">{error}</p> : studies === null ? <p className="explain">Loading…</p> : studies.length === 0 ? (
        <p className="explain">None yet. Run <code>stampede capacity &lt;scenario&gt; --slo &apos;p(99)&lt;200&apos;</code>.</p>
      ) : (
        <table className="data" data-table="capacity">
          <thead><tr><th className="left">started (UTC)</th><th className="left">scenario</th><th className="left">SLO</th><th>MST (iterations/s)</th><th className="left">status</th><th>probes</th><th>instances</th><th className="left">sweep</th><th className="left">files</th></tr></thead>
          <tbody>
            {studies.map((s, i) => (
              <tr key={s.id} data-row={i}>
                <td className="left">{s.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
                <td className="left name"><a href={capacityHash(s.id)} data-capacity-id={s.id}>{s.scenarioName}</a></td>
                <td className="left mono">{s.slo}</td>
                <td data-cell="mst">{s.status === null ? '' : formatRate(s.mst)}</td>
                <td className="left">{s.status === null ? 'sweep only' : <span className={s.status === 'converged' ? 'badge ok' : 'badge'}>{s.status}</span>}</td>
                <td>{s.probes}</td>
                <td>{s.instances ?? ''}</td>
                <td className="left">{s.sweep ? `${s.sweep}${s.peakConcurrency !== null ? `, N* ≈ ${+s.peakConcurrency.toFixed(2)}` : ''}` : ''}</td>
                <td className="left">{s.hasHtml ? <a href={`/api/capacity/${encodeURIComponent(s.id)}/capacity.html`}>capacity.html</a> : ''} <a href={`/api/capacity/${encodeURIComponent(s.id)}/capacity.json`}>capacity.json</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function SavedCapacity({ id }: { id: string }) {
  const [state, setState] = useState<{ doc: CapacityDocument } | { error: string } | null>(null);
  useEffect(() => {
    setState(null);
    fetch(`/api/capacity/${encodeURIComponent(id)}/capacity.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((doc: unknown) => setState({ doc: parseCapacityDocument(doc, `${id}/capacity.json`) }), (e: unknown) => setState({ error: e instanceof Error ? e.message : String(e) }));
  }, [id]);
  if (!state) return <p className="page explain">Loading {id}…</p>;
  if ('error' in state) return <pre className="load-error">{state.error}</pre>;
  return <CapacityPage doc={state.doc} />;
}
