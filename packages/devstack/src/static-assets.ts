/**
 * What the devstack's pages (`/docs`, `/demo`) are made of: files served by name from an allow-list,
 * never by a path taken from the request, so nothing outside the list can be reached however the
 * request spells it; each read once, on first use, and kept. Every page answer carries a strict
 * Content-Security-Policy and the headers that go with it.
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A page or asset as the gateway writes it: a 200 with these headers and body. */
interface Page {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** `packages/devstack/static/`: the pages' own files (HTML, CSS and plain ES modules, no build step). */
const STATIC_DIR = fileURLToPath(new URL('../static/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The content type of a file by its extension; an unknown one is a programming error, not a 500 to guess. */
const contentTypeOf = (file: string): string => {
  const type = CONTENT_TYPES[extname(file)];
  if (!type) throw new Error(`No content type is known for ${file}`);
  return type;
};

/** Directives of a Content-Security-Policy, by name; joined in the order given. */
type CspDirectives = Readonly<Record<string, readonly string[]>>;

/** Nothing is allowed unless a page's policy says so. */
const BASE_POLICY: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * The headers of every page and asset: its content type, the page's policy over the base one, and
 * no sniffing, framing, referrer or caching (the devstack's files change between starts).
 *
 * @example
 * pageHeaders('demo.html', { 'script-src': ["'self'"], 'connect-src': ["'self'"] });
 */
const pageHeaders = (file: string, policy: CspDirectives): Record<string, string> => ({
  'content-type': contentTypeOf(file),
  'content-security-policy': Object.entries({ ...BASE_POLICY, ...policy })
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
});

/**
 * Serves files of one folder by the names an allow-list gives them; any other name answers undefined.
 *
 * @example
 * const assets = allowListedFiles(STATIC_DIR, { 'demo.js': 'demo.js' }, policy);
 * assets('demo.js')?.headers['content-type']; // 'text/javascript; charset=utf-8'
 * assets('../package.json'); // undefined
 */
const allowListedFiles = (
  folder: string,
  names: Readonly<Record<string, string>>,
  policy: CspDirectives,
): ((name: string) => Page | undefined) => {
  const read = new Map<string, Page>();
  return (name) => {
    if (!Object.hasOwn(names, name)) return undefined;
    const file = names[name] as string;
    let page = read.get(name);
    if (!page) {
      page = { headers: pageHeaders(file, policy), body: readFileSync(join(folder, file)) };
      read.set(name, page);
    }
    return page;
  };
};

export type { CspDirectives, Page };
export { allowListedFiles, contentTypeOf, pageHeaders, STATIC_DIR };
