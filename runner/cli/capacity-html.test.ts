// `stampede capacity` as a user runs it (the real CLI in a child process) writes capacity.html
// beside capacity.json: a short VU sweep against a 4-slot test server (4 × 20 ms = 200/s).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, embeddedEnvelopeSchema } from '../../dashboard/model/embedded.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';
import { startSlotTarget, type SlotTarget } from '../capacity/fixtures/slot-target.ts';
import { PROJECT_ROOT, scratchDir, scenarioSource } from '../testing/fixtures.ts';

const scratch = scratchDir('capacity-html');
const file = scratch.write('s.ts', scenarioSource({ vus: 1, iterations: 1 }));
let target: SlotTarget;
beforeAll(async () => {
  target = await startSlotTarget(4, 20);
});
afterAll(async () => {
  await target?.stop();
  scratch.remove();
});

describe('stampede capacity writes capacity.html', () => {
  it('beside capacity.json, embedding the same document', async () => {
    const out = path.join(scratch.dir, 'out');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'capacity', file, '--sweep', 'vus=1,2,4', '--warmup', '1s', '--window', '1s', '--cooldown', '100ms', '--target', target.url, '--metrics', 'none', '--out', out],
        { cwd: PROJECT_ROOT, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(stderr).not.toMatch(/could not be written/);
    expect(code).toBe(0);
    expect(stdout).toContain(`capacity.html: ${path.join(out, 'capacity.html')}`);
    const doc = capacityDocumentSchema.parse(JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')));
    // 3 VU counts, 2 windows each (the fit needs 6 points)
    expect(doc.sweep!.points.map((p) => p.n)).toEqual([1, 1, 2, 2, 4, 4]);
    const html = readFileSync(path.join(out, 'capacity.html'), 'utf8');
    const m = /<script type="application\/json" id="stampede-data">([^<]*)<\/script>/.exec(html)!;
    const env = embeddedEnvelopeSchema.parse(JSON.parse(m[1]!));
    expect(env.kind).toBe('capacity');
    expect(await decodeEnvelope(env)).toEqual(doc);
  }, 150_000);
});
