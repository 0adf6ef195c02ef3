import type { ContractSet } from '../contracts';
import type { GeneratedFile } from './naming';
import { GENERATED_DIR, HEADER, apiSlug, apiTypeName, importPath } from './naming';

/** Typed handler interfaces: one method per operation, typed by the contract's request and responses. */
export function emitHandlers(set: ContractSet): GeneratedFile[] {
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  return apis.map((file) => {
    const path = `${GENERATED_DIR}/handlers/${apiSlug(file)}`;
    const ops = set.operations.filter((o) => o.file === file);
    const name = apiTypeName(file);
    return {
      path: `${path}.ts`,
      content: [
        HEADER(file.rel),
        `import type { operations } from '${importPath(path, `${GENERATED_DIR}/types/${apiSlug(file)}`)}';`,
        `import type { OperationHandler } from '${importPath(path, 'platform/http/handler-types')}';`,
        '',
        `/** The operations of ${file.rel}, each implemented by its upstream service. */`,
        `export interface ${name}Handlers {`,
        ...ops.flatMap((op) => [
          `  /** ${op.method.toUpperCase()} ${op.path}: ${op.summary} */`,
          `  ${op.operationId}: OperationHandler<operations[${JSON.stringify(op.operationId)}]>;`,
        ]),
        '}',
        '',
      ].join('\n'),
    };
  });
}

/** Typed openapi-fetch clients. The `fetch` option is the transport seam: HTTP by default, in-process when given. */
export function emitClients(set: ContractSet): GeneratedFile[] {
  const apis = set.files.filter((f) => f.kind === 'openapi' && f.group !== 'common');
  return apis.map((file) => {
    const path = `${GENERATED_DIR}/clients/${apiSlug(file)}`;
    const name = apiTypeName(file);
    return {
      path: `${path}.ts`,
      content: [
        HEADER(file.rel),
        "import createClient from 'openapi-fetch';",
        "import type { Client, ClientOptions } from 'openapi-fetch';",
        `import type { paths } from '${importPath(path, `${GENERATED_DIR}/types/${apiSlug(file)}`)}';`,
        '',
        `export type { paths as ${name}Paths };`,
        `export type ${name}Client = Client<paths>;`,
        '',
        `/** A typed client for ${file.rel}. Pass \`fetch\` to call in process instead of over HTTP. */`,
        `export function create${name}Client(options: ClientOptions = {}): ${name}Client {`,
        '  return createClient<paths>(options);',
        '}',
        '',
      ].join('\n'),
    };
  });
}
