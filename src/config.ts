// Server configuration: one schema, read once at start from flags and the environment, frozen.
// The process refuses to start on a bad value rather than run half-configured.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError } from './core/errors.js';
import { ajvIssues, compileBody } from './core/schema.js';

export const ServerConfig = Type.Object(
  {
    db: Type.String({ minLength: 1, maxLength: 2000, description: 'sqlite:PATH or postgres://user@host:port/db' }),
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    demo: Type.Boolean(),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    bootstrapToken: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type ServerConfig = Readonly<Static<typeof ServerConfig>>;

export const DEFAULT_DB = 'sqlite:./data/mandate.db';

export function loadServerConfig(
  flags: { db?: string; host?: string; port?: string; demo?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const raw = {
    db: flags.db ?? env.MANDATE_DB ?? DEFAULT_DB,
    host: flags.host ?? env.MANDATE_HOST ?? '127.0.0.1',
    port: Number(flags.port ?? env.MANDATE_PORT ?? 8080),
    demo: flags.demo ?? false,
    logLevel: env.MANDATE_LOG_LEVEL ?? 'info',
    ...(env.MANDATE_BOOTSTRAP_TOKEN ? { bootstrapToken: env.MANDATE_BOOTSTRAP_TOKEN } : {}),
  };
  const validate = compileBody(ServerConfig);
  if (!validate(raw)) {
    const issues = ajvIssues(validate.errors);
    throw new MandateError('VALIDATION_FAILED', `bad configuration: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, { issues });
  }
  return Object.freeze(raw as ServerConfig);
}
