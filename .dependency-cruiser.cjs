/**
 * Architecture boundaries, checked by `npm run lint`.
 * The domain stays pure, services stay apart, and shared code never reaches into a service.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'services/*/src/domain holds rules and use cases: no AWS SDK, no adapters, no handlers, no Lambda types.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        path: [
          '^services/[^/]+/src/(adapters|handlers|generated)/',
          '^services/[^/]+/src/(index|config)\\.ts$',
          'node_modules/@aws-sdk/',
          'node_modules/@types/aws-lambda/',
          'node_modules/@aws-lambda-powertools/',
        ],
      },
    },
    {
      name: 'domain-uses-only-shared-errors-and-events',
      comment:
        'From packages/shared the domain may use errors and event schemas, not the HTTP adapter or the DynamoDB client.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^packages/shared/src/(http|dynamodb|secrets|logger)' },
    },
    {
      name: 'services-do-not-import-each-other',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'services-do-not-import-tooling',
      comment: 'A service imports only packages/shared and its own code.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/' },
      to: { path: '^(packages/(client|devstack)|scripts|tests|bench)/' },
    },
    {
      name: 'shared-is-a-kernel',
      severity: 'error',
      from: { path: '^packages/shared/' },
      to: { path: '^(services|packages/(client|devstack))/' },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { path: '^(services|packages/(shared|devstack))/' },
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
