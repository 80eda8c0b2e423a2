// npm run demo:systems: creates the demo's PostgreSQL role, Redis user and RabbitMQ user on the
// local servers (see src/demo/systems.ts) and prints how to start Mandate with its connectors.
import { provisionDemoSystems } from '../src/demo/systems.js';

const postgresUrl = process.env.MANDATE_CONNECTOR_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.MANDATE_CONNECTOR_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logins = await provisionDemoSystems({ postgresUrl, redisUrl, rabbitmqctl: 'rabbitmqctl' });
console.log('Demo logins (throwaway, local only):');
for (const l of logins) console.log(`  ${l.connector.padEnd(8)} user ${l.user.padEnd(22)} password ${l.password}   (${l.identity})`);
console.log(`
Start Mandate with these connectors:
  MANDATE_CONNECTOR_POSTGRES_URL=${postgresUrl} MANDATE_CONNECTOR_REDIS_URL=${redisUrl} MANDATE_CONNECTOR_RABBITMQ_CTL=1 npm start`);
