import { jsonLineMapper } from './json-lines';
import { lineMapper } from './line-of-pointer';

describe('pointer to line in JSON text', () => {
  const doc = {
    openapi: '3.1.0',
    paths: {
      '/orders/{id}': { get: { parameters: [{ name: 'id', in: 'path' }, { name: 'x~y', in: 'query' }], responses: { '200': { description: 'a "quoted" \\ text' } } } },
      '/empty': {},
    },
    tags: [],
  };
  const text = JSON.stringify(doc, null, 2);
  const lines = text.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

  it('gives the line of each member as YAML would, through escaped keys, arrays and quotes', () => {
    const json = jsonLineMapper(text);
    expect(json('')).toBe(1);
    expect(json('/paths/~1orders~1{id}/get')).toBe(lineOf('"get"'));
    expect(json('/paths/~1orders~1{id}/get/parameters/1')).toBe(lineOf('"x~y"') - 1);
    expect(json('/paths/~1orders~1{id}/get/responses/200/description')).toBe(lineOf('"description"'));
    expect(json('/paths/~1empty')).toBe(lineOf('"/empty"'));
    expect(json('/tags')).toBe(lineOf('"tags"'));
  });

  it('stops at the deepest part that exists, as the YAML mapper does', () => {
    const json = jsonLineMapper(text);
    expect(json('/paths/~1orders~1{id}/get/nothing/here')).toBe(json('/paths/~1orders~1{id}/get'));
    expect(json('/nothing')).toBe(1);
  });

  it('is what lineMapper uses for JSON text, with the same answers as for the YAML reading', () => {
    const viaYaml = lineMapper(`# yaml\n${text}`);
    const viaJson = lineMapper(text);
    for (const p of ['/paths/~1orders~1{id}/get/parameters/0/name', '/paths/~1orders~1{id}/get/responses/200', '/openapi']) {
      expect(viaJson(p)).toBe(viaYaml(p) - 1);
    }
  });
});
