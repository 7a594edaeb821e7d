import { funded } from './testing/fixtures';

test('smoke', async () => {
  const { f, c } = await funded();
  const p = await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', 'order 1');
  expect(p.amount).toBe('100');
  expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '100', pending: '100' });
  expect(await f.reject(c.alice, 'pay', 'p2', 'A', 'M', '1.5', 'USD', 'x')).toMatch(/^INVALID_AMOUNT/);
  expect(await f.query(c.alice, 'whoami')).toMatchObject({ owner: c.alice.owner });
});
