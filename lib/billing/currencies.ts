/** ISO 4217 minor-unit exponents: amounts are integers in 10^-exponent of the major unit. */
export const CURRENCY_EXPONENTS = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, SEK: 2, NOK: 2, DKK: 2, INR: 2, BRL: 2, MXN: 2, SGD: 2,
  JPY: 0, KRW: 0, ISK: 0,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3,
} as const;

export type Currency = keyof typeof CURRENCY_EXPONENTS;
export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as Currency[];
export const minorUnitExponent = (currency: Currency) => CURRENCY_EXPONENTS[currency];
