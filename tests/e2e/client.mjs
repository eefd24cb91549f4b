// The official SDK's webhook client (B24Hook) pointed at a local imhub over https, unchanged: the
// server is started with `https: true` (tls.listen with the certificate of the data directory's
// local CA, made by `imhub init`), and this process trusts DATA/ca.pem. Users do that with
// NODE_EXTRA_CA_CERTS=DATA/ca.pem; Node reads that variable only at start, before this test has
// created the data directory, so the test adds the CA to the default HTTPS agent (which the SDK's
// axios uses) instead, with the same effect.
//
// One adaptation, read from the pinned SDK's source (node_modules/@bitrix24/b24jssdk/dist/esm):
//  - The SDK throttles itself like a portal on a regular plan; setRestrictionManagerParams()
//    replaces the whole config, so the full object is given with the limits lifted, and a failure
//    surfaces at once instead of after SDK back-off.
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { B24Hook, ParamsFactory, LoggerFactory, LogLevel } from '@bitrix24/b24jssdk';

// What NODE_EXTRA_CA_CERTS=<caFile> does, for a CA created after this process started: the default
// HTTPS agent (which the SDK's axios uses) trusts the system roots and this CA.
const trusted = new Set();
export function trustCa(caFile) {
  trusted.add(readFileSync(caFile, 'utf8'));
  https.globalAgent = new https.Agent({ keepAlive: true, ca: [...tls.rootCertificates, ...trusted] });
}

// The SDK throttles itself like a portal on a regular plan; setRestrictionManagerParams() replaces
// the whole config, so the full object is given with the limits lifted, and a failure surfaces at
// once instead of after SDK back-off.
export async function unthrottle(b24) {
  await b24.setRestrictionManagerParams({
    ...ParamsFactory.getDefault(),
    rateLimit: { burstLimit: 1_000_000, drainRate: 1_000_000, adaptiveEnabled: false },
    operatingLimit: { windowMs: 600_000, limitMs: 1_000_000_000, heavyPercent: 100 },
    adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
    maxRetries: 1,
    retryDelay: 0,
    retryOnNetworkError: false,
  });
}

export async function makeClient(srv, webhook = srv.webhook) {
  if (!srv.httpsBase) throw new Error('start the server with { https: true }');
  if (process.env.NODE_EXTRA_CA_CERTS !== srv.caFile) trustCa(srv.caFile);
  const hook = B24Hook.fromWebhookUrl(`${srv.httpsBase}${webhook}`.replace(/\/$/, ''));
  await unthrottle(hook);
  // The deprecated v2 helpers print a deprecation warning per call through the logger; keep only errors.
  hook.setLogger(LoggerFactory.createForBrowserProduction('imhub-e2e', LogLevel.ERROR));
  return hook;
}
