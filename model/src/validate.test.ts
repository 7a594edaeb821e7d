import { ACCOUNT_SCHEMA, type Account } from './account';
import { GOVERNANCE_CHANGE_SCHEMA } from './governance';
import { pageSchema } from './queries';
import { objectSchema, STRING } from './schema';
import { schemaErrors } from './validate';

const account: Account = {
  accountId: 'a1',
  owner: 'Org1MSP::x509::CN=alice',
  currency: 'USD',
  status: 'active',
  openedAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  frozenReason: '',
};

const terms = {
  members: ['Org1MSP'],
  issuers: { USD: ['Org1MSP'] },
  compliance: {},
  maxClockSkewSeconds: 300,
  maxHoldSeconds: 86400,
  custody: false,
};

describe('schemaErrors', () => {
  it('accepts a record with exactly the model’s fields', () => {
    expect(schemaErrors(ACCOUNT_SCHEMA, account)).toEqual([]);
  });

  it('names a missing field, an extra field, a wrong kind and a value outside an enum', () => {
    const { frozenReason: _dropped, ...missing } = account;
    expect(schemaErrors(ACCOUNT_SCHEMA, missing)).toEqual(['$.frozenReason: missing']);
    expect(schemaErrors(ACCOUNT_SCHEMA, { ...account, balance: '1' })).toEqual([
      '$.balance: not in the model',
    ]);
    expect(schemaErrors(ACCOUNT_SCHEMA, { ...account, currency: 840 })).toEqual([
      '$.currency: expected a string',
    ]);
    expect(schemaErrors(ACCOUNT_SCHEMA, { ...account, status: 'gone' })).toEqual([
      '$.status: "gone" is not one of active, frozen, closed',
    ]);
    expect(schemaErrors(ACCOUNT_SCHEMA, [account])).toEqual(['$: expected an object']);
  });

  it('checks nested objects, arrays and maps with their paths', () => {
    const governance = { ...terms, version: 2, updatedAt: 't' };
    const proposal = {
      proposalId: 'g1',
      proposer: 'Org1MSP',
      proposedBy: 'Org1MSP::admin',
      baseVersion: 1,
      terms,
      approvals: ['Org1MSP'],
      status: 'applied',
      createdAt: 't',
      decidedAt: 't',
    };
    expect(schemaErrors(GOVERNANCE_CHANGE_SCHEMA, { proposal, governance })).toEqual([]);
    const bad = {
      proposal: { ...proposal, terms: { ...terms, issuers: { USD: 'Org1MSP' }, members: [1] } },
      governance: { ...governance, version: 1.5 },
    };
    expect(schemaErrors(GOVERNANCE_CHANGE_SCHEMA, bad).sort()).toEqual([
      '$.governance.version: expected an integer',
      '$.proposal.terms.issuers.USD: expected an array',
      '$.proposal.terms.members[0]: expected a string',
    ]);
    expect(
      schemaErrors(pageSchema<Account>(ACCOUNT_SCHEMA), { items: [{}], bookmark: '', count: 1 }),
    ).toHaveLength(Object.keys(account).length);
  });
});

describe('objectSchema', () => {
  interface Pair {
    a: string;
    b: number;
  }

  it('lists every field as required, in declaration order', () => {
    expect(objectSchema<Pair>({ a: STRING, b: { type: 'integer' } }).required).toEqual(['a', 'b']);
  });

  it('refuses at compile time a schema that misses a field, adds one or has the wrong kind', () => {
    // Each @ts-expect-error fails the typecheck (tsc -b) if its schema were accepted.
    // @ts-expect-error b is missing
    objectSchema<Pair>({ a: STRING });
    // @ts-expect-error c is not a field of Pair
    objectSchema<Pair>({ a: STRING, b: { type: 'integer' }, c: STRING });
    // @ts-expect-error b is a number, not a string
    objectSchema<Pair>({ a: STRING, b: STRING });
    // @ts-expect-error an enum field needs its values
    objectSchema<Account>({ ...ACCOUNT_SCHEMA.properties, status: STRING });
    expect(true).toBe(true);
  });
});

describe('optional fields', () => {
  interface Sharded {
    a: string;
    n?: number;
  }
  const schema = objectSchema<Sharded>({ a: STRING, n: { type: 'integer' } }, ['n']);

  it('are not required, but checked when present', () => {
    expect(schema.required).toEqual(['a']);
    expect(schemaErrors(schema, { a: 'x' })).toEqual([]);
    expect(schemaErrors(schema, { a: 'x', n: 3 })).toEqual([]);
    expect(schemaErrors(schema, { a: 'x', n: '3' })).toEqual(['$.n: expected an integer']);
    expect(schemaErrors(schema, { n: 3 })).toEqual(['$.a: missing']);
  });

  it('an account descriptor without shards (every account opened before sharding) conforms', () => {
    const account = {
      accountId: 'A',
      owner: 'o',
      currency: 'USD',
      status: 'active',
      openedAt: 't',
      updatedAt: 't',
      frozenReason: '',
    };
    expect(schemaErrors(ACCOUNT_SCHEMA, account)).toEqual([]);
    expect(schemaErrors(ACCOUNT_SCHEMA, { ...account, shards: 8 })).toEqual([]);
    expect(schemaErrors(ACCOUNT_SCHEMA, { ...account, shards: 'eight' })).toEqual([
      '$.shards: expected an integer',
    ]);
  });
});
