// The SIEM stream (README "The SIEM stream"): the sinks a configuration asks for, and the streamer.
import type { ServerConfig } from '../config.js';
import { MandateError } from '../core/errors.js';
import { otlpSink, parseOtlpHeaders } from './otlp.js';
import { parseFacility } from './rfc5424.js';
import type { SiemSink } from './sink.js';
import { readCa, syslogSink } from './syslog.js';

export { siemStreamer, type SiemStreamer, type SiemStreamerOptions } from './streamer.js';
export type { SiemSink } from './sink.js';

type SiemConfig = Pick<
  ServerConfig,
  'siemSyslog' | 'siemSyslogCaFile' | 'siemSyslogFacility' | 'siemSyslogAppName' | 'siemOtlpUrl' | 'siemOtlpHeaders'
>;

/**
 * The sinks of a configuration (none when no SIEM is configured). Connects to nothing yet; reads
 * the syslog CA file now, so an unreadable one stops the start naming its variable.
 */
export function siemSinksOf(
  config: SiemConfig,
  opts: { onRejected?: (sink: string, rejected: number, message: string) => void } = {},
): SiemSink[] {
  const sinks: SiemSink[] = [];
  if (config.siemSyslog) {
    let ca: Buffer | undefined;
    if (config.siemSyslogCaFile) {
      try {
        ca = readCa(config.siemSyslogCaFile);
      } catch (err) {
        throw new MandateError(
          'VALIDATION_FAILED',
          `bad configuration: MANDATE_SIEM_SYSLOG_CA_FILE ${config.siemSyslogCaFile}: ${(err as Error).message}`,
          { field: 'MANDATE_SIEM_SYSLOG_CA_FILE' },
        );
      }
    }
    sinks.push(
      syslogSink({
        url: config.siemSyslog,
        ...(ca ? { ca } : {}),
        facility: parseFacility(config.siemSyslogFacility) ?? 10,
        appName: config.siemSyslogAppName,
      }),
    );
  }
  if (config.siemOtlpUrl) {
    const headers = config.siemOtlpHeaders ? parseOtlpHeaders(config.siemOtlpHeaders) : {};
    sinks.push(
      otlpSink({
        url: config.siemOtlpUrl,
        ...('error' in headers ? {} : { headers }),
        onRejected: (n, message) => opts.onRejected?.('otlp', n, message),
      }),
    );
  }
  return sinks;
}
