#!/usr/bin/env node
// The image's HEALTHCHECK: exit 0 when this server's /healthz answers 200 within 2 s, else 1. Over
// HTTPS when the server serves TLS (MANDATE_TLS_CERT_FILE); the certificate names the service, not
// 127.0.0.1, and liveness is all that is asked here, so it is not checked.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const tls = Boolean(process.env.MANDATE_TLS_CERT_FILE);
const port = Number(process.env.MANDATE_PORT ?? 8080);
const get = tls ? httpsGet : httpGet;
const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
