import {
  ConnectionProfileError,
  defaultChannel,
  endpointsFromProfile,
  parseConnectionProfile,
} from './profile';

const profile = {
  name: 'fabpay',
  organizations: {
    Org1: { mspid: 'Org1MSP', peers: ['peer0.org1', 'peer1.org1'] },
    Org2: { mspid: 'Org2MSP', peers: ['peer0.org2'] },
  },
  peers: {
    'peer0.org2': {
      url: 'grpcs://127.0.0.1:9051',
      tlsCACerts: { pem: 'ORG2-TLS' },
      grpcOptions: { 'ssl-target-name-override': 'peer0.org2.example.com' },
    },
    'peer0.org1': { url: 'grpcs://127.0.0.1:7051', tlsCACerts: { pem: 'ORG1-TLS' } },
    'peer1.org1': { url: 'grpc://127.0.0.1:8051' },
  },
};

describe('connection profile', () => {
  it('orders the caller org first and maps TLS settings', () => {
    const endpoints = endpointsFromProfile(parseConnectionProfile(profile), { mspId: 'Org1MSP' });
    expect(endpoints).toEqual([
      { name: 'peer0.org1', address: '127.0.0.1:7051', mspId: 'Org1MSP', tlsRootCert: 'ORG1-TLS' },
      { name: 'peer1.org1', address: '127.0.0.1:8051', mspId: 'Org1MSP' },
      {
        name: 'peer0.org2',
        address: '127.0.0.1:9051',
        mspId: 'Org2MSP',
        tlsRootCert: 'ORG2-TLS',
        serverNameOverride: 'peer0.org2.example.com',
      },
    ]);
  });

  it('can exclude other orgs and restrict peers', () => {
    const parsed = parseConnectionProfile(profile);
    expect(
      endpointsFromProfile(parsed, { mspId: 'Org2MSP', includeOtherOrgs: false }).map((e) => e.name),
    ).toEqual(['peer0.org2']);
    expect(
      endpointsFromProfile(parsed, { mspId: 'Org1MSP', peers: ['peer1.org1'] }).map((e) => e.name),
    ).toEqual(['peer1.org1']);
  });

  it('defaults the channel to the profile’s only channel', () => {
    expect(defaultChannel(parseConnectionProfile(profile))).toBe('payments');
    expect(defaultChannel(parseConnectionProfile({ ...profile, channels: { retail: {} } }))).toBe('retail');
    expect(defaultChannel(parseConnectionProfile({ ...profile, channels: { a: {}, b: {} } }))).toBe(
      'payments',
    );
  });

  it('rejects invalid profiles with helpful errors', () => {
    expect(() => parseConnectionProfile({ peers: {} })).toThrow(ConnectionProfileError);
    const parsed = parseConnectionProfile(profile);
    expect(() => endpointsFromProfile(parsed, { mspId: 'Org9MSP' })).toThrow(
      /no organization with mspid Org9MSP/,
    );
    const noTls = parseConnectionProfile({
      ...profile,
      peers: { ...profile.peers, 'peer0.org1': { url: 'grpcs://127.0.0.1:7051' } },
    });
    expect(() => endpointsFromProfile(noTls, { mspId: 'Org1MSP' })).toThrow(/no tlsCACerts.pem/);
  });
});
