import type { ErrorObject } from 'ajv';

export interface ValidationErrorItem {
  pointer: string;
  message: string;
}

/** At most this many errors are reported; a hostile body cannot make the error list arbitrarily large. */
export const MAX_ERRORS = 50;

/**
 * ajv errors as the Problem's `errors[]`: body errors are JSON pointers into the body (`/lines/0/quantity`);
 * parameter errors are `#/query/<name>`, `#/path/<name>` or `#/header/<name>` as the contract documents.
 */
export function toValidationErrors(errors: readonly ErrorObject[] | null | undefined, where: 'body' | 'params'): ValidationErrorItem[] {
  const out: ValidationErrorItem[] = [];
  for (const e of errors ?? []) {
    if (out.length >= MAX_ERRORS) break;
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += `/${String((e.params as { missingProperty: string }).missingProperty)}`;
    if (e.keyword === 'additionalProperties') pointer += `/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
    if (where === 'params') pointer = '#' + pointer.replace(/^\/headers\//, '/header/');
    const message =
      e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'additionalProperties'
          ? 'is not allowed'
          : e.keyword === 'enum'
            ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`
            : (e.message ?? 'is invalid');
    out.push({ pointer: pointer || '/', message });
  }
  return out;
}
