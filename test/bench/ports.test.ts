import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePortBase, withPortBase } from './ports';

describe('FABPAY_BENCH_PORT_BASE', () => {
  it('defaults to the checked-in topology base', () => {
    expect(parsePortBase(undefined)).toBe(19000);
    expect(parsePortBase('')).toBe(19000);
    expect(parsePortBase(' 20000 ')).toBe(20000);
  });

  it('keeps the whole 300-port span between 1024 and the ephemeral range', () => {
    expect(parsePortBase('1024')).toBe(1024);
    expect(parsePortBase('32468')).toBe(32468);
    for (const bad of ['1023', '32469', '2e4', '-20000', '20000.5', 'x'])
      expect(() => parsePortBase(bad)).toThrow(
        /FABPAY_BENCH_PORT_BASE: expected a whole number from 1024 to 32468/,
      );
  });

  it('moves the bench topology portBase and nothing else', () => {
    const text = readFileSync(path.join(__dirname, 'topology.yaml'), 'utf8');
    const moved = withPortBase(text, 20000);
    expect(moved).toContain('\nportBase: 20000\n');
    expect(moved.replace('portBase: 20000', 'portBase: 19000')).toBe(text);
    expect(() => withPortBase('name: x\n', 20000)).toThrow(/no top-level "portBase/);
  });
});
