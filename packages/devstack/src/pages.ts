/**
 * The devstack's pages, by request path: the API reference (`/docs`, `/docs/assets/*`) and the live
 * demo (`/demo`, `/demo/assets/*`). The gateway asks before it routes a GET or HEAD to the contract.
 */
import { type DemoPageOptions, demoPages } from './demo-page.ts';
import { docsPages } from './docs-page.ts';
import type { Page } from './static-assets.ts';

/** A page by path, or undefined when the path is no page's. */
type Pages = (pathname: string) => Page | undefined;

/**
 * Every page of the devstack.
 *
 * @example
 * const pages = devstackPages({ webSocketUrl: () => webSocketGateway.url || undefined });
 * pages('/docs'); // the reference page
 * pages('/v1/users/me'); // undefined: the contract's
 */
const devstackPages = (options: DemoPageOptions = {}): Pages => {
  const docs = docsPages();
  const demo = demoPages(options);
  return (pathname) => docs(pathname) ?? demo(pathname);
};

export type { Page, Pages };
export { devstackPages };
