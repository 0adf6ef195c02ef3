/**
 * `${VAR}` and `${VAR:-default}` in the catalogue's string values, from the environment, so URLs and secrets
 * stay out of the committed file. `$${` is a literal `${`. An unset (or empty) variable without a default is an
 * error naming it; the caller adds the file and line.
 */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

export function interpolate(text: string, env: NodeJS.ProcessEnv): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    const value = env[name!];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new InterpolationError(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
  });
}

/** Whether a value is one reference and nothing else, so its result may be read as a number or boolean. */
export const isWholeReference = (text: string): boolean => /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text);
