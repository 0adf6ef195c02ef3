import type { Format } from '@stoplight/spectral-core';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Our own predicates rather than @stoplight/spectral-formats, which is only a transitive dependency here.
export const openapi3: Format = (doc) => isObject(doc) && typeof doc.openapi === 'string' && /^3\.\d+/.test(doc.openapi);
openapi3.displayName = 'OpenAPI 3.x';

export const asyncapi3: Format = (doc) => isObject(doc) && typeof doc.asyncapi === 'string' && /^3\.\d+/.test(doc.asyncapi);
asyncapi3.displayName = 'AsyncAPI 3.x';
