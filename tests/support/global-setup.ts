/**
 * Global setup of the integration and e2e projects: DynamoDB Local starts once per run, in memory,
 * on a free port, and both projects use it (each test file makes its own tables). The e2e project
 * also gets a devstack on free ports over that DynamoDB, with bundles built beforehand
 * (`npm test` builds once; set TESSERA_TEST_BUILD=1 to build here), unless TESSERA_BASE_URL points
 * the e2e suite at a deployed stage.
 *
 * Values reach the tests through `provide`/`inject` (see tests/support/provided.ts).
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../packages/devstack/src/dynamodb-local.ts';
import { startDevstack } from '../../packages/devstack/src/index.ts';
import { freePort } from '../../packages/devstack/src/ports.ts';
import { BOOTSTRAP_ADMIN } from './provided.ts';

interface Shared {
  dynamodb?: Promise<{ endpoint: string; stop(): Promise<void> }> | undefined;
  users: number;
}

// Every project's global setup runs in the one main process; this registry is how they share.
const registry = globalThis as typeof globalThis & { __tesseraTestServices?: Shared };
registry.__tesseraTestServices ??= { users: 0 };
const shared = registry.__tesseraTestServices;

const dynamodb = () => {
  shared.dynamodb ??= freePort().then((port) => startDynamoDbLocal({ port }));
  return shared.dynamodb;
};

const release = async () => {
  shared.users--;
  if (shared.users === 0 && shared.dynamodb) {
    const started = shared.dynamodb;
    shared.dynamodb = undefined;
    await (await started).stop();
  }
};

export async function setup(project: TestProject) {
  shared.users++;
  try {
    // Against a deployed stage the e2e suite needs no DynamoDB Local.
    const external = project.name === 'e2e' && process.env.TESSERA_BASE_URL !== undefined;
    const endpoint = external ? '' : (await dynamodb()).endpoint;
    project.provide('dynamodbEndpoint', endpoint);
    const stopDevstack = project.name === 'e2e' ? await e2eTarget(project, endpoint) : undefined;
    return async () => {
      await stopDevstack?.();
      await release();
    };
  } catch (error) {
    // A setup that fails gets no teardown: stop what it started, or Java outlives the run.
    await release();
    throw error;
  }
}

/** Points the e2e suite at TESSERA_BASE_URL, or starts a devstack for it; answers how to stop it. */
const e2eTarget = async (
  project: TestProject,
  endpoint: string,
): Promise<(() => Promise<void>) | undefined> => {
  const external = process.env.TESSERA_BASE_URL;
  if (external) {
    project.provide('baseUrl', external.replace(/\/+$/, ''));
    project.provide('devstack', null);
    return undefined;
  }
  const logs: string[] = [];
  const devstack = await startDevstack({
    httpPort: 0,
    webSocketPort: 0,
    dynamodbEndpoint: endpoint,
    tablePrefix: 'e2e-',
    build: process.env.TESSERA_TEST_BUILD === '1',
    bootstrapAdmin: BOOTSTRAP_ADMIN,
    logLevel: 'WARN',
    onLog: (source, line) => logs.push(`[${source}] ${line}`),
  });
  project.provide('baseUrl', devstack.httpUrl);
  project.provide('devstack', {
    dataDir: devstack.dataDir,
    tablePrefix: devstack.tablePrefix,
    sqsEndpoint: devstack.sqsEndpoint,
    schedulerEndpoint: devstack.schedulerEndpoint,
    lambdaEndpoint: devstack.lambdaEndpoint,
    eventBusEndpoint: devstack.eventBusEndpoint,
    webSocketUrl: devstack.webSocketUrl,
  });
  return async () => {
    await devstack.stop();
    if (process.env.TESSERA_TEST_LOGS === '1') console.log(logs.join('\n'));
  };
};
