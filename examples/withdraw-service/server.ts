// An example service protected by Mandate: it moves client assets out of custody wallets.
//   POST /withdrawals { client_country, amount, to_verified_client_address }
// A withdrawal to the client's own verified address is the return path (withdraw_to_client),
// which stays open through a withdrawal of the licence and wind-down; to any other address it is
// new business (initiate_transfer), which stops the moment the licence for the client's member
// state is withdrawn. Every decision is taken in-process by the Mandate SDK, which the server
// keeps current over its push stream.
import express from 'express';
import { Enforcer } from '@mandate/sdk';
import { mandateExpress } from '@mandate/sdk/express';

export interface WithdrawServiceOptions {
  mandateUrl: string;
  enforcerToken: string;
  entity?: string;
  port?: number;
  host?: string;
  transport?: 'sse' | 'nats';
  maxStalenessMs?: number;
}

export async function startWithdrawService(o: WithdrawServiceOptions) {
  const enforcer = await Enforcer.connect({
    url: o.mandateUrl,
    apiToken: o.enforcerToken,
    name: 'withdraw-service',
    transport: o.transport ?? 'sse',
    maxStalenessMs: o.maxStalenessMs ?? 5000,
    onError: (err) => console.error(`[mandate] ${err.message}`),
  });
  const entity = o.entity ?? 'ent-de';
  const app = express();
  app.use(express.json({ limit: '16kb' }));

  app.post(
    '/withdrawals',
    (req, res, next) => {
      const b = req.body as { client_country?: unknown; amount?: unknown; to_verified_client_address?: unknown };
      if (
        typeof b.client_country !== 'string' ||
        !/^[A-Z]{2}$/.test(b.client_country) ||
        !Number.isSafeInteger(b.amount) ||
        (b.amount as number) <= 0 ||
        typeof b.to_verified_client_address !== 'boolean'
      ) {
        res
          .status(400)
          .type('application/problem+json')
          .send(
            JSON.stringify({
              type: 'urn:example:bad-request',
              title: 'Bad request',
              status: 400,
              detail: 'send client_country (ISO code), amount (positive integer, minor units) and to_verified_client_address (boolean)',
            }),
          );
        return;
      }
      next();
    },
    mandateExpress(enforcer, {
      action: (req) =>
        (req.body as { to_verified_client_address: boolean }).to_verified_client_address ? 'withdraw_to_client' : 'initiate_transfer',
      resource: (req) => ({
        entity,
        service: 'custody',
        jurisdiction: (req.body as { client_country: string }).client_country,
        kind: 'wallet',
      }),
      // This example trusts the platform's attestation carried in the token and runs on managed hosts.
      context: (req) => ({ device_posture: 'compliant', amount: (req.body as { amount: number }).amount }),
    }),
    (req, res) => {
      const d = req.mandate!.decision;
      const id = `wd_${Math.random().toString(36).slice(2, 10)}`;
      // Obligations are the service's to honour: above the threshold, a second approval first.
      if (d.obligations.some((ob) => ob.type === 'second_approval')) {
        res.status(202).json({ id, status: 'awaiting_second_approval', decided_by: d.policies });
        return;
      }
      res.status(201).json({
        id,
        status: 'submitted',
        action: (req.body as { to_verified_client_address: boolean }).to_verified_client_address
          ? 'withdraw_to_client'
          : 'initiate_transfer',
        decided_by: d.policies,
      });
    },
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', mandate_state_age_ms: enforcer.staleness, seq: enforcer.state.seq });
  });

  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve(s));
  });
  const address = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    enforcer,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await enforcer.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const token = process.env.MANDATE_ENFORCER_TOKEN;
  if (!token) {
    console.error('set MANDATE_ENFORCER_TOKEN to an API token of a user with the enforcer role (see the README)');
    process.exit(2);
  }
  const svc = await startWithdrawService({
    mandateUrl: process.env.MANDATE_URL ?? 'http://127.0.0.1:8080',
    enforcerToken: token,
    port: Number(process.env.PORT ?? 8090),
    transport: process.env.MANDATE_TRANSPORT === 'nats' ? 'nats' : 'sse',
  });
  console.log(`withdraw service listening on ${svc.url} (Mandate state at position ${svc.enforcer.state.seq})`);
}
