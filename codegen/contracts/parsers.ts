import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser, fromFile } from '@asyncapi/parser';
import type { ContractFile, ContractProblem } from './types';

/** Pointers that swagger-parser prints as `#/paths/~1v1~1orders/post …`. */
const POINTER_IN_MESSAGE = /#(\/[^\s'"]*)/;

export async function validateOpenApi(file: ContractFile): Promise<ContractProblem[]> {
  try {
    await SwaggerParser.validate(file.abs);
    return [];
  } catch (err) {
    const lines = String((err as Error).message)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(Swagger|OpenAPI) schema validation failed\.?$/i.test(l));
    return (lines.length ? lines : ['invalid OpenAPI document']).slice(0, 20).map((line) => ({
      file: file.rel,
      pointer: POINTER_IN_MESSAGE.exec(line)?.[1] ?? '',
      message: `OpenAPI: ${line}`,
    }));
  }
}

export async function validateAsyncApi(file: ContractFile): Promise<ContractProblem[]> {
  const { document, diagnostics } = await fromFile(new Parser(), file.abs).parse();
  const errors = diagnostics.filter((d) => d.severity === 0);
  const problems = errors.map((d) => ({
    file: file.rel,
    pointer: d.path.length ? '/' + d.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/') : '',
    message: `AsyncAPI: ${d.message}`,
  }));
  if (!document && problems.length === 0) problems.push({ file: file.rel, pointer: '', message: 'AsyncAPI: document could not be parsed' });
  return problems;
}
