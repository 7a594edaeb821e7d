import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostsFile, resolveAddress } from './hosts-file';
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

describe('a profile of a network on hosts (x-fabpay.hostsFile)', () => {
  const hostsText = [
    '# comment',
    '127.0.0.1 localhost',
    '10.77.0.12 bank1 peer0.org1.example.com  # trailing comment',
    'not-an-address peer9.example.com',
    '',
  ].join('\n');

  it('parses a hosts file and resolves only the names it holds', () => {
    const hosts = parseHostsFile(hostsText);
    expect(hosts.get('peer0.org1.example.com')).toBe('10.77.0.12');
    expect(hosts.has('peer9.example.com')).toBe(false);
    expect(resolveAddress('PEER0.org1.example.com:7110', hosts)).toEqual({
      address: '10.77.0.12:7110',
      serverName: 'PEER0.org1.example.com',
    });
    expect(resolveAddress('peer1.org1.example.com:7120', hosts)).toEqual({
      address: 'peer1.org1.example.com:7120',
    });
    expect(resolveAddress('10.77.0.13:7120', hosts)).toEqual({ address: '10.77.0.13:7120' });
  });

  it('dials the address the hosts file gives and checks TLS against the host name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-hosts-'));
    const file = path.join(dir, 'hosts');
    writeFileSync(file, hostsText);
    const hosted = parseConnectionProfile({
      organizations: { Org1: { mspid: 'Org1MSP', peers: ['peer0.org1.example.com'] } },
      peers: {
        'peer0.org1.example.com': { url: 'grpcs://peer0.org1.example.com:7110', tlsCACerts: { pem: 'TLS' } },
      },
      'x-fabpay': { hostsFile: file, wallet: '/w' },
    });
    expect(endpointsFromProfile(hosted, { mspId: 'Org1MSP' })).toEqual([
      {
        name: 'peer0.org1.example.com',
        address: '10.77.0.12:7110',
        mspId: 'Org1MSP',
        tlsRootCert: 'TLS',
        serverNameOverride: 'peer0.org1.example.com',
      },
    ]);
    const missing = parseConnectionProfile({ ...hosted, 'x-fabpay': { hostsFile: path.join(dir, 'nope') } });
    expect(() => endpointsFromProfile(missing, { mspId: 'Org1MSP' })).toThrow(
      /cannot read the hosts file .*nope the connection profile names \(x-fabpay.hostsFile\)/,
    );
  });
});
