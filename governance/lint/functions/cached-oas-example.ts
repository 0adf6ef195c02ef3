import { createRulesetFunction } from '@stoplight/spectral-core';
import type { IFunctionResult, RulesetFunctionWithValidator } from '@stoplight/spectral-core';
import { oasSchema } from '@stoplight/spectral-rulesets/dist/oas/functions';
import { isObject } from './json';

type Target = Record<string, unknown>;
interface Options {
  schemaField: string;
  oasVersion: 3;
  type: 'media' | 'schema';
}

const REQUEST_MEDIA = [
  ['components', 'requestBodies'],
  ['paths', '*', '*', 'requestBody'],
];
const RESPONSE_MEDIA = [
  ['components', 'responses'],
  ['paths', '*', '*', 'responses'],
];
const under = (path: ReadonlyArray<string | number>, prefixes: string[][]) => prefixes.some((p) => p.every((seg, i) => seg === '*' || seg === path[i]));

/** A request example need not carry readOnly properties, nor a response example writeOnly ones. */
function relaxRequired(node: unknown, readOnly: boolean, writeOnly: boolean): void {
  if (Array.isArray(node)) {
    node.forEach((n) => relaxRequired(n, readOnly, writeOnly));
    return;
  }
  if (!isObject(node)) return;
  if (isObject(node.properties) && Array.isArray(node.required)) {
    const props = node.properties;
    node.required = node.required.filter((name) => {
      const p = props[String(name)];
      return !(isObject(p) && ((readOnly && p.readOnly === true) || (writeOnly && p.writeOnly === true)));
    });
    if ((node.required as unknown[]).length === 0) delete node.required;
  }
  for (const [key, child] of Object.entries(node)) if (key !== 'not' && key !== 'example' && key !== 'examples') relaxRequired(child, readOnly, writeOnly);
}

function* examplesOf(target: Target, opts: Options, path: ReadonlyArray<string | number>): Generator<{ value: unknown; path: Array<string | number> }> {
  if (opts.type === 'schema') {
    for (const field of ['example', 'default']) if (field in target) yield { value: target[field], path: [...path, field] };
    return;
  }
  if ('example' in target) {
    yield { value: target.example, path: [...path, 'example'] };
    return;
  }
  if (!isObject(target.examples)) return;
  for (const [key, example] of Object.entries(target.examples)) {
    if (!isObject(example) || 'externalValue' in example) continue;
    yield { value: example.value, path: [...path, 'examples', key, 'value'] };
  }
}

/**
 * Spectral's `oasExample` (behind oas3-valid-media-example and oas3-valid-schema-example) deep-copies the schema
 * for every example, so ajv compiles it anew each time: most of a lint run. This one prepares each distinct schema
 * once per Spectral instance and hands the same object to `oasSchema`, whose compiled validators are cached by
 * object. Findings and messages are Spectral's own.
 */
export function createCachedOasExample(): RulesetFunctionWithValidator<Target, Options> {
  const prepared = new Map<string, Record<string, unknown>>();
  return createRulesetFunction<Target, Options>(
    {
      input: { type: 'object' },
      options: {
        type: 'object',
        properties: { oasVersion: { enum: [2, 3] }, schemaField: { type: 'string' }, type: { enum: ['media', 'schema'] } },
        additionalProperties: false,
      },
    },
    function cachedOasExample(target, opts, context) {
      const schema = opts.schemaField === '$' ? target : target[opts.schemaField];
      if (!isObject(schema)) return;
      const readOnly = opts.type === 'media' && under(context.path, REQUEST_MEDIA);
      const writeOnly = opts.type === 'media' && under(context.path, RESPONSE_MEDIA);
      let text: string;
      try {
        text = JSON.stringify(schema);
      } catch {
        return; // a recursive schema resolved into a cycle: Spectral's own function cannot check it either
      }
      const key = `${readOnly ? 'r' : ''}${writeOnly ? 'w' : ''}|${text}`;
      let ready = prepared.get(key);
      if (!ready) {
        ready = JSON.parse(text) as Record<string, unknown>;
        relaxRequired(ready, readOnly, writeOnly);
        prepared.set(key, ready);
      }
      const results: IFunctionResult[] = [];
      for (const item of examplesOf(target, opts, context.path)) {
        const r = oasSchema(item.value, { schema: ready }, { ...context, path: item.path });
        if (Array.isArray(r)) results.push(...r);
      }
      return results.length > 0 ? results : undefined;
    },
  );
}
