/**
 * The simulated network behind the flow and DNS logs: five accounts, one VPC each, about 2,000
 * network interfaces (load balancers, web, app, batch, database and cache hosts) with their
 * private addresses and instance ids, plus the public peers they talk to.
 */
import { Prng, weights } from '../prng.js';
import { REGIONS, accounts, privateIp, publicIp } from './world.js';

export type Role = 'lb' | 'web' | 'app' | 'batch' | 'db' | 'cache';

export interface Eni { id: string; ip: string; instanceId: string; role: Role }

export interface Vpc {
  account: string;
  region: string;
  vpcId: string;
  net: number;
  /** The VPC's Amazon DNS resolver (base + 2). */
  resolver: string;
  enis: Eni[];
  byRole: Record<Role, Eni[]>;
}

export interface Network {
  vpcs: Vpc[];
  /** SaaS/API endpoints instances call out to. */
  apis: string[];
  /** S3 and other AWS public endpoints. */
  awsEndpoints: string[];
  /** Offices / VPN egress that administrators use. */
  offices: string[];
}

const ROLES = weights<Role>([['lb', 8], ['web', 15], ['app', 45], ['batch', 10], ['db', 11], ['cache', 11]]);

/** The network for a seed: the flow and DNS generators share it, so their logs describe the same hosts. */
export function networkFor(seed: number): Network {
  return buildNetwork(new Prng(seed ^ 0x0e7), seed);
}

function buildNetwork(rng: Prng, seed: number, nVpcs = 5, enisPerVpc = 400): Network {
  const accts = accounts(seed).slice(0, nVpcs);
  const vpcs = accts.map((account, i): Vpc => {
    const net = 10 + i * 8;
    const byRole: Record<Role, Eni[]> = { lb: [], web: [], app: [], batch: [], db: [], cache: [] };
    const enis: Eni[] = [];
    for (let j = 0; j < enisPerVpc; j++) {
      const role = j < 6 ? (['lb', 'web', 'app', 'batch', 'db', 'cache'] as const)[j] : rng.weighted(ROLES);
      const eni: Eni = { id: `eni-0${rng.hex(16)}`, ip: privateIp(rng, net), instanceId: role === 'lb' ? '' : `i-0${rng.hex(16)}`, role };
      enis.push(eni);
      byRole[role].push(eni);
    }
    return { account, region: i === 0 ? 'us-east-1' : rng.weighted(REGIONS), vpcId: `vpc-0${rng.hex(16)}`, net, resolver: `10.${net}.0.2`, enis, byRole };
  });
  return {
    vpcs,
    apis: Array.from({ length: 3000 }, () => publicIp(rng)),
    awsEndpoints: Array.from({ length: 200 }, () => `52.${rng.range(216, 219)}.${rng.int(256)}.${rng.range(1, 254)}`),
    offices: Array.from({ length: 6 }, () => publicIp(rng)),
  };
}

export function ephemeralPort(rng: Prng): number {
  return rng.range(32768, 60999);
}
