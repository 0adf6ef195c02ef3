import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { isObject } from './json';
import { messagesOf } from './messages';

/** Consumers build and test against message examples as partners do against operation examples. */
export const asyncapiMessageExamples: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  for (const { name, message, at } of messagesOf(doc)) {
    const examples = message.examples;
    if (!Array.isArray(examples) || examples.length === 0) {
      results.push({ message: `Message ${name} has no examples.`, path: at });
      continue;
    }
    examples.forEach((example: unknown, i) => {
      if (!isObject(example) || (example.payload === undefined && example.headers === undefined)) {
        results.push({ message: `Example ${i} of message ${name} has neither a payload nor headers.`, path: [...at, 'examples', i] });
      }
    });
  }
  return results;
};
