// The official SDK's webhook client (B24Hook) pointed at a local imhub. Two adaptations, both on
// the client side and both read from the pinned SDK's source (node_modules/@bitrix24/b24jssdk/dist/esm):
//  - B24Hook only builds https:// URLs (hook/auth.mjs hard-codes `https://${domain}/rest`, and
//    fromWebhookUrl() rejects anything else), so an axios request interceptor on
//    getHttpClient(version).ajaxClient rewrites every request URL to http://.
//  - The SDK throttles itself like a portal on a regular plan; setRestrictionManagerParams()
//    replaces the whole config, so the full object is given with the limits lifted, and a failure
//    surfaces at once instead of after SDK back-off.
import { B24Hook, ApiVersion, ParamsFactory, LoggerFactory, LogLevel } from '@bitrix24/b24jssdk';

export async function makeClient(srv, webhook = srv.webhook) {
  const url = `https://127.0.0.1:${srv.port}${webhook}`.replace(/\/$/, '');
  const hook = B24Hook.fromWebhookUrl(url);
  for (const version of [ApiVersion.v2, ApiVersion.v3]) {
    hook.getHttpClient(version).ajaxClient.interceptors.request.use((config) => {
      if (typeof config.url === 'string') config.url = config.url.replace(/^https:\/\//, 'http://');
      if (typeof config.baseURL === 'string') config.baseURL = config.baseURL.replace(/^https:\/\//, 'http://');
      return config;
    });
  }
  await hook.setRestrictionManagerParams({
    ...ParamsFactory.getDefault(),
    rateLimit: { burstLimit: 1_000_000, drainRate: 1_000_000, adaptiveEnabled: false },
    operatingLimit: { windowMs: 600_000, limitMs: 1_000_000_000, heavyPercent: 100 },
    adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
    maxRetries: 1,
    retryDelay: 0,
    retryOnNetworkError: false,
  });
  // The deprecated v2 helpers print a deprecation warning per call through the logger; keep only errors.
  hook.setLogger(LoggerFactory.createForBrowserProduction('imhub-e2e', LogLevel.ERROR));
  return hook;
}
