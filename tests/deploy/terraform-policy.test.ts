/**
 * The policy test over Terraform plans (scripts/lib/terraform-policy.ts), on small hand-made plans:
 * each rule must catch what it exists for, since a policy that cannot fail protects nothing.
 */
import { describe, expect, it } from 'vitest';
import { type ContractOperation, checkPlan, type TerraformPlan } from '../../scripts/lib/terraform-policy.ts';

const operations: ContractOperation[] = [
  { routeKey: 'GET /health', operationId: 'getHealth', service: 'users', secured: false },
  { routeKey: 'GET /v1/users/me', operationId: 'getMe', service: 'users', secured: true },
];

const usersUri = (environment: string) =>
  `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-${environment}-users:live/invocations`;

const integration = (uri: string) => ({
  type: 'aws_proxy',
  httpMethod: 'POST',
  uri,
  payloadFormatVersion: '2.0',
});

const apiBody = (environment: string) => ({
  openapi: '3.0.3',
  paths: {
    '/health': {
      get: {
        operationId: 'getHealth',
        'x-amazon-apigateway-integration': integration(usersUri(environment)),
      },
    },
    '/v1/users/me': {
      get: {
        operationId: 'getMe',
        security: [{ bearerAuth: [] }],
        'x-amazon-apigateway-integration': integration(usersUri(environment)),
      },
    },
  },
});

/** A resource as `terraform show -json` writes it: managed, named after its address, of the AWS provider. */
const asPlanned = (resource: { address: string; type: string; values: Record<string, unknown> }) => ({
  mode: 'managed',
  name:
    resource.address
      .split('.')
      .at(-1)
      ?.replace(/\[.*\]$/, '') ?? '',
  provider_name: 'registry.terraform.io/hashicorp/aws',
  ...resource,
});

interface PlanParts {
  readonly environment?: string;
  readonly table?: Record<string, unknown>;
  readonly fn?: Record<string, unknown>;
  readonly logGroup?: Record<string, unknown>;
  readonly policy?: unknown;
  readonly body?: unknown;
  /** The function's alarms; by default one on Errors and one on Throttles, both to the topic. */
  readonly alarms?: readonly Record<string, unknown>[];
  /**
   * The alarms of the APIs and of the users service (which owns the operations), by address; by
   * default, in staging and prod, the four the platform and observability modules build.
   */
  readonly apiAlarms?: Readonly<Record<string, Record<string, unknown>>>;
  /** Values over the dashboard's (`dashboard_body` charts every function and queue); null leaves it out. */
  readonly dashboard?: Record<string, unknown> | null;
  /** More resources, e.g. `{ address, type, values }` of a Lambda permission. */
  readonly extra?: readonly { address: string; type: string; values: Record<string, unknown> }[];
  /** Attributes unknown until apply, by resource address. */
  readonly unknown?: Readonly<Record<string, Record<string, unknown>>>;
}

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:tessera-dev-alarms';

const alarmOn = (
  functionName: string,
  metric: string,
  values: Record<string, unknown> = {},
): Record<string, unknown> => ({
  namespace: 'AWS/Lambda',
  metric_name: metric,
  dimensions: { FunctionName: functionName },
  alarm_actions: [TOPIC],
  ok_actions: [TOPIC],
  ...values,
});

/** The id the plan's HTTP API has (known, as in any plan after the first apply). */
const HTTP_API_ID = 'h1t2t3p4a5';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** One query of a metric-math alarm, as the plan shows it. */
const metricQuery = (id: string, metric: Record<string, unknown>) => ({
  id,
  expression: '',
  return_data: false,
  metric: [{ period: 300, stat: 'Sum', ...metric }],
});

/** An alarm on a rate: `errors` over `requests`, as the platform and observability modules build one. */
const rateAlarm = (errors: Record<string, unknown>, requests: Record<string, unknown>) => ({
  comparison_operator: 'GreaterThanThreshold',
  alarm_actions: [TOPIC],
  ok_actions: [TOPIC],
  metric_query: [
    {
      id: 'rate',
      expression: 'IF(FILL(errors, 0) >= 3, 100 * FILL(errors, 0) / requests, 0)',
      return_data: true,
      metric: [],
    },
    metricQuery('errors', errors),
    metricQuery('requests', requests),
  ],
});

/** An alarm on a p99 latency, guarded by a number of requests. */
const latencyAlarm = (latency: Record<string, unknown>, requests: Record<string, unknown>) => ({
  comparison_operator: 'GreaterThanThreshold',
  alarm_actions: [TOPIC],
  ok_actions: [TOPIC],
  metric_query: [
    { id: 'p99', expression: 'IF(requests >= 20, latency, 0)', return_data: true, metric: [] },
    metricQuery('latency', { stat: 'p99', ...latency }),
    metricQuery('requests', requests),
  ],
});

const httpApi = (metric: string) => ({
  namespace: 'AWS/ApiGateway',
  metric_name: metric,
  dimensions: { ApiId: HTTP_API_ID, Stage: '$default' },
});

const usersMetric = (environment: string, metric: string, dimensions: Record<string, string> = {}) => ({
  namespace: 'Tessera',
  metric_name: metric,
  dimensions: { service: 'users', environment, ...dimensions },
});

/** The alarms staging and prod have on the HTTP API and on the users service, by address. */
const apiAlarmsOf = (environment: string): Record<string, Record<string, unknown>> => ({
  'module.platform.aws_cloudwatch_metric_alarm.http_5xx_rate[0]': rateAlarm(httpApi('5xx'), httpApi('Count')),
  'module.platform.aws_cloudwatch_metric_alarm.http_latency_p99[0]': latencyAlarm(
    httpApi('Latency'),
    httpApi('Count'),
  ),
  'module.observability.aws_cloudwatch_metric_alarm.service_5xx_rate["users"]': rateAlarm(
    usersMetric(environment, 'Requests', { statusClass: '5xx' }),
    usersMetric(environment, 'Requests'),
  ),
  'module.observability.aws_cloudwatch_metric_alarm.service_latency_p99["users"]': latencyAlarm(
    usersMetric(environment, 'Latency'),
    { ...usersMetric(environment, 'Latency'), stat: 'SampleCount' },
  ),
});

/** A dashboard body charting the errors of each function and the depth of each queue named. */
const dashboardBody = (functions: readonly string[], queues: readonly string[]) =>
  JSON.stringify({
    widgets: [
      {
        type: 'metric',
        properties: {
          metrics: functions.map((name) => ['AWS/Lambda', 'Errors', 'FunctionName', name, { label: name }]),
        },
      },
      {
        type: 'metric',
        properties: {
          metrics: queues.map((name) => [
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            'QueueName',
            name,
            { stat: 'Maximum' },
          ]),
        },
      },
    ],
  });

/**
 * A plan shaped like an environment's: one table, one function with its log group and alarms, a
 * role, the API. Prod keeps logs a year, as prod's terraform.tfvars does.
 */
const planOf = (parts: PlanParts = {}): TerraformPlan => {
  const environment = parts.environment ?? 'dev';
  const functionName = `tessera-${environment}-users`;
  const alarms = parts.alarms ?? [alarmOn(functionName, 'Errors'), alarmOn(functionName, 'Throttles')];
  const alarmed = environment === 'staging' || environment === 'prod';
  const apiAlarms = parts.apiAlarms ?? (alarmed ? apiAlarmsOf(environment) : {});
  const resources: { address: string; type: string; values: Record<string, unknown> }[] = [
    {
      address: 'module.users.aws_dynamodb_table.this',
      type: 'aws_dynamodb_table',
      values: {
        point_in_time_recovery: [{ enabled: true }],
        server_side_encryption: [{ enabled: true }],
        deletion_protection_enabled: true,
        ...parts.table,
      },
    },
    {
      address: 'module.users.aws_lambda_function.this',
      type: 'aws_lambda_function',
      values: {
        function_name: `tessera-${environment}-users`,
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        logging_config: [{ log_group: `/aws/lambda/tessera-${environment}-users` }],
        tracing_config: [{ mode: 'Active' }],
        environment: [{ variables: { ENVIRONMENT: environment, POWERTOOLS_LOG_LEVEL: 'INFO' } }],
        ...parts.fn,
      },
    },
    {
      address: 'module.users.aws_cloudwatch_log_group.this',
      type: 'aws_cloudwatch_log_group',
      values: {
        name: `/aws/lambda/tessera-${environment}-users`,
        retention_in_days: environment === 'prod' ? 365 : 30,
        ...parts.logGroup,
      },
    },
    ...alarms.map((values, index) => ({
      address: `module.users.aws_cloudwatch_metric_alarm.alarm[${index}]`,
      type: 'aws_cloudwatch_metric_alarm',
      values,
    })),
    {
      address: 'module.users.aws_iam_role_policy.this',
      type: 'aws_iam_role_policy',
      values: {
        policy:
          parts.policy === undefined
            ? JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'UseOwnTable',
                    Effect: 'Allow',
                    Action: ['dynamodb:GetItem'],
                    Resource: ['arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-users'],
                  },
                ],
              })
            : parts.policy,
      },
    },
    {
      address: 'module.platform.aws_apigatewayv2_api.this',
      type: 'aws_apigatewayv2_api',
      values: {
        id: HTTP_API_ID,
        protocol_type: 'HTTP',
        body: parts.body === undefined ? JSON.stringify(apiBody(environment)) : parts.body,
      },
    },
    ...Object.entries(apiAlarms).map(([address, values]) => ({
      address,
      type: 'aws_cloudwatch_metric_alarm',
      values,
    })),
    ...(alarmed
      ? [
          {
            address: 'module.platform.aws_sns_topic.this[0]',
            type: 'aws_sns_topic',
            values: { name: TOPIC.split(':').at(-1) },
          },
        ]
      : []),
    ...(parts.extra ?? []),
  ];
  if (parts.dashboard !== null) {
    const named = (type: string, attribute: string) =>
      resources
        .filter((resource) => resource.type === type)
        .map((resource) => String(resource.values[attribute]));
    resources.push({
      address: 'module.observability.aws_cloudwatch_dashboard.this',
      type: 'aws_cloudwatch_dashboard',
      values: {
        dashboard_name: `tessera-${environment}`,
        dashboard_body: dashboardBody(
          named('aws_lambda_function', 'function_name'),
          named('aws_sqs_queue', 'name'),
        ),
        ...parts.dashboard,
      },
    });
  }
  return {
    planned_values: { root_module: { child_modules: [{ resources: resources.map(asPlanned) }] } },
    resource_changes: resources.map((resource) => ({
      ...asPlanned(resource),
      change: {
        actions: ['create'],
        after_unknown:
          parts.unknown?.[resource.address] ??
          (resource.values.policy === null || resource.values.body === null
            ? { policy: true, body: true }
            : {}),
      },
    })),
  };
};

const rulesOf = (plan: TerraformPlan, environment = 'dev') =>
  checkPlan(plan, { environment, operations }).findings.map((finding) => finding.rule);

describe('terraform policy', () => {
  it('passes a plan that keeps every rule', () => {
    // Prepare
    const plan = planOf();

    // Act
    const report = checkPlan(plan, { environment: 'dev', operations });

    // Assess
    expect(report.findings).toEqual([]);
    expect(report.counts).toEqual({
      tables: 1,
      functions: 1,
      policies: 1,
      statements: 1,
      routes: 2,
      webSocketRoutes: 0,
      alarms: 2,
      logGroups: 1,
      queues: 0,
    });
    expect(report.resourcesByType.aws_lambda_function).toBe(1);
  });

  it('flags a table without point-in-time recovery or encryption', () => {
    // Prepare
    const plan = planOf({
      table: { point_in_time_recovery: [{ enabled: false }], server_side_encryption: [] },
    });

    // Act
    const rules = rulesOf(plan);

    // Assess
    expect(rules).toEqual(['table-pitr', 'table-encryption']);
  });

  it('requires deletion protection in prod only', () => {
    // Prepare
    const unprotected = { table: { deletion_protection_enabled: false } };

    // Act
    const inDev = rulesOf(planOf(unprotected));
    const inProd = rulesOf(planOf({ ...unprotected, environment: 'prod' }), 'prod');

    // Assess
    expect(inDev).toEqual([]);
    expect(inProd).toEqual(['table-deletion-protection']);
  });

  it('flags a function off arm64, off nodejs22.x, or logging forever', () => {
    // Prepare
    const plan = planOf({
      fn: { architectures: ['x86_64'], runtime: 'nodejs20.x' },
      logGroup: { retention_in_days: 0 },
    });

    // Act
    const rules = rulesOf(plan);

    // Assess
    expect(rules).toEqual(['function-arm64', 'function-runtime', 'function-log-retention']);
  });

  it('passes a prod plan that keeps every rule', () => {
    // Prepare
    const plan = planOf({ environment: 'prod' });

    // Act
    const findings = checkPlan(plan, { environment: 'prod', operations }).findings;

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([['*'], ['dynamodb:*'], ['s3:Get*'], ['dynamodb:*Item'], ['iam:Pass*']])(
    'flags a statement whose Action %s contains *',
    (action) => {
      // Prepare
      const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

      // Act
      const rules = rulesOf(planOf({ policy }));

      // Assess
      expect(rules).toEqual(['iam-no-wildcard-action']);
    },
  );

  it('flags a * action among named ones, and names it', () => {
    // Prepare
    const policy = JSON.stringify({
      Statement: [
        { Sid: 'Mixed', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Batch*'], Resource: 'x' },
      ],
    });

    // Act
    const findings = checkPlan(planOf({ policy }), { environment: 'dev', operations }).findings;

    // Assess
    expect(findings).toEqual([
      {
        rule: 'iam-no-wildcard-action',
        address: 'module.users.aws_iam_role_policy.this (policy, Mixed)',
        message: 'allows Action dynamodb:Batch*',
      },
    ]);
  });

  it('flags a Lambda permission whose action contains *', () => {
    // Prepare
    const permission = {
      address: 'module.platform.aws_lambda_permission.integration["users"]',
      type: 'aws_lambda_permission',
      values: {
        action: 'lambda:Invoke*',
        principal: 'apigateway.amazonaws.com',
        source_arn: 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/*/*',
      },
    };

    // Act
    const rules = rulesOf(planOf({ extra: [permission] }));

    // Assess
    expect(rules).toEqual(['iam-no-wildcard-action']);
  });

  it('passes statements whose actions are all named', () => {
    // Prepare
    const policy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'sqs:SendMessage'], Resource: 'x' }],
    });

    // Act
    const rules = rulesOf(planOf({ policy }));

    // Assess
    expect(rules).toEqual([]);
  });

  it.each([
    ['Errors', 'prod'],
    ['Throttles', 'prod'],
    ['Errors', 'staging'],
    ['Throttles', 'staging'],
  ])('flags a function without a %s alarm in %s', (metric, environment) => {
    // Prepare
    const other = metric === 'Errors' ? 'Throttles' : 'Errors';
    const plan = planOf({ environment, alarms: [alarmOn(`tessera-${environment}-users`, other)] });

    // Act
    const findings = checkPlan(plan, { environment, operations }).findings;

    // Assess
    expect(findings).toEqual([
      {
        rule: 'function-alarms',
        address: 'module.users.aws_lambda_function.this',
        message: `has no ${metric} alarm`,
      },
    ]);
  });

  it("does not count another function's alarms or another namespace's", () => {
    // Prepare
    const plan = planOf({
      environment: 'prod',
      alarms: [
        alarmOn('tessera-prod-tickets', 'Errors'),
        alarmOn('tessera-prod-users', 'Throttles', { namespace: 'AWS/SQS' }),
      ],
    });

    // Act
    const rules = rulesOf(plan, 'prod');

    // Assess
    expect(rules).toEqual(['function-alarms', 'function-alarms']);
  });

  it('flags a prod alarm that notifies no one', () => {
    // Prepare
    const plan = planOf({
      environment: 'prod',
      alarms: [
        alarmOn('tessera-prod-users', 'Errors', { alarm_actions: [] }),
        alarmOn('tessera-prod-users', 'Throttles'),
      ],
    });

    // Act
    const findings = checkPlan(plan, { environment: 'prod', operations }).findings;

    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      'its Errors alarm notifies no one (empty alarm_actions)',
    ]);
  });

  it('flags a prod alarm whose actions are unknown until apply', () => {
    // Prepare
    const { alarm_actions: _unknown, ...withoutActions } = alarmOn('tessera-prod-users', 'Throttles');
    const plan = planOf({
      environment: 'prod',
      alarms: [alarmOn('tessera-prod-users', 'Errors'), withoutActions],
      unknown: { 'module.users.aws_cloudwatch_metric_alarm.alarm[1]': { alarm_actions: true } },
    });

    // Act
    const findings = checkPlan(plan, { environment: 'prod', operations }).findings;

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('Throttles alarm');
    expect(findings[0]?.message).toContain('unknown until apply');
  });

  it('requires no function alarms in dev, where alarms are off', () => {
    // Act
    const rules = rulesOf(planOf({ alarms: [] }));

    // Assess
    expect(rules).toEqual([]);
  });

  it.each([['dev'], ['staging'], ['prod']])(
    'flags a function that does not trace actively, in %s',
    (environment) => {
      // Prepare
      const passThrough = planOf({ environment, fn: { tracing_config: [{ mode: 'PassThrough' }] } });
      const untraced = planOf({ environment, fn: { tracing_config: [] } });

      // Act
      const findings = [
        ...checkPlan(passThrough, { environment, operations }).findings,
        ...checkPlan(untraced, { environment, operations }).findings,
      ];

      // Assess
      expect(findings).toEqual([
        {
          rule: 'function-tracing',
          address: 'module.users.aws_lambda_function.this',
          message: 'traces in mode PassThrough, not Active: every function is traced with X-Ray',
        },
        {
          rule: 'function-tracing',
          address: 'module.users.aws_lambda_function.this',
          message: 'traces nothing (no tracing_config), not Active: every function is traced with X-Ray',
        },
      ]);
    },
  );

  it.each([['dev'], ['staging'], ['prod']])(
    'flags a function whose ENVIRONMENT is missing or names another environment, in %s',
    (environment) => {
      // Prepare
      const unset = planOf({
        environment,
        fn: { environment: [{ variables: { POWERTOOLS_LOG_LEVEL: 'INFO' } }] },
      });
      const noVariables = planOf({ environment, fn: { environment: [] } });
      const other = planOf({ environment, fn: { environment: [{ variables: { ENVIRONMENT: 'local' } }] } });

      // Act
      const messages = [unset, noVariables, other].flatMap((plan) =>
        checkPlan(plan, { environment, operations }).findings.map(
          (finding) => `${finding.rule}: ${finding.message}`,
        ),
      );

      // Assess
      expect(messages).toEqual([
        `function-environment: ENVIRONMENT is not set, not "${environment}": its metrics would carry another environment dimension`,
        `function-environment: ENVIRONMENT is not set, not "${environment}": its metrics would carry another environment dimension`,
        `function-environment: ENVIRONMENT is "local", not "${environment}": its metrics would carry another environment dimension`,
      ]);
    },
  );

  describe('a function whose environment variables are unknown until apply', () => {
    const unknownVariables = (output?: Record<string, unknown>): TerraformPlan => ({
      ...planOf({
        fn: { environment: [{}] },
        unknown: { 'module.users.aws_lambda_function.this': { environment: [{ variables: true }] } },
      }),
      ...(output === undefined
        ? {}
        : { output_changes: { lambda_function_environment_variables: { after: output } } }),
    });

    it('reads ENVIRONMENT from the environments output, which keeps the known values', () => {
      // Act
      const passing = rulesOf(unknownVariables({ 'tessera-dev-users': { ENVIRONMENT: 'dev' } }));
      const failing = checkPlan(unknownVariables({ 'tessera-dev-users': { ENVIRONMENT: 'prod' } }), {
        environment: 'dev',
        operations,
      }).findings;

      // Assess
      expect(passing).toEqual([]);
      expect(failing.map((finding) => finding.message)).toEqual([
        'ENVIRONMENT is "prod", not "dev": its metrics would carry another environment dimension',
      ]);
    });

    it('flags it when the output does not name it either', () => {
      // Act
      const findings = [
        ...checkPlan(unknownVariables(), { environment: 'dev', operations }).findings,
        ...checkPlan(unknownVariables({ 'tessera-dev-tickets': { ENVIRONMENT: 'dev' } }), {
          environment: 'dev',
          operations,
        }).findings,
      ];

      // Assess
      expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
        'function-environment: its environment variables are unknown until apply, and the lambda_function_environment_variables output does not name its ENVIRONMENT, so it cannot be checked',
        'function-environment: its environment variables are unknown until apply, and the lambda_function_environment_variables output does not name its ENVIRONMENT, so it cannot be checked',
      ]);
    });
  });

  it.each([[30], [180], [364]])('flags a prod log group that keeps logs %i days', (days) => {
    // Prepare
    const plan = planOf({ environment: 'prod', logGroup: { retention_in_days: days } });

    // Act
    const findings = checkPlan(plan, { environment: 'prod', operations }).findings;

    // Assess
    expect(findings).toEqual([
      {
        rule: 'prod-log-retention',
        address: 'module.users.aws_cloudwatch_log_group.this',
        message: `keeps /aws/lambda/tessera-prod-users for ${days} days; prod keeps logs at least 365`,
      },
    ]);
  });

  it.each([[365], [731]])('passes a prod log group that keeps logs %i days', (days) => {
    // Prepare
    const plan = planOf({ environment: 'prod', logGroup: { retention_in_days: days } });

    // Act
    const rules = rulesOf(plan, 'prod');

    // Assess
    expect(rules).toEqual([]);
  });

  it('lets dev keep logs a week', () => {
    // Prepare
    const plan = planOf({ logGroup: { retention_in_days: 7 } });

    // Act
    const rules = rulesOf(plan);

    // Assess
    expect(rules).toEqual([]);
  });

  it('flags a policy it cannot read at plan time', () => {
    // Prepare
    const plan = planOf({ policy: null });

    // Act
    const rules = rulesOf(plan);

    // Assess
    expect(rules).toEqual(['iam-policy-known']);
  });

  it('flags an operation without a route and a route without an operation', () => {
    // Prepare
    const body = apiBody('dev');
    const { '/v1/users/me': _dropped, ...paths } = body.paths;
    const withExtraRoute = {
      ...body,
      paths: {
        ...paths,
        '/v1/admin': { get: { 'x-amazon-apigateway-integration': integration(usersUri('dev')) } },
      },
    };

    // Act
    const findings = checkPlan(planOf({ body: JSON.stringify(withExtraRoute) }), {
      environment: 'dev',
      operations,
    }).findings;

    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      'operation getMe (GET /v1/users/me) has no route',
      'route GET /v1/admin is no contract operation',
    ]);
  });

  it("flags a route that invokes another service's function", () => {
    // Prepare
    const body = apiBody('dev');
    body.paths['/health'].get['x-amazon-apigateway-integration'] = integration(usersUri('prod'));

    // Act
    const rules = rulesOf(planOf({ body: JSON.stringify(body) }));

    // Assess
    expect(rules).toEqual(['route-integration']);
  });

  it('flags a secured operation that is not behind the authorizer', () => {
    // Prepare
    const body = apiBody('dev');
    const { security: _security, ...open } = body.paths['/v1/users/me'].get;
    const unguarded = { ...body, paths: { ...body.paths, '/v1/users/me': { get: open } } };

    // Act
    const rules = rulesOf(planOf({ body: JSON.stringify(unguarded) }));

    // Assess
    expect(rules).toEqual(['route-security']);
  });

  describe('queues', () => {
    const queueArn = (name: string) => `arn:aws:sqs:eu-west-1:111111111111:${name}`;
    const queue = (name: string, values: Record<string, unknown> = {}) => ({
      address: `module.payments.module.service.aws_sqs_queue.this["${name}"]`,
      type: 'aws_sqs_queue',
      values: { name, sqs_managed_sse_enabled: true, ...values },
    });
    const redrivingTo = (name: string, deadLetter: string, values: Record<string, unknown> = {}) =>
      queue(name, {
        redrive_policy: JSON.stringify({ deadLetterTargetArn: queueArn(deadLetter), maxReceiveCount: 3 }),
        ...values,
      });
    const alarmOnQueue = (name: string, values: Record<string, unknown> = {}) => ({
      address: `module.payments.module.service.aws_cloudwatch_metric_alarm.this["${name}"]`,
      type: 'aws_cloudwatch_metric_alarm',
      values: {
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: name },
        comparison_operator: 'GreaterThanThreshold',
        threshold: 0,
        alarm_actions: [TOPIC],
        ok_actions: [TOPIC],
        ...values,
      },
    });
    /** The alarm a queue that is no dead-letter queue has: on its oldest message's age. */
    const ageAlarmOn = (name: string, values: Record<string, unknown> = {}) =>
      alarmOnQueue(name, { metric_name: 'ApproximateAgeOfOldestMessage', threshold: 240, ...values });
    const mapping = (values: Record<string, unknown>) => ({
      address: 'module.payments.module.service.aws_lambda_event_source_mapping.subscription["bookings"]',
      type: 'aws_lambda_event_source_mapping',
      values,
    });
    const target = (values: Record<string, unknown>) => ({
      address: 'module.payments.module.service.aws_cloudwatch_event_target.this["bookings"]',
      type: 'aws_cloudwatch_event_target',
      values,
    });
    /** An asynchronous invocation configuration, as the service module builds one for a function target. */
    const invokeConfig = (values: Record<string, unknown>) => ({
      address: 'module.payments.module.service.aws_lambda_function_event_invoke_config.this["users"]',
      type: 'aws_lambda_function_event_invoke_config',
      values: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600, ...values },
    });
    const queuePolicy = (statement: Record<string, unknown>) => ({
      address: 'module.payments.module.service.aws_sqs_queue_policy.subscription["bookings"]',
      type: 'aws_sqs_queue_policy',
      values: {
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'EventBridgeDeliversEvents',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: queueArn('tessera-dev-payments-bookings'),
              ...statement,
            },
          ],
        }),
      },
    });
    const pinned = {
      Condition: {
        ArnEquals: {
          'aws:SourceArn':
            'arn:aws:events:eu-west-1:111111111111:rule/tessera-dev/tessera-dev-payments-bookings',
        },
      },
    };

    /** The alias ARN of the plan's one function, `tessera-<environment>-users`, as a mapping names it. */
    const aliasArn = (environment: string) =>
      `arn:aws:lambda:eu-west-1:111111111111:function:tessera-${environment}-users:live`;

    /**
     * A queue target as the service module builds it, for the plan's function (10 s timeout, see
     * `consumerPlan`): the queue hiding a message 60 s and redriving to its dead-letter queue, an
     * alarm on each, and the mapping that reports batch item failures.
     */
    const queueTarget = (
      environment: string,
      parts: { queue?: Record<string, unknown>; mapping?: Record<string, unknown> } = {},
    ) => {
      const name = `tessera-${environment}-payments-bookings`;
      return [
        redrivingTo(name, `${name}-dlq`, { visibility_timeout_seconds: 60, ...parts.queue }),
        queue(`${name}-dlq`),
        ageAlarmOn(name),
        alarmOnQueue(`${name}-dlq`),
        mapping({
          event_source_arn: queueArn(name),
          function_name: aliasArn(environment),
          function_response_types: ['ReportBatchItemFailures'],
          ...parts.mapping,
        }),
      ];
    };
    const consumerPlan = (
      environment: string,
      extra: readonly { address: string; type: string; values: Record<string, unknown> }[],
      fn: Record<string, unknown> = {},
    ) => planOf({ environment, fn: { timeout: 10, ...fn }, extra });

    it('passes encrypted queues whose dead-letter queue alarms, in staging', () => {
      // Prepare
      const extra = [
        redrivingTo('tessera-staging-payments-bookings', 'tessera-staging-payments-bookings-dlq'),
        queue('tessera-staging-payments-bookings-dlq'),
        ageAlarmOn('tessera-staging-payments-bookings'),
        alarmOnQueue('tessera-staging-payments-bookings-dlq'),
      ];

      // Act
      const report = checkPlan(planOf({ environment: 'staging', extra }), {
        environment: 'staging',
        operations,
      });

      // Assess
      expect(report.findings).toEqual([]);
      expect(report.counts.queues).toBe(2);
    });

    it.each([['dev'], ['staging'], ['prod']])(
      'passes a queue target as the service module builds it, in %s',
      (environment) => {
        // Act
        const findings = checkPlan(consumerPlan(environment, queueTarget(environment)), {
          environment,
          operations,
        }).findings;

        // Assess
        expect(findings).toEqual([]);
      },
    );

    it.each([
      [{ sqs_managed_sse_enabled: false }],
      [{ sqs_managed_sse_enabled: false, kms_master_key_id: '' }],
    ])('flags a queue that is not encrypted (%j)', (values) => {
      // Prepare
      const extra = [
        redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-payments-bookings-dlq', values),
        queue('tessera-dev-payments-bookings-dlq'),
      ];

      // Act
      const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

      // Assess
      expect(findings).toEqual([
        {
          rule: 'sqs-encryption',
          address: 'module.payments.module.service.aws_sqs_queue.this["tessera-dev-payments-bookings"]',
          message: 'tessera-dev-payments-bookings is not encrypted',
        },
      ]);
    });

    it('passes a queue encrypted with a KMS key', () => {
      // Prepare
      const extra = [
        redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-payments-bookings-dlq', {
          sqs_managed_sse_enabled: false,
          kms_master_key_id: 'alias/tessera',
        }),
        queue('tessera-dev-payments-bookings-dlq'),
      ];

      // Act
      const rules = rulesOf(planOf({ extra }));

      // Assess
      expect(rules).toEqual([]);
    });

    it.each([['staging'], ['prod']])('flags a dead-letter queue without an alarm in %s', (environment) => {
      // Prepare
      const extra = [
        redrivingTo(
          `tessera-${environment}-payments-bookings`,
          `tessera-${environment}-payments-bookings-dead`,
        ),
        ageAlarmOn(`tessera-${environment}-payments-bookings`),
        queue(`tessera-${environment}-payments-bookings-dead`),
      ];

      // Act
      const findings = checkPlan(planOf({ environment, extra }), { environment, operations }).findings;

      // Assess
      expect(findings).toEqual([
        {
          rule: 'sqs-dead-letter-alarm',
          address: `module.payments.module.service.aws_sqs_queue.this["tessera-${environment}-payments-bookings-dead"]`,
          message: `dead-letter queue tessera-${environment}-payments-bookings-dead has no alarm on its first message (ApproximateNumberOfMessagesVisible > 0)`,
        },
      ]);
    });

    it('requires no dead-letter alarm in dev, where alarms are off', () => {
      // Prepare
      const extra = [
        redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-payments-bookings-dlq'),
        queue('tessera-dev-payments-bookings-dlq'),
      ];

      // Act
      const rules = rulesOf(planOf({ extra }));

      // Assess
      expect(rules).toEqual([]);
    });

    it('counts a queue an EventBridge target or its name marks as a dead-letter queue', () => {
      // Prepare
      const extra = [
        target({ dead_letter_config: [{ arn: queueArn('tessera-prod-tickets-events') }] }),
        queue('tessera-prod-tickets-events'),
        queue('tessera-prod-bookings-schedules-dlq'),
      ];

      // Act
      const findings = checkPlan(planOf({ environment: 'prod', extra }), {
        environment: 'prod',
        operations,
      }).findings;

      // Assess
      expect(findings.map((finding) => finding.message)).toEqual([
        'dead-letter queue tessera-prod-tickets-events has no alarm on its first message (ApproximateNumberOfMessagesVisible > 0)',
        'dead-letter queue tessera-prod-bookings-schedules-dlq has no alarm on its first message (ApproximateNumberOfMessagesVisible > 0)',
      ]);
    });

    it.each([
      ['an alarm on another metric', { metric_name: 'NumberOfMessagesSent' }],
      ['an alarm that waits for 5 messages', { threshold: 5 }],
      ['an alarm on another queue', { dimensions: { QueueName: 'tessera-prod-other-dlq' } }],
    ])('does not count %s', (_what, values) => {
      // Prepare
      const extra = [
        queue('tessera-prod-payments-bookings-dlq'),
        alarmOnQueue('tessera-prod-payments-bookings-dlq', values),
      ];

      // Act
      const rules = rulesOf(planOf({ environment: 'prod', extra }), 'prod');

      // Assess
      expect(rules).toEqual(['sqs-dead-letter-alarm']);
    });

    it('flags a dead-letter alarm that notifies no one', () => {
      // Prepare
      const extra = [
        queue('tessera-prod-payments-bookings-dlq'),
        alarmOnQueue('tessera-prod-payments-bookings-dlq', { alarm_actions: [] }),
      ];

      // Act
      const findings = checkPlan(planOf({ environment: 'prod', extra }), {
        environment: 'prod',
        operations,
      }).findings;

      // Assess
      expect(findings.map((finding) => finding.message)).toEqual([
        'the alarm on dead-letter queue tessera-prod-payments-bookings-dlq notifies no one (empty or unknown alarm_actions)',
      ]);
    });

    describe('redrive', () => {
      it('flags a queue that is no dead-letter queue and has no redrive policy', () => {
        // Prepare
        const extra = [queue('tessera-dev-payments-bookings')];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings).toEqual([
          {
            rule: 'sqs-redrive',
            address: 'module.payments.module.service.aws_sqs_queue.this["tessera-dev-payments-bookings"]',
            message:
              'tessera-dev-payments-bookings has no redrive policy: a message its consumer keeps failing is received again until it expires, instead of moving to a dead-letter queue',
          },
        ]);
      });

      it('flags a queue that redrives to a queue the plan does not build', () => {
        // Prepare
        const extra = [redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-elsewhere-dlq')];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          'sqs-redrive: tessera-dev-payments-bookings redrives to tessera-dev-elsewhere-dlq, which the plan does not build, so its encryption and alarm cannot be checked',
        ]);
      });

      it.each([
        ['no dead-letter queue ARN', { maxReceiveCount: 3 }],
        ['no maxReceiveCount', { deadLetterTargetArn: queueArn('tessera-dev-payments-bookings-dlq') }],
        [
          'a maxReceiveCount of 0',
          { deadLetterTargetArn: queueArn('tessera-dev-payments-bookings-dlq'), maxReceiveCount: 0 },
        ],
      ])('flags a redrive policy with %s', (_what, policy) => {
        // Prepare
        const extra = [
          queue('tessera-dev-payments-bookings', { redrive_policy: JSON.stringify(policy) }),
          queue('tessera-dev-payments-bookings-dlq'),
        ];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual(['sqs-redrive']);
      });

      it('flags a redrive policy it cannot read at plan time', () => {
        // Prepare
        const extra = [queue('tessera-dev-payments-bookings'), queue('tessera-dev-payments-bookings-dlq')];
        const address = 'module.payments.module.service.aws_sqs_queue.this["tessera-dev-payments-bookings"]';

        // Act
        const findings = checkPlan(planOf({ extra, unknown: { [address]: { redrive_policy: true } } }), {
          environment: 'dev',
          operations,
        }).findings;

        // Assess
        expect(findings.map((finding) => finding.message)).toEqual([
          'the redrive policy of tessera-dev-payments-bookings is unknown until apply, so it cannot be checked; build it from known values',
        ]);
      });

      it('asks no redrive of a dead-letter queue, whether its name or a redrive policy marks it', () => {
        // Prepare
        const extra = [
          redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-payments-bookings-dead'),
          queue('tessera-dev-payments-bookings-dead'),
          queue('tessera-dev-bookings-schedules-dlq'),
        ];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual([]);
      });
    });

    describe('queue alarms', () => {
      it.each([['staging'], ['prod']])(
        'flags a queue that is no dead-letter queue without an alarm in %s',
        (environment) => {
          // Prepare
          const name = `tessera-${environment}-payments-bookings`;
          const extra = [redrivingTo(name, `${name}-dlq`), queue(`${name}-dlq`), alarmOnQueue(`${name}-dlq`)];

          // Act
          const findings = checkPlan(planOf({ environment, extra }), { environment, operations }).findings;

          // Assess
          expect(findings).toEqual([
            {
              rule: 'sqs-queue-alarm',
              address: `module.payments.module.service.aws_sqs_queue.this["${name}"]`,
              message: `queue ${name} has no alarm`,
            },
          ]);
        },
      );

      it.each([
        ['an alarm on another queue', { dimensions: { QueueName: 'tessera-prod-other' } }],
        ['an alarm of another namespace', { namespace: 'AWS/Lambda' }],
      ])('does not count %s', (_what, values) => {
        // Prepare
        const name = 'tessera-prod-payments-bookings';
        const extra = [
          redrivingTo(name, `${name}-dlq`),
          queue(`${name}-dlq`),
          alarmOnQueue(`${name}-dlq`),
          ageAlarmOn(name, values),
        ];

        // Act
        const rules = rulesOf(planOf({ environment: 'prod', extra }), 'prod');

        // Assess
        expect(rules).toEqual(['sqs-queue-alarm']);
      });

      it('flags a queue alarm that notifies no one', () => {
        // Prepare
        const name = 'tessera-prod-payments-bookings';
        const extra = [
          redrivingTo(name, `${name}-dlq`),
          queue(`${name}-dlq`),
          alarmOnQueue(`${name}-dlq`),
          ageAlarmOn(name, { alarm_actions: [] }),
        ];

        // Act
        const findings = checkPlan(planOf({ environment: 'prod', extra }), {
          environment: 'prod',
          operations,
        }).findings;

        // Assess
        expect(findings.map((finding) => finding.message)).toEqual([
          `the alarm on queue ${name} notifies no one (empty or unknown alarm_actions)`,
        ]);
      });

      it('requires no queue alarm in dev, where alarms are off', () => {
        // Prepare
        const extra = [
          redrivingTo('tessera-dev-payments-bookings', 'tessera-dev-payments-bookings-dlq'),
          queue('tessera-dev-payments-bookings-dlq'),
        ];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual([]);
      });
    });

    describe('rule targets', () => {
      it('passes a target whose dead-letter queue the plan builds', () => {
        // Prepare
        const extra = [
          target({ dead_letter_config: [{ arn: queueArn('tessera-dev-payments-events-dlq') }] }),
          queue('tessera-dev-payments-events-dlq'),
        ];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual([]);
      });

      it.each([[[]], [undefined]])('flags a target without a dead-letter queue (%j)', (config) => {
        // Prepare
        const extra = [
          target({ arn: aliasArn('dev'), dead_letter_config: config }),
          invokeConfig({
            function_name: 'tessera-dev-users',
            qualifier: 'live',
            destination_config: [
              { on_failure: [{ destination: queueArn('tessera-dev-payments-invocations-dlq') }] },
            ],
          }),
          queue('tessera-dev-payments-invocations-dlq'),
        ];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings).toEqual([
          {
            rule: 'event-target-dead-letter',
            address: 'module.payments.module.service.aws_cloudwatch_event_target.this["bookings"]',
            message: 'has no dead_letter_config: an event it cannot deliver after its retries is dropped',
          },
        ]);
      });

      it.each([
        [
          'a queue the plan does not build',
          queueArn('tessera-dev-elsewhere-dlq'),
          'its dead-letter queue tessera-dev-elsewhere-dlq is not built by the plan, so its encryption and alarm cannot be checked',
        ],
        [
          'no SQS queue',
          'arn:aws:sns:eu-west-1:111111111111:topic',
          'its dead-letter queue arn:aws:sns:eu-west-1:111111111111:topic is no SQS queue ARN',
        ],
        [
          'an ARN unknown until apply',
          undefined,
          'the ARN of its dead-letter queue is unknown until apply, so it cannot be checked; build it from known values',
        ],
      ])('flags a target whose dead-letter queue is %s', (_what, arn, message) => {
        // Prepare
        const extra = [target({ dead_letter_config: [arn === undefined ? {} : { arn }] })];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          `event-target-dead-letter: ${message}`,
        ]);
      });
    });

    describe('function targets', () => {
      const invocationsDlq = (environment: string) => `tessera-${environment}-payments-invocations-dlq`;
      /** A rule invoking the plan's function's live alias, with the dead-letter queue of its events. */
      const functionTarget = (environment: string, values: Record<string, unknown> = {}) => [
        target({
          arn: aliasArn(environment),
          dead_letter_config: [{ arn: queueArn(`tessera-${environment}-payments-events-dlq`) }],
          ...values,
        }),
        queue(`tessera-${environment}-payments-events-dlq`),
        alarmOnQueue(`tessera-${environment}-payments-events-dlq`),
      ];
      const failingTo = (destination: unknown) => ({
        destination_config: [{ on_failure: [destination === undefined ? {} : { destination }] }],
      });
      /** The live alias's configuration, sending failures to the invocations dead-letter queue. */
      const liveConfig = (environment: string, values: Record<string, unknown> = {}) =>
        invokeConfig({
          function_name: `tessera-${environment}-users`,
          qualifier: 'live',
          ...failingTo(queueArn(invocationsDlq(environment))),
          ...values,
        });

      it.each([['dev'], ['staging'], ['prod']])(
        'passes a function target as the service module builds it, in %s',
        (environment) => {
          // Prepare
          const extra = [
            ...functionTarget(environment),
            liveConfig(environment),
            queue(invocationsDlq(environment)),
            alarmOnQueue(invocationsDlq(environment)),
          ];

          // Act
          const findings = checkPlan(planOf({ environment, extra }), { environment, operations }).findings;

          // Assess
          expect(findings).toEqual([]);
        },
      );

      it('flags a function target whose failed invocations go nowhere', () => {
        // Prepare
        const extra = functionTarget('dev');

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings).toEqual([
          {
            rule: 'function-target-on-failure',
            address: 'module.payments.module.service.aws_cloudwatch_event_target.this["bookings"]',
            message:
              "invokes tessera-dev-users:live asynchronously, which has no aws_lambda_function_event_invoke_config: an event the function keeps failing is dropped after Lambda's retries",
          },
        ]);
      });

      it.each([
        ['the unqualified function', { qualifier: undefined }, 'tessera-dev-users:live'],
        ['another alias', { qualifier: 'previous' }, 'tessera-dev-users:live'],
        ['another function', { function_name: 'tessera-dev-tickets' }, 'tessera-dev-users:live'],
      ])('does not count a configuration of %s', (_what, values, reference) => {
        // Prepare
        const extra = [...functionTarget('dev'), liveConfig('dev', values), queue(invocationsDlq('dev'))];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          `function-target-on-failure: invokes ${reference} asynchronously, which has no aws_lambda_function_event_invoke_config: an event the function keeps failing is dropped after Lambda's retries`,
        ]);
      });

      it.each([
        ['its ARN', { function_name: 'arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-users' }],
        ['its name and alias', { function_name: 'tessera-dev-users:live', qualifier: undefined }],
        [
          'its partial ARN and alias',
          { function_name: '111111111111:function:tessera-dev-users:live', qualifier: undefined },
        ],
      ])('matches a configuration that names the function by %s', (_what, values) => {
        // Prepare
        const extra = [...functionTarget('dev'), liveConfig('dev', values), queue(invocationsDlq('dev'))];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual([]);
      });

      it('matches an unqualified target with the configuration of $LATEST', () => {
        // Prepare
        const extra = [
          ...functionTarget('dev', {
            arn: 'arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-users',
          }),
          liveConfig('dev', { qualifier: '$LATEST' }),
          queue(invocationsDlq('dev')),
        ];

        // Act
        const rules = rulesOf(planOf({ extra }));

        // Assess
        expect(rules).toEqual([]);
      });

      it.each([
        [
          'no on_failure destination',
          { destination_config: [{ on_success: [{ destination: queueArn(invocationsDlq('dev')) }] }] },
          'the invocation configuration of tessera-dev-users:live (module.payments.module.service.aws_lambda_function_event_invoke_config.this["users"]) has no on_failure destination: an event the function keeps failing is dropped after Lambda\'s retries',
        ],
        [
          'no destination_config',
          { destination_config: [] },
          'the invocation configuration of tessera-dev-users:live (module.payments.module.service.aws_lambda_function_event_invoke_config.this["users"]) has no on_failure destination: an event the function keeps failing is dropped after Lambda\'s retries',
        ],
        [
          'a destination unknown until apply',
          failingTo(undefined),
          'the on_failure destination of tessera-dev-users:live is unknown until apply, so it cannot be checked; build it from known values',
        ],
        [
          'a topic',
          failingTo('arn:aws:sns:eu-west-1:111111111111:tessera-dev-failures'),
          'the on_failure destination of tessera-dev-users:live is arn:aws:sns:eu-west-1:111111111111:tessera-dev-failures, no SQS queue, so its encryption and alarm cannot be checked',
        ],
        [
          'a queue the plan does not build',
          failingTo(queueArn('tessera-dev-elsewhere-dlq')),
          'the on_failure destination of tessera-dev-users:live is tessera-dev-elsewhere-dlq, which the plan does not build, so its encryption and alarm cannot be checked',
        ],
      ])('flags a configuration with %s', (_what, values, message) => {
        // Prepare
        const extra = [...functionTarget('dev'), liveConfig('dev', values), queue(invocationsDlq('dev'))];

        // Act
        const findings = checkPlan(planOf({ extra }), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          `function-target-on-failure: ${message}`,
        ]);
      });

      it('counts the on_failure queue as a dead-letter queue, which must alarm in prod and needs no redrive', () => {
        // Prepare
        const extra = [
          ...functionTarget('prod'),
          liveConfig('prod', failingTo(queueArn('tessera-prod-payments-failed'))),
          queue('tessera-prod-payments-failed'),
        ];

        // Act
        const findings = checkPlan(planOf({ environment: 'prod', extra }), {
          environment: 'prod',
          operations,
        }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          'sqs-dead-letter-alarm: dead-letter queue tessera-prod-payments-failed has no alarm on its first message (ApproximateNumberOfMessagesVisible > 0)',
        ]);
      });

      it('flags a target whose ARN is unknown until apply', () => {
        // Prepare
        const extra = functionTarget('dev', { arn: undefined });

        // Act
        const findings = checkPlan(
          planOf({
            extra,
            unknown: {
              'module.payments.module.service.aws_cloudwatch_event_target.this["bookings"]': { arn: true },
            },
          }),
          { environment: 'dev', operations },
        ).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          'function-target-on-failure: the ARN it targets is unknown until apply, so whether a failed invocation is kept cannot be checked; build it from known values',
        ]);
      });

      it('asks nothing of a queue target, whose function its mapping invokes', () => {
        // Prepare
        const extra = [
          ...functionTarget('dev', { arn: queueArn('tessera-dev-payments-bookings') }),
          ...queueTarget('dev'),
        ];

        // Act
        const rules = rulesOf(consumerPlan('dev', extra));

        // Assess
        expect(rules).toEqual([]);
      });
    });

    it('flags an SQS event source mapping that does not report batch item failures', () => {
      // Prepare
      const extra = queueTarget('dev', { mapping: { function_response_types: [] } });

      // Act
      const rules = rulesOf(consumerPlan('dev', extra));

      // Assess
      expect(rules).toEqual(['sqs-batch-item-failures']);
    });

    it('flags an SQS event source mapping whose queue is unknown at plan time by its lack of a starting position', () => {
      // Prepare
      const extra = [mapping({ function_name: aliasArn('dev'), function_response_types: [] })];

      // Act
      const findings = checkPlan(consumerPlan('dev', extra), { environment: 'dev', operations }).findings;

      // Assess
      expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
        'sqs-batch-item-failures: reads an SQS queue without ReportBatchItemFailures: one failed message returns its whole batch',
        'sqs-visibility-timeout: the queue it reads is unknown until apply, so its visibility timeout cannot be checked; build its ARN from known values',
      ]);
    });

    it('passes SQS mappings that report batch item failures, and leaves stream mappings alone', () => {
      // Prepare
      const extra = [
        ...queueTarget('dev'),
        {
          ...mapping({
            event_source_arn:
              'arn:aws:dynamodb:eu-west-1:111111111111:table/tessera-dev-users/stream/2024-01-01T00:00:00.000',
            function_name: 'arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-publisher:live',
            starting_position: 'TRIM_HORIZON',
          }),
          address: 'module.platform.aws_lambda_event_source_mapping.outbox["users"]',
        },
      ];

      // Act
      const rules = rulesOf(consumerPlan('dev', extra));

      // Assess
      expect(rules).toEqual([]);
    });

    describe('visibility timeout', () => {
      it('flags a queue that hides a message less than 6 times its consumer may run', () => {
        // Prepare
        const extra = queueTarget('dev', { queue: { visibility_timeout_seconds: 59 } });

        // Act
        const findings = checkPlan(consumerPlan('dev', extra), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings).toEqual([
          {
            rule: 'sqs-visibility-timeout',
            address: 'module.payments.module.service.aws_sqs_queue.this["tessera-dev-payments-bookings"]',
            message:
              'tessera-dev-payments-bookings hides a received message 59 s, less than 6 x the 10 s tessera-dev-users may run (60 s): a message still being worked on is received again',
          },
        ]);
      });

      it("follows the consumer's timeout, not the queue's alone", () => {
        // Prepare: the same 60 s queue, read by a function that may run 11 s.
        const extra = queueTarget('dev');

        // Act
        const rules = rulesOf(consumerPlan('dev', extra, { timeout: 11 }));

        // Assess
        expect(rules).toEqual(['sqs-visibility-timeout']);
      });

      it.each([
        ['both left to AWS (30 s for a 3 s function)', { timeout: undefined }, []],
        ['the visibility left to AWS (30 s for a 10 s function)', {}, ['sqs-visibility-timeout']],
      ])('reads the defaults AWS applies: %s', (_what, fn, expected) => {
        // Prepare
        const extra = queueTarget('dev', { queue: { visibility_timeout_seconds: undefined } });

        // Act
        const rules = rulesOf(consumerPlan('dev', extra, fn));

        // Assess
        expect(rules).toEqual(expected);
      });

      it.each([
        ['its name', 'tessera-dev-users'],
        ['its qualified name', 'tessera-dev-users:live'],
        ['its ARN', 'arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-users'],
        ['its partial ARN', '111111111111:function:tessera-dev-users'],
      ])('finds the consumer by %s', (_what, functionName) => {
        // Prepare
        const extra = queueTarget('dev', {
          queue: { visibility_timeout_seconds: 30 },
          mapping: { function_name: functionName },
        });

        // Act
        const findings = checkPlan(consumerPlan('dev', extra), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => finding.message)).toEqual([
          'tessera-dev-payments-bookings hides a received message 30 s, less than 6 x the 10 s tessera-dev-users may run (60 s): a message still being worked on is received again',
        ]);
      });

      it.each([
        [
          'a queue',
          { event_source_arn: queueArn('tessera-dev-elsewhere') },
          'reads tessera-dev-elsewhere, which the plan does not build, so its visibility timeout cannot be checked',
        ],
        [
          'a function',
          { function_name: 'tessera-dev-elsewhere' },
          'invokes tessera-dev-elsewhere, which the plan does not build, so its timeout cannot be checked',
        ],
      ])('flags a mapping on %s the plan does not build', (_what, values, message) => {
        // Prepare
        const extra = queueTarget('dev', { mapping: values });

        // Act
        const findings = checkPlan(consumerPlan('dev', extra), { environment: 'dev', operations }).findings;

        // Assess
        expect(findings.map((finding) => `${finding.rule}: ${finding.message}`)).toEqual([
          `sqs-visibility-timeout: ${message}`,
        ]);
      });
    });

    it('passes a queue policy that admits EventBridge from named rules only', () => {
      // Act
      const rules = rulesOf(planOf({ extra: [queuePolicy(pinned)] }));

      // Assess
      expect(rules).toEqual([]);
    });

    it.each([
      ['no condition', {}],
      [
        'a condition on another key',
        { Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } },
      ],
      ['a SourceArn of *', { Condition: { ArnLike: { 'aws:SourceArn': '*' } } }],
    ])('flags a queue policy that admits EventBridge with %s', (_what, statement) => {
      // Act
      const findings = checkPlan(planOf({ extra: [queuePolicy(statement)] }), {
        environment: 'dev',
        operations,
      }).findings;

      // Assess
      expect(findings).toEqual([
        {
          rule: 'sqs-policy-source-arn',
          address:
            'module.payments.module.service.aws_sqs_queue_policy.subscription["bookings"] (EventBridgeDeliversEvents)',
          message:
            'admits events.amazonaws.com without an aws:SourceArn condition naming the rules that may send',
        },
      ]);
    });

    it('leaves statements for other principals to the other rules', () => {
      // Prepare
      const statement = { Principal: { Service: 'sns.amazonaws.com' } };

      // Act
      const rules = rulesOf(planOf({ extra: [queuePolicy(statement)] }));

      // Assess
      expect(rules).toEqual([]);
    });
  });
});

describe('terraform policy: alarms on the APIs and the services, and the dashboard', () => {
  const http5xx = 'module.platform.aws_cloudwatch_metric_alarm.http_5xx_rate[0]';
  const httpLatency = 'module.platform.aws_cloudwatch_metric_alarm.http_latency_p99[0]';
  const users5xx = 'module.observability.aws_cloudwatch_metric_alarm.service_5xx_rate["users"]';
  const usersLatency = 'module.observability.aws_cloudwatch_metric_alarm.service_latency_p99["users"]';

  /** The default alarms of staging or prod, with some replaced (null leaves one out). */
  const withAlarms = (
    environment: string,
    changes: Readonly<Record<string, Record<string, unknown> | null>>,
  ): Record<string, Record<string, unknown>> => {
    const alarms: Record<string, Record<string, unknown>> = { ...apiAlarmsOf(environment) };
    for (const [address, values] of Object.entries(changes)) {
      if (values === null) delete alarms[address];
      else alarms[address] = values;
    }
    return alarms;
  };
  const findingsIn = (environment: string, parts: PlanParts) =>
    checkPlan(planOf({ environment, ...parts }), { environment, operations }).findings;

  it.each([['staging'], ['prod']])(
    'passes the APIs and services alarms as the modules build them, in %s',
    (environment) => {
      // Act
      const findings = findingsIn(environment, {});

      // Assess
      expect(findings).toEqual([]);
    },
  );

  it('asks no API or service alarm in dev, where alarms are off', () => {
    // Act
    const findings = findingsIn('dev', { apiAlarms: {} });

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([['staging'], ['prod']])(
    'flags an HTTP API without its error-rate or latency alarm, in %s',
    (environment) => {
      // Act
      const findings = findingsIn(environment, {
        apiAlarms: withAlarms(environment, { [http5xx]: null, [httpLatency]: null }),
      });

      // Assess
      expect(findings).toEqual([
        {
          rule: 'api-error-rate-alarm',
          address: 'module.platform.aws_apigatewayv2_api.this',
          message: 'the HTTP API has no error-rate (metric math over AWS/ApiGateway 5xx) alarm',
        },
        {
          rule: 'api-latency-alarm',
          address: 'module.platform.aws_apigatewayv2_api.this',
          message: 'the HTTP API has no p99 latency (AWS/ApiGateway Latency p99) alarm',
        },
      ]);
    },
  );

  it('flags an error alarm that counts instead of dividing, and a latency alarm on another statistic', () => {
    // Prepare
    const count = {
      ...httpApi('5xx'),
      statistic: 'Sum',
      threshold: 5,
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    };
    const average = latencyAlarm({ ...httpApi('Latency'), stat: 'Average' }, httpApi('Count'));

    // Act
    const rules = findingsIn('prod', {
      apiAlarms: withAlarms('prod', { [http5xx]: count, [httpLatency]: average }),
    }).map((finding) => finding.rule);

    // Assess
    expect(rules).toEqual(['api-error-rate-alarm', 'api-latency-alarm']);
  });

  it("does not count an alarm on another API's id", () => {
    // Prepare
    const other = { namespace: 'AWS/ApiGateway', dimensions: { ApiId: 'o1t2h3e4r5', Stage: '$default' } };
    const elsewhere = rateAlarm({ ...other, metric_name: '5xx' }, { ...other, metric_name: 'Count' });

    // Act
    const rules = findingsIn('prod', { apiAlarms: withAlarms('prod', { [http5xx]: elsewhere }) }).map(
      (finding) => finding.rule,
    );

    // Assess
    expect(rules).toEqual(['api-error-rate-alarm']);
  });

  it('flags an API alarm that notifies no one', () => {
    // Prepare
    const silent = {
      ...latencyAlarm(httpApi('Latency'), httpApi('Count')),
      alarm_actions: [],
      ok_actions: [],
    };

    // Act
    const findings = findingsIn('staging', { apiAlarms: withAlarms('staging', { [httpLatency]: silent }) });

    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      `the p99 latency (AWS/ApiGateway Latency p99) alarm of the HTTP API (${httpLatency}) notifies no one (empty or unknown alarm_actions)`,
    ]);
  });

  describe('while the API has no id yet (a new environment)', () => {
    /**
     * The alarms' dimensions unknown, as in a first plan; the configuration says what they reference,
     * or, for `dynamic`, shows no metric queries, as for `dynamic "metric_query"` blocks.
     */
    const unknownIds = (references: string, dynamic = false) => {
      const unknownDimensions = (values: Record<string, unknown>) => ({
        ...values,
        metric_query: asList(values.metric_query).map((query) =>
          isRecord(query)
            ? {
                ...query,
                metric: asList(query.metric).map((metric) => ({
                  ...(metric as object),
                  dimensions: undefined,
                })),
              }
            : query,
        ),
      });
      const alarms = apiAlarmsOf('prod');
      const plan = planOf({
        environment: 'prod',
        apiAlarms: {
          ...alarms,
          [http5xx]: unknownDimensions(alarms[http5xx] as Record<string, unknown>),
          [httpLatency]: unknownDimensions(alarms[httpLatency] as Record<string, unknown>),
        },
        unknown: { 'module.platform.aws_apigatewayv2_api.this': { id: true } },
      });
      const planned = plan.planned_values?.root_module?.child_modules?.[0]?.resources ?? [];
      const api = planned.find(
        (resource) => resource.address === 'module.platform.aws_apigatewayv2_api.this',
      );
      if (api) delete api.values.id;
      const dimensions = { references: [`${references}.id`, references, 'aws_apigatewayv2_stage.this.name'] };
      const query = (id: string) => ({ id: { constant_value: id }, metric: [{ dimensions }] });
      const expressions = (...ids: string[]) =>
        dynamic ? { alarm_name: { references: ['each.key'] } } : { metric_query: ids.map(query) };
      return {
        ...plan,
        configuration: {
          root_module: {
            module_calls: {
              platform: {
                module: {
                  resources: [
                    {
                      address: 'aws_cloudwatch_metric_alarm.http_5xx_rate',
                      expressions: expressions('errors', 'requests'),
                    },
                    {
                      address: 'aws_cloudwatch_metric_alarm.http_latency_p99',
                      expressions: expressions('latency', 'requests'),
                    },
                  ],
                },
              },
            },
          },
        },
      };
    };

    it('finds the API an alarm watches by what its configuration references', () => {
      // Act
      const findings = checkPlan(unknownIds('aws_apigatewayv2_api.this'), {
        environment: 'prod',
        operations,
      }).findings;

      // Assess
      expect(findings).toEqual([]);
    });

    it('finds the API of an alarm whose metric queries are dynamic blocks by its module', () => {
      // Act
      const findings = checkPlan(unknownIds('aws_apigatewayv2_api.this', true), {
        environment: 'prod',
        operations,
      }).findings;

      // Assess
      expect(findings).toEqual([]);
    });

    it('does not count an alarm whose configuration references another API', () => {
      // Act
      const rules = checkPlan(unknownIds('aws_apigatewayv2_api.websocket'), {
        environment: 'prod',
        operations,
      }).findings.map((finding) => finding.rule);

      // Assess
      expect(rules).toEqual(['api-error-rate-alarm', 'api-latency-alarm']);
    });
  });

  describe('a WebSocket API', () => {
    const websocket = {
      address: 'module.platform.aws_apigatewayv2_api.websocket',
      type: 'aws_apigatewayv2_api',
      values: {
        id: 'w1s2o3c4k5',
        protocol_type: 'WEBSOCKET',
        route_selection_expression: '$request.body.action',
      },
    };
    const webSocketApi = (metric: string) => ({
      namespace: 'AWS/ApiGateway',
      metric_name: metric,
      dimensions: { ApiId: 'w1s2o3c4k5', Stage: 'prod' },
    });
    const webSocketAlarms = {
      'module.platform.aws_cloudwatch_metric_alarm.websocket_error_rate[0]': rateAlarm(
        webSocketApi('IntegrationError'),
        webSocketApi('MessageCount'),
      ),
      'module.platform.aws_cloudwatch_metric_alarm.websocket_latency_p99[0]': latencyAlarm(
        webSocketApi('IntegrationLatency'),
        webSocketApi('MessageCount'),
      ),
    };

    it('flags one without its failed-messages rate and integration latency alarms', () => {
      // Act
      const findings = findingsIn('prod', { extra: [websocket] }).filter((finding) =>
        finding.rule.startsWith('api-'),
      );

      // Assess
      expect(findings).toEqual([
        {
          rule: 'api-error-rate-alarm',
          address: websocket.address,
          message:
            'the WEBSOCKET API has no error-rate (metric math over AWS/ApiGateway IntegrationError) alarm',
        },
        {
          rule: 'api-latency-alarm',
          address: websocket.address,
          message: 'the WEBSOCKET API has no p99 latency (AWS/ApiGateway IntegrationLatency p99) alarm',
        },
      ]);
    });

    it('passes one with them', () => {
      // Act
      const findings = findingsIn('prod', {
        extra: [websocket],
        apiAlarms: { ...apiAlarmsOf('prod'), ...webSocketAlarms },
      }).filter((finding) => finding.rule.startsWith('api-'));

      // Assess
      expect(findings).toEqual([]);
    });
  });

  it.each([['staging'], ['prod']])(
    'flags a service that owns operations and lacks its 5xx-rate or latency alarm, in %s',
    (environment) => {
      // Act
      const findings = findingsIn(environment, {
        apiAlarms: withAlarms(environment, { [users5xx]: null, [usersLatency]: null }),
      });

      // Assess
      expect(findings).toEqual([
        {
          rule: 'service-error-rate-alarm',
          address: 'service users',
          message: `it owns contract operations and has no 5xx-rate (metric math over Tessera Requests with statusClass 5xx, service users, environment ${environment}) alarm`,
        },
        {
          rule: 'service-latency-alarm',
          address: 'service users',
          message: `it owns contract operations and has no p99 latency (Tessera Latency p99, service users, environment ${environment}) alarm`,
        },
      ]);
    },
  );

  it("does not count a service alarm on another environment's metrics, on all status classes, or on another statistic", () => {
    // Prepare
    const otherEnvironment = rateAlarm(
      usersMetric('staging', 'Requests', { statusClass: '5xx' }),
      usersMetric('staging', 'Requests'),
    );
    const allClasses = rateAlarm(usersMetric('prod', 'Requests'), usersMetric('prod', 'Requests'));
    const average = latencyAlarm(
      { ...usersMetric('prod', 'Latency'), stat: 'Average' },
      usersMetric('prod', 'Latency'),
    );

    // Act
    const rules = [otherEnvironment, allClasses].flatMap((alarm) =>
      findingsIn('prod', { apiAlarms: withAlarms('prod', { [users5xx]: alarm }) }).map(
        (finding) => finding.rule,
      ),
    );
    const latencyRules = findingsIn('prod', {
      apiAlarms: withAlarms('prod', { [usersLatency]: average }),
    }).map((finding) => finding.rule);

    // Assess
    expect(rules).toEqual(['service-error-rate-alarm', 'service-error-rate-alarm']);
    expect(latencyRules).toEqual(['service-latency-alarm']);
  });

  it('flags an alarm that notifies a topic the plan does not build, or is silent when it returns to OK', () => {
    // Prepare
    const elsewhere = 'arn:aws:sns:eu-west-1:999999999999:someone-elses-topic';
    const alarms = [
      alarmOn('tessera-prod-users', 'Errors', { alarm_actions: [elsewhere], ok_actions: [elsewhere] }),
      alarmOn('tessera-prod-users', 'Throttles', { ok_actions: [] }),
    ];

    // Act
    const findings = findingsIn('prod', { alarms });

    // Assess
    expect(findings).toEqual([
      {
        rule: 'alarm-actions',
        address: 'module.users.aws_cloudwatch_metric_alarm.alarm[0]',
        message: `notifies ${elsewhere}, which is no SNS topic the plan builds`,
      },
      {
        rule: 'alarm-actions',
        address: 'module.users.aws_cloudwatch_metric_alarm.alarm[1]',
        message: `tells no one when it returns to OK, not the ${TOPIC} it alarms`,
      },
    ]);
  });

  it.each([['dev'], ['staging'], ['prod']])('flags a plan without its dashboard, in %s', (environment) => {
    // Act
    const missing = findingsIn(environment, { dashboard: null });
    const misnamed = findingsIn(environment, { dashboard: { dashboard_name: 'tessera' } });

    // Assess
    expect([...missing, ...misnamed]).toEqual([
      {
        rule: 'dashboard',
        address: '(plan)',
        message: `the plan builds no dashboard tessera-${environment} (none)`,
      },
      {
        rule: 'dashboard',
        address: '(plan)',
        message: `the plan builds no dashboard tessera-${environment} (tessera)`,
      },
    ]);
  });

  it('flags a dashboard that leaves out a function or a dead-letter queue', () => {
    // Prepare
    const extra = [
      {
        address: 'module.payments.module.service.aws_sqs_queue.dead_letter["events"]',
        type: 'aws_sqs_queue',
        values: { name: 'tessera-dev-payments-events-dlq', sqs_managed_sse_enabled: true },
      },
    ];

    // Act
    const findings = findingsIn('dev', { extra, dashboard: { dashboard_body: dashboardBody([], []) } });

    // Assess
    expect(findings).toEqual([
      {
        rule: 'dashboard',
        address: 'module.observability.aws_cloudwatch_dashboard.this',
        message: 'does not chart the errors of tessera-dev-users',
      },
      {
        rule: 'dashboard',
        address: 'module.observability.aws_cloudwatch_dashboard.this',
        message: 'does not chart the messages waiting in dead-letter queue tessera-dev-payments-events-dlq',
      },
    ]);
  });

  it("leaves a dashboard's body to apply when the plan does not know it (the APIs' ids)", () => {
    // Act
    const findings = findingsIn('dev', {
      dashboard: { dashboard_body: undefined },
      unknown: { 'module.observability.aws_cloudwatch_dashboard.this': { dashboard_body: true } },
    });

    // Assess
    expect(findings).toEqual([]);
  });
});

describe('terraform policy: the WebSocket API', () => {
  type Resource = { address: string; type: string; values: Record<string, unknown> };
  const api = 'module.platform.aws_apigatewayv2_api.websocket';
  const stage = 'module.platform.aws_apigatewayv2_stage.websocket';
  const route = (key: string) => `module.platform.aws_apigatewayv2_route.websocket["${key}"]`;
  const response = (key: string) => `module.platform.aws_apigatewayv2_route_response.websocket["${key}"]`;
  const integrationAddress = 'module.platform.aws_apigatewayv2_integration.websocket["notifications"]';
  const permission = 'module.platform.aws_lambda_permission.websocket["ping"]';
  const rolePolicy = 'module.notifications.aws_iam_role_policy.this';
  const role = 'module.notifications.aws_iam_role.this';
  const POST_TO_CONNECTIONS =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, which IAM substitutes
    'arn:aws:execute-api:eu-west-1:111111111111:${aws:PrincipalTag/tessera-websocket-api-id}/dev/POST/@connections/*';
  const apiId = { references: ['aws_apigatewayv2_api.websocket.id', 'aws_apigatewayv2_api.websocket'] };

  /** The configuration's references, as a plan of a new environment has them (every id unknown). */
  const configuration = {
    root_module: {
      module_calls: {
        platform: {
          module: {
            resources: [
              { address: 'aws_apigatewayv2_route.websocket', expressions: { api_id: apiId } },
              {
                address: 'aws_apigatewayv2_route_response.websocket',
                expressions: {
                  api_id: apiId,
                  route_id: { references: ['aws_apigatewayv2_route.websocket', 'each.key'] },
                },
              },
              { address: 'aws_apigatewayv2_integration.websocket', expressions: { api_id: apiId } },
              {
                address: 'aws_apigatewayv2_stage.websocket',
                expressions: {
                  api_id: apiId,
                  access_log_settings: [
                    {
                      destination_arn: {
                        references: [
                          'aws_cloudwatch_log_group.websocket_access.arn',
                          'aws_cloudwatch_log_group.websocket_access',
                        ],
                      },
                    },
                  ],
                },
              },
              {
                address: 'aws_lambda_permission.websocket',
                expressions: {
                  source_arn: {
                    references: [
                      'aws_apigatewayv2_api.websocket.execution_arn',
                      'aws_apigatewayv2_api.websocket',
                      'each.key',
                    ],
                  },
                },
              },
            ],
          },
        },
        notifications: {
          module: {
            resources: [
              {
                address: 'aws_iam_role_policy.this',
                expressions: { role: { references: ['aws_iam_role.this.id', 'aws_iam_role.this'] } },
              },
            ],
          },
        },
      },
    },
  };

  interface WebSocketParts {
    /** Values merged over a resource's, by address; null leaves the resource out. */
    readonly values?: Readonly<Record<string, Record<string, unknown> | null>>;
    readonly unknown?: Readonly<Record<string, Record<string, unknown>>>;
    readonly statementResource?: unknown;
    readonly extra?: readonly Resource[];
  }

  const webSocketPlan = (parts: WebSocketParts = {}): TerraformPlan => {
    const routeValues = (key: string, authorization: string): Resource => ({
      address: route(key),
      type: 'aws_apigatewayv2_route',
      values: {
        route_key: key,
        authorization_type: authorization,
        route_response_selection_expression: '$default',
      },
    });
    const responseOf = (key: string): Resource => ({
      address: response(key),
      type: 'aws_apigatewayv2_route_response',
      values: { route_response_key: '$default' },
    });
    const base: Resource[] = [
      {
        address: api,
        type: 'aws_apigatewayv2_api',
        values: { protocol_type: 'WEBSOCKET', route_selection_expression: '$request.body.action' },
      },
      routeValues('$connect', 'CUSTOM'),
      routeValues('ping', 'NONE'),
      responseOf('$connect'),
      responseOf('ping'),
      {
        address: integrationAddress,
        type: 'aws_apigatewayv2_integration',
        values: {
          integration_type: 'AWS_PROXY',
          integration_method: 'POST',
          integration_uri:
            'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-notifications:live/invocations',
        },
      },
      {
        address: 'module.platform.aws_cloudwatch_log_group.websocket_access',
        type: 'aws_cloudwatch_log_group',
        values: { name: '/aws/apigateway/tessera-dev-websocket', retention_in_days: 7 },
      },
      {
        address: stage,
        type: 'aws_apigatewayv2_stage',
        values: {
          name: 'dev',
          access_log_settings: [{ format: '{"requestId":"$context.requestId"}' }],
          default_route_settings: [
            { throttling_burst_limit: 50, throttling_rate_limit: 20, data_trace_enabled: false },
          ],
          route_settings: [],
        },
      },
      {
        address: 'module.platform.aws_api_gateway_account.this',
        type: 'aws_api_gateway_account',
        values: { cloudwatch_role_arn: 'arn:aws:iam::111111111111:role/tessera-dev-apigateway-cloudwatch' },
      },
      {
        address: permission,
        type: 'aws_lambda_permission',
        values: {
          action: 'lambda:InvokeFunction',
          principal: 'apigateway.amazonaws.com',
          function_name: 'tessera-dev-notifications',
        },
      },
      { address: role, type: 'aws_iam_role', values: { name: 'tessera-dev-notifications' } },
      {
        address: rolePolicy,
        type: 'aws_iam_role_policy',
        values: {
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'PostToOwnConnections',
                Effect: 'Allow',
                Action: ['execute-api:ManageConnections'],
                Resource: [parts.statementResource ?? POST_TO_CONNECTIONS],
              },
            ],
          }),
        },
      },
    ];
    const resources = [...base, ...(parts.extra ?? [])].flatMap((resource) => {
      const override = parts.values?.[resource.address];
      if (override === null) return [];
      return [{ ...resource, values: { ...resource.values, ...override } }];
    });
    const idUnknown = { api_id: true, id: true };
    const unknown: Record<string, Record<string, unknown>> = {
      [route('$connect')]: { ...idUnknown, authorizer_id: true },
      [route('ping')]: idUnknown,
      [response('$connect')]: { ...idUnknown, route_id: true },
      [response('ping')]: { ...idUnknown, route_id: true },
      [integrationAddress]: idUnknown,
      [stage]: { ...idUnknown, access_log_settings: [{ destination_arn: true }] },
      [permission]: { source_arn: true },
      [role]: { tags: true },
      ...parts.unknown,
    };
    return { ...planOf({ extra: resources, unknown }), configuration };
  };

  const findingsOf = (plan: TerraformPlan) => checkPlan(plan, { environment: 'dev', operations }).findings;

  it('passes a WebSocket API that keeps every rule, and counts its routes apart from the HTTP API', () => {
    // Act
    const report = checkPlan(webSocketPlan(), { environment: 'dev', operations });

    // Assess
    expect(report.findings).toEqual([]);
    expect(report.counts.webSocketRoutes).toBe(2);
    expect(report.counts.routes).toBe(2);
  });

  it('flags a $connect that is not authorized, and an API without $connect', () => {
    // Act
    const open = findingsOf(
      webSocketPlan({ values: { [route('$connect')]: { authorization_type: 'NONE' } } }),
    );
    const absent = findingsOf(
      webSocketPlan({ values: { [route('$connect')]: null, [response('$connect')]: null } }),
    );
    const unnamed = findingsOf(
      webSocketPlan({ unknown: { [route('$connect')]: { api_id: true, id: true } } }),
    );

    // Assess
    expect(open.map((finding) => [finding.rule, finding.address])).toEqual([
      ['websocket-connect-authorizer', route('$connect')],
    ]);
    expect(absent.map((finding) => [finding.rule, finding.address])).toEqual([
      ['websocket-connect-authorizer', api],
    ]);
    expect(unnamed.map((finding) => finding.message)).toEqual([
      '$connect is CUSTOM-authorized but names no authorizer',
    ]);
  });

  it('flags a route other than $connect that is authorized again', () => {
    // Act
    const findings = findingsOf(
      webSocketPlan({ values: { [route('ping')]: { authorization_type: 'AWS_IAM' } } }),
    );

    // Assess
    expect(findings.map((finding) => [finding.rule, finding.address])).toEqual([
      ['websocket-route-authorization', route('ping')],
    ]);
  });

  it('flags a route that is not two-way', () => {
    // Act
    const withoutResponse = findingsOf(webSocketPlan({ values: { [response('ping')]: null } }));
    const withoutSelection = findingsOf(
      webSocketPlan({ values: { [route('ping')]: { route_response_selection_expression: null } } }),
    );

    // Assess
    expect(withoutResponse.map((finding) => [finding.rule, finding.address])).toEqual([
      ['websocket-route-response', route('ping')],
    ]);
    expect(withoutSelection.map((finding) => [finding.rule, finding.address])).toEqual([
      ['websocket-route-response', route('ping')],
    ]);
  });

  it("flags an integration that is not a proxy to a function's live alias", () => {
    // Act
    const findings = findingsOf(
      webSocketPlan({
        values: {
          [integrationAddress]: {
            integration_uri:
              'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:tessera-dev-notifications/invocations',
          },
        },
      }),
    );

    // Assess
    expect(findings.map((finding) => finding.rule)).toEqual(['websocket-integration']);
  });

  it.each([
    ['no access logs', { access_log_settings: [] }, 'websocket-stage-access-logs'],
    ['no default throttling', { default_route_settings: [] }, 'websocket-stage-throttling'],
    [
      'a zero rate',
      { default_route_settings: [{ throttling_burst_limit: 50, throttling_rate_limit: 0 }] },
      'websocket-stage-throttling',
    ],
    [
      'data trace on a route',
      { route_settings: [{ route_key: 'ping', data_trace_enabled: true }] },
      'websocket-stage-data-trace',
    ],
  ])('flags a stage with %s', (_name, values, rule) => {
    // Act
    const findings = findingsOf(webSocketPlan({ values: { [stage]: values } }));

    // Assess
    expect(findings.map((finding) => [finding.rule, finding.address])).toEqual([[rule, stage]]);
  });

  it('flags access logs without the account role they need, or to a log group that keeps logs forever', () => {
    // Act
    const withoutRole = findingsOf(
      webSocketPlan({ values: { 'module.platform.aws_api_gateway_account.this': null } }),
    );
    const forever = findingsOf(
      webSocketPlan({
        values: { 'module.platform.aws_cloudwatch_log_group.websocket_access': { retention_in_days: 0 } },
      }),
    );

    // Assess
    expect(withoutRole.map((finding) => finding.rule)).toEqual(['websocket-stage-access-logs']);
    expect(withoutRole[0]?.message).toContain('aws_api_gateway_account');
    expect(forever.map((finding) => finding.message)).toEqual([
      'its access log group /aws/apigateway/tessera-dev-websocket keeps logs forever',
    ]);
  });

  it('flags a route whose API it cannot tell', () => {
    // Act
    const findings = findingsOf(
      webSocketPlan({
        extra: [
          {
            address: 'module.other.aws_apigatewayv2_route.this',
            type: 'aws_apigatewayv2_route',
            values: { route_key: 'shout', authorization_type: 'NONE' },
          },
        ],
        unknown: { 'module.other.aws_apigatewayv2_route.this': { api_id: true } },
      }),
    );

    // Assess
    expect(findings.map((finding) => [finding.rule, finding.address])).toEqual([
      ['api-of-resource', 'module.other.aws_apigatewayv2_route.this'],
    ]);
  });

  it('passes ManageConnections on one known API and stage', () => {
    // Act
    const findings = findingsOf(
      webSocketPlan({
        statementResource: 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/POST/@connections/*',
      }),
    );

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['every action on connections', 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/*'],
    ['reading a connection', 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/GET/@connections/*'],
    [
      'closing a connection',
      'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/DELETE/@connections/*',
    ],
    ['any API', 'arn:aws:execute-api:eu-west-1:111111111111:*/dev/POST/@connections/*'],
    ['any stage', 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/*/POST/@connections/*'],
    ['everything', '*'],
  ])('flags ManageConnections on %s', (_name, resource) => {
    // Act
    const findings = findingsOf(webSocketPlan({ statementResource: resource }));

    // Assess
    expect(findings).toEqual([
      {
        rule: 'manage-connections-scope',
        address: `${rolePolicy} (policy, PostToOwnConnections)`,
        message: `grants ManageConnections on ${resource}, not on one API's stage's POST /@connections/* only`,
      },
    ]);
  });

  it('flags an API named through a tag its role does not carry', () => {
    // Act
    const findings = findingsOf(
      webSocketPlan({ values: { [role]: { tags: { Team: 'tessera' } } }, unknown: { [role]: {} } }),
    );

    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      'names the API through aws:PrincipalTag/tessera-websocket-api-id, which its role does not carry',
    ]);
  });

  it('flags an API Gateway permission not scoped to one API', () => {
    // Act
    const missing = findingsOf(webSocketPlan({ unknown: { [permission]: {} } }));
    const wide = findingsOf(
      webSocketPlan({
        values: { [permission]: { source_arn: 'arn:aws:execute-api:eu-west-1:111111111111:*/*/ping' } },
        unknown: { [permission]: {} },
      }),
    );
    const scoped = findingsOf(
      webSocketPlan({
        values: {
          [permission]: { source_arn: 'arn:aws:execute-api:eu-west-1:111111111111:a1b2c3d4e5/dev/ping' },
        },
        unknown: { [permission]: {} },
      }),
    );

    // Assess
    expect(missing.map((finding) => [finding.rule, finding.address])).toEqual([
      ['api-permission-source-arn', permission],
    ]);
    expect(wide.map((finding) => finding.rule)).toEqual(['api-permission-source-arn']);
    expect(scoped).toEqual([]);
  });

  it("flags a permission whose unknown source ARN is built from no API's execution ARN", () => {
    // Prepare
    const plan = webSocketPlan();
    const platform = plan.configuration?.root_module?.module_calls?.platform?.module;
    const unbuilt = {
      ...plan,
      configuration: {
        root_module: {
          module_calls: {
            ...plan.configuration?.root_module?.module_calls,
            platform: {
              module: {
                resources: (platform?.resources ?? []).map((resource) =>
                  resource.address === 'aws_lambda_permission.websocket'
                    ? { ...resource, expressions: { source_arn: { references: ['var.source_arn'] } } }
                    : resource,
                ),
              },
            },
          },
        },
      },
    };

    // Act
    const findings = findingsOf(unbuilt);

    // Assess
    expect(findings.map((finding) => [finding.rule, finding.address])).toEqual([
      ['api-permission-source-arn', permission],
    ]);
  });
});

describe('terraform policy: EventBridge Scheduler', () => {
  type Resource = { address: string; type: string; values: Record<string, unknown> };
  const at = 'module.bookings.module.service';
  const group = 'tessera-staging-bookings';
  const roleName = `${group}-scheduler`;
  const roleArn = `arn:aws:iam::111111111111:role/${roleName}`;
  const dlq = `${group}-schedules-dlq`;
  const dlqArn = `arn:aws:sqs:eu-west-1:111111111111:${dlq}`;
  const alias = 'arn:aws:lambda:eu-west-1:111111111111:function:tessera-staging-bookings:live';
  const groupArn = `arn:aws:scheduler:eu-west-1:111111111111:schedule-group/${group}`;
  const schedulesOfGroup = `arn:aws:scheduler:eu-west-1:111111111111:schedule/${group}/*`;

  const document = (...Statement: Record<string, unknown>[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement });
  const trust = (condition: Record<string, unknown> = {}) =>
    document({
      Sid: 'SchedulerAssumesRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnEquals: { 'aws:SourceArn': groupArn },
        ...condition,
      },
    });
  const invoke = (...Resource: string[]) => ({
    Sid: 'InvokeScheduleTarget',
    Effect: 'Allow',
    Action: ['lambda:InvokeFunction'],
    Resource,
  });
  const send = (...Resource: string[]) => ({
    Sid: 'SendUndeliveredSchedules',
    Effect: 'Allow',
    Action: ['sqs:SendMessage'],
    Resource,
  });
  const manage = (...Resource: string[]) => ({
    Sid: 'ManageOwnSchedules',
    Effect: 'Allow',
    Action: [
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ],
    Resource,
  });
  const passRole = (statement: Record<string, unknown> = {}) => ({
    Sid: 'PassSchedulerRole',
    Effect: 'Allow',
    Action: ['iam:PassRole'],
    Resource: [roleArn],
    Condition: { StringEquals: { 'iam:PassedToService': ['scheduler.amazonaws.com'] } },
    ...statement,
  });

  const scheduleGroup: Resource = {
    address: `${at}.aws_scheduler_schedule_group.this[0]`,
    type: 'aws_scheduler_schedule_group',
    values: { name: group },
  };
  const role = (assumeRolePolicy = trust()): Resource => ({
    address: `${at}.aws_iam_role.scheduler[0]`,
    type: 'aws_iam_role',
    values: { name: roleName, assume_role_policy: assumeRolePolicy },
  });
  const rolePolicy = (...statements: Record<string, unknown>[]): Resource => ({
    address: `${at}.aws_iam_role_policy.scheduler[0]`,
    type: 'aws_iam_role_policy',
    values: { role: roleName, policy: document(...statements) },
  });
  const queue = (name = dlq): Resource => ({
    address: `${at}.aws_sqs_queue.dead_letter["schedules"]`,
    type: 'aws_sqs_queue',
    values: { name, sqs_managed_sse_enabled: true },
  });
  const alarmOn = (name = dlq): Resource => ({
    address: `${at}.aws_cloudwatch_metric_alarm.dead_letters["schedules"]`,
    type: 'aws_cloudwatch_metric_alarm',
    values: {
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: name },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    },
  });
  const targetPolicy = (...statements: Record<string, unknown>[]): Resource => ({
    address: `${at}.module.function["bookings"].aws_iam_role_policy.this`,
    type: 'aws_iam_role_policy',
    values: { role: 'tessera-staging-bookings', policy: document(...statements) },
  });
  const schedule = (target: Record<string, unknown> = {}): Resource => ({
    address: 'aws_scheduler_schedule.reminder',
    type: 'aws_scheduler_schedule',
    values: {
      name: 'reminder',
      group_name: group,
      schedule_expression: 'at(2027-01-01T09:50:00)',
      flexible_time_window: [{ mode: 'OFF' }],
      target: [
        {
          arn: alias,
          role_arn: roleArn,
          dead_letter_config: [{ arn: dlqArn }],
          retry_policy: [{ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 }],
          ...target,
        },
      ],
    },
  });

  const invocations = `${group}-invocations-dlq`;
  const invokeConfig = (
    destination: string | null = `arn:aws:sqs:eu-west-1:111111111111:${invocations}`,
  ): Resource => ({
    address: `${at}.aws_lambda_function_event_invoke_config.this["bookings"]`,
    type: 'aws_lambda_function_event_invoke_config',
    values: {
      function_name: 'tessera-staging-bookings',
      qualifier: 'live',
      maximum_retry_attempts: 2,
      destination_config: destination === null ? [] : [{ on_failure: [{ destination }] }],
    },
  });
  const invocationsQueue: Resource = {
    ...queue(invocations),
    address: `${at}.aws_sqs_queue.dead_letter["invocations"]`,
  };
  const invocationsAlarm: Resource = {
    ...alarmOn(invocations),
    address: `${at}.aws_cloudwatch_metric_alarm.dead_letters["invocations"]`,
  };

  /** What the service module builds for a schedule target, and what it may add to it. */
  const schedulerParts = (replace: Record<string, Resource | null> = {}, more: Resource[] = []): Resource[] =>
    [
      ['group', scheduleGroup],
      ['role', role()],
      ['rolePolicy', rolePolicy(invoke(alias), send(dlqArn))],
      ['queue', queue()],
      ['alarm', alarmOn()],
      ['target', targetPolicy(manage(schedulesOfGroup), passRole())],
      ['invokeConfig', invokeConfig()],
      ['invocationsQueue', invocationsQueue],
      ['invocationsAlarm', invocationsAlarm],
    ]
      .map(([key, resource]) =>
        (key as string) in replace ? replace[key as string] : (resource as Resource),
      )
      .filter((resource): resource is Resource => resource !== null && resource !== undefined)
      .concat(more);

  const findingsOf = (extra: Resource[], plan: Partial<TerraformPlan> = {}) =>
    checkPlan(
      { ...planOf({ environment: 'staging', extra }), ...plan },
      { environment: 'staging', operations },
    ).findings;
  const rulesOfParts = (extra: Resource[]) => findingsOf(extra).map((finding) => finding.rule);

  it('passes a schedule group with its execution role, dead-letter queue and alarm, and a schedule with both', () => {
    // Prepare
    const extra = schedulerParts({}, [schedule()]);

    // Act
    const findings = findingsOf(extra);

    // Assess
    expect(findings).toEqual([]);
  });

  it('passes the parts without any schedule, as every plan of Tessera has them (the app creates its schedules)', () => {
    expect(findingsOf(schedulerParts())).toEqual([]);
  });

  it('flags a schedule without a dead-letter queue, or whose dead-letter queue the plan does not build', () => {
    // Prepare
    const without = schedulerParts({}, [schedule({ dead_letter_config: [] })]);
    const elsewhere = schedulerParts({}, [
      schedule({ dead_letter_config: [{ arn: 'arn:aws:sqs:eu-west-1:111111111111:somebody-elses-dlq' }] }),
    ]);
    const unknown = schedulerParts({}, [schedule({ dead_letter_config: [{}] })]);

    // Act
    const findings = [without, elsewhere, unknown].map((extra) =>
      findingsOf(extra).filter((finding) => finding.rule === 'schedule-dead-letter'),
    );

    // Assess
    expect(findings.map((list) => list.length)).toEqual([1, 1, 1]);
    expect(findings[0]?.[0]?.message).toMatch(/no dead_letter_config/);
    expect(findings[1]?.[0]?.message).toMatch(/somebody-elses-dlq is not built by the plan/);
    expect(findings[2]?.[0]?.message).toMatch(/unknown until apply/);
  });

  it('flags a schedule whose target leaves its retries to the default', () => {
    // Prepare
    const noPolicy = schedulerParts({}, [schedule({ retry_policy: [] })]);
    const noAge = schedulerParts({}, [schedule({ retry_policy: [{ maximum_retry_attempts: 3 }] })]);

    // Act
    const rules = [noPolicy, noAge].map(rulesOfParts);

    // Assess
    expect(rules).toEqual([['schedule-dead-letter'], ['schedule-dead-letter']]);
  });

  it('flags a schedule group without an execution role, or whose role may send to no queue', () => {
    // Prepare
    const noRole = schedulerParts({ role: null, rolePolicy: null });
    const sendsNowhere = schedulerParts({ rolePolicy: rolePolicy(invoke(alias)) });

    // Act
    const rules = [noRole, sendsNowhere].map(rulesOfParts);

    // Assess
    expect(rules[0]).toContain('schedule-group-dead-letter');
    expect(rules[1]).toEqual(['schedule-group-dead-letter']);
  });

  it('counts the queue the execution role sends to as a dead-letter queue: it must alarm and needs no redrive', () => {
    // Prepare
    const name = `${group}-undelivered`;
    const arn = `arn:aws:sqs:eu-west-1:111111111111:${name}`;
    const alarmed = schedulerParts({
      queue: queue(name),
      alarm: alarmOn(name),
      rolePolicy: rolePolicy(invoke(alias), send(arn)),
    });
    const silent = schedulerParts({
      queue: queue(name),
      alarm: null,
      rolePolicy: rolePolicy(invoke(alias), send(arn)),
    });

    // Act
    const rules = [alarmed, silent].map(rulesOfParts);

    // Assess
    expect(rules).toEqual([[], ['sqs-dead-letter-alarm']]);
  });

  it('flags a schedule target whose asynchronous failures are not kept in a queue of the plan', () => {
    // Prepare
    const none = schedulerParts({ invokeConfig: null });
    const noDestination = schedulerParts({ invokeConfig: invokeConfig(null) });
    const elsewhere = schedulerParts({
      invokeConfig: invokeConfig('arn:aws:sqs:eu-west-1:111111111111:elsewhere'),
    });

    // Act
    const findings = [none, noDestination, elsewhere].map((extra) =>
      findingsOf(extra).filter((finding) => finding.rule === 'schedule-target-on-failure'),
    );

    // Assess
    expect(findings.map((list) => list.length)).toEqual([1, 1, 1]);
    expect(findings[0]?.[0]?.message).toMatch(/tessera-staging-bookings:live asynchronously, which has no/);
    expect(findings[2]?.[0]?.message).toMatch(/is no queue the plan builds/);
  });

  it("flags an execution role's trust without the account, without named groups, or for a group the plan does not build", () => {
    // Prepare
    const noAccount = trust({ StringEquals: {} });
    const anyGroup = trust({
      ArnLike: { 'aws:SourceArn': 'arn:aws:scheduler:eu-west-1:111111111111:schedule-group/*' },
    });
    const noArn = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        },
      ],
    });
    const otherGroup = trust({
      ArnEquals: { 'aws:SourceArn': 'arn:aws:scheduler:eu-west-1:111111111111:schedule-group/default' },
    });

    // Act
    const findings = [noAccount, anyGroup, noArn, otherGroup].map((policy) =>
      findingsOf(schedulerParts({ role: role(policy) })).filter(
        (finding) => finding.rule === 'scheduler-role-trust',
      ),
    );

    // Assess
    expect(findings.map((list) => list.map((finding) => finding.message))).toEqual([
      ['admits scheduler.amazonaws.com without an aws:SourceAccount condition naming the account'],
      [expect.stringMatching(/without an aws:SourceArn condition on named schedule groups/)],
      [expect.stringMatching(/without an aws:SourceArn condition on named schedule groups \(none\)/)],
      ['trusts schedules of default, a group the plan does not build'],
    ]);
  });

  it('flags an execution role that invokes anything but a live alias, sends to another queue, or does more', () => {
    // Prepare
    const latest = rolePolicy(
      invoke('arn:aws:lambda:eu-west-1:111111111111:function:tessera-staging-bookings'),
      send(dlqArn),
    );
    const otherQueue = rolePolicy(
      invoke(alias),
      send(dlqArn, 'arn:aws:sqs:eu-west-1:111111111111:tessera-staging-payments-charges'),
    );
    const more = rolePolicy(invoke(alias), send(dlqArn), {
      Sid: 'StartMachines',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: ['arn:aws:states:eu-west-1:111111111111:stateMachine:tessera-staging'],
    });
    const managed: Resource = {
      address: `${at}.aws_iam_role_policy_attachment.scheduler`,
      type: 'aws_iam_role_policy_attachment',
      values: { role: roleName, policy_arn: 'arn:aws:iam::aws:policy/AWSLambda_FullAccess' },
    };

    // Act
    const findings = [
      schedulerParts({ rolePolicy: latest }),
      schedulerParts({ rolePolicy: otherQueue }),
      schedulerParts({ rolePolicy: more }),
      schedulerParts({}, [managed]),
    ].map((extra) => findingsOf(extra).filter((finding) => finding.rule === 'scheduler-role-scope'));

    // Assess
    expect(findings.map((list) => list.length)).toEqual([1, 1, 1, 1]);
    expect(findings[0]?.[0]?.message).toMatch(
      /function:tessera-staging-bookings: an execution role invokes a function's live alias only/,
    );
    expect(findings[1]?.[0]?.message).toMatch(/tessera-staging-payments-charges/);
    expect(findings[2]?.[0]?.message).toMatch(/allows states:startexecution/);
    expect(findings[3]?.[0]?.message).toMatch(/AWSLambda_FullAccess/);
  });

  it("finds an execution role's policy through the configuration while the role's id is unknown", () => {
    // Prepare
    const unknownRole = {
      ...rolePolicy(invoke(alias), send(dlqArn), {
        Effect: 'Allow',
        Action: ['sqs:DeleteQueue'],
        Resource: [dlqArn],
      }),
    };
    unknownRole.values = { ...unknownRole.values, role: null };
    const configuration = {
      root_module: {
        module_calls: {
          bookings: {
            module: {
              module_calls: {
                service: {
                  module: {
                    resources: [
                      {
                        address: 'aws_iam_role_policy.scheduler',
                        expressions: {
                          role: {
                            references: [
                              'aws_iam_role.scheduler[0].id',
                              'aws_iam_role.scheduler[0]',
                              'aws_iam_role.scheduler',
                            ],
                          },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      },
    };

    // Act
    const rules = findingsOf(schedulerParts({ rolePolicy: unknownRole }), { configuration }).map(
      (finding) => finding.rule,
    );

    // Assess
    expect(rules).toEqual(['scheduler-role-scope']);
  });

  it('flags a PassRole on more than one role, on a wildcard, without PassedToService, or to a service the role does not trust', () => {
    // Prepare
    const grants = [
      passRole({ Resource: [roleArn, 'arn:aws:iam::111111111111:role/tessera-staging-users'] }),
      passRole({ Resource: ['arn:aws:iam::111111111111:role/tessera-staging-*'] }),
      passRole({ Condition: undefined }),
      passRole({ Condition: { StringLike: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } }),
      passRole({ Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }),
    ];

    // Act
    const findings = grants.map((grant) =>
      findingsOf(schedulerParts({ target: targetPolicy(manage(schedulesOfGroup), grant) })).filter(
        (finding) => finding.rule === 'pass-role-scope',
      ),
    );

    // Assess
    expect(findings.map((list) => list.map((finding) => finding.message))).toEqual([
      [expect.stringMatching(/name exactly one role/)],
      [expect.stringMatching(/name exactly one role, without a wildcard/)],
      [expect.stringMatching(/without an iam:PassedToService condition/)],
      [expect.stringMatching(/without an iam:PassedToService condition/)],
      ['passes tessera-staging-bookings-scheduler to lambda.amazonaws.com, which that role does not trust'],
    ]);
  });

  it('flags scheduler actions on every schedule, on a group, across groups, or on a group the plan does not build', () => {
    // Prepare
    const grants = [
      manage('*'),
      manage(groupArn),
      manage(
        schedulesOfGroup,
        'arn:aws:scheduler:eu-west-1:111111111111:schedule/tessera-staging-payments/*',
      ),
      manage('arn:aws:scheduler:eu-west-1:111111111111:schedule/default/*'),
      { ...manage(schedulesOfGroup), Action: ['scheduler:ListSchedules'], Resource: '*' },
    ];

    // Act
    const findings = grants.map((grant) =>
      findingsOf(schedulerParts({ target: targetPolicy(grant, passRole()) })).filter(
        (finding) => finding.rule === 'scheduler-action-scope',
      ),
    );

    // Assess
    expect(findings.map((list) => list.map((finding) => finding.message))).toEqual([
      ['grants scheduler actions on *, not on the schedules of one schedule group'],
      [`grants scheduler actions on ${groupArn}, not on the schedules of one schedule group`],
      [
        'grants scheduler actions on the schedules of tessera-staging-bookings, tessera-staging-payments: one group per statement',
        'grants scheduler actions on the schedules of tessera-staging-payments, a group the plan does not build',
      ],
      ['grants scheduler actions on the schedules of default, a group the plan does not build'],
      ['grants scheduler actions on *, not on the schedules of one schedule group'],
    ]);
  });

  it('passes scheduler actions on one named schedule of a group the plan builds', () => {
    const one = `arn:aws:scheduler:eu-west-1:111111111111:schedule/${group}/reminder-1`;
    expect(rulesOfParts(schedulerParts({ target: targetPolicy(manage(one), passRole()) }))).toEqual([]);
  });
});
