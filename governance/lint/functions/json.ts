/** The shape every custom function walks: parsed YAML/JSON, with `$ref`s resolved or not depending on the rule. */
export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const entries = (v: unknown): Array<[string, unknown]> => (isObject(v) ? Object.entries(v) : []);

/** Same shape as Spectral's JsonPath (@stoplight/types is not a direct dependency). */
export type JsonPath = Array<string | number>;
