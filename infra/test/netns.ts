import { execFileSync } from 'node:child_process';

/**
 * Hosts on one machine: a Linux bridge in the root network namespace (the "control node", with
 * the bridge's address) and one network namespace per host, each joined to the bridge by a veth
 * pair with an address of its own. Cutting a host takes its end of the cable down on the bridge
 * side: its packets go nowhere (nothing is reset), as when a switch port dies. Needs root and
 * iproute2 (`ip netns`, veth, bridge).
 */
export interface TestNetwork {
  /** The control node's address on the bridge (where a host reaches the control plane). */
  readonly controlIp: string;
  host(name: string): { ns: string; ip: string };
  /** Takes the host's link down: nothing it sends arrives, nothing reaches it. */
  cut(name: string): void;
  restore(name: string): void;
  /** Removes the namespaces and links (also after a failure; safe to call twice). */
  destroy(): void;
}

const PREFIX = 'hrt';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Whether this machine lets the test make namespaces (root, iproute2), and why not. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (ip netns add)';
  try {
    ip('netns', 'list');
    return undefined;
  } catch (err) {
    return `ip netns does not work here: ${String(err)}`;
  }
}

/** Namespaces and links left by a run that died before its cleanup (the prefix is this test's own). */
export function removeLeftovers(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const ns = line.split(' ')[0];
    if (ns?.startsWith(`${PREFIX}-`)) ip('netns', 'delete', ns);
  }
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (name?.startsWith(PREFIX)) ip('link', 'delete', name);
  }
}

/** A /24 of the 10.0.0.0/8 private range not routed on this machine. */
function freeSubnet(): string {
  const routes = ip('-4', 'route', 'show');
  for (let tries = 0; tries < 100; tries++) {
    const net = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
    if (!routes.includes(`${net}.`)) return net;
  }
  throw new Error('no free 10.x.y.0/24 for the test network');
}

export function createTestNetwork(hostNames: readonly string[]): TestNetwork {
  const tag = (process.pid % 46656).toString(36); // ≤ 3 characters: link names stay under 16
  const net = freeSubnet();
  const bridge = `${PREFIX}${tag}br`;
  const hosts = new Map(
    hostNames.map((name, i) => [
      name,
      { ns: `${PREFIX}-${tag}-${name}`, ip: `${net}.${i + 2}`, link: `${PREFIX}${tag}${i}` },
    ]),
  );
  const network: TestNetwork = {
    controlIp: `${net}.1`,
    host(name) {
      const h = hosts.get(name);
      if (!h) throw new Error(`no host ${name} in the test network`);
      return { ns: h.ns, ip: h.ip };
    },
    cut: (name) => void ip('link', 'set', hosts.get(name)!.link, 'down'),
    restore: (name) => void ip('link', 'set', hosts.get(name)!.link, 'up'),
    destroy() {
      for (const h of hosts.values()) {
        try {
          ip('netns', 'delete', h.ns);
        } catch {
          // already gone
        }
      }
      try {
        ip('link', 'delete', bridge);
      } catch {
        // already gone
      }
    },
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${network.controlIp}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (const h of hosts.values()) {
      ip('netns', 'add', h.ns);
      ip('link', 'add', h.link, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns);
      ip('link', 'set', h.link, 'master', bridge);
      ip('link', 'set', h.link, 'up');
      ip('-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0');
      ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
      ip('-n', h.ns, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    network.destroy();
    throw err;
  }
  return network;
}

/**
 * The command line that runs `argv` on a host: in its namespace, with a hostname of its own
 * (a UTS namespace), as a process on another machine would see itself.
 */
export function onHost(network: TestNetwork, name: string, argv: string[]): string[] {
  return [
    'netns',
    'exec',
    network.host(name).ns,
    'unshare',
    '--uts',
    '--',
    'sh',
    '-c',
    'hostname "$0" && exec "$@"',
    name,
    ...argv,
  ];
}
