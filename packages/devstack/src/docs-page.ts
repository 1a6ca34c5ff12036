/**
 * The API reference at `GET /docs`: Swagger UI, the maintained renderer of OpenAPI, from the
 * `swagger-ui-dist` package in node_modules (found at run time, nothing copied into the repository,
 * nothing loaded from a CDN), started on the devstack's own `/openapi.json` by a served script
 * (`static/docs.js`) that points "Try it out" at the page's origin, the devstack itself. "Authorize"
 * takes an access token for the contract's bearer scheme.
 *
 * Its files are `/docs/assets/<name>` for the few names Swagger UI needs, and nothing else; the
 * policy allows scripts and styles from the devstack only (no inline script), so the contract's
 * text can never run as code.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { allowListedFiles, type CspDirectives, type Page, STATIC_DIR } from './static-assets.ts';

const ASSETS_PREFIX = '/docs/assets/';

/**
 * What Swagger UI renders needs: scripts and styles of the devstack, the images its stylesheet
 * inlines as `data:` URLs, and requests to the devstack (the contract, and "Try it out"). React
 * sets style properties through the DOM, which the policy does not govern, so no inline style either.
 */
const DOCS_POLICY: CspDirectives = {
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
};

/** The folder of the installed `swagger-ui-dist`, wherever npm put it. */
const swaggerUiFolder = (): string =>
  dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * Answers the reference page and its assets, by request path; undefined for any other path.
 *
 * @example
 * const docs = docsPages();
 * docs('/docs')?.headers['content-type']; // 'text/html; charset=utf-8'
 * docs('/docs/assets/swagger-ui-bundle.js'); // Swagger UI's script
 * docs('/docs/assets/package.json'); // undefined: not a file the page needs
 */
const docsPages = (): ((pathname: string) => Page | undefined) => {
  const swaggerUi = allowListedFiles(
    swaggerUiFolder(),
    {
      'swagger-ui-bundle.js': 'swagger-ui-bundle.js',
      'swagger-ui.css': 'swagger-ui.css',
      'favicon-16x16.png': 'favicon-16x16.png',
      'favicon-32x32.png': 'favicon-32x32.png',
    },
    DOCS_POLICY,
  );
  const own = allowListedFiles(STATIC_DIR, { 'docs.js': 'docs.js', 'docs.css': 'docs.css' }, DOCS_POLICY);
  const page = allowListedFiles(STATIC_DIR, { 'docs.html': 'docs.html' }, DOCS_POLICY);
  return (pathname) => {
    if (pathname === '/docs' || pathname === '/docs/') return page('docs.html');
    if (!pathname.startsWith(ASSETS_PREFIX)) return undefined;
    const name = pathname.slice(ASSETS_PREFIX.length);
    return own(name) ?? swaggerUi(name);
  };
};

export { docsPages };
