/**
 * `npm start`: builds the bundles and runs the devstack until Ctrl-C.
 *
 * Settings (environment):
 * - `TESSERA_HTTP_PORT` (3000), `TESSERA_DYNAMODB_PORT` (8000), `TESSERA_DATA_DIR` (`.tessera`);
 * - `TESSERA_WS_PORT` (3001): the WebSocket gateway and its `@connections` endpoint;
 * - `TESSERA_SQS_PORT`: the queues' SQS endpoint (a free port unless set);
 * - `TESSERA_SCHEDULER_PORT`: the scheduler's endpoint (EventBridge Scheduler's REST JSON), and
 *   `TESSERA_LAMBDA_PORT`: the Lambda Invoke endpoint (each a free port unless set);
 * - `TESSERA_XRAY_PORT`: the local X-Ray daemon's UDP port, refused when busy; unset, 2000 (the
 *   daemon's own) when free, else a free one, so a real X-Ray daemon there does not stop the start;
 * - `TESSERA_BOOTSTRAP_ADMIN_EMAIL` and `TESSERA_BOOTSTRAP_ADMIN_PASSWORD`: an admin to make sure of;
 * - `TESSERA_LOG_LEVEL` (INFO): the functions' log level; `TESSERA_QUIET=1` hides function logs;
 * - `TESSERA_BUILD` (1): `0` starts from the bundles already in `dist/` instead of building them, so
 *   a test of this CLI leaves `dist/` alone while other runs use it;
 * - `TESSERA_<SETTING>`: the value of every manifest setting of that id on the devstack, over its
 *   devstack value and default (`TESSERA_REMINDER_LEAD_SECONDS` for `reminder_lead_seconds`).
 *
 * Once ready, it writes `<dataDir>/endpoints.json`, where the running devstack answers, for the tools
 * that look for it (`npm run redrive` finds the SQS endpoint there):
 * `{ "pid": 4242, "http": "http://127.0.0.1:3000", "webSocket": "ws://127.0.0.1:3001",
 * "webSocketConnections": "http://127.0.0.1:3001", "sqs": "http://127.0.0.1:<port>",
 * "scheduler": "http://127.0.0.1:<port>", "lambda": "http://127.0.0.1:<port>",
 * "dynamodb": "http://127.0.0.1:8000", "eventBus": "http://127.0.0.1:<port>",
 * "xrayDaemon": "127.0.0.1:2000" }`. It removes the file
 * when it stops; a file whose pid is no running process was left by a devstack killed outright.
 *
 * The devstack's clock (`POST /_devstack/clock` moves it forward, ADR 0033) keeps its offset in
 * `<dataDir>/clock.json`, so the next start goes on from the moved time; the banner says when it is
 * ahead. Deleting that file while stopped puts it back on the wall clock.
 *
 * The functions' EMF lines are metrics, not logs: they are not printed, and `/_devstack/metrics`
 * serves them (Prometheus text); their traces are at `/_devstack/traces` (ADR 0039).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifests } from '@tessera/tooling/manifests';
import { z } from 'zod';
import { settingOverridesFrom } from './functions.ts';
import { startDevstack } from './index.ts';
import { PortInUseError } from './ports.ts';
import { stopOnSignalOrCrash } from './shutdown.ts';

const settings = z
  .object({
    TESSERA_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    TESSERA_DYNAMODB_PORT: z.coerce.number().int().min(1).max(65535).default(8000),
    TESSERA_WS_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
    TESSERA_SQS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    TESSERA_SCHEDULER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    TESSERA_LAMBDA_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    TESSERA_XRAY_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    TESSERA_DATA_DIR: z.string().min(1).default('.tessera'),
    TESSERA_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
    TESSERA_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(1).optional(),
    TESSERA_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    TESSERA_QUIET: z.enum(['0', '1']).default('0'),
    TESSERA_BUILD: z.enum(['0', '1']).default('1'),
  })
  .refine(
    (s) =>
      (s.TESSERA_BOOTSTRAP_ADMIN_EMAIL === undefined) === (s.TESSERA_BOOTSTRAP_ADMIN_PASSWORD === undefined),
    'Set both TESSERA_BOOTSTRAP_ADMIN_EMAIL and TESSERA_BOOTSTRAP_ADMIN_PASSWORD, or neither',
  );

/** Writes `<dataDir>/endpoints.json` (whole or not at all); answers how to remove it, if still ours. */
const publishEndpoints = (dataDir: string, endpoints: Readonly<Record<string, string>>): (() => void) => {
  const file = join(dataDir, 'endpoints.json');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ pid: process.pid, ...endpoints }, null, 2)}\n`, {
    mode: 0o600,
  });
  renameSync(temporary, file);
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid === process.pid) rmSync(file);
    } catch {
      // Gone already, or another devstack's now: nothing of ours to remove.
    }
  };
};

const main = async () => {
  const parsed = settings.safeParse(process.env);
  if (!parsed.success) {
    console.error(
      `Cannot start: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ')}`,
    );
    process.exit(1);
  }
  const env = parsed.data;
  const started = performance.now();
  // startDevstack checks every port it is given before it spends time on the build.
  console.log('Starting Tessera: bundles, DynamoDB Local, tables, functions, queues and the gateways ...');
  const quiet = env.TESSERA_QUIET === '1';
  const devstack = await startDevstack({
    httpPort: env.TESSERA_HTTP_PORT,
    dynamodbPort: env.TESSERA_DYNAMODB_PORT,
    webSocketPort: env.TESSERA_WS_PORT,
    ...(env.TESSERA_SQS_PORT ? { sqsPort: env.TESSERA_SQS_PORT } : {}),
    ...(env.TESSERA_SCHEDULER_PORT ? { schedulerPort: env.TESSERA_SCHEDULER_PORT } : {}),
    ...(env.TESSERA_LAMBDA_PORT ? { lambdaPort: env.TESSERA_LAMBDA_PORT } : {}),
    xrayPort: env.TESSERA_XRAY_PORT ?? { preferred: 2000 },
    dataDir: env.TESSERA_DATA_DIR,
    build: env.TESSERA_BUILD === '1',
    settingOverrides: settingOverridesFrom(process.env, loadManifests()),
    logLevel: env.TESSERA_LOG_LEVEL,
    bootstrapAdmin:
      env.TESSERA_BOOTSTRAP_ADMIN_EMAIL && env.TESSERA_BOOTSTRAP_ADMIN_PASSWORD
        ? { email: env.TESSERA_BOOTSTRAP_ADMIN_EMAIL, password: env.TESSERA_BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    onLog: (source, line) => {
      // Quiet hides what the functions log, never the build's or the devstack's own lines.
      if (!quiet || source === 'build' || source === 'devstack') console.log(`[${source}] ${line}`);
    },
    onRequest: ({ method, path, status, ms, requestId }) => {
      console.log(`${method} ${path} ${status} ${ms} ms (${requestId})`);
    },
  });
  const unpublish = publishEndpoints(devstack.dataDir, {
    http: devstack.httpUrl,
    webSocket: devstack.webSocketUrl,
    webSocketConnections: devstack.webSocketConnectionsUrl,
    sqs: devstack.sqsEndpoint,
    scheduler: devstack.schedulerEndpoint,
    lambda: devstack.lambdaEndpoint,
    dynamodb: devstack.dynamodbEndpoint,
    eventBus: devstack.eventBusEndpoint,
    xrayDaemon: devstack.xrayDaemonAddress,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const aheadSeconds = Math.round((devstack.clock.now() - Date.now()) / 1000);
  const clockNote =
    aheadSeconds > 0
      ? `  Clock offset   ${aheadSeconds} s ahead of the wall clock (${join(devstack.dataDir, 'clock.json')})\n`
      : '';
  console.log(`
Tessera is ready in ${seconds} s.

  API            ${devstack.httpUrl}
  WebSocket      ${devstack.webSocketUrl}
  API reference  ${devstack.httpUrl}/docs
  Demo           ${devstack.httpUrl}/demo
  Contract       ${devstack.httpUrl}/openapi.json
  Health         ${devstack.httpUrl}/health
  Events         ${devstack.httpUrl}/_devstack/events
  Queues         ${devstack.httpUrl}/_devstack/queues
  Metrics        ${devstack.httpUrl}/_devstack/metrics
  Traces         ${devstack.httpUrl}/_devstack/traces
  Schedules      ${devstack.httpUrl}/_devstack/schedules
  Clock          ${devstack.httpUrl}/_devstack/clock
${clockNote}  DynamoDB Local ${devstack.dynamodbEndpoint}
  SQS endpoint   ${devstack.sqsEndpoint}
  Scheduler      ${devstack.schedulerEndpoint}
  Lambda         ${devstack.lambdaEndpoint}
  X-Ray daemon   udp://${devstack.xrayDaemonAddress}
  Data           ${devstack.dataDir}
${env.TESSERA_BOOTSTRAP_ADMIN_EMAIL ? `  Admin          ${env.TESSERA_BOOTSTRAP_ADMIN_EMAIL}\n` : ''}
Press Ctrl-C to stop.`);

  stopOnSignalOrCrash({
    events: process,
    stop: () => {
      // First, so no tool finds a devstack that is going away.
      unpublish();
      return devstack.stop();
    },
    exit: (code) => process.exit(code),
    log: (line) => console.log(line),
  });
};

main().catch((error: unknown) => {
  if (error instanceof PortInUseError) console.error(`Cannot start: ${error.message}`);
  else console.error('Cannot start:', error);
  process.exit(1);
});
