/**
 * The SDK-only floor of the outbox publisher: the EventBridge client and `unmarshall` from
 * util-dynamodb, the only AWS code the publisher needs; each stream record's new image becomes one
 * PutEvents entry. Nothing of ours.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';

const endpoint = process.env.EVENTBRIDGE_ENDPOINT;
const client = new EventBridgeClient(endpoint ? { endpoint } : {});

export const handler = async (event: DynamoDBStreamEvent) => {
  const entries = event.Records.map((record) => {
    const item = unmarshall((record.dynamodb?.NewImage ?? {}) as Parameters<typeof unmarshall>[0]);
    return {
      EventBusName: process.env.EVENT_BUS_NAME,
      Source: String(item.source),
      DetailType: String(item.detailType),
      Detail: JSON.stringify(item.detail),
    };
  });
  await client.send(new PutEventsCommand({ Entries: entries }));
  return { batchItemFailures: [] };
};
