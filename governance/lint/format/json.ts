import { summarize } from '../finding';
import type { Formatter } from './types';

/** `{ findings, summary: { errors, warnings, infos } }`, the shape `--json` prints. */
export const json: Formatter = (findings) => `${JSON.stringify({ findings, summary: summarize(findings) }, null, 2)}\n`;
