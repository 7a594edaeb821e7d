import { namesHost, peerIndexOf, planPeerAdd, PeerAddError, resolvePeerHost, shortHost } from './names';

describe('peer names', () => {
  const hosts = ['peer0.org1.example.com', 'peer1.org1.example.com', 'peer0.org2.example.com'];

  it('accepts the full host or the short form, in any case', () => {
    expect(shortHost('peer0.org1.example.com')).toBe('peer0.org1');
    expect(namesHost('peer0.org1.example.com', 'Peer0.Org1')).toBe(true);
    expect(resolvePeerHost(hosts, 'peer1.org1')).toBe('peer1.org1.example.com');
    expect(resolvePeerHost(hosts, 'peer0.org2.example.com')).toBe('peer0.org2.example.com');
    expect(() => resolvePeerHost(hosts, 'peer3.org1')).toThrow(
      'no peer named "peer3.org1" in the topology; peers: peer0.org1, peer1.org1, peer0.org2',
    );
  });

  it('reads --peer as peerN or a host of the org', () => {
    expect(peerIndexOf('peer2', 'org1.example.com')).toBe(2);
    expect(peerIndexOf('peer2.org1.example.com', 'org1.example.com')).toBe(2);
    expect(peerIndexOf('peer2.org1', 'org1.example.com')).toBe(2);
    expect(() => peerIndexOf('peer2.org2.example.com', 'org1.example.com')).toThrow(PeerAddError);
    expect(() => peerIndexOf('orderer1', 'org1.example.com')).toThrow(/expected a peer name/);
  });
});

describe('planPeerAdd', () => {
  it('adds the next peer when every peer has joined', () => {
    expect(planPeerAdd('Org1', [true], 8)).toEqual({ index: 1, addToTopology: true, why: 'next' });
  });

  it('finishes a peer of the topology that has not joined instead of adding another', () => {
    expect(planPeerAdd('Org1', [true, false], 8)).toEqual({
      index: 1,
      addToTopology: false,
      why: 'unfinished',
    });
  });

  it('adds or finishes a named peer, and refuses a gap', () => {
    expect(planPeerAdd('Org1', [true, true], 8, 1)).toEqual({ index: 1, addToTopology: false, why: 'named' });
    expect(planPeerAdd('Org1', [true], 8, 1)).toEqual({ index: 1, addToTopology: true, why: 'named' });
    expect(() => planPeerAdd('Org1', [true], 8, 3)).toThrow(/the next new peer is peer1/);
  });

  it('refuses an org that is full', () => {
    expect(() => planPeerAdd('Org1', [true, true], 2)).toThrow('Org1 already has 2 peers');
  });
});
