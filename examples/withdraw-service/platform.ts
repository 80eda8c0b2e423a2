// A stand-in for a workload platform (a Kubernetes API server issuing projected service-account
// tokens, or a CI system's OIDC provider), so the example runs on one machine. It keeps an
// Ed25519 key in .platform-key.json (owner-only) and:
//   platform.ts issuer            prints the trusted-issuer document for `mandate issuers add`
//   platform.ts token <subject>   prints a 10-minute OIDC token for that workload subject
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export const PLATFORM_ISSUER = 'https://k8s.demo.example';
export const PLATFORM_AUDIENCE = 'mandate';
const KEY_FILE = new URL('./.platform-key.json', import.meta.url);

export async function platformKey(file: URL = KEY_FILE): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `platform-${Date.now().toString(36)}`;
  const key = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' },
  };
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

export function issuerDocument(publicJwk: JWK): object {
  return {
    id: 'demo-k8s',
    issuer: PLATFORM_ISSUER,
    audience: PLATFORM_AUDIENCE,
    jwks: { keys: [publicJwk] },
    algorithms: ['EdDSA'],
    max_token_age_s: 3600,
  };
}

export async function workloadToken(privateJwk: JWK, subject: string, ttlS = 600): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'kubernetes.io': { namespace: subject.split(':')[2] ?? 'default' } })
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid!, typ: 'JWT' })
    .setIssuer(PLATFORM_ISSUER)
    .setAudience(PLATFORM_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ttlS)
    .setJti(crypto.randomUUID())
    .sign(key);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, subject] = process.argv.slice(2);
  const key = await platformKey();
  if (cmd === 'issuer') console.log(JSON.stringify(issuerDocument(key.publicJwk), null, 2));
  else if (cmd === 'token' && subject) console.log(await workloadToken(key.privateJwk, subject));
  else {
    console.error('usage: platform.ts issuer | platform.ts token <subject>');
    process.exit(2);
  }
}
