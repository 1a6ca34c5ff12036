/**
 * The bus's rules, wired to their targets from the topology (ADR 0021), as EventBridge delivers:
 *
 * - a function target is invoked with the event, in the trace of the entry's `TraceHeader` (a
 *   Lambda invoked by EventBridge continues its caller's trace);
 * - a queue target gets the event as a message whose system attribute `AWSTraceHeader` is that
 *   header, so the consumer can continue the trace record by record;
 * - a delivery that failed every attempt goes where AWS keeps it: a function that threw, to Lambda's
 *   on-failure destination (an invocation record, the event in `requestPayload`); a queue that could
 *   not be sent to, to EventBridge's target dead-letter queue (the event, and why as attributes).
 *   Either dead letter carries the header as `AWSTraceHeader` too.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Delivery, EventBridgeEvent, Rule } from './event-bus.ts';
import type { InvokeOptions } from './function-host.ts';
import type { LocalQueues } from './queues.ts';
import type { RuleDeclaration } from './topology.ts';

interface RuleTargetsOptions {
  readonly rules: readonly RuleDeclaration[];
  readonly queues: LocalQueues;
  readonly invoke: (functionName: string, event: unknown, options?: InvokeOptions) => Promise<unknown>;
  readonly clock: Clock;
  /** The bus's name, in a dead letter's `RULE_ARN`. */
  readonly busName: string;
  readonly log: (line: string) => void;
}

/**
 * The bus's rules and what it does with a delivery that failed every attempt.
 *
 * @example
 * const { rules, onDeliveryFailure } = ruleTargets({ rules: topology.rules, queues, invoke, clock, busName: 'tessera', log });
 * const bus = new LocalEventBus({ rules, onDeliveryFailure });
 */
const ruleTargets = (
  options: RuleTargetsOptions,
): {
  readonly rules: Rule[];
  readonly onDeliveryFailure: (
    rule: string,
    event: EventBridgeEvent,
    error: unknown,
    delivery: Delivery,
  ) => void;
} => {
  const { queues, invoke, clock } = options;

  const deadLetter = (rule: RuleDeclaration, event: EventBridgeEvent, error: unknown, delivery: Delivery) => {
    const queue = queues.get(rule.deadLetterQueueName);
    const failure = error as { errorType?: string; name?: string; message?: string };
    const errorType = failure?.errorType ?? failure?.name ?? 'Error';
    const errorMessage = String(failure?.message ?? error).replace(/[^\x20-\x7e]/g, '?');
    const trace = delivery.traceHeader ? { traceHeader: delivery.traceHeader } : {};
    if (rule.target.kind === 'function') {
      queue?.send(
        JSON.stringify({
          version: '1.0',
          timestamp: new Date(clock.now()).toISOString(),
          requestContext: {
            requestId: randomUUID(),
            functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${rule.target.functionName}:live`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType, errorMessage },
        }),
        trace,
      );
      return;
    }
    const text = (value: string) => ({ DataType: 'String', StringValue: value.slice(0, 256) || '-' });
    queue?.send(JSON.stringify(event), {
      messageAttributes: {
        RULE_ARN: text(`arn:aws:events:us-east-1:000000000000:rule/${options.busName}/${rule.name}`),
        ERROR_CODE: text(errorType),
        ERROR_MESSAGE: text(errorMessage),
      },
      ...trace,
    });
  };

  return {
    rules: options.rules.map((rule) => ({
      name: rule.name,
      pattern: rule.pattern,
      deliver: async (event, delivery) => {
        if (rule.target.kind === 'queue') {
          queues
            .require(rule.target.queueName)
            .send(JSON.stringify(event), delivery.traceHeader ? { traceHeader: delivery.traceHeader } : {});
        } else {
          await invoke(rule.target.functionName, event, { traceHeader: delivery.traceHeader });
        }
      },
    })),
    onDeliveryFailure: (rule, event, error, delivery) => {
      options.log(`delivery of ${event['detail-type']} ${event.id} to ${rule} failed: ${String(error)}`);
      const declared = options.rules.find((r) => r.name === rule);
      if (!declared) return;
      try {
        deadLetter(declared, event, error, delivery);
      } catch (failure) {
        options.log(`could not dead-letter ${event.id}: ${String(failure)}`);
      }
    },
  };
};

export type { RuleTargetsOptions };
export { ruleTargets };
