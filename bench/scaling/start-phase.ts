// The part of `concord start` that grows with the contracts, for one project root (run in its own process so
// each size starts cold): load and check the contracts, load the generated routes and validators, build the
// route table and the pipeline's per-route hooks, and register every route with Fastify.
import { join } from 'node:path';
import Fastify from 'fastify';
import { loadContracts } from '../../codegen/contracts';
import type { RouteManifestEntry } from '../../codegen/manifest-types';
import { createGatewayMetrics } from '../../gateway/metrics/gateway-metrics';
import { createPipeline } from '../../gateway/pipeline/pipeline';
import { registerRoutes } from '../../gateway/routing/register-routes';
import { buildRouteTable } from '../../gateway/routing/route-table';

async function main(root: string): Promise<void> {
  const t0 = performance.now();
  const contracts = await loadContracts(root);
  const t1 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the root's own generated code, chosen at run time
  const { routes } = require(join(root, 'generated', 'routes.ts')) as { routes: RouteManifestEntry[] };
  const t2 = performance.now();
  const app = Fastify();
  const policies = createPipeline(
    () => {
      throw new Error('no runtime: start-up phase only');
    },
    routes,
    createGatewayMetrics(),
    'off',
  );
  registerRoutes(app, buildRouteTable(routes), { policies, handlerFor: () => async () => ({}) });
  await app.ready();
  const t3 = performance.now();
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ operations: contracts.operations.length, loadMs: t1 - t0, generatedModulesMs: t2 - t1, routesMs: t3 - t2, totalMs: t3 - t0 })}\n`,
  );
}

main(process.argv[2] ?? '').catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
