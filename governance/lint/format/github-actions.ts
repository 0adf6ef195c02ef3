import type { Level } from '../../types';
import type { Formatter } from './types';

const COMMAND: Record<Level, string> = { error: 'error', warning: 'warning', info: 'notice' };

// As @actions/core escapes workflow commands: data loses %, CR and LF; property values also `:` and `,`.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: each finding becomes an annotation on the file and line of the pull request. */
export const githubActions: Formatter = (findings) =>
  findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(f.location.file)}`,
        ...(f.location.line !== undefined ? [`line=${f.location.line}`] : []),
        ...(f.location.column !== undefined ? [`col=${f.location.column}`] : []),
        `title=${escapeProperty(f.ruleId)}`,
      ];
      return `::${COMMAND[f.level]} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
