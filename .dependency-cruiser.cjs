/**
 * Architecture boundaries, checked by `npm run lint` over services, packages, scripts, tests and
 * bench. The domain stays pure (an allow-list), services stay apart, shared code never reaches
 * into a service, the tools (packages/tooling) serve the tools and never a service, and the bench
 * measures services through what ships (their bundles and manifests), not their source.
 */

/**
 * What a service's domain may import besides itself and its service's `errors.ts`: the shared
 * modules that hold no I/O (principals and roles, the error classes, the clock, the event
 * envelopes and catalog, the cursor codec, `once`, e-mail addresses, `If-Match` preconditions,
 * the users-directory ports),
 * whether or not they exist yet, and the one pure Node built-in the domain uses, node:crypto
 * (randomUUID, createHash, randomBytes). The metric catalog is data and the metrics port a type: use
 * cases count their business metrics through it.
 */
const DOMAIN_MAY_IMPORT = [
  '^services/$1/src/domain/',
  '^services/$1/src/(not-found-)?errors\\.ts$',
  '^packages/shared/src/(auth|errors|clock|cursor|once|email|precondition)\\.ts$',
  '^packages/shared/src/metrics/catalog\\.ts$',
  '^packages/shared/src/events/[^/]+\\.ts$',
  '^packages/shared/src/users-directory/ports\\.ts$',
  '^(node:)?crypto$',
];

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-pure-code',
      comment:
        'services/<s>/src/domain holds rules and use cases. It imports only its own domain, its service errors.ts (and not-found-errors.ts, its 404s split from it), the pure shared modules and node:crypto: no AWS SDK, no adapters, no handlers, no configuration, no npm package, no Lambda types.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { pathNot: DOMAIN_MAY_IMPORT },
    },
    {
      name: 'services-do-not-import-each-other',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'services-do-not-import-tooling',
      comment:
        'A service imports only packages/shared and its own code; the tools are not part of what ships.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { path: '^(packages/(client|devstack|tooling)|scripts|tests|bench)/' },
    },
    {
      name: 'shared-is-a-kernel',
      severity: 'error',
      from: { path: '^packages/shared/' },
      to: { path: '^(services|packages/(client|devstack|tooling))/' },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { path: '^(services|packages/(shared|devstack|tooling))/' },
    },
    {
      name: 'tooling-knows-no-service-and-no-devstack',
      comment:
        'packages/tooling (the repository, the contract, the manifests, the build) reads services through their manifests and files; it imports no service code and nothing of the devstack, which builds on it.',
      severity: 'error',
      from: { path: '^packages/tooling/' },
      to: { path: '^(services|packages/devstack)/' },
    },
    {
      name: 'devstack-does-not-import-scripts',
      comment: 'What the devstack shares with the scripts lives in packages/tooling.',
      severity: 'error',
      from: { path: '^packages/devstack/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'bench-measures-public-entries',
      comment:
        "The bench measures the built bundles (dist/<name>/index.mjs) with the exports, memory and environment their manifests declare; it imports no service's source, so refactoring a service never breaks it.",
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^services/[^/]+/src/' },
    },
    {
      name: 'bench-uses-the-devstack-entry',
      comment:
        "The bench starts the devstack through its public entry only; the devstack's modules may move.",
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^packages/devstack/', pathNot: '^packages/devstack/src/index\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.tessera)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
