import { call, portal } from '../api';
import type { CatalogueApi } from '../api';
import { CopyButton } from '../components/CopyButton';
import { AsyncView, useAsync } from '../components/async';
import { exampleUrl, findOperation, isOpenApi } from '../lib/openapi-doc';
import type { DocOperation } from '../lib/openapi-doc';
import { link } from '../lib/router';

/** The current (else newest) version of an API in the catalogue. */
function currentVersion(apis: CatalogueApi[], name: string): string | undefined {
  const api = apis.find((a) => a.name === name);
  const versions = api?.versions ?? [];
  return (versions.find((v) => v.status === 'current') ?? versions[versions.length - 1])?.id;
}

interface GuideData {
  orders?: { apiId: string; op: DocOperation; version?: string };
  availability?: { apiId: string; op: DocOperation };
  returns?: { apiId: string; op: DocOperation };
}

/** The guide's operations, read from the contracts at run time: paths, examples and idempotency rules. */
async function loadGuide(): Promise<GuideData> {
  const catalogue = await call(portal.GET('/portal/v1/apis'));
  const pick = async (name: string, operationId: string) => {
    const apiId = currentVersion(catalogue.items, name);
    if (!apiId) return undefined;
    const doc = await call(portal.GET('/portal/v1/apis/{apiId}/document', { params: { path: { apiId } } }));
    const op = isOpenApi(doc) ? findOperation(doc, operationId) : undefined;
    const version = catalogue.items.flatMap((a) => a.versions).find((v) => v.id === apiId)?.version;
    return op ? { apiId, op, ...(version ? { version } : {}) } : undefined;
  };
  const [orders, availability, returns] = await Promise.all([
    pick('orders', 'createOrder'),
    pick('availability', 'getAvailability'),
    pick('returns', 'createReturn'),
  ]);
  return { ...(orders ? { orders } : {}), ...(availability ? { availability } : {}), ...(returns ? { returns } : {}) };
}

function Code({ text, testId }: { text: string; testId: string }) {
  return (
    <div className="code">
      <CopyButton text={text} testId={`${testId}-copy`} />
      <pre data-testid={testId}>{text}</pre>
    </div>
  );
}

const json = (v: unknown) => JSON.stringify(v, null, 2);
/** `createOrdersV2Client`, as `concord generate` names the factory of `orders.v2`. */
function factoryOf(apiId: string): string {
  const [name = '', major = ''] = apiId.split('.v');
  const pascal = name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  return `create${pascal}V${major}Client`;
}
const packageOf = (apiId: string) => `@concord/${apiId.replace('.v', '-v')}-client`;

function curlFor(op: DocOperation, auth: string, body: unknown): string {
  const lines = [`curl -s -X ${op.method} "$BASE${exampleUrl(op)}"`, `  -H "${auth}"`];
  if (op.idempotency) lines.push('  -H "Idempotency-Key: $(uuidgen)"');
  if (body !== undefined) lines.push(`  -H 'Content-Type: application/json'`, `  --data-binary @- <<'JSON'\n${json(body)}\nJSON`);
  return lines.join(' \\\n');
}

export function GettingStarted() {
  const guide = useAsync(loadGuide, []);
  const base = window.location.origin;
  return (
    <section className="guide" data-testid="guide">
      <h1>Getting started</h1>
      <p className="lead">
        From sign-up to your first order in four calls. Every path and body below is read from the contracts at run time, so the guide always
        matches what the gateway serves.
      </p>
      <ol className="steps">
        <li>
          <a href={link('apps')}>Register an app</a> on the sandbox plan. Copy its client id, client secret and API key: they are shown once.
        </li>
        <li>Export them in your shell:</li>
      </ol>
      <Code
        testId="guide-env"
        text={`export BASE=${base}\nexport CLIENT_ID=app_…        # from the credentials panel\nexport CLIENT_SECRET=cs_…    # shown once\nexport API_KEY=ck_…          # shown once`}
      />

      <AsyncView state={guide} what="Reading the contracts">
        {(g) => (
          <>
            <h2>1. Get a token</h2>
            <p>
              OAuth 2.0 client credentials. The token is an ES256 JWT valid for 15 minutes, carrying your app's scopes (pass <code>scope</code> to
              narrow them).
            </p>
            <Code
              testId="guide-token"
              text={`TOKEN=$(curl -s "$BASE/oauth/token" \\\n  -d grant_type=client_credentials \\\n  -d client_id="$CLIENT_ID" \\\n  -d client_secret="$CLIENT_SECRET" | jq -r .access_token)`}
            />

            {g.orders && (
              <>
                <h2>2. Create an order</h2>
                <p>
                  <code>
                    {g.orders.op.method} {g.orders.op.path}
                  </code>{' '}
                  ({g.orders.apiId}) needs <code>orders:write</code> and an <code>Idempotency-Key</code>: a retry with the same key replays the first
                  answer, so a timeout never creates a second order. The body is the contract's example; the sandbox knows its SKUs and prices.{' '}
                  <a href={link('apis', g.orders.apiId, 'try')}>Try it in the browser</a>.
                </p>
                <Code testId="guide-create-order" text={curlFor(g.orders.op, 'Authorization: Bearer $TOKEN', g.orders.op.bodyExamples[0]?.value)} />
              </>
            )}

            {g.availability && (
              <>
                <h2>3. Query availability</h2>
                <p>
                  Available to promise per location, region or network. Read operations also accept your API key in <code>X-API-Key</code>.
                </p>
                <Code testId="guide-availability" text={curlFor(g.availability.op, 'X-API-Key: $API_KEY', undefined)} />
              </>
            )}

            {g.returns && (
              <>
                <h2>4. Start a return</h2>
                <p>
                  A return is validated against its original order: only shipped lines, never more than shipped less already returned. Put your
                  order's id in <code>orderId</code>; the other fields are the contract's example.
                </p>
                <Code testId="guide-create-return" text={curlFor(g.returns.op, 'Authorization: Bearer $TOKEN', g.returns.op.bodyExamples[0]?.value)} />
              </>
            )}

            {g.orders && (
              <>
                <h2>With the generated TypeScript client</h2>
                <p>
                  Each API version has a typed client generated from its contract (<code>openapi-fetch</code> under the hood). Download it from the
                  API's page, for example{' '}
                  <a href={`/portal/v1/apis/${g.orders.apiId}/client`} download data-testid="guide-download-client">
                    {g.orders.apiId}
                  </a>
                  , then:
                </p>
                <Code
                  testId="guide-client"
                  text={`npm install ./${packageOf(g.orders.apiId).slice(1).replace('/', '-')}-${g.orders.version ?? '<version>'}.tgz

import { ${factoryOf(g.orders.apiId)} } from '${packageOf(g.orders.apiId)}';

const { access_token } = await fetch(\`\${process.env.BASE}/oauth/token\`, {
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: process.env.CLIENT_ID!, client_secret: process.env.CLIENT_SECRET! }),
}).then((r) => r.json());

const orders = ${factoryOf(g.orders.apiId)}({ baseUrl: process.env.BASE, headers: { Authorization: \`Bearer \${access_token}\` } });
const { data, error, response } = await orders.${g.orders.op.method}('${g.orders.op.path}', {
  params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
  body: ${json(g.orders.op.bodyExamples[0]?.value ?? {}).replace(/\n/g, '\n  ')},
});
console.log(response.status, data?.id ?? error);`}
                />
              </>
            )}
          </>
        )}
      </AsyncView>
    </section>
  );
}
