import type { IFunctionResult, RulesetFunction } from '@stoplight/spectral-core';
import { entries, isObject } from './json';
import { schemasOf, typesOf } from './schemas';

/** Last words of a property name that mean money: `amount`, `unitPrice`, `restocking_fee`, `total`… */
const MONEY_WORDS = new Set(['amount', 'price', 'total', 'subtotal', 'cost', 'fee', 'tax', 'discount', 'balance', 'refund', 'shipping']);
const FLOAT_FORMATS = new Set(['float', 'double', 'decimal']);

const lastWord = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_-]+/).pop()?.toLowerCase() ?? '';

/**
 * Money is an integer amount of the currency's minor units (common Money): floats lose cents.
 * Anywhere, a money-named property must not be a `number` or have a float format; inside a money object
 * (one with a `currency` property) its amounts must be integers outright.
 */
export const moneyMinorUnits: RulesetFunction<unknown, null> = (doc) => {
  const results: IFunctionResult[] = [];
  for (const { schema, at } of schemasOf(doc)) {
    if (!isObject(schema.properties)) continue;
    const moneyObject = 'currency' in schema.properties;
    for (const [name, property] of entries(schema.properties)) {
      if (!isObject(property) || !MONEY_WORDS.has(lastWord(name))) continue;
      const types = typesOf(property);
      const here = [...at, 'properties', name];
      if (types.includes('number')) {
        results.push({ message: `${name} is money as \`type: number\`; money is an integer amount in minor units (common Money).`, path: [...here, 'type'] });
      } else if (typeof property.format === 'string' && FLOAT_FORMATS.has(property.format)) {
        results.push({ message: `${name} is money with \`format: ${property.format}\`; money is an integer amount in minor units (common Money).`, path: [...here, 'format'] });
      } else if (moneyObject && types.some((t) => t !== 'integer' && t !== 'null')) {
        results.push({ message: `${name} of a money object is \`type: ${types.join(', ')}\`; amounts are integers in minor units (common Money).`, path: [...here, 'type'] });
      }
    }
  }
  return results;
};
