// Reads `n,throughput` rows (the input of `stampede usl`). Tolerated: one header row before the
// first data row, blank lines, `#` comments (whole-line or trailing), spaces around values,
// CRLF line ends. Anything else is refused with the file name and line number.
import { StampedeError } from '../errors.ts';
import type { UslPoint } from './usl.ts';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parsePointsCsv(text: string, file: string): UslPoint[] {
  const points: UslPoint[] = [];
  let headerAllowed = true;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const lineNo = index + 1;
    const fields = line.split(',').map((f) => f.trim());
    const numeric = fields.length === 2 && fields.every((f) => NUMBER.test(f));
    if (!numeric) {
      // A header is the first non-blank, non-comment row, two fields, neither a number.
      const looksLikeHeader = headerAllowed && fields.length === 2 && fields.every((f) => f !== '' && !NUMBER.test(f));
      headerAllowed = false;
      if (looksLikeHeader) return;
      throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${lineNo}: expected a row "n,throughput" (two numbers), got ${JSON.stringify(raw.trim())}`);
    }
    headerAllowed = false;
    points.push({ n: Number(fields[0]), x: Number(fields[1]) });
  });
  return points;
}
