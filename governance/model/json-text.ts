/** Text that is JSON rather than YAML, judged by its first character (YAML flow style is rare in contracts). */
export const looksLikeJson = (text: string): boolean => /^\s*[{[]/.test(text);

/** The parsed value when `text` is JSON; undefined when it is not (it is then read as YAML). */
export function parseJson(text: string): unknown {
  if (!looksLikeJson(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
