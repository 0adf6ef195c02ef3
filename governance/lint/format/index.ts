import { githubActions } from './github-actions';
import { json } from './json';
import { markdown } from './markdown';
import { sarif } from './sarif';
import { stylish } from './stylish';
import type { Formatter } from './types';

export type { FormatContext, Formatter } from './types';

export const FORMATTERS = {
  stylish,
  json,
  sarif,
  markdown,
  'github-actions': githubActions,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATTERS;
export const FORMAT_NAMES = Object.keys(FORMATTERS) as FormatName[];
export const DEFAULT_FORMAT: FormatName = 'stylish';

export const isFormatName = (name: string): name is FormatName => Object.hasOwn(FORMATTERS, name);
