import type { AppRegistry } from '../apps';
import { isRegistryError } from '../apps';
import type { SigningKeyStore } from '../auth';
import type { AdminV1Handlers } from '../../generated/handlers/platform/admin.v1';
import type { components } from '../../generated/types/platform/admin.v1';
import type { CallerContext } from '../../platform/http/handler-types';
import { problem } from '../../platform/server/problem';
import type { PlanReader } from './plans';
import type { InputLocation, RegistryProblemStatus } from './problems';
import { notFoundProblem, registryProblem, statusOfRegistryError } from './problems';
import type { SandboxResetResult, SandboxResetScope } from './sandbox-reset';
import { signingKeyList } from './signing-keys';

type Problem = components['schemas']['Problem'];

/** Served by the platform services beside this one: dead letters by the event backbone, the ops views by platform/ops. */
type Deferred = 'listDeadLetters' | 'replayAllDeadLetters' | 'getDeadLetter' | 'replayDeadLetter' | 'getOpsSummary' | 'listSyncExceptions' | 'retrySyncException';

/** Every other admin operation. A new operation in the contract fails the type check here until it is served. */
export type AdminService = Omit<AdminV1Handlers, Deferred>;

export interface AdminServiceDeps {
  registry: AppRegistry;
  signingKeys: Pick<SigningKeyStore, 'list' | 'rotate'>;
  plans: PlanReader;
  /** The sandbox's demo data: absent (or disabled) when CONCORD_SANDBOX=false. */
  sandbox?: { enabled: boolean; reset(scope: SandboxResetScope): Promise<SandboxResetResult> };
  /** For hiding retiring signing keys whose window has passed. */
  now?: () => Date;
}

const isDeclared = <S extends number>(status: number, declared: readonly S[]): status is S => (declared as readonly number[]).includes(status);

/**
 * Runs a registry call and turns its RegistryError into the problem the operation's contract declares. A failure
 * the operation does not declare is rethrown: answering an undeclared status would break the contract, and the
 * gateway reports an unexpected error as a 500 problem.
 */
async function guarded<T, S extends RegistryProblemStatus>(
  caller: CallerContext,
  declared: readonly S[],
  run: () => Promise<T>,
  from: InputLocation = 'body',
): Promise<T | { status: S; body: Problem }> {
  try {
    return await run();
  } catch (err) {
    if (!isRegistryError(err)) throw err;
    const status = statusOfRegistryError(err.code);
    if (!isDeclared(status, declared)) throw err;
    return { status, body: registryProblem(err, caller.correlationId, from) };
  }
}

const seg = encodeURIComponent;
const location = (path: string) => ({ Location: path });

/** Only what the query holds, so the registry's defaults apply to the rest. */
const page = (q: { cursor?: string; limit?: number }) => ({
  ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
});

/** The admin API (contracts/openapi/platform/admin.v1.yaml) over the app registry, the plans and the signing keys. */
export function createAdminService({ registry, signingKeys, plans, sandbox, now = () => new Date() }: AdminServiceDeps): AdminService {
  const keyList = async () => signingKeyList(await signingKeys.list(), now());

  return {
    // ------------------------------------------------------------ partners
    listPartners: (req, caller) =>
      guarded(caller, [400], async () => ({ status: 200 as const, body: await registry.listPartners(page(req.query)) }), 'query'),

    createPartner: (req, caller) =>
      guarded(caller, [400, 409], async () => {
        // Picked field by field: the registry also takes a fixed id, which only the bootstrap may set.
        const partner = await registry.createPartner({ name: req.body.name, contactEmail: req.body.contactEmail });
        return { status: 201 as const, body: partner, headers: location(`/admin/v1/partners/${seg(partner.id)}`) };
      }),

    async getPartner(req, caller) {
      const partner = await registry.getPartner(req.params.partnerId);
      return partner ? { status: 200, body: partner } : notFoundProblem(`no partner ${req.params.partnerId}`, caller.correlationId);
    },

    // ------------------------------------------------------------ plans
    listPlans: async () => ({ status: 200, body: { items: await plans.list() } }),

    async getPlan(req, caller) {
      const plan = await plans.get(req.params.planName);
      return plan ? { status: 200, body: plan } : notFoundProblem(`no plan ${req.params.planName}`, caller.correlationId);
    },

    // ------------------------------------------------------------ apps
    listApps: (req, caller) =>
      guarded(
        caller,
        [400],
        async () => {
          const { partnerId, status } = req.query;
          const body = await registry.listApps({
            ...page(req.query),
            ...(partnerId === undefined ? {} : { partnerId }),
            ...(status === undefined ? {} : { status }),
          });
          return { status: 200 as const, body };
        },
        'query',
      ),

    createApp: (req, caller) =>
      guarded(caller, [400, 409], async () => {
        const { name, plan, scopes, partnerId } = req.body;
        // Picked field by field: the registry also takes a fixed client id, which only the bootstrap may set.
        const created = await registry.createApp({ name, plan, scopes, ...(partnerId === undefined ? {} : { partnerId }) });
        return { status: 201 as const, body: created, headers: location(`/admin/v1/apps/${seg(created.clientId)}`) };
      }),

    async getApp(req, caller) {
      const app = await registry.getApp(req.params.clientId);
      return app ? { status: 200, body: app } : notFoundProblem(`no app ${req.params.clientId}`, caller.correlationId);
    },

    suspendApp: (req, caller) => guarded(caller, [404], async () => ({ status: 200 as const, body: await registry.suspendApp(req.params.clientId) })),

    activateApp: (req, caller) => guarded(caller, [404], async () => ({ status: 200 as const, body: await registry.activateApp(req.params.clientId) })),

    rotateAppSecret: (req, caller) =>
      guarded(caller, [404, 409], async () => ({ status: 200 as const, body: await registry.rotateSecret(req.params.clientId, { revokeTokens: req.body?.revokeTokens === true }) })),

    createApiKey: (req, caller) =>
      guarded(caller, [404, 409], async () => {
        const { clientId } = req.params;
        const key = await registry.createApiKey(clientId);
        return { status: 201 as const, body: key, headers: location(`/admin/v1/apps/${seg(clientId)}/api-keys/${seg(key.keyId)}`) };
      }),

    revokeApiKey: (req, caller) =>
      guarded(caller, [404], async () => {
        await registry.revokeApiKey(req.params.clientId, req.params.keyId);
        return { status: 204 as const, body: undefined };
      }),

    requestPlanChange: (req, caller) =>
      guarded(caller, [400, 404, 409], async () => ({
        status: 200 as const,
        body: await registry.requestPlanChange(req.params.clientId, req.body.plan),
      })),

    approvePlanChange: (req, caller) =>
      guarded(caller, [404, 409], async () => ({ status: 200 as const, body: await registry.approvePlanChange(req.params.clientId) })),

    rejectPlanChange: (req, caller) =>
      guarded(caller, [404, 409], async () => ({ status: 200 as const, body: await registry.rejectPlanChange(req.params.clientId) })),

    // ------------------------------------------------------------ sandbox
    async resetSandbox(req, caller) {
      if (!sandbox?.enabled) {
        const detail = 'the sandbox is off (CONCORD_SANDBOX=false): there is no demo data to reset';
        return { status: 409, body: problem('sandbox-disabled', 409, 'Sandbox disabled', { detail, correlationId: caller.correlationId }) };
      }
      const { partnerId } = req.body;
      if (partnerId === undefined) return { status: 200, body: await sandbox.reset({ all: true }) };
      // An unknown partner is a typo, not an empty reset.
      if (!(await registry.getPartner(partnerId))) return notFoundProblem(`no partner ${partnerId}`, caller.correlationId);
      return { status: 200, body: await sandbox.reset({ partnerId }) };
    },

    // ------------------------------------------------------------ signing keys
    listSigningKeys: async () => ({ status: 200, body: await keyList() }),

    async rotateSigningKey() {
      await signingKeys.rotate();
      return { status: 200, body: await keyList() };
    },
  };
}
