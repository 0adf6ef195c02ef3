import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { entries, isObject } from './json';
import { isErrorStatus, operationsOf } from './operations';

export interface ProblemJsonOptions {
  /**
   * Paths of OAuth 2.0 token endpoints. RFC 6749 §5.2 prescribes `application/json` errors there (`error`,
   * `error_description`), which OAuth clients parse; their 4xx other than 429 may use it instead of problem+json.
   */
  oauthTokenPaths: string[];
}

const PROBLEM_JSON = 'application/problem+json';
const mediaType = (key: string) => key.split(';')[0]?.trim().toLowerCase() ?? '';

/** Every 4xx/5xx response answers `application/problem+json` (RFC 9457), and nothing else. */
export const problemJsonErrors: RulesetFunction<unknown, ProblemJsonOptions> = (doc, options) => {
  const results: IFunctionResult[] = [];
  for (const o of operationsOf(doc)) {
    const oauthToken = o.method === 'post' && options.oauthTokenPaths.includes(o.path);
    for (const [status, response] of entries(o.op.responses)) {
      if (!isErrorStatus(status) || !isObject(response)) continue;
      const at = [...o.at, 'responses', status];
      const allowed = new Set([PROBLEM_JSON]);
      if (oauthToken && status !== '429') allowed.add('application/json');
      const content = entries(response.content);
      if (content.length === 0) {
        results.push({ message: `Error response ${status} declares no content; errors are ${PROBLEM_JSON} (RFC 9457).`, path: at });
      }
      for (const [media] of content) {
        if (!allowed.has(mediaType(media))) {
          results.push({ message: `Error response ${status} answers ${media}; errors are ${PROBLEM_JSON} (RFC 9457) only.`, path: [...at, 'content', media] });
        }
      }
    }
  }
  return results;
};
