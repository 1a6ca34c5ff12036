/**
 * The policy test over an environment's Terraform plan (`terraform show -json`): the rules every
 * environment must keep, checked on what Terraform is about to build rather than on the code that
 * describes it.
 *
 * - every DynamoDB table has point-in-time recovery on and server-side encryption on;
 * - in prod, every table is deletion-protected;
 * - every Lambda function runs `nodejs22.x` on arm64 and logs to a log group with a retention;
 * - every Lambda function traces with X-Ray (`tracing_config` mode `Active`) and has the variable
 *   `ENVIRONMENT` set to the environment's name (its metrics' `environment` dimension), in every
 *   environment, dev included. Where the provider plans a function's variables as unknown whole
 *   (one of them is), the rule reads them from the environments' `lambda_function_environment_variables`
 *   output, whose known values Terraform keeps;
 * - in staging and prod, where alarms are on, every Lambda function has an errors alarm and a
 *   throttles alarm that notify someone (non-empty `alarm_actions`, known at plan time);
 * - in staging and prod, every API (`aws_apigatewayv2_api`) has an error-rate alarm (metric math
 *   dividing by something, over AWS/ApiGateway `5xx` for an HTTP API, `IntegrationError` for a
 *   WebSocket API, which has no 5xx) and a p99 latency alarm (`Latency`, or `IntegrationLatency`),
 *   each notifying someone. An alarm watches an API when a metric of it names the API's `ApiId`, or,
 *   while the id is unknown, when it is in the same module and its configuration references that API
 *   (or builds its metric queries with dynamic blocks, which the plan's configuration leaves out);
 * - in staging and prod, every service that owns contract operations has a 5xx-rate alarm (metric
 *   math over the `Tessera` metric `Requests` with its `service`, this `environment` and `statusClass`
 *   5xx) and a p99 latency alarm on its `Tessera` `Latency`, each notifying someone;
 * - in staging and prod, every alarm that notifies notifies SNS topics the plan builds, and the same
 *   ones when it returns to OK (`ok_actions`);
 * - every environment has its dashboard `tessera-<environment>`; when the plan knows its body (it
 *   names the APIs by id, unknown in a new environment's first plan), it charts every function's
 *   errors and every dead-letter queue's messages;
 * - in prod, every log group keeps its logs at least a year (365 days). Prod's terraform.tfvars
 *   sets 365 and docs/deploy.md promises "logs for a year"; a fixed floor rather than "longer than
 *   dev" because each environment's plan is checked on its own, and the requirement is a year of
 *   history in prod whatever dev keeps (a week today). Log groups that never expire pass;
 * - no IAM statement has an Action that contains `*` anywhere (`*`, `dynamodb:*`, `s3:Get*`), nor
 *   uses NotAction, and every policy is known at plan time, so that this rule can actually be
 *   checked;
 * - every contract operation has a route on the HTTP API, every route an operation, and each route
 *   invokes the `live` alias of the service that owns the operation;
 * - every SQS queue is encrypted (SQS managed SSE or a KMS key);
 * - in staging and prod, where alarms are on, every dead-letter queue has an alarm that fires on its
 *   first message (`ApproximateNumberOfMessagesVisible` > 0) and notifies someone. A queue is a
 *   dead-letter queue when another queue's redrive policy, an EventBridge target, a schedule or an
 *   asynchronous invocation configuration's `on_failure` names it as one (by an ARN known at plan
 *   time), or its name ends in `-dlq` (schedules created at run time name theirs there);
 * - every SQS queue that is no dead-letter queue redrives to one the plan builds (a redrive policy
 *   with a `deadLetterTargetArn` and a `maxReceiveCount`), so a message its consumer keeps failing
 *   ends up where an alarm sees it rather than being received until it expires;
 * - in staging and prod, every other queue has an alarm too (any AWS/SQS metric on that queue) that
 *   notifies someone;
 * - every EventBridge rule target (`aws_cloudwatch_event_target`) has a dead-letter queue the plan
 *   builds (`dead_letter_config`), so an event it cannot deliver after its retries is kept;
 * - every Lambda function or alias a rule targets directly has an asynchronous invocation
 *   configuration (`aws_lambda_function_event_invoke_config`, for that function and qualifier) whose
 *   `on_failure` destination is an SQS queue the plan builds. EventBridge invokes a function
 *   asynchronously, so its delivery succeeds once Lambda has queued the event, and the target's
 *   dead-letter queue never sees an event the function keeps failing: Lambda retries it and then,
 *   without a destination, drops it. That queue counts as a dead-letter queue (it must alarm);
 * - every event source mapping on an SQS queue reports batch item failures
 *   (`ReportBatchItemFailures`), so one bad message does not return its whole batch to the queue;
 * - every SQS queue an event source mapping reads hides a received message at least 6 times as
 *   long as the function it invokes may run (`visibility_timeout_seconds` >= 6 x `timeout`, AWS's
 *   advice), so a batch being worked on, or retried by Lambda after throttling, is not received
 *   twice;
 * - every queue policy statement that admits EventBridge (`events.amazonaws.com`) is pinned with an
 *   `aws:SourceArn` condition, so no other account's or bus's rule can send to the queue;
 * - every WebSocket API has a `$connect` route behind an authorizer, and no other route is
 *   authorized (a connection's messages are the connection's); every WebSocket route is two-way
 *   (`route_response_selection_expression` `$default` and a `$default` route response); every
 *   WebSocket integration is a Lambda proxy to a function's `live` alias; every WebSocket stage
 *   writes access logs (a format, to a log group the plan builds with a retention, through an account
 *   CloudWatch role the plan sets), throttles its routes by default and has data trace off. Routes,
 *   stages and integrations belong to their API by a known `api_id` or, while it is unknown, by the
 *   plan configuration's references; one that belongs to none is a finding;
 * - every `execute-api:ManageConnections` grant is on `<api>/<stage>/POST/@connections/*` of one
 *   API (its id, or an `aws:PrincipalTag` its role carries) and one stage, and nothing else;
 * - every Lambda permission for API Gateway has a source ARN scoped to one API (an `execute-api`
 *   ARN with the API's id, or, unknown until apply, one built from an API's `execution_arn`).
 * - every EventBridge Scheduler schedule (`aws_scheduler_schedule`) has a target with a dead-letter
 *   queue the plan builds (`dead_letter_config`) and a retry policy. Tessera's schedules are created
 *   at run time, so plans hold none today; the rule keeps it so if one is ever declared;
 * - every schedule group has a dead-letter queue: an execution role the scheduler may assume for that
 *   group which may send to a queue the plan builds (a dead-letter queue, so it must alarm);
 * - every role the scheduler may assume (an execution role) is pinned to this account's scheduler and
 *   to schedule groups the plan builds (`aws:SourceAccount`, and `aws:SourceArn` on named
 *   schedule-group ARNs), and its policies allow `lambda:InvokeFunction` on `live` aliases and
 *   `sqs:SendMessage` on the plan's dead-letter queues, nothing else (no managed policy either);
 * - every function an execution role may invoke has an asynchronous invocation configuration whose
 *   `on_failure` destination is a queue the plan builds: Scheduler invokes Lambda asynchronously,
 *   so a scheduled event the function keeps failing never reaches the schedules' dead-letter queue;
 * - every `iam:PassRole` grant names one role (an ARN without a wildcard) and carries an
 *   `iam:PassedToService` condition (StringEquals, one service); a role the plan builds must trust
 *   that service;
 * - every `scheduler:` action is granted on the schedules of one schedule group the plan builds
 *   (`arn:...:schedule/<group>/*` or one named schedule of it), never on `*` or another group.
 *
 * @example
 * const report = checkPlan(JSON.parse(planJson), { environment: 'prod', operations: contractOperations(yaml) });
 * if (report.findings.length > 0) process.exitCode = 1;
 */

import { parse } from 'yaml';
import { type MetricName, NAMESPACE, statusClassOf } from '../../packages/shared/src/metrics/catalog.ts';
import { type PlanJson, type PlannedResource, plannedResources } from './terraform-plan.ts';

/** An attribute's expression in the plan's `configuration`: what it references, or its constant. */
interface ConfigExpression {
  readonly references?: readonly string[];
  readonly constant_value?: unknown;
}

interface ConfigResource {
  readonly address: string;
  readonly expressions?: Readonly<Record<string, unknown>>;
}

interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

/**
 * The parts of `terraform show -json <plan>` the policy reads: the planned values, and the
 * configuration's references, which say which API a route, stage or permission belongs to while
 * the API's id is unknown (every plan of a new environment).
 */
type TerraformPlan = PlanJson & {
  readonly configuration?: { readonly root_module?: ConfigModule };
  /** The root outputs' planned values: known parts are kept, where a resource's map is unknown whole. */
  readonly output_changes?: Readonly<Record<string, { readonly after?: unknown }>>;
};

/** One operation of the contract: its route key (`GET /v1/users`) and owning service. */
interface ContractOperation {
  readonly routeKey: string;
  readonly operationId: string;
  readonly service: string;
  readonly secured: boolean;
}

interface PolicyFinding {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

interface PolicyReport {
  readonly findings: readonly PolicyFinding[];
  /** How many resources of each type the plan creates, updates or replaces. */
  readonly resourcesByType: Readonly<Record<string, number>>;
  readonly counts: {
    readonly tables: number;
    readonly functions: number;
    readonly policies: number;
    readonly statements: number;
    readonly routes: number;
    readonly webSocketRoutes: number;
    readonly alarms: number;
    readonly logGroups: number;
    readonly queues: number;
  };
}

interface PolicyOptions {
  readonly environment: string;
  readonly operations: readonly ContractOperation[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Attributes that hold an IAM (or resource) policy document, by resource type. */
const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_s3_bucket_policy: ['policy'],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
};

const firstBlock = (value: unknown): Record<string, unknown> | undefined => {
  const [first] = asList(value);
  return isRecord(first) ? first : undefined;
};

/** Every resource the plan will hold, child modules included. */

const unknownAfter = (plan: TerraformPlan, address: string, attribute: string): boolean => {
  const change = plan.resource_changes?.find((candidate) => candidate.address === address);
  return change?.change.after_unknown?.[attribute] === true;
};

/** Every operation of an OpenAPI document's `paths`, with its route key (`GET /v1/users`). */
const pathOperations = (
  paths: unknown,
): { readonly routeKey: string; readonly operation: Record<string, unknown> }[] =>
  isRecord(paths)
    ? Object.entries(paths).flatMap(([path, item]) =>
        isRecord(item)
          ? Object.entries(item)
              .filter(([method]) => HTTP_METHODS.includes(method))
              .map(([method, operation]) => ({
                routeKey: `${method.toUpperCase()} ${path}`,
                operation: isRecord(operation) ? operation : {},
              }))
          : [],
      )
    : [];

/**
 * Reads the operations of an OpenAPI document: route key, operation id, owning service
 * (`x-tessera-service`) and whether it is secured (its own `security`, or the global one).
 */
const contractOperations = (openapiYaml: string): ContractOperation[] => {
  const document: unknown = parse(openapiYaml);
  if (!isRecord(document) || !isRecord(document.paths)) throw new Error('The contract has no paths');
  const globalSecurity = asList(document.security);
  return pathOperations(document.paths).map(({ routeKey, operation }) => ({
    routeKey,
    operationId: String(operation.operationId),
    service: String(operation['x-tessera-service']),
    secured: asList(operation.security ?? globalSecurity).length > 0,
  }));
};

const checkTables = (resources: readonly PlannedResource[], environment: string): PolicyFinding[] =>
  resources
    .filter((resource) => resource.type === 'aws_dynamodb_table')
    .flatMap((table) => {
      const findings: PolicyFinding[] = [];
      if (firstBlock(table.values.point_in_time_recovery)?.enabled !== true) {
        findings.push({
          rule: 'table-pitr',
          address: table.address,
          message: 'point-in-time recovery is off',
        });
      }
      if (firstBlock(table.values.server_side_encryption)?.enabled !== true) {
        findings.push({
          rule: 'table-encryption',
          address: table.address,
          message: 'server-side encryption (KMS) is off',
        });
      }
      if (environment === 'prod' && table.values.deletion_protection_enabled !== true) {
        findings.push({
          rule: 'table-deletion-protection',
          address: table.address,
          message: 'prod tables must be deletion-protected',
        });
      }
      return findings;
    });

const checkFunctions = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const retentionByLogGroup = new Map(
    resources
      .filter((resource) => resource.type === 'aws_cloudwatch_log_group')
      .map((group) => [String(group.values.name), group.values.retention_in_days] as const),
  );
  return resources
    .filter((resource) => resource.type === 'aws_lambda_function')
    .flatMap((fn) => {
      const findings: PolicyFinding[] = [];
      const architectures = asList(fn.values.architectures);
      if (architectures.length !== 1 || architectures[0] !== 'arm64') {
        findings.push({
          rule: 'function-arm64',
          address: fn.address,
          message: `runs on ${architectures.join(', ') || 'the default x86_64'}, not arm64`,
        });
      }
      if (fn.values.runtime !== 'nodejs22.x') {
        findings.push({
          rule: 'function-runtime',
          address: fn.address,
          message: `runs ${String(fn.values.runtime)}, not nodejs22.x`,
        });
      }
      const logGroup = String(
        firstBlock(fn.values.logging_config)?.log_group ?? `/aws/lambda/${String(fn.values.function_name)}`,
      );
      const retention = retentionByLogGroup.get(logGroup);
      if (typeof retention !== 'number' || retention <= 0) {
        findings.push({
          rule: 'function-log-retention',
          address: fn.address,
          message: `logs to ${logGroup}, which ${retentionByLogGroup.has(logGroup) ? 'keeps logs forever' : 'Terraform does not manage'}`,
        });
      }
      return findings;
    });
};

/** The environment whose logs must last. */
const PROD = 'prod';

/**
 * The environments whose plans have alarms on: every function, queue and API alarms there, and every
 * dead-letter queue on its first message.
 */
const ALARMED_ENVIRONMENTS = ['staging', PROD];

/** How long prod keeps every log group, at least: a year (see the rules above). */
const PROD_MIN_LOG_RETENTION_DAYS = 365;

/** The alarms every function needs where alarms are on, by the AWS/Lambda metric they watch. */
const REQUIRED_FUNCTION_ALARMS = ['Errors', 'Throttles'] as const;

/** The X-Ray tracing mode every function runs with, in every environment. */
const TRACING_MODE = 'Active';

/** The variable that names a function's environment (its metrics' `environment` dimension). */
const ENVIRONMENT_VARIABLE = 'ENVIRONMENT';

/**
 * The environments' output of every function's variables, by function name. The AWS provider plans
 * a function's `environment` as unknown whole when one value is (the WebSocket API's endpoint);
 * Terraform keeps the known values of an output, so the rule reads them there then.
 */
const ENVIRONMENT_VARIABLES_OUTPUT = 'lambda_function_environment_variables';

/** A function's variable as the plan knows it: from the function, else from the environments' output. */
const functionVariable = (
  plan: TerraformPlan,
  fn: PlannedResource,
  name: string,
): { readonly value: unknown; readonly known: boolean } => {
  const variables = firstBlock(fn.values.environment)?.variables;
  if (isRecord(variables)) return { value: variables[name], known: true };
  const change = plan.resource_changes?.find((candidate) => candidate.address === fn.address);
  const unknown = JSON.stringify(change?.change.after_unknown?.environment ?? false).includes('true');
  if (!unknown) return { value: undefined, known: true };
  const output = plan.output_changes?.[ENVIRONMENT_VARIABLES_OUTPUT]?.after;
  const own = isRecord(output) ? output[String(fn.values.function_name)] : undefined;
  return isRecord(own) && name in own
    ? { value: own[name], known: true }
    : { value: undefined, known: false };
};

/** Every function traces actively and knows its environment's name, in every environment. */
const checkFunctionTelemetry = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] =>
  resources
    .filter((resource) => resource.type === 'aws_lambda_function')
    .flatMap((fn) => {
      const findings: PolicyFinding[] = [];
      const mode = firstBlock(fn.values.tracing_config)?.mode;
      if (mode !== TRACING_MODE) {
        findings.push({
          rule: 'function-tracing',
          address: fn.address,
          message: `traces ${mode === undefined ? 'nothing (no tracing_config)' : `in mode ${String(mode)}`}, not ${TRACING_MODE}: every function is traced with X-Ray`,
        });
      }
      const { value, known } = functionVariable(plan, fn, ENVIRONMENT_VARIABLE);
      if (value !== environment) {
        findings.push({
          rule: 'function-environment',
          address: fn.address,
          message: known
            ? `${ENVIRONMENT_VARIABLE} is ${value === undefined ? 'not set' : JSON.stringify(value)}, not ${JSON.stringify(environment)}: its metrics would carry another environment dimension`
            : `its environment variables are unknown until apply, and the ${ENVIRONMENT_VARIABLES_OUTPUT} output does not name its ${ENVIRONMENT_VARIABLE}, so it cannot be checked`,
        });
      }
      return findings;
    });

const checkFunctionAlarms = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] => {
  if (!ALARMED_ENVIRONMENTS.includes(environment)) return [];
  const alarms = resources.filter(
    (resource) =>
      resource.type === 'aws_cloudwatch_metric_alarm' && resource.values.namespace === 'AWS/Lambda',
  );
  return resources
    .filter((resource) => resource.type === 'aws_lambda_function')
    .flatMap((fn) =>
      REQUIRED_FUNCTION_ALARMS.flatMap((metric): PolicyFinding[] => {
        const watching = alarms.filter(
          (alarm) =>
            alarm.values.metric_name === metric &&
            isRecord(alarm.values.dimensions) &&
            alarm.values.dimensions.FunctionName === fn.values.function_name,
        );
        const where = { rule: 'function-alarms', address: fn.address };
        if (watching.length === 0) {
          return [{ ...where, message: `has no ${metric} alarm` }];
        }
        if (watching.some((alarm) => asList(alarm.values.alarm_actions).length > 0)) return [];
        const unknown = watching.find((alarm) => unknownAfter(plan, alarm.address, 'alarm_actions'));
        return [
          {
            ...where,
            message: unknown
              ? `the actions of its ${metric} alarm (${unknown.address}) are unknown until apply, so they cannot be checked; build the topic ARN from known values`
              : `its ${metric} alarm notifies no one (empty alarm_actions)`,
          },
        ];
      }),
    );
};

const checkProdLogRetention = (
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] =>
  environment !== PROD
    ? []
    : resources
        .filter((resource) => resource.type === 'aws_cloudwatch_log_group')
        .flatMap((group) => {
          const retention = group.values.retention_in_days;
          // 0 or unset: the group never expires, which keeps at least a year.
          if (typeof retention !== 'number' || retention === 0 || retention >= PROD_MIN_LOG_RETENTION_DAYS) {
            return [];
          }
          return [
            {
              rule: 'prod-log-retention',
              address: group.address,
              message: `keeps ${String(group.values.name)} for ${retention} days; prod keeps logs at least ${PROD_MIN_LOG_RETENTION_DAYS}`,
            },
          ];
        });

/** An action with `*` anywhere grants more than its name says: `*`, `dynamodb:*`, `s3:Get*`. */
const isWildcardAction = (action: unknown): boolean => typeof action === 'string' && action.includes('*');

const checkPolicies = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
): { findings: PolicyFinding[]; policies: number; statements: number } => {
  const findings: PolicyFinding[] = [];
  let policies = 0;
  let statements = 0;
  for (const resource of resources) {
    for (const attribute of POLICY_ATTRIBUTES[resource.type] ?? []) {
      const raw = resource.values[attribute];
      if (raw === undefined || raw === null || raw === '') {
        if (unknownAfter(plan, resource.address, attribute)) {
          findings.push({
            rule: 'iam-policy-known',
            address: resource.address,
            message: `${attribute} is unknown until apply, so it cannot be checked; build it from known values`,
          });
        }
        continue;
      }
      policies += 1;
      const document: unknown = JSON.parse(String(raw));
      const list = isRecord(document) ? asList(document.Statement) : [];
      for (const statement of list.filter(isRecord)) {
        statements += 1;
        const where = `${resource.address} (${attribute}${statement.Sid ? `, ${String(statement.Sid)}` : ''})`;
        if (statement.NotAction !== undefined) {
          findings.push({ rule: 'iam-no-wildcard-action', address: where, message: 'uses NotAction' });
        }
        for (const action of asList(statement.Action).filter(isWildcardAction)) {
          findings.push({
            rule: 'iam-no-wildcard-action',
            address: where,
            message: `allows Action ${String(action)}`,
          });
        }
      }
    }
    if (resource.type === 'aws_lambda_permission' && isWildcardAction(resource.values.action)) {
      findings.push({
        rule: 'iam-no-wildcard-action',
        address: resource.address,
        message: `allows Action ${String(resource.values.action)}`,
      });
    }
  }
  return { findings, policies, statements };
};

interface Route {
  readonly routeKey: string;
  readonly integrationUri: string | undefined;
  readonly secured: boolean;
}

const routesOfBody = (body: unknown): Route[] =>
  isRecord(body)
    ? pathOperations(body.paths).map(({ routeKey, operation }) => {
        const integration = isRecord(operation['x-amazon-apigateway-integration'])
          ? operation['x-amazon-apigateway-integration']
          : {};
        return {
          routeKey,
          integrationUri: typeof integration.uri === 'string' ? integration.uri : undefined,
          secured: asList(operation.security).length > 0,
        };
      })
    : [];

const checkRoutes = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  options: PolicyOptions,
): { findings: PolicyFinding[]; routes: number } => {
  const apis = resources.filter(
    (resource) => resource.type === 'aws_apigatewayv2_api' && resource.values.protocol_type === 'HTTP',
  );
  if (apis.length !== 1) {
    return {
      findings: [
        { rule: 'routes', address: '(plan)', message: `expected one HTTP API, found ${apis.length}` },
      ],
      routes: 0,
    };
  }
  const [api] = apis as [PlannedResource];
  if (typeof api.values.body !== 'string') {
    const message = unknownAfter(plan, api.address, 'body')
      ? 'the API body is unknown until apply, so its routes cannot be checked'
      : 'the API has no body';
    return { findings: [{ rule: 'routes', address: api.address, message }], routes: 0 };
  }
  // Routes declared as resources on the HTTP API (none today) count too; the WebSocket API's have
  // their own rules (checkWebSocketApis).
  const routeResources: Route[] = resources
    .filter((resource) => resource.type === 'aws_apigatewayv2_route')
    .filter((route) => apiOf(plan, resources, route)?.address === api.address)
    .map((route) => ({
      routeKey: String(route.values.route_key),
      integrationUri: undefined,
      secured: false,
    }));
  const routes = [...routesOfBody(JSON.parse(api.values.body)), ...routeResources];
  const findings: PolicyFinding[] = [];
  const routeKeys = new Set(routes.map((route) => route.routeKey));
  const operationsByRoute = new Map(options.operations.map((operation) => [operation.routeKey, operation]));
  for (const operation of options.operations) {
    if (!routeKeys.has(operation.routeKey)) {
      findings.push({
        rule: 'route-per-operation',
        address: api.address,
        message: `operation ${operation.operationId} (${operation.routeKey}) has no route`,
      });
    }
  }
  for (const route of routes) {
    const operation = operationsByRoute.get(route.routeKey);
    if (!operation) {
      findings.push({
        rule: 'operation-per-route',
        address: api.address,
        message: `route ${route.routeKey} is no contract operation`,
      });
      continue;
    }
    const expected = `:function:tessera-${options.environment}-${operation.service}:live/invocations`;
    if (route.integrationUri !== undefined && !route.integrationUri.endsWith(expected)) {
      findings.push({
        rule: 'route-integration',
        address: api.address,
        message: `${route.routeKey} invokes ${route.integrationUri}, not the live alias of tessera-${options.environment}-${operation.service}`,
      });
    }
    if (route.integrationUri !== undefined && route.secured !== operation.secured) {
      findings.push({
        rule: 'route-security',
        address: api.address,
        message: `${route.routeKey} is ${route.secured ? '' : 'not '}behind the authorizer, but the contract says it is ${operation.secured ? '' : 'not '}secured`,
      });
    }
  }
  return { findings, routes: routes.length };
};

/** The name of the queue an SQS ARN points at (its last segment), or undefined for any other value. */
const queueNameOfArn = (arn: unknown): string | undefined =>
  typeof arn === 'string' && arn.startsWith('arn:') && arn.split(':')[2] === 'sqs'
    ? arn.split(':').at(-1)
    : undefined;

/**
 * The name of the function a mapping invokes, from its `function_name`: a name, a function ARN or a
 * partial ARN, each perhaps qualified (`:live`); undefined when it is not known.
 */
const functionNameOf = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value === '') return undefined;
  const parts = value.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? parts[at + 1] : parts[0];
};

/** What AWS uses when a plan leaves them out: a function's timeout and a queue's visibility timeout, in seconds. */
const DEFAULT_FUNCTION_TIMEOUT = 3;
const DEFAULT_VISIBILITY_TIMEOUT = 30;

/** How many times its consumer's timeout a queue must hide a received message, at least (AWS's advice). */
const VISIBILITY_TIMEOUT_FACTOR = 6;

const parseJson = (raw: unknown): unknown => {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/** Whether an alarm fires on a queue's first visible message. */
const firesOnFirstMessage = (alarm: PlannedResource): boolean => {
  const threshold = Number(alarm.values.threshold);
  return (
    (alarm.values.comparison_operator === 'GreaterThanThreshold' && threshold < 1) ||
    (alarm.values.comparison_operator === 'GreaterThanOrEqualToThreshold' && threshold <= 1)
  );
};

/** An invocation configuration's `on_failure` destination: undefined without one, null when unknown. */
const onFailureDestination = (config: PlannedResource): string | null | undefined => {
  const onFailure = firstBlock(firstBlock(config.values.destination_config)?.on_failure);
  if (onFailure === undefined) return undefined;
  return typeof onFailure.destination === 'string' && onFailure.destination !== ''
    ? onFailure.destination
    : null;
};

/**
 * The names of every queue the plan uses as a dead-letter queue; with the plan, also each queue a
 * scheduler execution role may send to (Scheduler's dead letters are sent with that role).
 */
const deadLetterQueueNames = (resources: readonly PlannedResource[], plan?: TerraformPlan): Set<string> => {
  const names = new Set<string>(plan === undefined ? [] : schedulerDeadLetterQueueNames(plan, resources));
  const add = (name: string | undefined) => {
    if (name) names.add(name);
  };
  for (const resource of resources) {
    if (resource.type === 'aws_sqs_queue') {
      const redrive = parseJson(resource.values.redrive_policy);
      if (isRecord(redrive)) add(queueNameOfArn(redrive.deadLetterTargetArn));
      if (String(resource.values.name ?? '').endsWith('-dlq')) add(String(resource.values.name));
    }
    if (resource.type === 'aws_cloudwatch_event_target') {
      add(queueNameOfArn(firstBlock(resource.values.dead_letter_config)?.arn));
    }
    if (resource.type === 'aws_scheduler_schedule') {
      add(queueNameOfArn(firstBlock(firstBlock(resource.values.target)?.dead_letter_config)?.arn));
    }
    if (resource.type === 'aws_lambda_function_event_invoke_config') {
      add(queueNameOfArn(onFailureDestination(resource)));
    }
  }
  return names;
};

const checkQueues = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] => {
  const queues = resources.filter((resource) => resource.type === 'aws_sqs_queue');
  const findings: PolicyFinding[] = queues.flatMap((queue) => {
    const managed = queue.values.sqs_managed_sse_enabled === true;
    const kms = typeof queue.values.kms_master_key_id === 'string' && queue.values.kms_master_key_id !== '';
    return managed || kms
      ? []
      : [
          {
            rule: 'sqs-encryption',
            address: queue.address,
            message: `${String(queue.values.name)} is not encrypted`,
          },
        ];
  });
  if (!ALARMED_ENVIRONMENTS.includes(environment)) return findings;
  const alarms = resources.filter(
    (resource) =>
      resource.type === 'aws_cloudwatch_metric_alarm' &&
      resource.values.namespace === 'AWS/SQS' &&
      resource.values.metric_name === 'ApproximateNumberOfMessagesVisible',
  );
  const deadLetters = deadLetterQueueNames(resources, plan);
  for (const queue of queues.filter((candidate) => deadLetters.has(String(candidate.values.name)))) {
    const name = String(queue.values.name);
    const watching = alarms.filter(
      (alarm) => isRecord(alarm.values.dimensions) && alarm.values.dimensions.QueueName === name,
    );
    const where = { rule: 'sqs-dead-letter-alarm', address: queue.address };
    if (!watching.some(firesOnFirstMessage)) {
      findings.push({
        ...where,
        message: `dead-letter queue ${name} has no alarm on its first message (ApproximateNumberOfMessagesVisible > 0)`,
      });
    } else if (
      !watching.some((alarm) => firesOnFirstMessage(alarm) && asList(alarm.values.alarm_actions).length > 0)
    ) {
      findings.push({
        ...where,
        message: `the alarm on dead-letter queue ${name} notifies no one (empty or unknown alarm_actions)`,
      });
    }
  }
  return findings;
};

const plannedQueueNames = (resources: readonly PlannedResource[]): Set<string> =>
  new Set(
    resources
      .filter((resource) => resource.type === 'aws_sqs_queue')
      .map((queue) => String(queue.values.name)),
  );

/** Every queue that is no dead-letter queue redrives to a dead-letter queue of the plan. */
const checkRedrives = (plan: TerraformPlan, resources: readonly PlannedResource[]): PolicyFinding[] => {
  const deadLetters = deadLetterQueueNames(resources, plan);
  const planned = plannedQueueNames(resources);
  return resources
    .filter((resource) => resource.type === 'aws_sqs_queue')
    .filter((queue) => !deadLetters.has(String(queue.values.name)))
    .flatMap((queue): PolicyFinding[] => {
      const name = String(queue.values.name);
      const where = { rule: 'sqs-redrive', address: queue.address };
      const redrive = parseJson(queue.values.redrive_policy);
      if (!isRecord(redrive)) {
        return [
          {
            ...where,
            message: unknownAfter(plan, queue.address, 'redrive_policy')
              ? `the redrive policy of ${name} is unknown until apply, so it cannot be checked; build it from known values`
              : `${name} has no redrive policy: a message its consumer keeps failing is received again until it expires, instead of moving to a dead-letter queue`,
          },
        ];
      }
      const target = queueNameOfArn(redrive.deadLetterTargetArn);
      const findings: PolicyFinding[] = [];
      if (target === undefined) {
        findings.push({ ...where, message: `the redrive policy of ${name} names no dead-letter queue ARN` });
      } else if (!planned.has(target)) {
        findings.push({
          ...where,
          message: `${name} redrives to ${target}, which the plan does not build, so its encryption and alarm cannot be checked`,
        });
      }
      const receives = Number(redrive.maxReceiveCount);
      if (!Number.isInteger(receives) || receives < 1) {
        findings.push({
          ...where,
          message: `the redrive policy of ${name} has no maxReceiveCount of at least 1 (${String(redrive.maxReceiveCount)})`,
        });
      }
      return findings;
    });
};

/** In staging and prod, every queue that is no dead-letter queue (those have their own rule) alarms. */
const checkQueueAlarms = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] => {
  if (!ALARMED_ENVIRONMENTS.includes(environment)) return [];
  const deadLetters = deadLetterQueueNames(resources, plan);
  const alarms = resources.filter(
    (resource) => resource.type === 'aws_cloudwatch_metric_alarm' && resource.values.namespace === 'AWS/SQS',
  );
  return resources
    .filter((resource) => resource.type === 'aws_sqs_queue')
    .filter((queue) => !deadLetters.has(String(queue.values.name)))
    .flatMap((queue): PolicyFinding[] => {
      const name = String(queue.values.name);
      const watching = alarms.filter(
        (alarm) => isRecord(alarm.values.dimensions) && alarm.values.dimensions.QueueName === name,
      );
      const where = { rule: 'sqs-queue-alarm', address: queue.address };
      if (watching.length === 0) return [{ ...where, message: `queue ${name} has no alarm` }];
      if (watching.some((alarm) => asList(alarm.values.alarm_actions).length > 0)) return [];
      return [
        { ...where, message: `the alarm on queue ${name} notifies no one (empty or unknown alarm_actions)` },
      ];
    });
};

/** Every EventBridge rule target keeps what it cannot deliver in a dead-letter queue of the plan. */
const checkEventTargets = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const planned = plannedQueueNames(resources);
  return resources
    .filter((resource) => resource.type === 'aws_cloudwatch_event_target')
    .flatMap((target): PolicyFinding[] => {
      const where = { rule: 'event-target-dead-letter', address: target.address };
      const config = firstBlock(target.values.dead_letter_config);
      if (config === undefined) {
        return [
          {
            ...where,
            message: 'has no dead_letter_config: an event it cannot deliver after its retries is dropped',
          },
        ];
      }
      const name = queueNameOfArn(config.arn);
      if (name === undefined) {
        return [
          {
            ...where,
            message:
              config.arn === undefined || config.arn === null
                ? 'the ARN of its dead-letter queue is unknown until apply, so it cannot be checked; build it from known values'
                : `its dead-letter queue ${String(config.arn)} is no SQS queue ARN`,
          },
        ];
      }
      return planned.has(name)
        ? []
        : [
            {
              ...where,
              message: `its dead-letter queue ${name} is not built by the plan, so its encryption and alarm cannot be checked`,
            },
          ];
    });
};

/**
 * A function and qualifier as Lambda names them: a name, a function ARN or a partial ARN, perhaps
 * qualified (`:live`); an explicit qualifier wins. Unqualified and `$LATEST` are the same.
 */
const lambdaReference = (value: unknown, qualifier?: unknown): string | undefined => {
  const name = functionNameOf(value);
  if (name === undefined) return undefined;
  const parts = String(value).split(':');
  const at = parts.indexOf('function');
  const own = typeof qualifier === 'string' && qualifier !== '' ? qualifier : parts[at >= 0 ? at + 2 : 1];
  return `${name}:${own === undefined || own === '' ? '$LATEST' : own}`;
};

/** The function and qualifier a rule target invokes, when its ARN is a Lambda function's. */
const lambdaTargetOf = (arn: unknown): string | undefined =>
  typeof arn === 'string' && arn.startsWith('arn:') && arn.split(':')[2] === 'lambda'
    ? lambdaReference(arn)
    : undefined;

/**
 * Every function or alias a rule invokes directly sends what it keeps failing to a queue of the plan
 * (its asynchronous invocation configuration's `on_failure`), since the rule's dead-letter queue
 * only keeps what EventBridge could not hand to Lambda.
 */
const checkFunctionTargets = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
): PolicyFinding[] => {
  const planned = plannedQueueNames(resources);
  const configs = new Map(
    resources
      .filter((resource) => resource.type === 'aws_lambda_function_event_invoke_config')
      .flatMap((config) => {
        const reference = lambdaReference(config.values.function_name, config.values.qualifier);
        return reference === undefined ? [] : [[reference, config] as const];
      }),
  );
  return resources
    .filter((resource) => resource.type === 'aws_cloudwatch_event_target')
    .flatMap((target): PolicyFinding[] => {
      const where = { rule: 'function-target-on-failure', address: target.address };
      if (target.values.arn == null && unknownAfter(plan, target.address, 'arn')) {
        return [
          {
            ...where,
            message:
              'the ARN it targets is unknown until apply, so whether a failed invocation is kept cannot be checked; build it from known values',
          },
        ];
      }
      const reference = lambdaTargetOf(target.values.arn);
      if (reference === undefined) return [];
      const config = configs.get(reference);
      if (config === undefined) {
        return [
          {
            ...where,
            message: `invokes ${reference} asynchronously, which has no aws_lambda_function_event_invoke_config: an event the function keeps failing is dropped after Lambda's retries`,
          },
        ];
      }
      const destination = onFailureDestination(config);
      if (destination === undefined) {
        return [
          {
            ...where,
            message: `the invocation configuration of ${reference} (${config.address}) has no on_failure destination: an event the function keeps failing is dropped after Lambda's retries`,
          },
        ];
      }
      if (destination === null) {
        return [
          {
            ...where,
            message: `the on_failure destination of ${reference} is unknown until apply, so it cannot be checked; build it from known values`,
          },
        ];
      }
      const name = queueNameOfArn(destination);
      if (name === undefined) {
        return [
          {
            ...where,
            message: `the on_failure destination of ${reference} is ${destination}, no SQS queue, so its encryption and alarm cannot be checked`,
          },
        ];
      }
      return planned.has(name)
        ? []
        : [
            {
              ...where,
              message: `the on_failure destination of ${reference} is ${name}, which the plan does not build, so its encryption and alarm cannot be checked`,
            },
          ];
    });
};

/** The event source mappings that read an SQS queue. */
const sqsMappings = (resources: readonly PlannedResource[]): PlannedResource[] =>
  resources
    .filter((resource) => resource.type === 'aws_lambda_event_source_mapping')
    .filter((mapping) => {
      const arn = mapping.values.event_source_arn;
      // A stream (DynamoDB, Kinesis) or Kafka mapping needs a starting position; an SQS one has none.
      return typeof arn === 'string'
        ? queueNameOfArn(arn) !== undefined
        : mapping.values.starting_position == null;
    });

/** Every queue a mapping reads hides a message at least 6 times as long as its function may run. */
const checkVisibilityTimeouts = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const queues = new Map(
    resources
      .filter((resource) => resource.type === 'aws_sqs_queue')
      .map((queue) => [String(queue.values.name), queue] as const),
  );
  const functions = new Map(
    resources
      .filter((resource) => resource.type === 'aws_lambda_function')
      .map((fn) => [String(fn.values.function_name), fn] as const),
  );
  return sqsMappings(resources).flatMap((mapping): PolicyFinding[] => {
    const where = { rule: 'sqs-visibility-timeout', address: mapping.address };
    const queueName = queueNameOfArn(mapping.values.event_source_arn);
    const queue = queueName === undefined ? undefined : queues.get(queueName);
    if (queue === undefined) {
      return [
        {
          ...where,
          message:
            queueName === undefined
              ? 'the queue it reads is unknown until apply, so its visibility timeout cannot be checked; build its ARN from known values'
              : `reads ${queueName}, which the plan does not build, so its visibility timeout cannot be checked`,
        },
      ];
    }
    const functionName = functionNameOf(mapping.values.function_name);
    const fn = functionName === undefined ? undefined : functions.get(functionName);
    if (fn === undefined) {
      return [
        {
          ...where,
          message:
            functionName === undefined
              ? 'the function it invokes is unknown until apply, so its timeout cannot be checked'
              : `invokes ${functionName}, which the plan does not build, so its timeout cannot be checked`,
        },
      ];
    }
    const timeout = Number(fn.values.timeout ?? DEFAULT_FUNCTION_TIMEOUT);
    const visibility = Number(queue.values.visibility_timeout_seconds ?? DEFAULT_VISIBILITY_TIMEOUT);
    const needed = VISIBILITY_TIMEOUT_FACTOR * timeout;
    return visibility >= needed
      ? []
      : [
          {
            rule: 'sqs-visibility-timeout',
            address: queue.address,
            message: `${queueName} hides a received message ${visibility} s, less than ${VISIBILITY_TIMEOUT_FACTOR} x the ${timeout} s ${functionName} may run (${needed} s): a message still being worked on is received again`,
          },
        ];
  });
};

const checkEventSourceMappings = (resources: readonly PlannedResource[]): PolicyFinding[] =>
  sqsMappings(resources).flatMap((mapping) =>
    asList(mapping.values.function_response_types).includes('ReportBatchItemFailures')
      ? []
      : [
          {
            rule: 'sqs-batch-item-failures',
            address: mapping.address,
            message:
              'reads an SQS queue without ReportBatchItemFailures: one failed message returns its whole batch',
          },
        ],
  );

/** Whether a statement's principal includes the service. */
const admitsService = (statement: Record<string, unknown>, service: string): boolean =>
  isRecord(statement.Principal) && asList(statement.Principal.Service).includes(service);

/** The values of a statement's `aws:SourceArn` condition, under whatever operator. */
const sourceArnCondition = (statement: Record<string, unknown>): unknown[] =>
  isRecord(statement.Condition)
    ? Object.values(statement.Condition).flatMap((operator) =>
        isRecord(operator)
          ? Object.entries(operator)
              .filter(([key]) => key.toLowerCase() === 'aws:sourcearn')
              .flatMap(([, value]) => asList(value))
          : [],
      )
    : [];

const checkQueuePolicies = (resources: readonly PlannedResource[]): PolicyFinding[] =>
  resources
    .filter((resource) => resource.type === 'aws_sqs_queue_policy')
    .flatMap((resource) => {
      const document = parseJson(resource.values.policy);
      const statements = isRecord(document) ? asList(document.Statement).filter(isRecord) : [];
      return statements
        .filter(
          (statement) => statement.Effect === 'Allow' && admitsService(statement, 'events.amazonaws.com'),
        )
        .flatMap((statement) => {
          const pins = sourceArnCondition(statement);
          if (pins.length > 0 && pins.every((pin) => typeof pin === 'string' && pin !== '*' && pin !== ''))
            return [];
          return [
            {
              rule: 'sqs-policy-source-arn',
              address: `${resource.address}${statement.Sid ? ` (${String(statement.Sid)})` : ''}`,
              message:
                'admits events.amazonaws.com without an aws:SourceArn condition naming the rules that may send',
            },
          ];
        });
    });

/** A quoted or numbered instance key: `["$connect"]`, `[0]`. */
const INSTANCE_KEY = String.raw`(?:\["(?:[^"\\]|\\.)*"\]|\[\d+\])`;
const MODULE_STEP = new RegExp(String.raw`^module\.([^.[]+)(${INSTANCE_KEY})?\.`);
const RESOURCE_ADDRESS = new RegExp(String.raw`^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(${INSTANCE_KEY})?$`);

/**
 * A planned resource's place: the module instance it is in (`module.platform.`, with instance
 * keys), the module names leading to its configuration, its configuration address (`type.name`)
 * and its own instance key.
 */
const locate = (
  address: string,
):
  | { readonly prefix: string; readonly modules: string[]; readonly config: string; readonly key: string }
  | undefined => {
  const modules: string[] = [];
  let rest = address;
  for (let step = MODULE_STEP.exec(rest); step; step = MODULE_STEP.exec(rest)) {
    modules.push(step[1] as string);
    rest = rest.slice(step[0].length);
  }
  const resource = RESOURCE_ADDRESS.exec(rest);
  if (!resource) return undefined;
  return {
    prefix: address.slice(0, address.length - rest.length),
    modules,
    config: `${resource[1]}.${resource[2]}`,
    key: resource[3] ?? '',
  };
};

/** What one attribute of a planned resource's configuration references (`aws_apigatewayv2_api.websocket.id`, ...). */
const referencesOf = (plan: TerraformPlan, resource: PlannedResource, attribute: string): string[] => {
  const where = locate(resource.address);
  if (!where) return [];
  let module = plan.configuration?.root_module;
  for (const name of where.modules) module = module?.module_calls?.[name]?.module;
  const config = module?.resources?.find((candidate) => candidate.address === where.config);
  const expression = config?.expressions?.[attribute] as ConfigExpression | undefined;
  return isRecord(expression) ? [...asList(expression.references).map(String)] : [];
};

/**
 * The planned resources of a type an attribute references in the same module instance
 * (`api_id = aws_apigatewayv2_api.websocket.id` names `module.platform.aws_apigatewayv2_api.websocket`);
 * `attributeOfTarget` narrows to references of that attribute (`execution_arn`).
 */
const referencedResources = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  resource: PlannedResource,
  attribute: string,
  type: string,
  attributeOfTarget?: string,
): PlannedResource[] => {
  const where = locate(resource.address);
  if (!where) return [];
  const targets = new Set(
    referencesOf(plan, resource, attribute)
      .filter((reference) => reference.startsWith(`${type}.`))
      .filter((reference) => attributeOfTarget === undefined || reference.endsWith(`.${attributeOfTarget}`))
      .map((reference) => reference.split('.').slice(0, 2).join('.').replace(/\[.*$/, '')),
  );
  return resources.filter((candidate) => {
    const other = locate(candidate.address);
    return (
      candidate.type === type &&
      other !== undefined &&
      other.prefix === where.prefix &&
      targets.has(other.config)
    );
  });
};

/** The API a route, stage, integration or authorizer belongs to: by its known `api_id`, else by what its configuration references. */
const apiOf = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  resource: PlannedResource,
): PlannedResource | undefined => {
  const apis = resources.filter((candidate) => candidate.type === 'aws_apigatewayv2_api');
  const id = resource.values.api_id;
  if (typeof id === 'string' && id !== '') return apis.find((api) => api.values.id === id);
  const [api] = referencedResources(plan, resources, resource, 'api_id', 'aws_apigatewayv2_api');
  return api;
};

/** Whether an attribute is set: a non-empty known value, or one only apply will know. */
const isSet = (plan: TerraformPlan, resource: PlannedResource, attribute: string): boolean => {
  const value = resource.values[attribute];
  return (typeof value === 'string' && value !== '') || unknownAfter(plan, resource.address, attribute);
};

/**
 * The WebSocket APIs' rules: every API has a `$connect` route behind an authorizer, and only that
 * route is authorized (a message on a connection is the connection's); every route is two-way
 * (`route_response_selection_expression` and a `$default` route response), so the function's answer
 * reaches the client; every integration is a Lambda proxy to a function's `live` alias; every stage
 * writes access logs (a format, to a log group the plan builds with a retention, through an account
 * CloudWatch role the plan sets), throttles its routes by default, and logs no message bodies
 * (`data_trace_enabled`). A route, stage or integration whose API cannot be told is a finding too.
 */
const checkWebSocketApis = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): { findings: PolicyFinding[]; routes: number } => {
  const findings: PolicyFinding[] = [];
  const apis = resources.filter(
    (resource) => resource.type === 'aws_apigatewayv2_api' && resource.values.protocol_type === 'WEBSOCKET',
  );
  const partsOf = (type: string) =>
    resources
      .filter((resource) => resource.type === type)
      .map((resource) => ({ resource, api: apiOf(plan, resources, resource) }));
  const routes = partsOf('aws_apigatewayv2_route');
  const routeResponses = partsOf('aws_apigatewayv2_route_response');
  const integrations = partsOf('aws_apigatewayv2_integration');
  const stages = partsOf('aws_apigatewayv2_stage');
  for (const part of [...routes, ...integrations, ...stages].filter(({ api }) => api === undefined)) {
    findings.push({
      rule: 'api-of-resource',
      address: part.resource.address,
      message:
        'its API is unknown until apply and not referenced in its configuration, so its rules cannot be checked',
    });
  }
  const accountRoleSet = resources.some(
    (resource) => resource.type === 'aws_api_gateway_account' && isSet(plan, resource, 'cloudwatch_role_arn'),
  );
  let checkedRoutes = 0;
  for (const api of apis) {
    const own = <T extends { api: PlannedResource | undefined }>(parts: readonly T[]) =>
      parts.filter((part) => part.api?.address === api.address);
    const apiRoutes = own(routes).map(({ resource }) => resource);
    checkedRoutes += apiRoutes.length;

    const connect = apiRoutes.find((route) => route.values.route_key === '$connect');
    const authorization = String(connect?.values.authorization_type ?? 'NONE');
    if (connect === undefined) {
      findings.push({
        rule: 'websocket-connect-authorizer',
        address: api.address,
        message: 'has no $connect route, so any client may connect without an authorizer',
      });
    } else if (authorization === 'NONE') {
      findings.push({
        rule: 'websocket-connect-authorizer',
        address: connect.address,
        message: '$connect is not authorized (authorization_type NONE): any client may connect',
      });
    } else if (authorization === 'CUSTOM' && !isSet(plan, connect, 'authorizer_id')) {
      findings.push({
        rule: 'websocket-connect-authorizer',
        address: connect.address,
        message: '$connect is CUSTOM-authorized but names no authorizer',
      });
    }
    for (const route of apiRoutes.filter((candidate) => candidate.values.route_key !== '$connect')) {
      const type = String(route.values.authorization_type ?? 'NONE');
      if (type !== 'NONE') {
        findings.push({
          rule: 'websocket-route-authorization',
          address: route.address,
          message: `${String(route.values.route_key)} is ${type}-authorized; only $connect is, the messages of a connection are the connection's`,
        });
      }
    }

    const responses = own(routeResponses).map(({ resource }) => resource);
    for (const route of apiRoutes) {
      const where = locate(route.address);
      const answered = responses.some((response) => {
        if (response.values.route_response_key !== '$default') return false;
        if (typeof response.values.route_id === 'string' && typeof route.values.id === 'string')
          return response.values.route_id === route.values.id;
        // Unknown ids: the route response of the same instance key that references this route.
        return (
          locate(response.address)?.key === where?.key &&
          referencedResources(plan, resources, response, 'route_id', 'aws_apigatewayv2_route').some(
            (candidate) => candidate.address === route.address,
          )
        );
      });
      if (route.values.route_response_selection_expression !== '$default' || !answered) {
        findings.push({
          rule: 'websocket-route-response',
          address: route.address,
          message: `${String(route.values.route_key)} is not two-way (route_response_selection_expression $default and a $default route response): what its function returns never reaches the client`,
        });
      }
    }

    for (const { resource: integration } of own(integrations)) {
      const uri = String(integration.values.integration_uri ?? '');
      if (
        integration.values.integration_type !== 'AWS_PROXY' ||
        !new RegExp(`:function:tessera-${environment}-[a-z0-9-]+:live/invocations$`).test(uri)
      ) {
        findings.push({
          rule: 'websocket-integration',
          address: integration.address,
          message: `is ${String(integration.values.integration_type)} to ${uri || 'an unknown URI'}, not a Lambda proxy to the live alias of a tessera-${environment} function`,
        });
      }
    }

    const apiStages = own(stages).map(({ resource }) => resource);
    if (apiStages.length === 0) {
      findings.push({ rule: 'websocket-stage', address: api.address, message: 'has no stage' });
    }
    for (const stage of apiStages) {
      const logs = firstBlock(stage.values.access_log_settings);
      const change = plan.resource_changes?.find((candidate) => candidate.address === stage.address);
      const destinationUnknown =
        firstBlock(change?.change.after_unknown?.access_log_settings)?.destination_arn === true;
      const destinationKnown = typeof logs?.destination_arn === 'string' && logs.destination_arn !== '';
      const logGroups = resources.filter(
        (group) =>
          group.type === 'aws_cloudwatch_log_group' &&
          ((destinationKnown &&
            String(logs?.destination_arn)
              .replace(/:\*$/, '')
              .endsWith(`:log-group:${String(group.values.name)}`)) ||
            (destinationUnknown &&
              referencesOfBlock(plan, stage, 'access_log_settings', 'destination_arn').some(
                (reference) => locate(group.address)?.config === reference.split('.').slice(0, 2).join('.'),
              ) &&
              locate(group.address)?.prefix === locate(stage.address)?.prefix)),
      );
      const where = { rule: 'websocket-stage-access-logs', address: stage.address };
      if (logs === undefined || typeof logs.format !== 'string' || logs.format === '') {
        findings.push({ ...where, message: 'writes no access logs (access_log_settings with a format)' });
      } else if (logGroups.length === 0) {
        findings.push({
          ...where,
          message:
            'writes its access logs to a log group the plan does not build, so its retention cannot be checked',
        });
      } else if (
        !logGroups.some(
          (group) => typeof group.values.retention_in_days === 'number' && group.values.retention_in_days > 0,
        )
      ) {
        findings.push({
          ...where,
          message: `its access log group ${String(logGroups[0]?.values.name)} keeps logs forever`,
        });
      } else if (!accountRoleSet) {
        findings.push({
          ...where,
          message:
            "writes access logs, but the plan sets no account CloudWatch role (aws_api_gateway_account.cloudwatch_role_arn), which WebSocket stages log through: the stage's creation fails",
        });
      }
      const defaults = firstBlock(stage.values.default_route_settings);
      const burst = Number(defaults?.throttling_burst_limit ?? 0);
      const rate = Number(defaults?.throttling_rate_limit ?? 0);
      if (!(burst > 0 && rate > 0)) {
        findings.push({
          rule: 'websocket-stage-throttling',
          address: stage.address,
          message: `throttles no route by default (burst ${burst}, rate ${rate}): one client can use the account's whole quota`,
        });
      }
      const traced = [defaults, ...asList(stage.values.route_settings).filter(isRecord)].some(
        (settings) => settings?.data_trace_enabled === true,
      );
      if (traced) {
        findings.push({
          rule: 'websocket-stage-data-trace',
          address: stage.address,
          message: 'logs full messages (data_trace_enabled), access tokens and personal data included',
        });
      }
    }
  }
  return { findings, routes: checkedRoutes };
};

/** What a nested block's attribute references (`access_log_settings.destination_arn`). */
const referencesOfBlock = (
  plan: TerraformPlan,
  resource: PlannedResource,
  block: string,
  attribute: string,
): string[] => {
  const where = locate(resource.address);
  if (!where) return [];
  let module = plan.configuration?.root_module;
  for (const name of where.modules) module = module?.module_calls?.[name]?.module;
  const config = module?.resources?.find((candidate) => candidate.address === where.config);
  return asList(config?.expressions?.[block])
    .filter(isRecord)
    .flatMap((entry) => {
      const expression = entry[attribute];
      return isRecord(expression) ? asList(expression.references).map(String) : [];
    });
};

/**
 * `execute-api:ManageConnections` is granted on `<api>/<stage>/POST/@connections/*` only: one API
 * (its id, or the `aws:PrincipalTag` its role carries), one stage, POST (a message to a connection)
 * and nothing else: no GET of a connection's state, no DELETE, no other API or stage.
 */
const MANAGE_CONNECTIONS = 'execute-api:manageconnections';
const CONNECTIONS_RESOURCE =
  /^arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:([a-z0-9]+|\$\{aws:PrincipalTag\/([^}*]+)\})\/([A-Za-z0-9_-]+)\/POST\/@connections\/\*$/;

const checkManageConnections = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
): PolicyFinding[] =>
  resources.flatMap((resource) =>
    (POLICY_ATTRIBUTES[resource.type] ?? []).flatMap((attribute) => {
      const document = parseJson(resource.values[attribute]);
      const statements = isRecord(document) ? asList(document.Statement).filter(isRecord) : [];
      return statements
        .filter(
          (statement) =>
            statement.Effect === 'Allow' &&
            asList(statement.Action).some((action) => String(action).toLowerCase() === MANAGE_CONNECTIONS),
        )
        .flatMap((statement) => {
          const where = {
            rule: 'manage-connections-scope',
            address: `${resource.address} (${attribute}${statement.Sid ? `, ${String(statement.Sid)}` : ''})`,
          };
          if (statement.NotResource !== undefined)
            return [{ ...where, message: 'grants ManageConnections with NotResource' }];
          return asList(statement.Resource).flatMap((value): PolicyFinding[] => {
            const match = CONNECTIONS_RESOURCE.exec(String(value));
            if (!match) {
              return [
                {
                  ...where,
                  message: `grants ManageConnections on ${String(value)}, not on one API's stage's POST /@connections/* only`,
                },
              ];
            }
            const tag = match[2];
            if (tag === undefined) return [];
            const roles =
              resource.type === 'aws_iam_role_policy'
                ? referencedResources(plan, resources, resource, 'role', 'aws_iam_role')
                : [];
            const carries = roles.some(
              (role) =>
                (isRecord(role.values.tags) &&
                  typeof role.values.tags[tag] === 'string' &&
                  role.values.tags[tag] !== '') ||
                unknownAfter(plan, role.address, 'tags'),
            );
            return carries
              ? []
              : [
                  {
                    ...where,
                    message: `names the API through aws:PrincipalTag/${tag}, which its role does not carry`,
                  },
                ];
          });
        });
    }),
  );

/**
 * Every permission for API Gateway to invoke a function has a source ARN scoped to one API: an
 * `execute-api` ARN with the API's id, or, while the id is unknown, one built from an API's
 * `execution_arn`. Without it, any API of any account could invoke the function.
 */
const checkApiPermissions = (plan: TerraformPlan, resources: readonly PlannedResource[]): PolicyFinding[] =>
  resources
    .filter(
      (resource) =>
        resource.type === 'aws_lambda_permission' && resource.values.principal === 'apigateway.amazonaws.com',
    )
    .flatMap((permission): PolicyFinding[] => {
      const where = { rule: 'api-permission-source-arn', address: permission.address };
      const arn = permission.values.source_arn;
      if (typeof arn === 'string' && arn !== '') {
        return /^arn:[a-z-]+:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/.+$/.test(arn)
          ? []
          : [{ ...where, message: `its source_arn ${arn} is not scoped to one API` }];
      }
      if (!unknownAfter(plan, permission.address, 'source_arn')) {
        return [
          {
            ...where,
            message: 'has no source_arn: any API Gateway API, in any account, may invoke the function',
          },
        ];
      }
      return referencedResources(
        plan,
        resources,
        permission,
        'source_arn',
        'aws_apigatewayv2_api',
        'execution_arn',
      ).length > 0
        ? []
        : [
            {
              ...where,
              message:
                "its source_arn is unknown until apply and not built from an API's execution_arn, so its scope cannot be checked",
            },
          ];
    });

/** Every statement of every policy a resource holds, with the attribute that holds it. */
const statementsOf = (
  resource: PlannedResource,
): { readonly attribute: string; readonly statement: Record<string, unknown> }[] =>
  (POLICY_ATTRIBUTES[resource.type] ?? []).flatMap((attribute) => {
    const document = parseJson(resource.values[attribute]);
    return (isRecord(document) ? asList(document.Statement).filter(isRecord) : []).map((statement) => ({
      attribute,
      statement,
    }));
  });

/** A statement's actions, lower-cased (IAM compares them case-insensitively). */
const actionsOf = (statement: Record<string, unknown>): string[] =>
  asList(statement.Action).map((action) => String(action).toLowerCase());

/** The values of one condition key of a statement, under the operators given (any, by default). */
const conditionValues = (
  statement: Record<string, unknown>,
  key: string,
  operators?: readonly string[],
): unknown[] =>
  isRecord(statement.Condition)
    ? Object.entries(statement.Condition)
        .filter(([operator]) => operators === undefined || operators.includes(operator))
        .flatMap(([, operator]) =>
          isRecord(operator)
            ? Object.entries(operator)
                .filter(([name]) => name.toLowerCase() === key.toLowerCase())
                .flatMap(([, value]) => asList(value))
            : [],
        )
    : [];

const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';
const SCHEDULE_GROUP_ARN = /^arn:[a-z-]+:scheduler:[a-z0-9-]+:\d{12}:schedule-group\/([0-9A-Za-z_.-]+)$/;
const SCHEDULES_OF_GROUP =
  /^arn:[a-z-]+:scheduler:[a-z0-9-]+:\d{12}:schedule\/([0-9A-Za-z_.-]+)\/(\*|[0-9A-Za-z_.-]+)$/;
const LIVE_ALIAS_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+:live$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** The roles the scheduler may assume: execution roles. */
const schedulerRoles = (resources: readonly PlannedResource[]): PlannedResource[] =>
  resources.filter(
    (resource) =>
      resource.type === 'aws_iam_role' &&
      statementsOf(resource).some(
        ({ statement }) => statement.Effect === 'Allow' && admitsService(statement, SCHEDULER_SERVICE),
      ),
  );

/**
 * The inline policies of a role: `aws_iam_role_policy` resources whose `role` is its name (known),
 * or whose configuration references it (the role's id is unknown until it exists).
 */
const policiesOfRole = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  role: PlannedResource,
): PlannedResource[] =>
  resources
    .filter((resource) => resource.type === 'aws_iam_role_policy')
    .filter((policy) => {
      const named = policy.values.role;
      if (typeof named === 'string' && named !== '') return named === role.values.name;
      return referencedResources(plan, resources, policy, 'role', 'aws_iam_role').some(
        (candidate) => candidate.address === role.address,
      );
    });

/** The schedule groups a role's trust names in `aws:SourceArn` (by name; undefined for anything else). */
const trustedGroupsOf = (role: PlannedResource): (string | undefined)[] =>
  statementsOf(role)
    .filter(({ statement }) => statement.Effect === 'Allow' && admitsService(statement, SCHEDULER_SERVICE))
    .flatMap(({ statement }) => conditionValues(statement, 'aws:SourceArn'))
    .map((arn) => SCHEDULE_GROUP_ARN.exec(String(arn))?.[1]);

/** The queues a scheduler execution role may send to: where its schedules' dead letters go. */
const schedulerDeadLetterQueueNames = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
): string[] =>
  schedulerRoles(resources).flatMap((role) =>
    policiesOfRole(plan, resources, role).flatMap((policy) =>
      statementsOf(policy)
        .filter(
          ({ statement }) => statement.Effect === 'Allow' && actionsOf(statement).includes('sqs:sendmessage'),
        )
        .flatMap(({ statement }) => asList(statement.Resource).map(queueNameOfArn))
        .filter((name): name is string => name !== undefined),
    ),
  );

/** Every schedule a plan declares sends what it cannot deliver to a queue of the plan, after retries. */
const checkSchedules = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const planned = plannedQueueNames(resources);
  return resources
    .filter((resource) => resource.type === 'aws_scheduler_schedule')
    .flatMap((schedule): PolicyFinding[] => {
      const where = { rule: 'schedule-dead-letter', address: schedule.address };
      const target = firstBlock(schedule.values.target);
      if (target === undefined) return [{ ...where, message: 'has no target' }];
      const findings: PolicyFinding[] = [];
      const config = firstBlock(target.dead_letter_config);
      const name = queueNameOfArn(config?.arn);
      if (config === undefined) {
        findings.push({
          ...where,
          message: 'its target has no dead_letter_config: an invocation that fails every retry is dropped',
        });
      } else if (name === undefined) {
        findings.push({
          ...where,
          message:
            config.arn === undefined || config.arn === null
              ? 'the ARN of its dead-letter queue is unknown until apply, so it cannot be checked; build it from known values'
              : `its dead-letter queue ${String(config.arn)} is no SQS queue ARN`,
        });
      } else if (!planned.has(name)) {
        findings.push({
          ...where,
          message: `its dead-letter queue ${name} is not built by the plan, so its encryption and alarm cannot be checked`,
        });
      }
      const retry = firstBlock(target.retry_policy);
      const attempts = Number(retry?.maximum_retry_attempts);
      const age = Number(retry?.maximum_event_age_in_seconds);
      if (retry === undefined || !Number.isInteger(attempts) || !Number.isInteger(age) || age < 60) {
        findings.push({
          ...where,
          message:
            'its target has no retry policy with a maximum_retry_attempts and a maximum_event_age_in_seconds (60 or more): set both, rather than leaving the retries to a default',
        });
      }
      return findings;
    });
};

/** Every schedule group has an execution role, for that group, that may send its dead letters to a queue of the plan. */
const checkScheduleGroups = (plan: TerraformPlan, resources: readonly PlannedResource[]): PolicyFinding[] => {
  const planned = plannedQueueNames(resources);
  const roles = schedulerRoles(resources);
  return resources
    .filter((resource) => resource.type === 'aws_scheduler_schedule_group')
    .flatMap((group): PolicyFinding[] => {
      const name = String(group.values.name ?? '');
      const where = { rule: 'schedule-group-dead-letter', address: group.address };
      const own = roles.filter((role) => trustedGroupsOf(role).includes(name));
      if (own.length === 0) {
        return [
          {
            ...where,
            message: `no execution role the plan builds is trusted for ${name} (scheduler.amazonaws.com with aws:SourceArn on the group), so its schedules have no dead-letter queue the plan can show`,
          },
        ];
      }
      const queues = own.flatMap((role) =>
        policiesOfRole(plan, resources, role).flatMap((policy) =>
          statementsOf(policy)
            .filter(
              ({ statement }) =>
                statement.Effect === 'Allow' && actionsOf(statement).includes('sqs:sendmessage'),
            )
            .flatMap(({ statement }) => asList(statement.Resource).map(queueNameOfArn)),
        ),
      );
      return queues.some((queue) => queue !== undefined && planned.has(queue))
        ? []
        : [
            {
              ...where,
              message: `the execution role of ${name} may send to no queue the plan builds: its schedules' dead letters have nowhere to go`,
            },
          ];
    });
};

/**
 * Every scheduler execution role is pinned to this account's scheduler and to groups of the plan,
 * and may invoke `live` aliases and send to the plan's dead-letter queues, nothing else.
 */
const checkSchedulerRoles = (plan: TerraformPlan, resources: readonly PlannedResource[]): PolicyFinding[] => {
  const groups = new Set(
    resources
      .filter((resource) => resource.type === 'aws_scheduler_schedule_group')
      .map((group) => String(group.values.name)),
  );
  const planned = plannedQueueNames(resources);
  const deadLetters = deadLetterQueueNames(resources, plan);
  return schedulerRoles(resources).flatMap((role): PolicyFinding[] => {
    const findings: PolicyFinding[] = [];
    const trust = { rule: 'scheduler-role-trust', address: role.address };
    for (const { statement } of statementsOf(role).filter(
      ({ statement }) => statement.Effect === 'Allow' && admitsService(statement, SCHEDULER_SERVICE),
    )) {
      const accounts = conditionValues(statement, 'aws:SourceAccount');
      if (accounts.length === 0 || !accounts.every((account) => /^\d{12}$/.test(String(account)))) {
        findings.push({
          ...trust,
          message: 'admits scheduler.amazonaws.com without an aws:SourceAccount condition naming the account',
        });
      }
      const arns = conditionValues(statement, 'aws:SourceArn');
      const named = arns.map((arn) => SCHEDULE_GROUP_ARN.exec(String(arn))?.[1]);
      if (arns.length === 0 || named.some((group) => group === undefined)) {
        findings.push({
          ...trust,
          message: `admits scheduler.amazonaws.com without an aws:SourceArn condition on named schedule groups (${arns.map(String).join(', ') || 'none'})`,
        });
      } else {
        for (const group of named.filter((group) => group !== undefined && !groups.has(group))) {
          findings.push({
            ...trust,
            message: `trusts schedules of ${group}, a group the plan does not build`,
          });
        }
      }
    }
    const scope = { rule: 'scheduler-role-scope', address: role.address };
    for (const attachment of resources.filter(
      (resource) =>
        resource.type === 'aws_iam_role_policy_attachment' &&
        (resource.values.role === role.values.name ||
          referencedResources(plan, resources, resource, 'role', 'aws_iam_role').some(
            (candidate) => candidate.address === role.address,
          )),
    )) {
      findings.push({
        ...scope,
        message: `has the managed policy ${String(attachment.values.policy_arn)} attached (${attachment.address}), which the plan cannot show`,
      });
    }
    for (const policy of policiesOfRole(plan, resources, role)) {
      for (const { statement } of statementsOf(policy).filter(
        ({ statement }) => statement.Effect === 'Allow',
      )) {
        const where = `${policy.address}${statement.Sid ? ` (${String(statement.Sid)})` : ''}`;
        if (statement.NotResource !== undefined) {
          findings.push({ ...scope, address: where, message: 'grants with NotResource' });
          continue;
        }
        const resourcesOf = asList(statement.Resource).map(String);
        for (const action of actionsOf(statement)) {
          if (action === 'lambda:invokefunction') {
            for (const arn of resourcesOf.filter((arn) => !LIVE_ALIAS_ARN.test(arn))) {
              findings.push({
                ...scope,
                address: where,
                message: `may invoke ${arn}: an execution role invokes a function's live alias only`,
              });
            }
          } else if (action === 'sqs:sendmessage') {
            for (const arn of resourcesOf) {
              const name = queueNameOfArn(arn);
              if (name === undefined || !planned.has(name) || !deadLetters.has(name)) {
                findings.push({
                  ...scope,
                  address: where,
                  message: `may send to ${arn}: an execution role sends to its schedules' dead-letter queue, built by the plan, only`,
                });
              }
            }
          } else {
            findings.push({
              ...scope,
              address: where,
              message: `allows ${action}: an execution role may invoke a live alias and send to its dead-letter queue, nothing else`,
            });
          }
        }
      }
    }
    return findings;
  });
};

/**
 * Every function a scheduler execution role may invoke sends what it keeps failing to a queue of the
 * plan: Scheduler invokes Lambda asynchronously, so the schedules' dead-letter queue only holds what
 * never reached Lambda, and a scheduled event the function keeps failing is dropped after Lambda's
 * retries unless its asynchronous invocation configuration has an `on_failure` destination.
 */
const checkScheduleTargets = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
): PolicyFinding[] => {
  const planned = plannedQueueNames(resources);
  const configs = new Map(
    resources
      .filter((resource) => resource.type === 'aws_lambda_function_event_invoke_config')
      .flatMap((config) => {
        const reference = lambdaReference(config.values.function_name, config.values.qualifier);
        return reference === undefined ? [] : [[reference, config] as const];
      }),
  );
  return schedulerRoles(resources).flatMap((role) =>
    policiesOfRole(plan, resources, role).flatMap((policy) =>
      statementsOf(policy)
        .filter(
          ({ statement }) =>
            statement.Effect === 'Allow' && actionsOf(statement).includes('lambda:invokefunction'),
        )
        .flatMap(({ statement }) => asList(statement.Resource).map(String))
        .filter((arn) => LIVE_ALIAS_ARN.test(arn))
        .flatMap((arn): PolicyFinding[] => {
          const reference = lambdaTargetOf(arn) as string;
          const where = { rule: 'schedule-target-on-failure', address: policy.address };
          const config = configs.get(reference);
          const destination = config === undefined ? undefined : onFailureDestination(config);
          const name = typeof destination === 'string' ? queueNameOfArn(destination) : undefined;
          if (name !== undefined && planned.has(name)) return [];
          return [
            {
              ...where,
              message:
                config === undefined
                  ? `the scheduler invokes ${reference} asynchronously, which has no aws_lambda_function_event_invoke_config: a scheduled event the function keeps failing is dropped after Lambda's retries`
                  : `the on_failure destination of ${reference} (${config.address}) is no queue the plan builds: a scheduled event the function keeps failing is not kept where an alarm sees it`,
            },
          ];
        }),
    ),
  );
};

/** Every `iam:PassRole` names one role and the one service it may be passed to. */
const checkPassRole = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const roles = new Map(
    resources
      .filter((resource) => resource.type === 'aws_iam_role')
      .map((role) => [String(role.values.name), role] as const),
  );
  return resources.flatMap((resource) =>
    statementsOf(resource)
      .filter(
        ({ statement }) => statement.Effect === 'Allow' && actionsOf(statement).includes('iam:passrole'),
      )
      .flatMap(({ attribute, statement }): PolicyFinding[] => {
        const where = {
          rule: 'pass-role-scope',
          address: `${resource.address} (${attribute}${statement.Sid ? `, ${String(statement.Sid)}` : ''})`,
        };
        if (statement.NotResource !== undefined)
          return [{ ...where, message: 'grants PassRole with NotResource' }];
        const findings: PolicyFinding[] = [];
        const arns = asList(statement.Resource).map(String);
        const role = arns.length === 1 ? ROLE_ARN.exec(arns[0] as string) : null;
        if (role === null || arns[0]?.includes('*') || arns[0]?.includes('?')) {
          findings.push({
            ...where,
            message: `grants PassRole on ${arns.join(', ') || 'nothing'}: name exactly one role, without a wildcard`,
          });
        }
        const services = conditionValues(statement, 'iam:PassedToService', ['StringEquals']);
        if (services.length !== 1 || String(services[0]).includes('*')) {
          findings.push({
            ...where,
            message:
              'grants PassRole without an iam:PassedToService condition (StringEquals, one service): the role could be handed to any service',
          });
        } else if (role !== null) {
          const passed = roles.get(role[1] as string);
          if (
            passed !== undefined &&
            !statementsOf(passed).some(
              ({ statement: trust }) => trust.Effect === 'Allow' && admitsService(trust, String(services[0])),
            )
          ) {
            findings.push({
              ...where,
              message: `passes ${String(role[1])} to ${String(services[0])}, which that role does not trust`,
            });
          }
        }
        return findings;
      }),
  );
};

/** Every `scheduler:` action is on the schedules of one schedule group the plan builds. */
const checkSchedulerActions = (resources: readonly PlannedResource[]): PolicyFinding[] => {
  const groups = new Set(
    resources
      .filter((resource) => resource.type === 'aws_scheduler_schedule_group')
      .map((group) => String(group.values.name)),
  );
  return resources.flatMap((resource) =>
    statementsOf(resource)
      .filter(
        ({ statement }) =>
          statement.Effect === 'Allow' &&
          actionsOf(statement).some((action) => action.startsWith('scheduler:')),
      )
      .flatMap(({ attribute, statement }): PolicyFinding[] => {
        const where = {
          rule: 'scheduler-action-scope',
          address: `${resource.address} (${attribute}${statement.Sid ? `, ${String(statement.Sid)}` : ''})`,
        };
        if (statement.NotResource !== undefined)
          return [{ ...where, message: 'grants scheduler actions with NotResource' }];
        const arns = asList(statement.Resource).map(String);
        const named = arns.map((arn) => SCHEDULES_OF_GROUP.exec(arn)?.[1]);
        const findings: PolicyFinding[] = arns
          .filter((_, index) => named[index] === undefined)
          .map((arn) => ({
            ...where,
            message: `grants scheduler actions on ${arn}, not on the schedules of one schedule group`,
          }));
        const distinct = [...new Set(named.filter((group): group is string => group !== undefined))];
        if (distinct.length > 1) {
          findings.push({
            ...where,
            message: `grants scheduler actions on the schedules of ${distinct.join(', ')}: one group per statement`,
          });
        }
        for (const group of distinct.filter((group) => !groups.has(group))) {
          findings.push({
            ...where,
            message: `grants scheduler actions on the schedules of ${group}, a group the plan does not build`,
          });
        }
        if (arns.length === 0)
          findings.push({ ...where, message: 'grants scheduler actions on no resource' });
        return findings;
      }),
  );
};

/** A metric an alarm reads: its own (`namespace`, `metric_name`, ...), or one of its `metric_query`'s. */
interface AlarmMetric {
  readonly namespace: unknown;
  readonly metricName: unknown;
  readonly dimensions: Record<string, unknown> | undefined;
  readonly stat: unknown;
}

/** Every metric an alarm reads, and whether it computes over them (metric math). */
const alarmMetrics = (alarm: PlannedResource): { metrics: AlarmMetric[]; math: string[] } => {
  const queries = asList(alarm.values.metric_query).filter(isRecord);
  const own: AlarmMetric[] =
    typeof alarm.values.metric_name === 'string' && alarm.values.metric_name !== ''
      ? [
          {
            namespace: alarm.values.namespace,
            metricName: alarm.values.metric_name,
            dimensions: isRecord(alarm.values.dimensions) ? alarm.values.dimensions : undefined,
            stat: alarm.values.extended_statistic ?? alarm.values.statistic,
          },
        ]
      : [];
  const queried = queries.flatMap((query) =>
    asList(query.metric)
      .filter(isRecord)
      .map((metric) => ({
        namespace: metric.namespace,
        metricName: metric.metric_name,
        dimensions: isRecord(metric.dimensions) ? metric.dimensions : undefined,
        stat: metric.stat,
      })),
  );
  const math = queries
    .map((query) => query.expression)
    .filter((expression): expression is string => typeof expression === 'string' && expression !== '');
  return { metrics: [...own, ...queried], math };
};

/** A planned resource's configuration (its `type.name` in its module's), if the plan has it. */
const configOf = (plan: TerraformPlan, resource: PlannedResource): ConfigResource | undefined => {
  const where = locate(resource.address);
  if (!where) return undefined;
  let module = plan.configuration?.root_module;
  for (const name of where.modules) module = module?.module_calls?.[name]?.module;
  return module?.resources?.find((candidate) => candidate.address === where.config);
};

/** Every reference anywhere in a planned resource's configuration, nested blocks included. */
const allReferencesOf = (plan: TerraformPlan, resource: PlannedResource): string[] => {
  const walk = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(walk);
    if (!isRecord(value)) return [];
    return Object.entries(value).flatMap(([key, inner]) =>
      key === 'references' && Array.isArray(inner) ? inner.map(String) : walk(inner),
    );
  };
  return walk(configOf(plan, resource)?.expressions);
};

/**
 * Whether an alarm's metric queries come from `dynamic "metric_query"` blocks: it has some, and its
 * configuration shows none (a plan's configuration leaves dynamic blocks out, and with them what
 * their metrics reference).
 */
const hasDynamicQueries = (plan: TerraformPlan, alarm: PlannedResource): boolean => {
  const config = configOf(plan, alarm);
  return (
    config !== undefined &&
    config.expressions?.metric_query === undefined &&
    asList(alarm.values.metric_query).length > 0
  );
};

/**
 * Whether an alarm watches an API: a metric of it names the API's id (`ApiId`), or, while the id is
 * unknown (every plan of a new environment), it is in the same module instance and its
 * configuration references that API, or its metric queries are dynamic blocks (whose references the
 * plan does not show) and none of its metrics names an id yet: the metrics' names then tell an HTTP
 * API's alarms from a WebSocket API's.
 */
const watchesApi = (plan: TerraformPlan, alarm: PlannedResource, api: PlannedResource): boolean => {
  const { metrics } = alarmMetrics(alarm);
  const id = api.values.id;
  if (typeof id === 'string' && id !== '') {
    if (metrics.some((metric) => metric.dimensions?.ApiId === id)) return true;
  }
  const alarmAt = locate(alarm.address);
  const apiAt = locate(api.address);
  if (!alarmAt || !apiAt || alarmAt.prefix !== apiAt.prefix) return false;
  const references = allReferencesOf(plan, alarm).some(
    (reference) => reference === apiAt.config || reference.startsWith(`${apiAt.config}.`),
  );
  return (
    references ||
    (hasDynamicQueries(plan, alarm) && metrics.every((metric) => metric.dimensions?.ApiId === undefined))
  );
};

/** A percentile statistic (`p99`), as alarms and metric queries name it. */
const P99 = 'p99';

/**
 * What an API's alarms watch, by protocol: a rate of its server errors, and its p99 latency. A
 * WebSocket API has no `5xx` or `Latency` metric: its failed messages are `IntegrationError`, its
 * latency `IntegrationLatency`.
 */
const API_ALARM_METRICS: Readonly<Record<string, { readonly errors: string; readonly latency: string }>> = {
  HTTP: { errors: '5xx', latency: 'Latency' },
  WEBSOCKET: { errors: 'IntegrationError', latency: 'IntegrationLatency' },
};

/** Whether an alarm notifies someone: non-empty `alarm_actions`. */
const notifies = (alarm: PlannedResource): boolean => asList(alarm.values.alarm_actions).length > 0;

/**
 * In staging and prod, every API (HTTP and WebSocket) has an error-rate alarm (metric math over its
 * errors metric) and a p99 latency alarm, each notifying someone.
 */
const checkApiAlarms = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] => {
  if (!ALARMED_ENVIRONMENTS.includes(environment)) return [];
  const alarms = resources.filter((resource) => resource.type === 'aws_cloudwatch_metric_alarm');
  return resources
    .filter((resource) => resource.type === 'aws_apigatewayv2_api')
    .flatMap((api): PolicyFinding[] => {
      const protocol = String(api.values.protocol_type);
      const wanted = API_ALARM_METRICS[protocol];
      if (wanted === undefined) return [];
      const own = alarms.filter((alarm) => watchesApi(plan, alarm, api));
      const reads = (alarm: PlannedResource, name: string, stat?: string) =>
        alarmMetrics(alarm).metrics.some(
          (metric) =>
            metric.namespace === 'AWS/ApiGateway' &&
            metric.metricName === name &&
            (stat === undefined || metric.stat === stat),
        );
      const errorRate = own.filter(
        (alarm) => reads(alarm, wanted.errors) && alarmMetrics(alarm).math.some((math) => math.includes('/')),
      );
      const latency = own.filter((alarm) => reads(alarm, wanted.latency, P99));
      const findings: PolicyFinding[] = [];
      const check = (rule: string, found: readonly PlannedResource[], what: string) => {
        if (found.length === 0) {
          findings.push({ rule, address: api.address, message: `the ${protocol} API has no ${what} alarm` });
        } else if (!found.some(notifies)) {
          findings.push({
            rule,
            address: api.address,
            message: `the ${what} alarm of the ${protocol} API (${found[0]?.address}) notifies no one (empty or unknown alarm_actions)`,
          });
        }
      };
      check(
        'api-error-rate-alarm',
        errorRate,
        `error-rate (metric math over AWS/ApiGateway ${wanted.errors})`,
      );
      check('api-latency-alarm', latency, `p99 latency (AWS/ApiGateway ${wanted.latency} p99)`);
      return findings;
    });
};

/** The metrics of the catalog a service's alarms read. */
const REQUESTS_METRIC = 'Requests' satisfies MetricName;
const LATENCY_METRIC = 'Latency' satisfies MetricName;
const SERVER_ERRORS = statusClassOf(500);

/**
 * In staging and prod, every service that owns contract operations (each an API of its own
 * operations) has a 5xx-rate alarm (metric math over its `Requests` of status class 5xx) and a p99
 * latency alarm on its `Latency`, both of the `Tessera` namespace with its `service` and this
 * `environment`, each notifying someone.
 */
const checkServiceAlarms = (
  resources: readonly PlannedResource[],
  options: PolicyOptions,
): PolicyFinding[] => {
  if (!ALARMED_ENVIRONMENTS.includes(options.environment)) return [];
  const alarms = resources.filter((resource) => resource.type === 'aws_cloudwatch_metric_alarm');
  const services = [...new Set(options.operations.map((operation) => operation.service))].sort();
  const ofService = (metric: AlarmMetric, service: string, name: string) =>
    metric.namespace === NAMESPACE &&
    metric.metricName === name &&
    metric.dimensions?.service === service &&
    metric.dimensions?.environment === options.environment;
  return services.flatMap((service): PolicyFinding[] => {
    const errorRate = alarms.filter((alarm) => {
      const { metrics, math } = alarmMetrics(alarm);
      return (
        math.some((expression) => expression.includes('/')) &&
        metrics.some(
          (metric) =>
            ofService(metric, service, REQUESTS_METRIC) && metric.dimensions?.statusClass === SERVER_ERRORS,
        )
      );
    });
    const latency = alarms.filter((alarm) =>
      alarmMetrics(alarm).metrics.some(
        (metric) => ofService(metric, service, LATENCY_METRIC) && metric.stat === P99,
      ),
    );
    const findings: PolicyFinding[] = [];
    const where = `service ${service}`;
    const check = (rule: string, found: readonly PlannedResource[], what: string) => {
      if (found.length === 0) {
        findings.push({
          rule,
          address: where,
          message: `it owns contract operations and has no ${what} alarm`,
        });
      } else if (!found.some(notifies)) {
        findings.push({
          rule,
          address: where,
          message: `its ${what} alarm (${found[0]?.address}) notifies no one (empty or unknown alarm_actions)`,
        });
      }
    };
    check(
      'service-error-rate-alarm',
      errorRate,
      `5xx-rate (metric math over ${NAMESPACE} ${REQUESTS_METRIC} with statusClass ${SERVER_ERRORS}, service ${service}, environment ${options.environment})`,
    );
    check(
      'service-latency-alarm',
      latency,
      `p99 latency (${NAMESPACE} ${LATENCY_METRIC} p99, service ${service}, environment ${options.environment})`,
    );
    return findings;
  });
};

/** The name of the SNS topic an ARN points at, or undefined for any other value. */
const topicNameOfArn = (arn: unknown): string | undefined =>
  typeof arn === 'string' && arn.startsWith('arn:') && arn.split(':')[2] === 'sns'
    ? arn.split(':').at(-1)
    : undefined;

/**
 * In staging and prod, every alarm that notifies goes to SNS topics the plan builds, and tells them
 * when it returns to OK (`ok_actions` the same as `alarm_actions`). Alarms that notify no one are
 * left to the rules that ask for them.
 */
const checkAlarmActions = (resources: readonly PlannedResource[], environment: string): PolicyFinding[] => {
  if (!ALARMED_ENVIRONMENTS.includes(environment)) return [];
  const topics = new Set(
    resources
      .filter((resource) => resource.type === 'aws_sns_topic')
      .map((topic) => String(topic.values.name)),
  );
  return resources
    .filter((resource) => resource.type === 'aws_cloudwatch_metric_alarm' && notifies(resource))
    .flatMap((alarm): PolicyFinding[] => {
      const where = { rule: 'alarm-actions', address: alarm.address };
      const actions = asList(alarm.values.alarm_actions).map(String).sort();
      const ok = asList(alarm.values.ok_actions).map(String).sort();
      const findings: PolicyFinding[] = [];
      for (const action of actions) {
        const topic = topicNameOfArn(action);
        if (topic === undefined || !topics.has(topic)) {
          findings.push({
            ...where,
            message: `notifies ${action}, which is no SNS topic the plan builds`,
          });
        }
      }
      if (ok.join() !== actions.join()) {
        findings.push({
          ...where,
          message: `tells ${ok.join(', ') || 'no one'} when it returns to OK, not the ${actions.join(', ')} it alarms`,
        });
      }
      return findings;
    });
};

/**
 * Every environment has its dashboard, `tessera-<environment>`; when the plan knows its body (it names
 * the APIs by id, unknown in a new environment's first plan), every function's errors and every
 * dead-letter queue's depth are on it.
 */
const checkDashboard = (
  plan: TerraformPlan,
  resources: readonly PlannedResource[],
  environment: string,
): PolicyFinding[] => {
  const name = `tessera-${environment}`;
  const dashboards = resources.filter((resource) => resource.type === 'aws_cloudwatch_dashboard');
  const dashboard = dashboards.find((candidate) => candidate.values.dashboard_name === name);
  if (dashboard === undefined) {
    return [
      {
        rule: 'dashboard',
        address: '(plan)',
        message: `the plan builds no dashboard ${name} (${dashboards.map((other) => String(other.values.dashboard_name)).join(', ') || 'none'})`,
      },
    ];
  }
  const body = parseJson(dashboard.values.dashboard_body);
  if (!isRecord(body)) return [];
  const lines = asList(body.widgets)
    .filter(isRecord)
    .flatMap((widget) => (isRecord(widget.properties) ? asList(widget.properties.metrics) : []))
    .filter(Array.isArray)
    .map((line) => line.filter((part): part is string => typeof part === 'string'));
  const charted = (namespace: string, metric: string, dimension: string, value: string) =>
    lines.some(
      (line) =>
        line[0] === namespace &&
        line[1] === metric &&
        line.slice(2).some((part, index, rest) => part === dimension && rest[index + 1] === value),
    );
  const where = { rule: 'dashboard', address: dashboard.address };
  const findings: PolicyFinding[] = [];
  for (const fn of resources.filter((resource) => resource.type === 'aws_lambda_function')) {
    const functionName = String(fn.values.function_name);
    if (!charted('AWS/Lambda', 'Errors', 'FunctionName', functionName)) {
      findings.push({ ...where, message: `does not chart the errors of ${functionName}` });
    }
  }
  const planned = plannedQueueNames(resources);
  for (const queue of [...deadLetterQueueNames(resources, plan)].filter((name) => planned.has(name)).sort()) {
    if (!charted('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue)) {
      findings.push({
        ...where,
        message: `does not chart the messages waiting in dead-letter queue ${queue}`,
      });
    }
  }
  return findings;
};

/** Checks a plan against every rule and counts what it builds. */
const checkPlan = (plan: TerraformPlan, options: PolicyOptions): PolicyReport => {
  const resources = plannedResources(plan);
  const policies = checkPolicies(plan, resources);
  const routes = checkRoutes(plan, resources, options);
  const webSockets = checkWebSocketApis(plan, resources, options.environment);
  const resourcesByType: Record<string, number> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.change.actions.some((action) => action === 'create' || action === 'update')) {
      resourcesByType[change.type] = (resourcesByType[change.type] ?? 0) + 1;
    }
  }
  return {
    findings: [
      ...checkTables(resources, options.environment),
      ...checkFunctions(resources),
      ...checkFunctionTelemetry(plan, resources, options.environment),
      ...checkFunctionAlarms(plan, resources, options.environment),
      ...checkApiAlarms(plan, resources, options.environment),
      ...checkServiceAlarms(resources, options),
      ...checkAlarmActions(resources, options.environment),
      ...checkDashboard(plan, resources, options.environment),
      ...checkProdLogRetention(resources, options.environment),
      ...policies.findings,
      ...routes.findings,
      ...checkQueues(plan, resources, options.environment),
      ...checkRedrives(plan, resources),
      ...checkQueueAlarms(plan, resources, options.environment),
      ...checkEventTargets(resources),
      ...checkFunctionTargets(plan, resources),
      ...checkEventSourceMappings(resources),
      ...checkVisibilityTimeouts(resources),
      ...checkQueuePolicies(resources),
      ...webSockets.findings,
      ...checkManageConnections(plan, resources),
      ...checkApiPermissions(plan, resources),
      ...checkSchedules(resources),
      ...checkScheduleGroups(plan, resources),
      ...checkSchedulerRoles(plan, resources),
      ...checkScheduleTargets(plan, resources),
      ...checkPassRole(resources),
      ...checkSchedulerActions(resources),
    ],
    resourcesByType,
    counts: {
      tables: resources.filter((resource) => resource.type === 'aws_dynamodb_table').length,
      functions: resources.filter((resource) => resource.type === 'aws_lambda_function').length,
      policies: policies.policies,
      statements: policies.statements,
      routes: routes.routes,
      webSocketRoutes: webSockets.routes,
      alarms: resources.filter((resource) => resource.type === 'aws_cloudwatch_metric_alarm').length,
      logGroups: resources.filter((resource) => resource.type === 'aws_cloudwatch_log_group').length,
      queues: resources.filter((resource) => resource.type === 'aws_sqs_queue').length,
    },
  };
};

export type { ContractOperation, PolicyFinding, PolicyOptions, PolicyReport, TerraformPlan };
export { checkPlan, contractOperations };
