/**
 * Stands in for `bowser` in the Lambda bundles (an esbuild alias in `scripts/build.ts`, ADR 0017).
 *
 * The SDK's core re-exports its browser user-agent provider, which imports `bowser` to parse
 * `navigator.userAgent`; only a browser build ever calls it. Without the alias every bundle would
 * carry 34 KiB of browser detection that Node never loads. Should it ever be called, it reports an
 * unknown browser, as the SDK itself does when `bowser` finds nothing.
 */
const parse = (_userAgent: string): Record<string, never> => ({});

export { parse };
