// Shared vocabulary of the demo identity catalogue: how each kind of system is revoked, and
// how ids and purposes name entities and member states.
import type { Revocation } from '../core/model.js';
import type { MemberState, MicaService } from '../core/vocabulary.js';
import { ENTITIES, type DemoEntity } from './firm-data.js';

// --- revocation paths: how each kind of system is switched off -------------------------------

export const IAM_HOOK = 'https://iam.internal.example/hooks/revoke';
export const KEYS_HOOK = 'https://keys.internal.example/hooks/revoke';
export const CI_HOOK = 'https://ci.internal.example/hooks/revoke-oidc-trust';
export const AGENTS_HOOK = 'https://agents.internal.example/hooks/revoke';

/** Systems that own a database login: revoke the PostgreSQL role. */
export const pg = (id: string): Revocation => ({ connector: 'postgres', target: id.replace(/-/g, '_') });
/** Low-latency trading components authenticate to Redis with their own ACL user. */
export const redis = (id: string): Revocation => ({ connector: 'redis', target: id });
/** Batch and event-driven components: revoke the RabbitMQ user. */
export const rabbit = (id: string): Revocation => ({ connector: 'rabbitmq', target: id });
export const hook = (url: string): Revocation => ({ connector: 'webhook', target: url });
export const manual = (how: string): Revocation => ({ connector: 'manual', target: how });

// --- naming helpers ------------------------------------------------------------------------

const COUNTRY: Partial<Record<MemberState, string>> = {
  DE: 'Germany',
  IE: 'Ireland',
  FR: 'France',
  NL: 'the Netherlands',
  AT: 'Austria',
  IT: 'Italy',
  ES: 'Spain',
  PL: 'Poland',
  BE: 'Belgium',
  PT: 'Portugal',
  LU: 'Luxembourg',
};
export const country = (j: MemberState): string => COUNTRY[j] ?? j;
/** `ent-de` → `de`: the short form used inside identity ids. */
export const short = (e: DemoEntity): string => e.slice(4);
export const low = (j: MemberState): string => j.toLowerCase();
export const entityName = (e: DemoEntity): string => ENTITIES.find((x) => x.id === e)?.name ?? e;

/** The services trading systems act for; settlement systems settle what these produce, plus transfers. */
export const TRADING_SERVICES: readonly MicaService[] = [
  'trading_platform',
  'exchange_funds',
  'exchange_crypto',
  'execution',
  'reception_transmission',
  'placing',
  'portfolio_management',
];
export const SETTLEMENT_SERVICES: readonly MicaService[] = [
  'trading_platform',
  'exchange_funds',
  'exchange_crypto',
  'execution',
  'transfer',
];
