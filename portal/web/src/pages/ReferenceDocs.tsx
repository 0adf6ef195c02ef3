import { useEffect, useRef, useState } from 'react';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/async';
import { servedHere } from '../lib/served-here';

type FrameMessage = { source: 'concord-reference'; type: 'ready' | 'rendered' | 'error' | 'warning'; message?: string };

function isFrameMessage(data: unknown): data is FrameMessage {
  return !!data && typeof data === 'object' && (data as { source?: unknown }).source === 'concord-reference';
}

/**
 * The reference docs of one API version, rendered from its contract by a maintained renderer: Scalar for OpenAPI,
 * the AsyncAPI React component for the event catalogue. Both run in a sandboxed frame (public/reference.html):
 * an opaque origin without the session, with its own CSP and styles, loaded on demand from /portal/vendor/.
 * The portal page posts it the document it fetched.
 */
export function ReferenceDocs({ document: doc, kind }: { document: Record<string, unknown>; kind: 'openapi' | 'asyncapi' }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    setState('loading');
    setError(undefined);
    const onMessage = (event: MessageEvent) => {
      const win = frame.current?.contentWindow;
      if (!win || event.source !== win || !isFrameMessage(event.data)) return;
      const message = event.data;
      if (message.type === 'ready') win.postMessage({ type: 'render', kind, document: kind === 'openapi' ? servedHere(doc, window.location.origin) : doc }, '*');
      else if (message.type === 'rendered') setState('ready');
      else if (message.type === 'error') {
        setState('failed');
        setError(message.message);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [doc, kind]);

  return (
    <div className="reference" data-testid="reference-docs" data-state={state} data-renderer={kind === 'openapi' ? 'scalar' : 'asyncapi'}>
      {state === 'loading' && <Loading what="Rendering the reference" />}
      {state === 'failed' && <ProblemBox problem={{ status: 0, title: 'The reference could not be rendered', detail: error ?? 'Reload the page to try again.' }} />}
      <iframe
        // A new frame per document: the renderers mount once.
        key={`${kind}:${String((doc.info as { title?: unknown } | undefined)?.title)}:${String((doc.info as { version?: unknown } | undefined)?.version)}`}
        ref={frame}
        title={kind === 'openapi' ? 'OpenAPI reference' : 'AsyncAPI reference'}
        src="/portal/reference.html"
        sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads"
        referrerPolicy="same-origin"
        data-testid="reference-frame"
      />
    </div>
  );
}
