import './testing/quiet';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { ClientIdentity } from 'fabric-shim';
import { resolveCaller, ROLE_ATTRIBUTE } from './acl';
import { CertIdentity } from './caller-identity';
import { identity, type IdentitySpec } from './testing/identities';

/*
 * CertIdentity must be fabric-shim's ClientIdentity byte for byte (getID()
 * strings are stored on the ledger as owners), and resolveCaller over it must
 * give the Caller it gives over ClientIdentity (admin from the subject's OU,
 * never from the ID string). Each case builds both from the same creator.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
let keys: Promise<webcrypto.CryptoKeyPair> | undefined;
let serial = 100;

type Name = Record<string, string[]>[];

/** A certificate with exactly this subject, issuer and (optional) Fabric attribute extension bytes. */
async function cert(subject: Name, issuer: Name, attrExtension?: Buffer): Promise<string> {
  keys ??= webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
  const k = await keys;
  type P = x509.X509CertificateCreateWithKeyParams;
  const c = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject,
    issuer,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: ALG,
    publicKey: k.publicKey as unknown as P['publicKey'],
    signingKey: k.privateKey as unknown as P['signingKey'],
    extensions: attrExtension ? [new x509.Extension('1.2.3.4.5.6.7.8.1', false, attrExtension)] : [],
  });
  return c.toString('pem');
}

const ISSUER: Name = [
  { C: ['US'] },
  { ST: ['North Carolina'] },
  { O: ['Org1'] },
  { CN: ['ica.org1.example.com'] },
];
const attrs = (a: Record<string, unknown>) => Buffer.from(JSON.stringify({ attrs: a }));

/** The PEM as Fabric CA (Go's pem.Encode) writes it: LF line ends, one trailing LF. */
function goPem(pem: string): string {
  return `${pem.replace(/\r\n/g, '\n').trim()}\n`;
}

function stubFor(mspid: string, idBytes: Uint8Array) {
  return {
    getChannelID: () => 'ch',
    getTxID: () => 'tx',
    getCreator: () => ({ mspid, idBytes }),
  };
}

/** Outcome of building an identity and asking it everything the chaincode asks. */
function observe(
  make: () => {
    getID(): string;
    getMSPID(): string;
    getIDBytes(): Uint8Array;
    getAttributeValue(n: string): string | null;
  },
) {
  const attempt = <T>(f: () => T): { ok: T } | { error: string } => {
    try {
      return { ok: f() };
    } catch (e) {
      return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
    }
  };
  const built = attempt(make);
  if (!('ok' in built)) {
    return built;
  }
  const id = built.ok;
  return {
    id: id.getID(),
    mspId: id.getMSPID(),
    idBytes: Buffer.from(id.getIDBytes()).toString('base64'),
    role: attempt(() => id.getAttributeValue(ROLE_ATTRIBUTE)),
    other: attempt(() => id.getAttributeValue('hf.EnrollmentID')),
    missing: attempt(() => id.getAttributeValue('no.such')),
    caller: attempt(() => resolveCaller(id)),
  };
}

/** Asserts both identities agree on everything, and returns the observation. */
function same(mspid: string, idBytes: Uint8Array) {
  const stub = stubFor(mspid, idBytes);
  const theirs = observe(() => new ClientIdentity(stub as never));
  const ours = observe(() => new CertIdentity(stub));
  expect(ours).toEqual(theirs);
  return ours;
}

describe('CertIdentity is ClientIdentity, from one parse', () => {
  test('the harness identities, as PEM from @peculiar/x509 and as Fabric CA writes PEM', async () => {
    const specs: IdentitySpec[] = [
      { mspId: 'Org1MSP', cn: 'ci-alice' },
      { mspId: 'Org1MSP', cn: 'ci-admin', ou: 'admin' },
      { mspId: 'Org1MSP', cn: 'ci-issuer', attrs: { 'payments.role': 'issuer' } },
      {
        mspId: 'Org2MSP',
        cn: 'ci-compliance',
        attrs: { 'payments.role': 'compliance', 'hf.EnrollmentID': 'x' },
      },
      { mspId: 'Org1MSP', cn: 'x/y/OU=admin' },
      { mspId: 'Org1MSP', cn: 'a/b/c/d' },
    ];
    for (const spec of specs) {
      const who = await identity(spec);
      const seen = same(who.mspid, who.idBytes);
      if (!spec.cn.includes('/')) {
        // (testing/identities.ts predicts owners without fabric-shim's '/' escaping.)
        expect(seen).toMatchObject({ id: who.owner.slice(`${who.mspid}::`.length) });
      }
      same(who.mspid, Buffer.from(goPem(who.idBytes.toString('utf8'))));
    }
  });

  test("a CN with '/' is escaped as fabric-shim escapes it (first '/' only), and imitates no admin", async () => {
    const pem = goPem(
      await cert([{ CN: ['evil/OU=admin/x'] }, { OU: ['client'] }, { O: ['org1'] }], ISSUER, attrs({})),
    );
    const seen = same('Org1MSP', Buffer.from(pem));
    expect(seen).toMatchObject({ id: expect.stringContaining('/CN=evil\\/OU=admin/x/OU=client') });
    expect(seen).toMatchObject({ caller: { ok: { admin: false } } });
  });

  test('OU lookalikes are no admin; OU=admin among several OUs is', async () => {
    const cases: [Name, boolean][] = [
      [[{ CN: ['u1'] }, { OU: ['Admin'] }], false],
      [[{ CN: ['u2'] }, { OU: ['admin '] }], false],
      [[{ CN: ['u3'] }, { OU: ['administrator'] }], false],
      [[{ CN: ['OU=admin'] }, { OU: ['client'] }], false],
      [[{ CN: ['u4'] }, { O: ['admin'] }], false],
      [[{ CN: ['u5'] }, { OU: ['client'] }, { OU: ['admin'] }], true],
      [[{ CN: ['u6'] }, { OU: ['client', 'admin'] }], true],
      [
        [
          { C: ['US'] },
          { ST: ['North Carolina'] },
          { O: ['Hyperledger'] },
          { OU: ['admin'] },
          { CN: ['u7'] },
        ],
        true,
      ],
    ];
    for (const [subject, admin] of cases) {
      const pem = await cert(subject, ISSUER);
      for (const bytes of [Buffer.from(pem), Buffer.from(goPem(pem))]) {
        expect(same('Org1MSP', bytes)).toMatchObject({ caller: { ok: { admin } } });
      }
    }
  });

  test('other DN attribute types, multi-valued RDNs and UTF-8 values', async () => {
    const subject: Name = [
      { DC: ['example'] },
      { L: ['Zürich/Altstadt'] },
      { O: ['Org, "quoted" + plus'] },
      { CN: ['名前'], '2.5.4.5': ['1234'] },
      { '1.2.3.4.5': ['opaque'] },
      { E: ['a@b.example'] },
    ];
    const pem = await cert(subject, ISSUER, attrs({ 'payments.role': 'issuer' }));
    same('Org1MSP', Buffer.from(pem));
    same('Org1MSP', Buffer.from(goPem(pem)));
  });

  test('odd attribute extensions behave as in ClientIdentity (including its TypeErrors)', async () => {
    const subject: Name = [{ CN: ['odd'] }, { OU: ['client'] }];
    const extensions = [
      attrs({ 'payments.role': 7 }),
      attrs({ 'payments.role': '' }),
      attrs({ 'payments.role': ['issuer'] }),
      Buffer.from(JSON.stringify({ attrs: null })),
      Buffer.from(JSON.stringify({ other: 1 })),
      Buffer.from(JSON.stringify({ attrs: 'issuer' })),
      Buffer.from('not json'),
    ];
    const outcomes = [];
    for (const ext of extensions) {
      outcomes.push(same('Org1MSP', Buffer.from(await cert(subject, ISSUER, ext))));
    }
    // The comparison is only worth something if the cases differ: errors at construction and at lookup.
    expect(outcomes.some((o) => 'error' in o)).toBe(true);
    expect(outcomes.some((o) => 'role' in o && 'error' in o.role)).toBe(true);
  });

  test('creators that are no X.509 PEM fail with the same message', () => {
    for (const bytes of ['', 'hello', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']) {
      const seen = same('Org1MSP', Buffer.from(bytes));
      expect(seen).toHaveProperty('error');
    }
  });

  test('PEM framing variants: CRLF, leading text, trailing text', async () => {
    const pem = goPem(await cert([{ CN: ['framing'] }, { OU: ['admin'] }], ISSUER));
    for (const bytes of [pem.replace(/\n/g, '\r\n'), `junk\n${pem}`, `${pem}trailer`, pem.trim()]) {
      same('Org1MSP', Buffer.from(bytes));
    }
  });

  test('random CNs (slashes, equals signs, commas, spaces) give identical IDs and no admin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9/=,+ ._-]{1,24}$/).filter((s) => s.trim() === s && s.length > 0),
        async (cn) => {
          const pem = goPem(await cert([{ CN: [cn] }, { OU: ['client'] }, { O: ['org1'] }], ISSUER));
          expect(same('Org1MSP', Buffer.from(pem))).toMatchObject({ caller: { ok: { admin: false } } });
        },
      ),
      { numRuns: 40 },
    );
  });
});
