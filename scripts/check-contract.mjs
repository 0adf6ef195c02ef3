// Dev aid: validate contract files with swagger-parser / @asyncapi/parser and Spectral (recommended rulesets).
// Usage: node scripts/check-contract.mjs FILE...
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import spectralCore from '@stoplight/spectral-core';
import Parsers from '@stoplight/spectral-parsers';
import rulesets from '@stoplight/spectral-rulesets';
import refResolver from '@stoplight/spectral-ref-resolver';
import { Parser, fromFile } from '@asyncapi/parser';

const { Spectral, Document } = spectralCore;
let failed = false;
for (const rel of process.argv.slice(2)) {
  const file = resolve(rel);
  const text = readFileSync(file, 'utf8');
  const isAsync = /^asyncapi:/m.test(text);
  try {
    if (isAsync) {
      const { document, diagnostics } = await fromFile(new Parser(), file).parse();
      const errs = diagnostics.filter((d) => d.severity === 0);
      if (!document || errs.length) throw new Error(errs.map((d) => `${d.path.join('/')}: ${d.message}`).join('\n'));
    } else {
      await SwaggerParser.validate(file);
    }
    console.log(`parser OK   ${rel}`);
  } catch (e) {
    failed = true;
    console.log(`parser FAIL ${rel}\n${String(e.message).slice(0, 4000)}`);
  }
  const spectral = new Spectral({ resolver: refResolver.httpAndFileResolver });
  spectral.setRuleset({ extends: [[rulesets.oas, 'recommended'], [rulesets.asyncapi, 'recommended']] });
  const results = await spectral.run(new Document(text, Parsers.Yaml, file));
  for (const r of results) {
    const sev = ['error', 'warn', 'info', 'hint'][r.severity];
    if (r.severity === 0) failed = true;
    console.log(`  spectral ${sev} ${r.code} ${r.path.join('/')}: ${r.message}`);
  }
}
process.exit(failed ? 1 : 0);
