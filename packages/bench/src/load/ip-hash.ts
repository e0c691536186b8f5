/**
 * Which upstream nginx's `ip_hash` picks for a client address, so the load generator can bind
 * each client to a local address (127.0.x.1) that lands on the upstream it wants: a fan-out of
 * 500 receivers is then split exactly 250/250 over two gateways instead of however the hash falls.
 */

/**
 * nginx's ip_hash (ngx_http_upstream_ip_hash_module.c) for equal-weight peers that are all up:
 * hash = 89, then hash = (hash × 113 + octet) mod 6271 over the first three octets; peer = hash
 * mod the total weight. Peers are numbered in the order of their `server` lines.
 */
export function ipHashPeer(address: string, peers: number): number {
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255))
    throw new Error(`not an IPv4 address: ${address}`);
  let hash = 89;
  for (const octet of octets.slice(0, 3)) hash = (hash * 113 + octet) % 6271;
  return hash % peers;
}

/**
 * Local addresses 127.0.x.1 interleaved by peer: entry i lands on peer i mod `peers`. Each peer
 * gets `perPeer` addresses, so per-address limits (nginx limit_conn, the gateways' handshake
 * limit) see only 1/(peers × perPeer) of the clients.
 */
export function balancedAddresses(peers: number, perPeer = 32): string[] {
  const byPeer: string[][] = Array.from({ length: peers }, () => []);
  for (let third = 1; third <= 254; third++) {
    const address = `127.0.${third}.1`;
    const list = byPeer[ipHashPeer(address, peers)]!;
    if (list.length < perPeer) list.push(address);
  }
  const count = Math.min(...byPeer.map((l) => l.length));
  if (count === 0) throw new Error(`no 127.0.x.1 address lands on every one of ${peers} peers`);
  const out: string[] = [];
  for (let i = 0; i < count; i++) for (const list of byPeer) out.push(list[i]!);
  return out;
}
