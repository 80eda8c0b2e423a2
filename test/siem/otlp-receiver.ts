// A test OTLP/HTTP logs receiver. The OpenTelemetry collector is not among Debian's packages
// (`apt-cache policy otelcol otelcol-contrib` finds none) nor on npm, so the test runs this
// receiver instead: it checks every request against the OTLP JSON encoding of
// ExportLogsServiceRequest (opentelemetry-proto logs/v1 and common/v1: the protobuf JSON mapping,
// lowerCamelCase names, 64-bit integers as decimal strings), refusing any field the proto does not
// have, and answers as a collector does (or as the test scripts it).
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpRequest {
  headers: IncomingHttpHeaders;
  body: any;
  /** The mandate.seq attribute of each record, in order. */
  seqs: number[];
}

/** What the receiver answers a request: a status, optional headers and body, optionally after a delay. */
export type Answer = { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number };

export async function otlpReceiver(answer: (req: OtlpRequest, n: number) => Answer = () => ({ status: 200, body: {} })) {
  const requests: OtlpRequest[] = [];
  /** Requests answered 2xx: what the receiver acknowledged. */
  const accepted: OtlpRequest[] = [];
  const problems: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let r: OtlpRequest;
      try {
        assert.equal(req.method, 'POST');
        assert.equal(req.url, '/v1/logs');
        assert.equal(req.headers['content-type'], 'application/json');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        checkExportLogsServiceRequest(body);
        const seqs = body.resourceLogs.flatMap((rl: any) =>
          rl.scopeLogs.flatMap((sl: any) =>
            sl.logRecords.map((lr: any) => Number(lr.attributes.find((a: any) => a.key === 'mandate.seq').value.intValue)),
          ),
        );
        r = { headers: req.headers, body, seqs };
      } catch (err) {
        problems.push((err as Error).message);
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (err as Error).message }));
        return;
      }
      requests.push(r);
      const a = answer(r, requests.length);
      setTimeout(() => {
        if (a.status >= 200 && a.status < 300) accepted.push(r);
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(JSON.stringify(a.body ?? {}));
      }, a.delayMs ?? 0).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const only = (o: object, allowed: string[], where: string) => {
  for (const k of Object.keys(o)) assert.ok(allowed.includes(k), `${where}: ${k} is not a field of the proto`);
};
const u64 = (v: unknown, where: string) => assert.ok(typeof v === 'string' && /^\d+$/.test(v), `${where} is a uint64 as a decimal string`);
const arr = (v: unknown, where: string) => assert.ok(Array.isArray(v), `${where} is a repeated field (an array)`);

function anyValue(v: any, where: string): void {
  assert.ok(v && typeof v === 'object', `${where} is an AnyValue`);
  const keys = Object.keys(v);
  assert.equal(keys.length, 1, `${where}: an AnyValue holds exactly one value`);
  const [k] = keys;
  switch (k) {
    case 'stringValue':
      assert.equal(typeof v.stringValue, 'string');
      break;
    case 'intValue':
      assert.ok(typeof v.intValue === 'string' && /^-?\d+$/.test(v.intValue), `${where}.intValue is an int64 as a decimal string`);
      break;
    case 'boolValue':
      assert.equal(typeof v.boolValue, 'boolean');
      break;
    case 'doubleValue':
      assert.equal(typeof v.doubleValue, 'number');
      break;
    case 'arrayValue':
      only(v.arrayValue, ['values'], where);
      for (const [i, x] of (v.arrayValue.values ?? []).entries()) anyValue(x, `${where}.values[${i}]`);
      break;
    case 'kvlistValue':
      only(v.kvlistValue, ['values'], where);
      for (const [i, x] of (v.kvlistValue.values ?? []).entries()) keyValue(x, `${where}.values[${i}]`);
      break;
    default:
      assert.fail(`${where}: ${k} is not an AnyValue field`);
  }
}
function keyValue(kv: any, where: string): void {
  only(kv, ['key', 'value'], where);
  assert.equal(typeof kv.key, 'string', `${where}.key`);
  anyValue(kv.value, `${where}.value`);
}
function attributes(list: unknown, where: string): void {
  arr(list, where);
  const seen = new Set<string>();
  for (const [i, kv] of (list as any[]).entries()) {
    keyValue(kv, `${where}[${i}]`);
    assert.ok(!seen.has(kv.key), `${where}: attribute keys are unique (${kv.key})`);
    seen.add(kv.key);
  }
}

/** opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest in the OTLP JSON encoding. */
export function checkExportLogsServiceRequest(body: any): void {
  only(body, ['resourceLogs'], 'request');
  arr(body.resourceLogs, 'resourceLogs');
  for (const [i, rl] of body.resourceLogs.entries()) {
    const w = `resourceLogs[${i}]`;
    only(rl, ['resource', 'scopeLogs', 'schemaUrl'], w);
    only(rl.resource, ['attributes', 'droppedAttributesCount'], `${w}.resource`);
    attributes(rl.resource.attributes, `${w}.resource.attributes`);
    arr(rl.scopeLogs, `${w}.scopeLogs`);
    for (const [j, sl] of rl.scopeLogs.entries()) {
      const ws = `${w}.scopeLogs[${j}]`;
      only(sl, ['scope', 'logRecords', 'schemaUrl'], ws);
      only(sl.scope, ['name', 'version', 'attributes', 'droppedAttributesCount'], `${ws}.scope`);
      assert.equal(typeof sl.scope.name, 'string');
      arr(sl.logRecords, `${ws}.logRecords`);
      for (const [k, lr] of sl.logRecords.entries()) {
        const wl = `${ws}.logRecords[${k}]`;
        only(
          lr,
          [
            'timeUnixNano',
            'observedTimeUnixNano',
            'severityNumber',
            'severityText',
            'body',
            'attributes',
            'droppedAttributesCount',
            'flags',
            'traceId',
            'spanId',
            'eventName',
          ],
          wl,
        );
        u64(lr.timeUnixNano, `${wl}.timeUnixNano`);
        u64(lr.observedTimeUnixNano, `${wl}.observedTimeUnixNano`);
        assert.ok(Number.isInteger(lr.severityNumber) && lr.severityNumber >= 0 && lr.severityNumber <= 24, `${wl}.severityNumber`);
        assert.equal(typeof lr.severityText, 'string');
        anyValue(lr.body, `${wl}.body`);
        attributes(lr.attributes, `${wl}.attributes`);
      }
    }
  }
}
