/**
 * A Terraform state (format 4) made from plans, for checking offline what a new configuration would
 * do to what an old one built (scripts/terraform-moved-check.ts): the old plan's planned values become
 * the state's resources, and every attribute the plan leaves unknown until apply (ids, ARNs, stream
 * ARNs, endpoints) gets a made-up value of its schema type, shaped like the real one where other
 * resources read it (an SQS queue's id is its URL, a table's stream ARN a stream ARN). Planning the
 * old configuration against that state and taking its answers in, round after round, makes the fakes
 * agree with each other; planning the new configuration against the result then shows exactly what it
 * would move, change, create or destroy.
 *
 * @example
 * let state = applyPlan(emptyState('1.11.4'), basePlan, schemas);
 * // plan the base configuration with `-refresh=false` against renderState(state), then:
 * state = applyPlan(state, convergePlan, schemas);
 * const summary = summarizeChanges(currentPlan);
 */
import { type PlanJson, plannedResources, type ResourceChange } from './terraform-plan.ts';

/** A type in Terraform's JSON: `"string"`, `["list", "string"]`, `["object", { a: "number" }]`. */
type CtyType = string | readonly [string, unknown];

interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, { readonly type?: CtyType }>>;
  readonly block_types?: Readonly<
    Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>
  >;
}

/** The parts of `terraform providers schema -json` used here: each resource type's version and block. */
interface ProviderSchemas {
  readonly provider_schemas: Readonly<
    Record<
      string,
      {
        readonly resource_schemas?: Readonly<
          Record<string, { readonly version: number; readonly block: SchemaBlock }>
        >;
      }
    >
  >;
}

/** One resource instance of the state being built. */
interface StateInstance {
  readonly address: string;
  readonly module: string | undefined;
  readonly type: string;
  readonly name: string;
  readonly index: string | number | undefined;
  readonly provider: string;
  readonly schemaVersion: number;
  readonly attributes: Record<string, unknown>;
  /** The paths of its sensitive values, as the state writes them. */
  readonly sensitive: readonly (readonly unknown[])[];
}

interface State {
  readonly terraformVersion: string;
  readonly instances: ReadonlyMap<string, StateInstance>;
}

/** Where the fakes pretend to live. */
interface FakeContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const emptyState = (terraformVersion: string): State => ({ terraformVersion, instances: new Map() });

/** Where a plan's resources live: its `region` and `account_id` variables, else placeholders. */
const fakeContextOf = (plan: PlanJson): FakeContext => ({
  partition: 'aws',
  region: String(plan.variables?.region?.value ?? 'eu-west-1'),
  account: String(plan.variables?.account_id?.value ?? '111111111111'),
});

/** The service part of an ARN for each resource type's prefix. */
const ARN_SERVICES: readonly (readonly [string, string])[] = [
  ['aws_dynamodb_', 'dynamodb'],
  ['aws_lambda_', 'lambda'],
  ['aws_iam_', 'iam'],
  ['aws_sqs_', 'sqs'],
  ['aws_sns_', 'sns'],
  ['aws_cloudwatch_log_', 'logs'],
  ['aws_cloudwatch_event_', 'events'],
  ['aws_cloudwatch_metric_alarm', 'cloudwatch'],
  ['aws_ssm_', 'ssm'],
  ['aws_apigatewayv2_', 'apigateway'],
  ['aws_scheduler_', 'scheduler'],
];

const FAKE_API_ID = 'fakeapi0';

/** A made-up ARN of the resource, shaped like AWS's where the shape is known. */
const fakeArn = (
  type: string,
  values: Record<string, unknown>,
  context: FakeContext,
  address: string,
): string => {
  const { partition, region, account } = context;
  const name = String(values.name ?? values.function_name ?? values.alarm_name ?? address);
  switch (type) {
    case 'aws_dynamodb_table':
      return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
    case 'aws_lambda_function':
      return `arn:${partition}:lambda:${region}:${account}:function:${String(values.function_name)}`;
    case 'aws_lambda_alias':
      return `arn:${partition}:lambda:${region}:${account}:function:${String(values.function_name)}:${String(values.name)}`;
    case 'aws_iam_role':
      return `arn:${partition}:iam::${account}:role/${name}`;
    case 'aws_sqs_queue':
    case 'aws_sns_topic':
      return `arn:${partition}:${type === 'aws_sqs_queue' ? 'sqs' : 'sns'}:${region}:${account}:${name}`;
    case 'aws_cloudwatch_log_group':
      return `arn:${partition}:logs:${region}:${account}:log-group:${name}`;
    case 'aws_cloudwatch_event_bus':
      return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
    case 'aws_cloudwatch_event_rule':
      return `arn:${partition}:events:${region}:${account}:rule/${String(values.event_bus_name ?? 'default')}/${name}`;
    case 'aws_ssm_parameter':
      return `arn:${partition}:ssm:${region}:${account}:parameter${name}`;
    case 'aws_apigatewayv2_api':
      return `arn:${partition}:apigateway:${region}::/apis/${FAKE_API_ID}`;
    case 'aws_scheduler_schedule_group':
      return `arn:${partition}:scheduler:${region}:${account}:schedule-group/${name}`;
    default: {
      const service = ARN_SERVICES.find(([prefix]) => type.startsWith(prefix))?.[1] ?? 'fake';
      return `arn:${partition}:${service}:${region}:${account}:fake/${address.replace(/[^A-Za-z0-9-]+/g, '-')}`;
    }
  }
};

/** A made-up string for a top-level attribute the plan leaves unknown, shaped where others read it. */
const fakeString = (
  type: string,
  attribute: string,
  values: Record<string, unknown>,
  context: FakeContext,
  address: string,
): string => {
  const { partition, region, account } = context;
  const queueUrl = `https://sqs.${region}.amazonaws.com/${account}/${String(values.name)}`;
  if (type === 'aws_sqs_queue' && (attribute === 'id' || attribute === 'url')) return queueUrl;
  if (type === 'aws_dynamodb_table' && attribute === 'stream_arn')
    return `${fakeArn(type, values, context, address)}/stream/2026-01-01T00:00:00.000`;
  if (type === 'aws_dynamodb_table' && attribute === 'stream_label') return '2026-01-01T00:00:00.000';
  if (type === 'aws_apigatewayv2_api') {
    if (attribute === 'id') return FAKE_API_ID;
    if (attribute === 'api_endpoint') return `https://${FAKE_API_ID}.execute-api.${region}.amazonaws.com`;
    if (attribute === 'execution_arn')
      return `arn:${partition}:execute-api:${region}:${account}:${FAKE_API_ID}`;
  }
  if (attribute === 'arn') return fakeArn(type, values, context, address);
  if (attribute === 'qualified_arn') return `${fakeArn(type, values, context, address)}:$LATEST`;
  if (attribute === 'invoke_arn' || attribute === 'qualified_invoke_arn') {
    const target =
      fakeArn(type, values, context, address) + (attribute === 'qualified_invoke_arn' ? ':$LATEST' : '');
    return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${target}/invocations`;
  }
  if (attribute === 'id') {
    const named = values.name ?? values.function_name ?? values.alarm_name;
    return typeof named === 'string' ? named : `fake-${address.replace(/[^A-Za-z0-9-]+/g, '-')}`;
  }
  if (attribute === 'version') return '$LATEST';
  if (attribute.endsWith('_arn')) return fakeArn(type, values, context, `${address}-${attribute}`);
  if (attribute.endsWith('_date') || attribute === 'last_modified') return '2026-01-01T00:00:00Z';
  // Empty, as AWS reads back most optional strings nobody set (an SNS topic's FIFO settings).
  return '';
};

/** An empty value of the type: '', 0, false, [] or {}. */
const fakeOfType = (type: CtyType | undefined): unknown => {
  if (type === 'string') return '';
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type as readonly [string, unknown];
    if (kind === 'list' || kind === 'set') return [];
    if (kind === 'map') return {};
    if (kind === 'object' && isRecord(inner))
      return Object.fromEntries(
        Object.entries(inner).map(([key, value]) => [key, fakeOfType(value as CtyType)]),
      );
    if (kind === 'tuple' && Array.isArray(inner)) return inner.map((value) => fakeOfType(value as CtyType));
  }
  return null;
};

/** The type of the elements of a collection type, or of an object's attribute. */
const innerType = (type: CtyType | undefined, key: string | number): CtyType | undefined => {
  if (!Array.isArray(type)) return undefined;
  const [kind, inner] = type as readonly [string, unknown];
  if (kind === 'list' || kind === 'set' || kind === 'map') return inner as CtyType;
  if (kind === 'object' && isRecord(inner)) return inner[String(key)] as CtyType | undefined;
  if (kind === 'tuple' && Array.isArray(inner)) return inner[Number(key)] as CtyType | undefined;
  return undefined;
};

/** Values of an attribute's type with its unknown parts (marked `true` in `unknown`) made up. */
const fillTyped = (value: unknown, unknown: unknown, type: CtyType | undefined): unknown => {
  if (unknown === true) return fakeOfType(type);
  if (Array.isArray(unknown)) {
    if (!Array.isArray(value)) return fakeOfType(type);
    return value.map((item, index) => fillTyped(item, unknown[index], innerType(type, index)));
  }
  if (isRecord(unknown)) {
    const known = isRecord(value) ? value : {};
    const keys = new Set([...Object.keys(known), ...Object.keys(unknown)]);
    return Object.fromEntries(
      [...keys].map((key) => [key, fillTyped(known[key], unknown[key], innerType(type, key))]),
    );
  }
  return value;
};

/** A block's values with every unknown attribute made up, by the block's schema. */
const fillBlock = (
  values: Record<string, unknown>,
  unknown: unknown,
  block: SchemaBlock | undefined,
  top: { readonly type: string; readonly address: string; readonly context: FakeContext } | undefined,
): Record<string, unknown> => {
  if (!isRecord(unknown)) return values;
  const filled: Record<string, unknown> = { ...values };
  for (const [key, mark] of Object.entries(unknown)) {
    const attribute = block?.attributes?.[key];
    const nested = block?.block_types?.[key];
    if (mark === true) {
      if (nested) filled[key] = nested.nesting_mode === 'single' ? null : [];
      else if (top && attribute?.type === 'string')
        filled[key] = fakeString(top.type, key, values, top.context, top.address);
      else filled[key] = fakeOfType(attribute?.type);
    } else if (nested && Array.isArray(mark) && Array.isArray(values[key])) {
      filled[key] = (values[key] as unknown[]).map((item, index) =>
        isRecord(item) ? fillBlock(item, mark[index], nested.block, undefined) : item,
      );
    } else if (nested && isRecord(mark) && isRecord(values[key])) {
      filled[key] = fillBlock(values[key] as Record<string, unknown>, mark, nested.block, undefined);
    } else if (mark !== false) {
      filled[key] = fillTyped(values[key], mark, attribute?.type);
    }
  }
  return filled;
};

/**
 * The paths of the values a plan marks sensitive (`after_sensitive`: `true` at each), in the state's
 * form: `[{ type: 'get_attr', value: 'value' }]`. A state that leaves them out differs from the plan
 * in sensitivity, which Terraform plans as an update.
 */
const sensitivePaths = (marks: unknown, prefix: readonly unknown[] = []): unknown[][] => {
  if (marks === true) return [[...prefix]];
  if (Array.isArray(marks))
    return marks.flatMap((mark, index) =>
      sensitivePaths(mark, [...prefix, { type: 'index', value: { value: index, type: 'number' } }]),
    );
  if (isRecord(marks))
    return Object.entries(marks).flatMap(([key, mark]) =>
      sensitivePaths(mark, [...prefix, { type: 'get_attr', value: key }]),
    );
  return [];
};

const resourceSchema = (schemas: ProviderSchemas, provider: string, type: string) =>
  schemas.provider_schemas[provider]?.resource_schemas?.[type];

/** The module part of a resource address (`module.users.module.service`), or undefined at the root. */
const moduleOf = (address: string, type: string, name: string): string | undefined => {
  const suffix = new RegExp(`\\.?${type}\\.${name}(\\[[^\\]]*\\])?$`);
  const module = address.replace(suffix, '');
  return module === '' ? undefined : module;
};

/**
 * The state after a plan's changes: created, updated and replaced instances take their planned
 * values (unknown parts made up), destroyed ones leave, moved ones change address. Data sources
 * are left out: a plan reads them again.
 */
const applyPlan = (state: State, plan: PlanJson, schemas: ProviderSchemas): State => {
  const context = fakeContextOf(plan);
  const instances = new Map(state.instances);
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== 'managed') continue;
    const { actions } = change.change;
    if (change.previous_address && instances.has(change.previous_address)) {
      const previous = instances.get(change.previous_address) as StateInstance;
      instances.delete(change.previous_address);
      instances.set(change.address, {
        ...previous,
        address: change.address,
        module: moduleOf(change.address, change.type, change.name),
        name: change.name,
        index: change.index,
      });
    }
    if (actions.includes('delete') && !actions.includes('create')) {
      instances.delete(change.address);
      continue;
    }
    if (!actions.includes('create') && !actions.includes('update')) continue;
    const schema = resourceSchema(schemas, change.provider_name, change.type);
    const after = isRecord(change.change.after) ? change.change.after : {};
    instances.set(change.address, {
      address: change.address,
      module: moduleOf(change.address, change.type, change.name),
      type: change.type,
      name: change.name,
      index: change.index,
      provider: `provider["${change.provider_name}"]`,
      schemaVersion: schema?.version ?? 0,
      attributes: fillBlock(after, change.change.after_unknown, schema?.block, {
        type: change.type,
        address: change.address,
        context,
      }),
      sensitive: sensitivePaths(change.change.after_sensitive),
    });
  }
  return { ...state, instances };
};

/** The state as Terraform reads it (format 4), with the given serial and lineage. */
const renderState = (state: State, serial: number, lineage: string): string => {
  const resources = new Map<string, StateInstance[]>();
  for (const instance of state.instances.values()) {
    const key = `${instance.module ?? ''}|${instance.type}|${instance.name}`;
    resources.set(key, [...(resources.get(key) ?? []), instance]);
  }
  return `${JSON.stringify(
    {
      version: 4,
      terraform_version: state.terraformVersion,
      serial,
      lineage,
      outputs: {},
      resources: [...resources.values()].map((group) => {
        const [first] = group as [StateInstance];
        const index = first.index;
        return {
          ...(first.module ? { module: first.module } : {}),
          mode: 'managed',
          type: first.type,
          name: first.name,
          ...(index === undefined ? {} : { each: typeof index === 'number' ? 'list' : 'map' }),
          provider: first.provider,
          instances: group.map((instance) => ({
            ...(instance.index === undefined ? {} : { index_key: instance.index }),
            schema_version: instance.schemaVersion,
            attributes: instance.attributes,
            sensitive_attributes: instance.sensitive,
          })),
        };
      }),
    },
    null,
    2,
  )}\n`;
};

interface ChangeSummary {
  /** Addresses planned for creation, destruction, replacement. */
  readonly create: readonly string[];
  readonly delete: readonly string[];
  readonly replace: readonly string[];
  /** Updated in place, with the top-level attributes whose known values change. */
  readonly update: readonly { readonly address: string; readonly attributes: readonly string[] }[];
  /** Moved without other change or with one, from -> to. */
  readonly moved: readonly { readonly from: string; readonly to: string }[];
  readonly unchanged: number;
}

/** What a plan does, resource by resource. */
const summarizeChanges = (plan: PlanJson): ChangeSummary => {
  const managed = (plan.resource_changes ?? []).filter((change) => change.mode === 'managed');
  const has = (change: ResourceChange, action: string) => change.change.actions.includes(action);
  return {
    create: managed.filter((c) => has(c, 'create') && !has(c, 'delete')).map((c) => c.address),
    delete: managed.filter((c) => has(c, 'delete') && !has(c, 'create')).map((c) => c.address),
    replace: managed.filter((c) => has(c, 'create') && has(c, 'delete')).map((c) => c.address),
    update: managed
      .filter((c) => has(c, 'update'))
      .map((c) => {
        const before = isRecord(c.change.before) ? c.change.before : {};
        const after = isRecord(c.change.after) ? c.change.after : {};
        const unknown = isRecord(c.change.after_unknown) ? c.change.after_unknown : {};
        const attributes = [
          ...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]),
        ]
          .filter(
            (key) => unknown[key] === true || JSON.stringify(before[key]) !== JSON.stringify(after[key]),
          )
          .sort();
        return { address: c.address, attributes };
      }),
    moved: managed
      .filter((c) => c.previous_address !== undefined && c.previous_address !== c.address)
      .map((c) => ({ from: c.previous_address as string, to: c.address })),
    unchanged: managed.filter((c) => c.change.actions.length === 1 && c.change.actions[0] === 'no-op').length,
  };
};

/** How many resources of each type a plan holds (its planned values), sorted by type. */
const resourceCounts = (plan: PlanJson): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const resource of plannedResources(plan)) {
    if (resource.mode === 'managed') counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/** The types whose count differs between two plans, as `type: before -> after`. */
const countDifferences = (before: Record<string, number>, after: Record<string, number>): string[] =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .filter((type) => (before[type] ?? 0) !== (after[type] ?? 0))
    .map((type) => `${type}: ${before[type] ?? 0} -> ${after[type] ?? 0}`);

export type { ChangeSummary, FakeContext, PlanJson, ProviderSchemas, State };
export {
  applyPlan,
  countDifferences,
  emptyState,
  fakeContextOf,
  fakeString,
  fillBlock,
  renderState,
  resourceCounts,
  summarizeChanges,
};
