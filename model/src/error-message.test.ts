import { ERROR_CODES, isErrorCode } from './error-codes';
import { formatErrorMessage, parseErrorMessage } from './error-message';

describe('error codes and messages', () => {
  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('parses back what it formats, for every code', () => {
    for (const code of ERROR_CODES) {
      const parsed = parseErrorMessage(formatErrorMessage(code, 'account "a1" not found'));
      expect(parsed).toEqual({ code, detail: 'account "a1" not found' });
      expect(isErrorCode(parsed?.code ?? '')).toBe(true);
    }
  });

  it('parses codes it does not know (a newer chaincode’s), which the guard then refuses', () => {
    expect(parseErrorMessage('NEW_CODE: later')).toEqual({ code: 'NEW_CODE', detail: 'later' });
    expect(isErrorCode('NEW_CODE')).toBe(false);
    expect(isErrorCode('forbidden')).toBe(false);
  });

  it('finds no code in free text', () => {
    for (const text of ['something failed', 'Error: boom', 'no: colon code', 'AB: too short', ': x'])
      expect(parseErrorMessage(text)).toBeUndefined();
  });

  it('keeps multi-line details and trims the space around them', () => {
    expect(parseErrorMessage('INTERNAL:  a\nb ')).toEqual({ code: 'INTERNAL', detail: 'a\nb' });
  });
});
