// The floor: a node:http server that reads each request body and answers a constant
// {"decision":"allow"} without looking at it. What no decision service over Node HTTP and the
// same client can beat. Run as its own process by engines/node-http-floor.ts; prints its port.
import http from 'node:http';

const ANSWER = Buffer.from('{"decision":"allow"}');
const HEADERS = { 'content-type': 'application/json', 'content-length': String(ANSWER.length) };

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, HEADERS).end(ANSWER); // readiness probe
    return;
  }
  // Read the whole body, as a real endpoint must, and do nothing with it.
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => res.writeHead(200, HEADERS).end(ANSWER));
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as import('node:net').AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
