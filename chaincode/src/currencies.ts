import type { Currency } from '@fabpay/model';
import { fail } from './errors';

/**
 * ISO 4217 codes the chaincode accepts, with their minor-unit exponent
 * (USD 2 = cents, JPY 0, KWD 3). A fixed table in code, not state, so every
 * peer agrees on it without a configuration transaction; adding a currency is
 * a chaincode upgrade.
 */
export const CURRENCIES: Readonly<Record<string, number>> = Object.freeze({
  AUD: 2,
  BHD: 3,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  INR: 2,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  NOK: 2,
  SEK: 2,
  SGD: 2,
  USD: 2,
});

/** Schema pattern for a currency parameter. */
export const CURRENCY_PATTERN = '^[A-Z]{3}$';

/** Returns the currency or throws `UNSUPPORTED_CURRENCY`. */
export function requireCurrency(code: string): Currency {
  const exponent = Object.prototype.hasOwnProperty.call(CURRENCIES, code) ? CURRENCIES[code] : undefined;
  if (!/^[A-Z]{3}$/.test(code) || exponent === undefined) {
    throw fail('UNSUPPORTED_CURRENCY', `currency ${JSON.stringify(code)} is not in the currency table`);
  }
  return { code, exponent };
}

/** The table, sorted by code. */
export function listCurrencies(): Currency[] {
  return Object.keys(CURRENCIES)
    .sort()
    .map((code) => ({ code, exponent: CURRENCIES[code] ?? 0 }));
}
