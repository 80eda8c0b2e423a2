// CLI for the token service, the decision point and the firm's Cedar policies:
//   mandate token exchange | token introspect | token revoke
//   mandate decide
//   mandate policy show | schema | validate | test | push
//   mandate issuers add | list ; mandate credentials add | list | revoke ; mandate identities revoke-tokens
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, type BodyFor, type Client } from './client.js';
import { runPolicyTests } from './policy-testing.js';

type ClientOf = (cmd: Command) => { client: Client; json: boolean };

/** A value given inline, as @file, or - for standard input. */
function argumentValue(v: string, what: string): string {
  try {
    if (v === '-') return readFileSync(0, 'utf8').trim();
    if (v.startsWith('@')) return readFileSync(v.slice(1), 'utf8').trim();
  } catch (err) {
    throw new CliError(`cannot read ${what} from ${v}: ${(err as Error).message}`, 2);
  }
  return v;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 2);
  }
}

/**
 * The context facts a token carries (attestation, session purpose, environment): for a token
 * principal only the ones given on the command line are sent, and the decision point takes the
 * rest from the token (a given one that differs from the token is a deny). For an identity or a
 * person, all three, defaults included.
 */
function contextOf(o: Record<string, unknown>, cmd: Command, token: boolean): Record<string, unknown> {
  const given = (name: string) => !token || cmd.getOptionValueSource(name) !== 'default';
  return {
    ...(given('attested') ? { attested: Boolean(o.attested) } : {}),
    ...(given('purpose') ? { session_purpose: o.purpose } : {}),
    ...(given('environment') ? { environment: o.environment } : {}),
  };
}

/** Exit status of `mandate decide` when the answer is deny (0 is allow), so scripts can branch on it. */
export const DENY_EXIT = 4;

export function registerEnforcementCommands(program: Command, clientOf: ClientOf, print: (s: string) => void): void {
  const token = program.command('token').description('short-lived Mandate access tokens for workloads');
  token
    .command('exchange')
    .description('exchange a workload proof for a Mandate access token (RFC 8693 / RFC 7523 / legacy secret)')
    .option('--subject-token <jwt>', "the workload's OIDC token (inline, @file or -)")
    .option('--assertion <jwt>', 'a JWT signed with the identity’s registered key (RFC 7523)')
    .option('--client-id <identity>', 'legacy static secret: the identity (the secret comes from MANDATE_CLIENT_SECRET)')
    .option('--identity <id>', 'the identity expected')
    .option('--purpose <text>', 'the session purpose to declare')
    .option('--environment <env>', 'production | staging | development')
    .option('--audience <aud>', 'the service the token is for')
    .option('--raw', 'print only the access token')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const form = new URLSearchParams();
      const given = [o.subjectToken, o.assertion, o.clientId].filter(Boolean).length;
      if (given !== 1) throw new CliError('give exactly one of --subject-token, --assertion or --client-id', 2);
      if (o.subjectToken) {
        form.set('grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange');
        form.set('subject_token', argumentValue(String(o.subjectToken), '--subject-token'));
        form.set('subject_token_type', 'urn:ietf:params:oauth:token-type:jwt');
      } else if (o.assertion) {
        form.set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
        form.set('assertion', argumentValue(String(o.assertion), '--assertion'));
      } else {
        const secret = process.env.MANDATE_CLIENT_SECRET;
        if (!secret) throw new CliError('set MANDATE_CLIENT_SECRET (a secret on the command line would end up in the shell history)', 2);
        form.set('grant_type', 'client_credentials');
        form.set('client_id', String(o.clientId));
        form.set('client_secret', secret);
      }
      for (const k of ['identity', 'purpose', 'environment', 'audience'] as const) if (o[k]) form.set(k, String(o[k]));
      const { body } = await client.request<{ access_token: string; expires_in: number; scope: string }>('POST', '/v1/token', {
        raw: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
        anonymous: true,
      });
      print(
        o.raw
          ? body.access_token
          : json
            ? JSON.stringify(body, null, 2)
            : `${body.access_token}\n(expires in ${body.expires_in} s; scope: ${body.scope || '(none)'})`,
      );
    });
  token
    .command('introspect <token>')
    .description('RFC 7662 introspection (needs the enforcer or admin role)')
    .action(async (t: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.request('POST', '/v1/introspect', {
        raw: new URLSearchParams({ token: argumentValue(t, 'token') }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
      print(JSON.stringify(body, null, 2));
    });
  token
    .command('revoke <token>')
    .description('RFC 7009 revocation of one token')
    .action(async (t: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      await client.request('POST', '/v1/revoke', {
        raw: new URLSearchParams({ token: argumentValue(t, 'token') }).toString(),
        contentType: 'application/x-www-form-urlencoded',
        anonymous: true,
      });
      print('revoked (if it was a valid Mandate token)');
    });

  program
    .command('decide')
    .description(`ask the decision point; exits 0 on allow, ${DENY_EXIT} on deny`)
    .option('--identity <id>', 'principal: an identity')
    .option('--person <id>', 'principal: a person')
    .option('--principal-token <jwt>', 'principal: a Mandate access token (inline, @file or -)')
    .requiredOption('--action <action>', 'e.g. initiate_transfer')
    .requiredOption('--entity <id>', 'the legal entity acted for')
    .requiredOption('--service <service>', 'the MiCA service, e.g. custody')
    .requiredOption('--jurisdiction <cc>', 'the member state, e.g. DE')
    .option('--kind <kind>', 'what is acted on, e.g. wallet')
    .option('--resource-id <id>', 'which one')
    .option('--attested', 'the workload attestation passed (with --principal-token: left out, the token says)', false)
    .option('--device <posture>', 'compliant | non_compliant | unknown', 'unknown')
    .option('--purpose <text>', 'session purpose (with --principal-token: left out, the token says)', 'cli')
    .option('--environment <env>', 'production | staging | development (with --principal-token: left out, the token says)', 'production')
    .option('--amount <n>', 'amount in minor units')
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const principals = [
        o.identity && { identity: o.identity },
        o.person && { person: o.person },
        o.principalToken && { token: argumentValue(String(o.principalToken), '--principal-token') },
      ].filter(Boolean);
      if (principals.length !== 1) throw new CliError('give exactly one of --identity, --person or --principal-token', 2);
      let amount: number | undefined;
      if (o.amount !== undefined) {
        amount = Number(o.amount);
        if (!Number.isSafeInteger(amount) || amount < 0) throw new CliError(`--amount must be a whole number ≥ 0, not ${o.amount}`, 2);
      }
      const { body } = await client.call('POST', '/v1/decisions', {
        body: {
          // One principal, and the required options are there (commander checked them above).
          principal: principals[0] as { identity: string } | { person: string } | { token: string },
          action: o.action as string,
          resource: {
            entity: o.entity as string,
            service: o.service as string,
            jurisdiction: o.jurisdiction as string,
            ...(o.kind ? { kind: String(o.kind) } : {}),
            ...(o.resourceId ? { id: String(o.resourceId) } : {}),
          },
          context: {
            ...contextOf(o, cmd, Boolean(o.principalToken)),
            device_posture: o.device as string,
            ...(amount !== undefined ? { amount } : {}),
          },
        },
      });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : [
              `${body.decision.toUpperCase()}`,
              ...body.reasons.map((r) => `  because ${r}`),
              `  policies: ${body.policies.join(', ') || '(none)'}`,
              ...(body.obligations.length ? [`  obligations: ${body.obligations.map((ob) => ob.type).join(', ')}`] : []),
            ].join('\n'),
      );
      if (body.decision !== 'allow') throw new CliError('denied', DENY_EXIT);
    });

  const policy = program.command('policy').description("the firm's Cedar policies");
  policy
    .command('show')
    .description('the policy set in force')
    .action(async (_o: unknown, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/policies');
      print(
        json ? JSON.stringify(body, null, 2) : `version ${body.version} (${body.digest})\npolicies: ${body.ids.join(', ')}\n\n${body.text}`,
      );
    });
  policy
    .command('schema')
    .description('the Cedar schema policies are validated against')
    .option('--format <f>', 'text | json', 'text')
    .action(async (o: { format: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/policies/schema');
      print(o.format === 'json' ? JSON.stringify(body.json, null, 2) : body.text);
    });
  policy
    .command('validate <file>')
    .description('validate Cedar policies against the server’s schema')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/policies/validate', { body: { text: readText(file) } });
      print(`valid: ${body.ids.length} policies (${body.ids.join(', ')})`);
    });
  policy
    .command('test <file>')
    .description(
      'run policy tests locally: each case through the compiled engine and, for the Cedar part, through cedar-wasm; they must agree',
    )
    .requiredOption('--tests <file>', 'the test cases (YAML or JSON)')
    .action(async (file: string, o: { tests: string }, cmd: Command) => {
      const { json } = clientOf(cmd);
      const report = await runPolicyTests(readText(file), readText(o.tests));
      if (json) print(JSON.stringify(report, null, 2));
      else {
        for (const c of report.cases) print(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : `: ${c.problem}`}`);
        print(`${report.passed} passed, ${report.failed} failed`);
      }
      if (report.failed) throw new CliError(`${report.failed} policy test(s) failed`, 1);
    });
  policy
    .command('push <file>')
    .description('ask to publish a new version of the policies (validated now; published once an approver approves)')
    .option('--if-version <n>', 'only if the version in force is this one')
    .action(async (file: string, o: { ifVersion?: string }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/policies', {
        body: { text: readText(file) },
        ...(o.ifVersion ? { headers: { 'if-match': `"${o.ifVersion}"` } } : {}),
      });
      print(
        json
          ? JSON.stringify(body, null, 2)
          : `change ${body.id} on top of version ${body.base_version} waits for ` +
              (body.approval ? `${body.approval.required} approval(s): mandate approvals approve ${body.approval.id}` : 'approval'),
      );
    });

  const issuers = program.command('issuers').description('OIDC issuers whose workload tokens Mandate trusts');
  issuers
    .command('add <file>')
    .description('trust an issuer (JSON: id, issuer, audience, jwks or jwks_uri, …)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      let doc: unknown;
      try {
        doc = JSON.parse(readText(file));
      } catch (err) {
        throw new CliError(`${file} is not JSON: ${(err as Error).message}`, 2);
      }
      // As the file says: the server checks it.
      const { body } = await client.call('POST', '/v1/issuers', { body: doc as BodyFor<'POST', '/v1/issuers'> });
      print(`trusting ${body.issuer} as ${body.id}`);
    });
  issuers
    .command('list')
    .description('trusted issuers')
    .action(async (_o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/issuers');
      print(JSON.stringify(body.items, null, 2));
    });

  const credentials = program.command('credentials').description('how identities prove themselves');
  credentials
    .command('add <identity>')
    .description('bind an OIDC workload subject, register a public key, or (legacy only) issue a static secret')
    .option('--issuer <id>', 'trusted issuer id (with --subject)')
    .option('--subject <sub>', 'the workload’s subject at that issuer')
    .option('--jwk <file>', 'a public JWK (JSON)')
    .option('--static-secret', 'legacy identities only: answer a new secret, once')
    .action(async (identity: string, o: { issuer?: string; subject?: string; jwk?: string; staticSecret?: boolean }, cmd: Command) => {
      const { client, json } = clientOf(cmd);
      // The JWK as its file says: the server checks it.
      let body: BodyFor<'POST', '/v1/identities/{id}/credentials'>;
      if (o.issuer && o.subject) body = { type: 'oidc', issuer: o.issuer, subject: o.subject };
      else if (o.jwk) {
        try {
          body = { type: 'jwk', jwk: JSON.parse(readText(o.jwk)) };
        } catch (err) {
          throw new CliError(`${o.jwk} is not JSON: ${(err as Error).message}`, 2);
        }
      } else if (o.staticSecret) body = { type: 'static_secret' };
      else throw new CliError('give --issuer and --subject, or --jwk, or --static-secret', 2);
      const { body: cred } = await client.call('POST', '/v1/identities/{id}/credentials', { path: { id: identity }, body });
      print(
        json
          ? JSON.stringify(cred, null, 2)
          : `${cred.type} credential ${cred.id} registered for ${identity}` +
              `${cred.secret ? `\nsecret (shown once, store it now): ${cred.secret}` : ''}`,
      );
    });
  credentials
    .command('list <identity>')
    .description('an identity’s credentials')
    .action(async (identity: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.call('GET', '/v1/identities/{id}/credentials', { path: { id: identity } });
      print(JSON.stringify(body.items, null, 2));
    });
  credentials
    .command('revoke <identity> <credential>')
    .description('revoke a credential and every token it produced')
    .action(async (identity: string, credential: string, _o: unknown, cmd: Command) => {
      const { client } = clientOf(cmd);
      await client.call('POST', '/v1/identities/{id}/credentials/{credential}/revoke', { path: { id: identity, credential } });
      print(`credential ${credential} of ${identity} revoked`);
    });
  credentials
    .command('revoke-tokens <identity>')
    .description('revoke every token the identity holds')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(async (identity: string, o: { reason: string }, cmd: Command) => {
      const { client } = clientOf(cmd);
      const { body } = await client.call('POST', '/v1/identities/{id}/revoke-tokens', {
        path: { id: identity },
        body: { reason: o.reason },
      });
      print(`every token of ${identity} is revoked (generation ${body.generation})`);
    });
}
