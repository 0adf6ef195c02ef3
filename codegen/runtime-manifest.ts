import type { ContractSet, OperationModel } from './contracts';
import { routeData, validatedContent } from './emit/manifest';
import type { ValidatorRegistry } from './emit/validators';
import { bodyValidatorName, checkComponentsStrictly, paramsValidatorName, registerFileValidators, responseValidatorName } from './emit/validators';
import type { CompiledValidator, RouteManifestEntry } from './manifest-types';

/**
 * The route manifest of contracts served without generated code (a catalogue contract directory, or a package whose
 * contracts changed since `concord generate`): the same entries `concord generate` writes, with validators compiled
 * by ajv here, once at start-up. Throws a ContractLoadError naming the schema that does not compile.
 */
export function buildRuntimeManifest(set: ContractSet): RouteManifestEntry[] {
  checkComponentsStrictly(set);
  const registries = new Map<OperationModel['file'], ReturnType<typeof registerFileValidators>>();
  const registryOf = (op: OperationModel) => {
    let r = registries.get(op.file);
    if (!r) registries.set(op.file, (r = registerFileValidators(set, op.file)));
    return r;
  };
  const compiled = (reg: ValidatorRegistry, name: string): CompiledValidator => {
    const fn = reg.ajv.getSchema(reg.exports[name]!);
    if (!fn) throw new Error(`validator ${name} was not registered`);
    return fn;
  };
  return set.operations.map((op) => {
    const r = registryOf(op);
    const { body, responses } = validatedContent(op);
    return {
      ...routeData(op),
      validate: {
        params: compiled(r.params, paramsValidatorName(op)),
        ...(body.length ? { body: Object.fromEntries(body.map((ct) => [ct, compiled(r.bodies, bodyValidatorName(op, ct))])) } : {}),
        ...(responses.length
          ? { responses: Object.fromEntries(responses.map(([s, cts]) => [s, Object.fromEntries(cts.map((ct) => [ct, compiled(r.responses, responseValidatorName(op, s, ct))]))])) }
          : {}),
      },
    };
  });
}
