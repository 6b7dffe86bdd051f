import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils';

/**
 * History <-> proto3 JSON (the format `temporal workflow show -o json` and the SDK's replayer read).
 *
 * Same as historyToJSON / historyFromJSON from @temporalio/common/lib/proto-utils, which throw
 * "type must be a Type" in this install: @temporalio/common and @temporalio/proto each get their
 * own copy of protobufjs 8 (the hoisted one is grpc's protobufjs 7), and protojson from one copy
 * rejects types built by the other. Here protojson is loaded from @temporalio/proto's own copy.
 */

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}
interface ProtoRoot {
  lookupType(name: string): unknown;
  temporal: { api: { history: { v1: { History: { fromObject(o: unknown): unknown } } } } };
}

const requireHere = createRequire(import.meta.url);
const requireBesideProto = createRequire(requireHere.resolve('@temporalio/proto'));
const proto = requireHere('@temporalio/proto') as ProtoRoot;
const { patchProtobufRoot } = requireHere('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot<T>(root: T): T;
};
const protojson = requireBesideProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return JSON.stringify(
    protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

/** Parses what historyToJSON wrote (event types as EVENT_TYPE_... or the Web UI's PascalCase). */
export function historyFromJSON(json: unknown): History {
  const events = (json as { events?: Record<string, unknown>[] } | null)?.events;
  if (!Array.isArray(events)) throw new TypeError('Invalid history: expected an object with an array of events');
  const fixed = events.map((e) => {
    const type = e.eventType;
    return typeof type === 'string' && !type.startsWith('EVENT_TYPE_')
      ? { ...e, eventType: `EVENT_TYPE_${type.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}` }
      : e;
  });
  return protojson.fromJson(historyType, { events: fixed }, { ignoreUnknownFields: true }) as History;
}
