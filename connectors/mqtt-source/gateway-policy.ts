import { ConfigError } from '../../lib/errors.js';

/**
 * Which leaf devices a gateway may publish readings for (inside a JSON array on its own topic).
 * `undefined` config: any gateway for any leaf — Mosquitto's ACL already proved the publisher is
 * the topic's deviceId. A map restricts it: only listed gateways, only leaves matching their
 * patterns (`*` matches any run of characters).
 *
 * @example
 *   const policy = createGatewayPolicy({ 'gw-1': ['leaf-*'] });
 *   policy.mayPublishFor('gw-1', 'leaf-7');  // true
 *   policy.mayPublishFor('dev-2', 'leaf-7'); // false
 */
export interface GatewayPolicy {
  mayPublishFor(gatewayId: string, leafId: string): boolean;
}

export function createGatewayPolicy(config: Record<string, string[]> | undefined, key = 'gateways'): GatewayPolicy {
  if (config === undefined) return { mayPublishFor: () => true };
  const compiled = new Map<string, RegExp[]>();
  for (const [gateway, patterns] of Object.entries(config)) {
    if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string' || p.length === 0))
      throw new ConfigError(`${key}.${gateway}`, 'expected a list of leaf deviceId patterns such as ["leaf-*"]');
    compiled.set(
      gateway,
      patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`)),
    );
  }
  return {
    mayPublishFor(gatewayId, leafId) {
      return (compiled.get(gatewayId) ?? []).some((re) => re.test(leafId));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
