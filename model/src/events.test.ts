import { EVENT_NAMES, EVENT_SCHEMAS, isEventName } from './events';

describe('events', () => {
  it('names each event once, with a payload schema', () => {
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect(EVENT_NAMES.length).toBeGreaterThan(0);
    for (const name of EVENT_NAMES) expect(EVENT_SCHEMAS[name].type).toBe('object');
  });

  it('knows its names and no others', () => {
    expect(isEventName('PaymentSettled')).toBe(true);
    expect(isEventName('PaymentSent')).toBe(false);
    expect(isEventName('toString')).toBe(false);
  });
});
