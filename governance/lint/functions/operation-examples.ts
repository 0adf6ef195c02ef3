import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { entries, isObject } from './json';
import { isSuccessStatus, operationsOf } from './operations';

const hasExample = (media: unknown): boolean =>
  isObject(media) && (media.example !== undefined || (isObject(media.examples) && Object.keys(media.examples).length > 0));

/**
 * The portal renders these examples and the sandbox is documented through them (examples.test.ts checks each
 * against its schema and the demo data), so every request body and every success response content carries one.
 */
export const operationExamples: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  for (const o of operationsOf(doc)) {
    const body = o.op.requestBody;
    if (isObject(body)) {
      for (const [media, value] of entries(body.content)) {
        if (!hasExample(value)) {
          results.push({ message: `Request body (${media}) has no example.`, path: [...o.at, 'requestBody', 'content', media] });
        }
      }
    }
    for (const [status, response] of entries(o.op.responses)) {
      if (!isSuccessStatus(status) || !isObject(response)) continue;
      for (const [media, value] of entries(response.content)) {
        if (!hasExample(value)) {
          results.push({ message: `Success response ${status} (${media}) has no example.`, path: [...o.at, 'responses', status, 'content', media] });
        }
      }
    }
  }
  return results;
};
