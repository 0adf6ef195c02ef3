import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import type { ContractSet } from '../contracts';
import { isObject } from '../contracts/types';
import type { GeneratedFile } from './naming';
import { GENERATED_DIR, HEADER, apiSlug } from './naming';

/** TypeScript types for each API document, from openapi-typescript. */
export async function emitApiTypes(set: ContractSet): Promise<GeneratedFile[]> {
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  return Promise.all(
    apis.map(async (file) => ({
      path: `${GENERATED_DIR}/types/${apiSlug(file)}.ts`,
      content: HEADER(file.rel) + astToString(await openapiTS(pathToFileURL(file.abs), { silent: true })),
    })),
  );
}

/**
 * Types for the event catalogue. openapi-typescript reads only OpenAPI, so the AsyncAPI component schemas and
 * message payloads are wrapped in an OpenAPI document whose `$ref`s still resolve from the AsyncAPI file.
 */
export async function emitEventTypes(set: ContractSet): Promise<GeneratedFile[]> {
  const file = set.files.find((f) => f.kind === 'asyncapi');
  if (!file) return [];
  const components = isObject(file.doc.components) ? file.doc.components : {};
  const schemas: Record<string, unknown> = { ...(isObject(components.schemas) ? components.schemas : {}) };
  for (const e of set.events) schemas[`${e.messageName}Event`] = e.payload.schema;
  const wrapper = {
    openapi: '3.1.0',
    info: { title: 'Concord events', version: '1.0.0' },
    paths: {},
    components: { schemas },
  };
  // openapi-typescript rewrites refs in the object it is given; hand it a copy so the loaded set stays intact.
  const ast = await openapiTS(structuredClone(wrapper) as never, { silent: true, cwd: pathToFileURL(file.abs) });
  return [{ path: `${GENERATED_DIR}/types/events.ts`, content: HEADER(file.rel) + astToString(ast) }];
}
