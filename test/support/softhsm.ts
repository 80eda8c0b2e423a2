// A SoftHSM2 token of a test's own, in a temp dir: SOFTHSM2_CONF points at it (SoftHSM reads it at
// C_Initialize), so tests of keys in an HSM never share a token or touch the machine's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinFrom, pkcs11KeyStore, type Pkcs11KeyStore } from '../../src/keys/pkcs11.js';

/** Debian's SoftHSM2 PKCS#11 module (.ci/run installs softhsm2). */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export function softhsm(label = 'mandate') {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-hsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const pin = '246810';
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', '13579'], { stdio: 'ignore' });
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return {
    dir,
    conf,
    label,
    pin,
    pinFile,
    /** A key store on this token: the PIN from its file, or the one given; another module path to fail loading. */
    store: (over: { pin?: string; module?: string } = {}): Pkcs11KeyStore =>
      pkcs11KeyStore({
        module: over.module ?? SOFTHSM_MODULE,
        token: label,
        pin: over.pin ? () => over.pin! : pinFrom(undefined, pinFile),
      }),
    /** pkcs11-tool (OpenSC), another process: the token's objects as it lists them. */
    listObjects: () =>
      execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin, '--list-objects'], {
        encoding: 'utf8',
        env: { ...process.env, SOFTHSM2_CONF: conf },
      }),
    deleteToken: () => execFileSync('softhsm2-util', ['--delete-token', '--token', label], { stdio: 'ignore' }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
