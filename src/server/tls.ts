// TLS for the listener (issue 21): the certificate and key come from files and are reloaded when
// the files change, so a renewed certificate is served without a restart (new connections get it,
// open ones keep theirs). A bad new pair is refused, logged, and the old one kept: the server never
// drops to a broken or missing certificate. With a client CA, the server asks every client for a
// certificate (mutual TLS) without requiring one: the enforcement routes refuse a request without a
// certificate chained to that CA (src/enforcement/routes.ts); other routes do not look.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { type FSWatcher, readFileSync, statSync, watch } from 'node:fs';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { MandateError } from '../core/errors.js';

/** TLS 1.0 and 1.1 are deprecated (RFC 8996). */
export const MIN_TLS_VERSION = 'TLSv1.2';
/** Browsers keep to HTTPS for a year, subdomains included, once they have seen this over TLS. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string | undefined;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The client CA(s), PEM: mutual TLS is on. */
  ca?: Buffer;
  /** The SHA-256 fingerprint of the served (first) certificate, as Node prints it (AA:BB:…). */
  fingerprint: string;
  serial: string;
  validTo: string;
}

const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${field} ${message}`, { field });

function readPem(file: string, field: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw bad(field, `${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}: cannot be read`);
  }
}

/**
 * Reads and checks a certificate (chain, leaf first), its key and the client CA: each parses, the
 * key is the certificate's, and Node accepts the whole as a context. The error names the variable
 * at fault (never the key's content).
 */
export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, 'MANDATE_TLS_CERT_FILE');
  const key = readPem(files.keyFile, 'MANDATE_TLS_KEY_FILE');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw bad('MANDATE_TLS_CERT_FILE', `${files.certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw bad('MANDATE_TLS_KEY_FILE', `${files.keyFile} is not an unencrypted PEM private key: ${(err as Error).message}`);
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw bad('MANDATE_TLS_KEY_FILE', `${files.keyFile} is not the key of the certificate in ${files.certFile}`);
  let ca: Buffer | undefined;
  if (files.clientCaFile) {
    ca = readPem(files.clientCaFile, 'MANDATE_TLS_CLIENT_CA_FILE');
    try {
      new X509Certificate(ca);
    } catch (err) {
      throw bad('MANDATE_TLS_CLIENT_CA_FILE', `${files.clientCaFile} is not a PEM certificate: ${(err as Error).message}`);
    }
  }
  const material: TlsMaterial = {
    cert,
    key,
    ...(ca ? { ca } : {}),
    fingerprint: leaf.fingerprint256,
    serial: leaf.serialNumber,
    validTo: leaf.validTo,
  };
  try {
    createSecureContext(secureContextOptions(material));
  } catch (err) {
    throw bad('MANDATE_TLS_CERT_FILE', `${files.certFile}: TLS refuses this certificate and key: ${(err as Error).message}`);
  }
  return material;
}

function secureContextOptions(m: TlsMaterial): SecureContextOptions {
  return { cert: m.cert, key: m.key, minVersion: MIN_TLS_VERSION, ...(m.ca ? { ca: m.ca } : {}) };
}

/**
 * The HTTPS server's options. With a client CA, a certificate is asked for but not required
 * (rejectUnauthorized false): whether it chained to the CA is `socket.authorized`, which the
 * enforcement routes check; a browser or the CLI without one still connects.
 */
export function httpsOptions(m: TlsMaterial): HttpsServerOptions {
  return { ...secureContextOptions(m), ...(m.ca ? { requestCert: true, rejectUnauthorized: false } : {}) };
}

export interface TlsReloader {
  /** What new connections are served now. */
  readonly current: TlsMaterial;
  /** Reads the files again now (SIGHUP does this): true when the new pair is served. */
  reload(reason: string): boolean;
  close(): void;
}

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Follows the files: fs.watch on their folders (a file replaced by a rename, or a Kubernetes secret
 * whose symlinks are swapped, is seen there and not on the old file), a check of each file's mtime,
 * size and inode every `pollMs` (watching is not reliable on every file system), and SIGHUP. A
 * change reloads after `settleMs`, so a certificate and key written one after the other are read
 * together; a pair that fails is logged once and retried when a file changes again.
 */
export function watchTls(
  server: TlsServer,
  files: TlsFiles,
  initial: TlsMaterial,
  log: Log,
  opts: { pollMs?: number; settleMs?: number; sighup?: boolean } = {},
): TlsReloader {
  const paths = [files.certFile, files.keyFile, ...(files.clientCaFile ? [files.clientCaFile] : [])];
  const stamp = () =>
    paths
      .map((p) => {
        try {
          const s = statSync(p);
          return `${s.mtimeMs}:${s.size}:${s.ino}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  let current = initial;
  let seen = stamp();
  let settle: NodeJS.Timeout | undefined;

  const reload = (reason: string): boolean => {
    seen = stamp();
    try {
      const next = readTlsMaterial(files);
      server.setSecureContext(secureContextOptions(next));
      current = next;
      log.info({ reason, fingerprint: next.fingerprint, serial: next.serial, valid_to: next.validTo }, 'TLS certificate reloaded');
      return true;
    } catch (err) {
      log.error(
        { reason, field: (err as MandateError).field, error: (err as Error).message, fingerprint: current.fingerprint },
        'TLS certificate reload refused: the current certificate is kept',
      );
      return false;
    }
  };
  const check = (reason: string) => {
    if (stamp() !== seen) reload(reason);
  };
  const soon = () => {
    clearTimeout(settle);
    settle = setTimeout(() => check('file changed'), opts.settleMs ?? 250);
    settle.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths.map((p) => dirname(p)))) {
    try {
      const w = watch(dir, { persistent: false }, soon);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // No watching here: the periodic check still sees the change.
    }
  }
  const poll = setInterval(() => check('periodic check'), opts.pollMs ?? 30_000);
  poll.unref();
  const onHup = () => reload('SIGHUP');
  if (opts.sighup ?? true) process.on('SIGHUP', onHup);

  return {
    get current() {
      return current;
    },
    reload,
    close() {
      clearTimeout(settle);
      clearInterval(poll);
      for (const w of watchers) w.close();
      process.off('SIGHUP', onHup);
    },
  };
}
