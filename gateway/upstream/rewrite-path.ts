import type { UpstreamConfig } from '../../platform/catalogue/types';

/**
 * The path a catalogue upstream receives: the gateway's path and query with `stripPrefix` removed (only at a
 * segment boundary), `addPrefix` put in front, under the base path of the upstream's URL, and an API key in the
 * query appended when that is how the upstream takes it. Built once per upstream; the returned function is
 * string work only.
 */
export function pathRewriter(config: Pick<UpstreamConfig, 'url' | 'path'>, query?: string): (url: string) => string {
  const strip = config.path.stripPrefix?.replace(/\/+$/, '');
  const prefix = `${new URL(config.url).pathname.replace(/\/+$/, '')}${config.path.addPrefix?.replace(/\/+$/, '') ?? ''}`;
  return (url) => {
    let path = url;
    if (strip && path.startsWith(strip) && (path.length === strip.length || path[strip.length] === '/' || path[strip.length] === '?')) {
      path = path.slice(strip.length);
      if (!path.startsWith('/')) path = `/${path}`;
    }
    if (prefix) path = `${prefix}${path}`;
    if (query) path += `${path.includes('?') ? '&' : '?'}${query}`;
    return path;
  };
}
