import { ConfigError } from '../../lib/errors.js';

/**
 * Which leaf devices a gateway may publish readings for (inside a JSON array on its own topic).
 * Only the listed gateways, only for leaves matching their patterns. Nobody else speaks for another
 * device: Mosquitto's ACL proved the publisher is the topic's deviceId, and a payload must not undo
 * that (no config: no gateways).
 *
 * Keys are gateway deviceIds or patterns; `*` matches any run of characters, and `{gateway}` in a
 * leaf pattern stands for the gateway's own deviceId.
 *
 * @example
 *   const policy = createGatewayPolicy({ 'gw-1': ['leaf-*'], 'sim-gw-*': ['{gateway}.*'] });
 *   policy.mayPublishFor('gw-1', 'leaf-7');           // true
 *   policy.mayPublishFor('sim-gw-00003', 'sim-gw-00003.07'); // true
 *   policy.mayPublishFor('dev-2', 'leaf-7');          // false
 */
export interface GatewayPolicy {
  mayPublishFor(gatewayId: string, leafId: string): boolean;
}

interface Rule {
  gateway: RegExp;
  leaves: string[];
}

export function createGatewayPolicy(config: Record<string, string[]> = {}, key = 'gateways'): GatewayPolicy {
  const rules: Rule[] = [];
  for (const [gateway, patterns] of Object.entries(config)) {
    if (
      !Array.isArray(patterns) ||
      patterns.length === 0 ||
      patterns.some((p) => typeof p !== 'string' || p.length === 0)
    )
      throw new ConfigError(`${key}.${gateway}`, 'expected a list of leaf deviceId patterns such as ["leaf-*"]');
    rules.push({ gateway: globToRegExp(gateway), leaves: patterns });
  }
  // Decisions repeat (one per reading of a batch): remember them, bounded.
  const cache = new Map<string, boolean>();
  const decide = (gatewayId: string, leafId: string): boolean =>
    rules.some(
      (rule) =>
        rule.gateway.test(gatewayId) &&
        rule.leaves.some((p) => globToRegExp(p.replaceAll('{gateway}', gatewayId)).test(leafId)),
    );
  return {
    mayPublishFor(gatewayId, leafId) {
      if (rules.length === 0) return false;
      const k = `${gatewayId}\u0000${leafId}`;
      let allowed = cache.get(k);
      if (allowed === undefined) {
        allowed = decide(gatewayId, leafId);
        if (cache.size >= 100_000) cache.clear();
        cache.set(k, allowed);
      }
      return allowed;
    },
  };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the registry-backed policy reads of the device registry (lib/devices/registry's view). */
export interface GatewayLeavesSource {
  get(deviceId: string): { gatewayLeaves: readonly string[] } | undefined;
  onChange(listener: (change: { deviceId: string }) => void): () => void;
}

/**
 * The YAML policy plus the device registry: a gateway may also publish for the leaves its registry
 * record lists (`gatewayLeaves`: ids or patterns, `{gateway}` = its own id). Read live: a record
 * written while the connector runs applies to the next message (its compiled patterns are dropped
 * on each change of that gateway).
 *
 * @example
 *   const policy = withRegistryLeaves(createGatewayPolicy(options.gateways), view);
 */
export function withRegistryLeaves(base: GatewayPolicy, registry: GatewayLeavesSource): GatewayPolicy {
  const compiled = new Map<string, RegExp[]>();
  registry.onChange(({ deviceId }) => compiled.delete(deviceId));
  const leavesOf = (gatewayId: string): RegExp[] => {
    let patterns = compiled.get(gatewayId);
    if (!patterns) {
      patterns = (registry.get(gatewayId)?.gatewayLeaves ?? []).map((p) =>
        globToRegExp(p.replaceAll('{gateway}', gatewayId)),
      );
      if (compiled.size >= 100_000) compiled.clear();
      compiled.set(gatewayId, patterns);
    }
    return patterns;
  };
  return {
    mayPublishFor: (gatewayId, leafId) =>
      base.mayPublishFor(gatewayId, leafId) || leavesOf(gatewayId).some((p) => p.test(leafId)),
  };
}
