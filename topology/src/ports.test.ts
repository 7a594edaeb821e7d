import {
  checkPorts,
  organizations,
  parseTopologyYaml,
  planPorts,
  PortPlanError,
  orgPortsOf,
  MAX_PORT,
} from './index';

describe('port plan', () => {
  it('lays out the default topology as documented', () => {
    const plan = planPorts(parseTopologyYaml(''));
    const orderer = orgPortsOf(plan, 'OrdererOrg');
    expect(orderer.cas).toEqual({
      tls: { listen: 7000, operations: 7001 },
      root: { listen: 7002, operations: 7003 },
      intermediate: { listen: 7004, operations: 7005 },
    });
    expect(orderer.orderers[0]).toEqual({
      host: 'orderer0.example.com',
      listen: 7010,
      admin: 7011,
      operations: 7012,
    });
    expect(orderer.orderers[2]).toEqual({
      host: 'orderer2.example.com',
      listen: 7030,
      admin: 7031,
      operations: 7032,
    });
    const org1 = orgPortsOf(plan, 'org1');
    expect(org1.cas.intermediate).toEqual({ listen: 7104, operations: 7105 });
    expect(org1.peers[1]).toEqual({
      host: 'peer1.org1.example.com',
      listen: 7120,
      chaincode: 7121,
      operations: 7122,
      chaincodeServer: 7123,
    });
    expect(org1.peers[0]?.chaincodeServer).toBe(7113);
    expect(orgPortsOf(plan, 'Org2').peers[0]?.listen).toBe(7210);
  });

  it('has no collisions and stays in range for the largest topology allowed', () => {
    const orgs = Array.from({ length: 20 }, (_, i) => `{ name: O${i}, mspId: O${i}, peers: 8 }`).join(', ');
    const t = parseTopologyYaml(`portBase: 60000\nordererOrg: { orderers: 7 }\norgs: [${orgs}]\n`);
    const plan = planPorts(t);
    const ports = plan.all.map((a) => a.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.max(...ports)).toBeLessThanOrEqual(MAX_PORT);
    // 6 CA ports per org, 3 per node, 1 chaincode server per peer (20 orgs x 8 peers).
    const nodes = organizations(t).reduce((n, o) => n + o.nodes.length, 0);
    expect(ports).toHaveLength(21 * 6 + nodes * 3 + 20 * 8);
  });

  it('gives every peer, orderer and CA an explicit operations port (never 9443 by default)', () => {
    const plan = planPorts(parseTopologyYaml('ordererOrg: { orderers: 5 }\n'));
    const ops = plan.all.filter((a) => a.role === 'operations');
    // 3 orgs x 3 CAs + 5 orderers + 4 peers.
    expect(ops).toHaveLength(9 + 5 + 4);
    expect(ops.map((a) => a.port)).not.toContain(9443);
  });

  it('is deterministic', () => {
    const t = parseTopologyYaml('portBase: 20000\n');
    expect(planPorts(t)).toEqual(planPorts(t));
  });

  it('names both owners of a collision and any port out of range', () => {
    expect(() =>
      checkPorts([
        { port: 7000, owner: 'a', role: 'listen' },
        { port: 7000, owner: 'b', role: 'operations' },
      ]),
    ).toThrow(new PortPlanError('port plan: port 7000 is assigned twice: a listen and b operations'));
    expect(() => checkPorts([{ port: 65536, owner: 'peer0.x', role: 'listen' }])).toThrow(
      'port plan: peer0.x listen would use port 65536, outside 1..65535; lower portBase',
    );
  });

  it('refuses a plan that would run past 65535', () => {
    const t = parseTopologyYaml('portBase: 65000\n');
    expect(() =>
      planPorts({
        ...t,
        orgs: [...t.orgs, ...t.orgs.map((o) => ({ ...o, name: `${o.name}x`, mspId: `${o.mspId}x` }))].concat(
          Array.from({ length: 3 }, (_, i) => ({ name: `E${i}`, mspId: `E${i}`, peers: 1, users: [] })),
        ),
      }),
    ).toThrow(PortPlanError);
  });
});
