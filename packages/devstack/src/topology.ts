/**
 * How the devstack wires the system, read from the manifests alone (no tool names a service by
 * hand): which function serves a service's HTTP operations, which authorizes them, which takes a
 * direct command such as `bootstrap-admin`, which reads the table streams, which serves each
 * WebSocket route (and which authorizes `$connect`), which is the target of a service's
 * EventBridge Scheduler schedules (`schedule: true`, with the service's `<service>-schedules-dlq`),
 * and what each subscription becomes: a bus rule invoking its function, or a bus rule sending to a
 * queue (with its dead-letter queue) that an event source mapping drains into the function, as in AWS.
 */
import type { Manifest } from '@tessera/tooling/manifests';
import { queueNamesOf, visibilityTimeoutOf } from '@tessera/tooling/manifests';
import type { EventPattern } from './event-bus.ts';

const LOCAL_ARN_PREFIX = 'us-east-1:000000000000';

/** The target of a service's schedules, and where what it could not take goes. */
interface ScheduleTargetDeclaration {
  readonly service: string;
  /** The function with `schedule: true`. */
  readonly functionName: string;
  /** `tessera-devstack-<service>`, named as Terraform names it in AWS (`tessera-<env>-<service>`). */
  readonly group: string;
  /** `arn:aws:iam::000000000000:role/tessera-devstack-<service>-scheduler` (named, never checked). */
  readonly roleArn: string;
  /** `arn:aws:lambda:us-east-1:000000000000:function:<functionName>`. */
  readonly targetArn: string;
  /** `<service>-schedules-dlq`. */
  readonly deadLetterQueueName: string;
  /** `arn:aws:sqs:us-east-1:000000000000:<service>-schedules-dlq`. */
  readonly deadLetterArn: string;
}

/**
 * A service's schedule target on the devstack, or undefined when no function of it has `schedule: true`.
 *
 * @example
 * scheduleTargetOf(bookings)?.deadLetterQueueName; // 'bookings-schedules-dlq'
 */
const scheduleTargetOf = (manifest: Manifest): ScheduleTargetDeclaration | undefined => {
  const target = Object.entries(manifest.functions).find(([, fn]) => fn.schedule)?.[0];
  if (!target) return undefined;
  const deadLetterQueueName = `${manifest.name}-schedules-dlq`;
  return {
    service: manifest.name,
    functionName: target,
    group: `tessera-devstack-${manifest.name}`,
    roleArn: `arn:aws:iam::000000000000:role/tessera-devstack-${manifest.name}-scheduler`,
    targetArn: `arn:aws:lambda:${LOCAL_ARN_PREFIX}:function:${target}`,
    deadLetterQueueName,
    deadLetterArn: `arn:aws:sqs:${LOCAL_ARN_PREFIX}:${deadLetterQueueName}`,
  };
};

/**
 * What the `{ "scheduler": part }` source resolves to on the devstack (undefined for a service with
 * no schedule target).
 *
 * @example
 * schedulerPartOf(bookings, 'targetArn'); // 'arn:aws:lambda:us-east-1:000000000000:function:bookings'
 */
const schedulerPartOf = (
  manifest: Manifest,
  part: 'group' | 'roleArn' | 'targetArn' | 'deadLetterArn',
): string | undefined => {
  const target = scheduleTargetOf(manifest);
  if (!target) return undefined;
  switch (part) {
    case 'group':
      return target.group;
    case 'roleArn':
      return target.roleArn;
    case 'targetArn':
      return target.targetArn;
    case 'deadLetterArn':
      return target.deadLetterArn;
  }
};

/** A queue a subscription delivers through, and its event source mapping. */
interface QueueDeclaration {
  /** `<service>-<subscription>`. */
  readonly name: string;
  /** `<name>-dlq`. */
  readonly deadLetterQueueName: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly maximumConcurrency: number;
  /** The function the event source mapping invokes. */
  readonly functionName: string;
}

/** A bus rule: its pattern and where matching events go. */
interface RuleDeclaration {
  /** `<service>-<subscription>`. */
  readonly name: string;
  /**
   * Where an event goes that every delivery attempt failed, as in AWS: for a function target,
   * `<service>-invocations-dlq` (the function threw on every attempt: Lambda's on-failure
   * destination, an invocation record); for a queue target, `<service>-events-dlq` (the event could
   * not be sent: EventBridge's target dead-letter queue, the event itself).
   */
  readonly deadLetterQueueName: string;
  readonly pattern: EventPattern;
  readonly target:
    | { readonly kind: 'function'; readonly functionName: string }
    | { readonly kind: 'queue'; readonly queueName: string };
}

interface Topology {
  /** Service (`x-tessera-service`) -> the function with `http: "operations"`. */
  readonly operations: ReadonlyMap<string, string>;
  /** The function with `http: "authorizer"`. */
  readonly httpAuthorizer: string | undefined;
  /** The function with `webSocket: "authorizer"`. */
  readonly webSocketAuthorizer: string | undefined;
  /** WebSocket route (`$connect`, `$default`, `ping`, ...) -> the function whose `webSocket.routes` names it. */
  readonly webSocketRoutes: ReadonlyMap<string, string>;
  /** Command -> the function that declares it. */
  readonly commands: ReadonlyMap<string, string>;
  /** The functions with `tableStreams: true`. */
  readonly tableStreamReaders: readonly string[];
  readonly rules: readonly RuleDeclaration[];
  readonly queues: readonly QueueDeclaration[];
  /** Each service's schedule target (the function with `schedule: true`), with its dead-letter queue. */
  readonly scheduleTargets: readonly ScheduleTargetDeclaration[];
}

/**
 * Reads the wiring from the manifests; throws when two functions claim the same command.
 *
 * @example
 * const { httpAuthorizer, commands } = topologyOf(loadManifests());
 * // httpAuthorizer: 'users-authorizer'; commands.get('bootstrap-admin'): 'users'
 */
const topologyOf = (manifests: readonly Manifest[]): Topology => {
  const operations = new Map<string, string>();
  const commands = new Map<string, string>();
  const webSocketRoutes = new Map<string, string>();
  const tableStreamReaders: string[] = [];
  const rules: RuleDeclaration[] = [];
  const queues: QueueDeclaration[] = [];
  let httpAuthorizer: string | undefined;
  let webSocketAuthorizer: string | undefined;
  for (const manifest of manifests) {
    for (const [name, fn] of Object.entries(manifest.functions)) {
      if (fn.http === 'operations') operations.set(manifest.name, name);
      if (fn.http === 'authorizer') httpAuthorizer = name;
      if (fn.webSocket === 'authorizer') webSocketAuthorizer = name;
      for (const route of typeof fn.webSocket === 'object' ? fn.webSocket.routes : []) {
        const other = webSocketRoutes.get(route);
        if (other) throw new Error(`The WebSocket route ${route} is served by both ${other} and ${name}`);
        webSocketRoutes.set(route, name);
      }
      if (fn.tableStreams) tableStreamReaders.push(name);
      for (const command of fn.commands ?? []) {
        const other = commands.get(command);
        if (other) throw new Error(`The command ${command} is declared by both ${other} and ${name}`);
        commands.set(command, name);
      }
    }
    for (const subscription of manifest.subscriptions) {
      const { queue: name, deadLetterQueue } = queueNamesOf(manifest, subscription);
      const functionName = subscription.target.function;
      const queue = subscription.target.queue;
      const pattern = subscription.pattern as EventPattern;
      if (!queue) {
        rules.push({
          name,
          pattern,
          deadLetterQueueName: `${manifest.name}-invocations-dlq`,
          target: { kind: 'function', functionName },
        });
        continue;
      }
      queues.push({
        name,
        deadLetterQueueName: deadLetterQueue,
        visibilityTimeoutSeconds:
          queue.devstackVisibilityTimeout ?? visibilityTimeoutOf(manifest, subscription) ?? 30,
        maxReceiveCount: queue.maxReceiveCount,
        batchSize: queue.batchSize,
        maximumBatchingWindowSeconds: queue.maximumBatchingWindow,
        maximumConcurrency: queue.maximumConcurrency,
        functionName,
      });
      rules.push({
        name,
        pattern,
        deadLetterQueueName: `${manifest.name}-events-dlq`,
        target: { kind: 'queue', queueName: name },
      });
    }
  }
  const scheduleTargets = manifests.flatMap((manifest) => scheduleTargetOf(manifest) ?? []);
  return {
    operations,
    httpAuthorizer,
    webSocketAuthorizer,
    webSocketRoutes,
    commands,
    tableStreamReaders,
    rules,
    queues,
    scheduleTargets,
  };
};

export type { QueueDeclaration, RuleDeclaration, ScheduleTargetDeclaration, Topology };
export { schedulerPartOf, scheduleTargetOf, topologyOf };
