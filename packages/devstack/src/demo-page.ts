/**
 * The live demo at `GET /demo` (devstack only): sign in, pick or create a room, book it with a
 * chosen payment outcome, cancel, and watch the notifications the WebSocket API pushes
 * (docs/websocket.md) arrive as they happen. Plain HTML and one plain ES module
 * (`static/demo.html`, `static/demo.js`), no build step.
 *
 * The WebSocket gateway's port can change (`TESSERA_WS_PORT`), so the page is told its URL in
 * `<meta name="tessera-websocket">`, and the policy lets it connect to that origin and to the
 * devstack's own, nowhere else; an empty meta means no WebSocket gateway runs.
 */
import { allowListedFiles, type CspDirectives, type Page, pageHeaders, STATIC_DIR } from './static-assets.ts';

interface DemoPageOptions {
  /** The WebSocket API's URL (`ws://127.0.0.1:3001`), once it listens; undefined (or none) when none runs. */
  readonly webSocketUrl?: () => string | undefined;
}

const ASSETS_PREFIX = '/demo/assets/';
const PLACEHOLDER = '__TESSERA_WEBSOCKET_URL__';

const policyOf = (webSocketOrigin: string | undefined): CspDirectives => ({
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'connect-src': ["'self'", ...(webSocketOrigin ? [webSocketOrigin] : [])],
});

/** `ws://host:port` of a WebSocket URL, for the policy; anything but ws: or wss: is a devstack bug. */
const webSocketOriginOf = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new Error(`The WebSocket URL ${url} is not a ws: or wss: URL`);
  }
  return `${parsed.protocol}//${parsed.host}`;
};

const escapeAttribute = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Answers the demo page and its assets, by request path; undefined for any other path.
 *
 * @example
 * const demo = demoPages({ webSocketUrl: () => 'ws://127.0.0.1:3001' });
 * demo('/demo')?.headers['content-security-policy']; // "... connect-src 'self' ws://127.0.0.1:3001"
 */
const demoPages = (options: DemoPageOptions = {}): ((pathname: string) => Page | undefined) => {
  const template = allowListedFiles(STATIC_DIR, { 'demo.html': 'demo.html' }, policyOf(undefined));
  const assets = allowListedFiles(
    STATIC_DIR,
    { 'demo.js': 'demo.js', 'demo.css': 'demo.css' },
    policyOf(undefined),
  );
  return (pathname) => {
    if (pathname === '/demo' || pathname === '/demo/') {
      const html = String(template('demo.html')?.body ?? '');
      const url = options.webSocketUrl?.() || undefined;
      return {
        headers: pageHeaders('demo.html', policyOf(url ? webSocketOriginOf(url) : undefined)),
        body: html.replace(PLACEHOLDER, escapeAttribute(url ?? '')),
      };
    }
    return pathname.startsWith(ASSETS_PREFIX) ? assets(pathname.slice(ASSETS_PREFIX.length)) : undefined;
  };
};

export type { DemoPageOptions };
export { demoPages };
