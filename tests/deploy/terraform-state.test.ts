/**
 * The state the moved check builds from plans (scripts/lib/terraform-state.ts): it must hold what
 * the plan would build, with values known only after apply made up in the shape other resources
 * read, follow moves and destroys, and render as a state Terraform reads; and the summary of a plan
 * must tell moves, updates and replacements apart, since that is the verdict of the check.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPlan,
  countDifferences,
  emptyState,
  type PlanJson,
  type ProviderSchemas,
  renderState,
  resourceCounts,
  summarizeChanges,
} from '../../scripts/lib/terraform-state.ts';

const AWS = 'registry.terraform.io/hashicorp/aws';

const schemas: ProviderSchemas = {
  provider_schemas: {
    [AWS]: {
      resource_schemas: {
        aws_sqs_queue: {
          version: 0,
          block: {
            attributes: {
              id: { type: 'string' },
              arn: { type: 'string' },
              url: { type: 'string' },
              name: { type: 'string' },
              delay_seconds: { type: 'number' },
              fifo_throughput_limit: { type: 'string' },
              tags_all: { type: ['map', 'string'] },
            },
          },
        },
        aws_dynamodb_table: {
          version: 1,
          block: {
            attributes: {
              id: { type: 'string' },
              name: { type: 'string' },
              stream_arn: { type: 'string' },
            },
            block_types: {
              global_secondary_index: {
                nesting_mode: 'set',
                block: { attributes: { name: { type: 'string' }, read_capacity: { type: 'number' } } },
              },
              point_in_time_recovery: {
                nesting_mode: 'list',
                block: {
                  attributes: { enabled: { type: 'bool' }, recovery_period_in_days: { type: 'number' } },
                },
              },
            },
          },
        },
        aws_ssm_parameter: {
          version: 0,
          block: {
            attributes: { id: { type: 'string' }, name: { type: 'string' }, value: { type: 'string' } },
          },
        },
      },
    },
  },
};

const change = (
  address: string,
  actions: string[],
  after: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => {
  const [, type, name] = /(aws_[a-z0-9_]+)\.([a-z_]+)(\[.*\])?$/.exec(address) ?? [];
  const index = /\["([^"]+)"\]$/.exec(address)?.[1] ?? (/\[(\d+)\]$/.exec(address) ? 0 : undefined);
  return {
    address,
    mode: 'managed',
    type: type as string,
    name: name as string,
    ...(index === undefined ? {} : { index }),
    provider_name: AWS,
    change: { actions, before: null, after, after_unknown: {}, ...extra },
  };
};

const createPlan: PlanJson = {
  variables: { region: { value: 'eu-west-1' }, account_id: { value: '222222222222' } },
  resource_changes: [
    change(
      'module.tickets.module.service.aws_sqs_queue.dead_letter[0]',
      ['create'],
      { name: 'tessera-staging-tickets-events-dlq' },
      {
        after_unknown: {
          id: true,
          arn: true,
          url: true,
          delay_seconds: true,
          fifo_throughput_limit: true,
          tags_all: true,
        },
      },
    ),
    change(
      'module.users.module.service.aws_dynamodb_table.this[0]',
      ['create'],
      {
        name: 'tessera-staging-users',
        global_secondary_index: [{ name: 'gsi1' }],
        point_in_time_recovery: [{ enabled: true }],
      },
      {
        after_unknown: {
          id: true,
          stream_arn: true,
          global_secondary_index: [{ read_capacity: true }],
          point_in_time_recovery: [{ recovery_period_in_days: true }],
        },
      },
    ),
    change(
      'module.users.module.service.aws_ssm_parameter.this["cursor-secret"]',
      ['create'],
      { name: '/tessera/staging/users/cursor-secret', value: 'unset' },
      { after_unknown: { id: true }, after_sensitive: { value: true } },
    ),
    { ...change('data.aws_region.current', ['read'], {}), mode: 'data' },
  ],
};

describe('Script: terraform-moved-check state', () => {
  it('holds what a plan creates, with the values known after apply made up in the shape others read', () => {
    // Act
    const state = applyPlan(emptyState('1.11.4'), createPlan, schemas);

    // Assess
    const queue = state.instances.get('module.tickets.module.service.aws_sqs_queue.dead_letter[0]');
    expect(queue?.attributes).toEqual({
      name: 'tessera-staging-tickets-events-dlq',
      id: 'https://sqs.eu-west-1.amazonaws.com/222222222222/tessera-staging-tickets-events-dlq',
      url: 'https://sqs.eu-west-1.amazonaws.com/222222222222/tessera-staging-tickets-events-dlq',
      arn: 'arn:aws:sqs:eu-west-1:222222222222:tessera-staging-tickets-events-dlq',
      delay_seconds: 0,
      fifo_throughput_limit: '',
      tags_all: {},
    });
    const table = state.instances.get('module.users.module.service.aws_dynamodb_table.this[0]');
    expect(table?.attributes.stream_arn).toBe(
      'arn:aws:dynamodb:eu-west-1:222222222222:table/tessera-staging-users/stream/2026-01-01T00:00:00.000',
    );
    expect(table?.attributes.global_secondary_index).toEqual([{ name: 'gsi1', read_capacity: 0 }]);
    expect(table?.attributes.point_in_time_recovery).toEqual([{ enabled: true, recovery_period_in_days: 0 }]);
    expect(table?.schemaVersion).toBe(1);
    expect(table?.module).toBe('module.users.module.service');
    expect(state.instances.has('data.aws_region.current')).toBe(false);
  });

  it('renders a state of format 4 that groups instances by resource and keeps sensitive paths', () => {
    // Prepare
    const state = applyPlan(emptyState('1.11.4'), createPlan, schemas);

    // Act
    const rendered = JSON.parse(renderState(state, 3, 'lineage-1'));

    // Assess
    expect(rendered).toMatchObject({
      version: 4,
      terraform_version: '1.11.4',
      serial: 3,
      lineage: 'lineage-1',
      outputs: {},
    });
    expect(rendered.resources).toContainEqual({
      module: 'module.users.module.service',
      mode: 'managed',
      type: 'aws_ssm_parameter',
      name: 'this',
      each: 'map',
      provider: `provider["${AWS}"]`,
      instances: [
        {
          index_key: 'cursor-secret',
          schema_version: 0,
          attributes: {
            name: '/tessera/staging/users/cursor-secret',
            value: 'unset',
            id: '/tessera/staging/users/cursor-secret',
          },
          sensitive_attributes: [[{ type: 'get_attr', value: 'value' }]],
        },
      ],
    });
    expect(
      rendered.resources.find((resource: { type: string }) => resource.type === 'aws_sqs_queue'),
    ).toMatchObject({
      each: 'list',
      instances: [{ index_key: 0 }],
    });
  });

  it('follows a move, an update and a destroy', () => {
    // Prepare
    const state = applyPlan(emptyState('1.11.4'), createPlan, schemas);
    const next: PlanJson = {
      resource_changes: [
        {
          ...change('module.tickets.module.service.aws_ssm_parameter.this["cursor-secret"]', ['no-op'], {}),
          previous_address: 'module.users.module.service.aws_ssm_parameter.this["cursor-secret"]',
        },
        change('module.users.module.service.aws_dynamodb_table.this[0]', ['update'], {
          name: 'tessera-staging-users',
          stream_arn: 'arn:aws:dynamodb:eu-west-1:222222222222:table/tessera-staging-users/stream/x',
        }),
        change('module.tickets.module.service.aws_sqs_queue.dead_letter[0]', ['delete'], {}),
      ],
    };

    // Act
    const after = applyPlan(state, next, schemas);

    // Assess
    expect([...after.instances.keys()].sort()).toEqual([
      'module.tickets.module.service.aws_ssm_parameter.this["cursor-secret"]',
      'module.users.module.service.aws_dynamodb_table.this[0]',
    ]);
    expect(
      after.instances.get('module.tickets.module.service.aws_ssm_parameter.this["cursor-secret"]'),
    ).toMatchObject({
      module: 'module.tickets.module.service',
      attributes: { value: 'unset' },
    });
    expect(
      after.instances.get('module.users.module.service.aws_dynamodb_table.this[0]')?.attributes.stream_arn,
    ).toBe('arn:aws:dynamodb:eu-west-1:222222222222:table/tessera-staging-users/stream/x');
  });

  it('sums up a plan: moves, updates with their attributes, creates, destroys and replacements', () => {
    // Prepare
    const plan: PlanJson = {
      resource_changes: [
        {
          ...change('module.a.aws_iam_role.this', ['no-op'], {}),
          previous_address: 'module.b.aws_iam_role.this',
        },
        {
          ...change('module.a.aws_iam_role_policy.this', ['update'], { policy: 'new', name: 'x' }),
          change: {
            actions: ['update'],
            before: { policy: 'old', name: 'x' },
            after: { policy: 'new', name: 'x' },
            after_unknown: {},
          },
        },
        change('module.a.aws_sqs_queue.this', ['create'], {}),
        change('module.a.aws_sns_topic.this', ['delete'], {}),
        change('module.a.aws_dynamodb_table.this', ['delete', 'create'], {}),
        change('module.a.aws_lambda_alias.this', ['no-op'], {}),
      ],
    };

    // Act
    const summary = summarizeChanges(plan);

    // Assess
    expect(summary).toEqual({
      create: ['module.a.aws_sqs_queue.this'],
      delete: ['module.a.aws_sns_topic.this'],
      replace: ['module.a.aws_dynamodb_table.this'],
      update: [{ address: 'module.a.aws_iam_role_policy.this', attributes: ['policy'] }],
      moved: [{ from: 'module.b.aws_iam_role.this', to: 'module.a.aws_iam_role.this' }],
      unchanged: 2,
    });
  });

  it('counts the resources of a plan by type and names the types whose count differs', () => {
    // Prepare
    const plan = (types: string[]): PlanJson => ({
      planned_values: {
        root_module: {
          child_modules: [
            {
              resources: types.map((type, index) => ({
                address: `${type}.r${index}`,
                mode: 'managed',
                type,
                name: `r${index}`,
                provider_name: AWS,
                values: {},
              })),
            },
          ],
        },
      },
    });

    // Act
    const before = resourceCounts(plan(['aws_sqs_queue', 'aws_iam_role', 'aws_iam_role']));
    const after = resourceCounts(plan(['aws_iam_role', 'aws_iam_role', 'aws_sqs_queue', 'aws_sqs_queue']));

    // Assess
    expect(before).toEqual({ aws_iam_role: 2, aws_sqs_queue: 1 });
    expect(countDifferences(before, after)).toEqual(['aws_sqs_queue: 1 -> 2']);
    expect(countDifferences(before, before)).toEqual([]);
  });
});
