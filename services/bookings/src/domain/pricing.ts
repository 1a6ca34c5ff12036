/**
 * The price of a booking: `ceil(durationMinutes * pricePerHour / 60)` in the currency's minor units,
 * in exact integer arithmetic (the contract caps `pricePerHour` at 10^8 and a booking at 43,200
 * minutes, so the product stays far below 2^53). Minor units make the rule the same for every
 * currency, whether it has two decimals (EUR), none (JPY) or three (BHD).
 */

const amountFor = (durationMinutes: number, pricePerHour: number): number => {
  if (!Number.isSafeInteger(durationMinutes) || durationMinutes <= 0) throw new RangeError('durationMinutes');
  if (!Number.isSafeInteger(pricePerHour) || pricePerHour <= 0) throw new RangeError('pricePerHour');
  return Math.floor((durationMinutes * pricePerHour + 59) / 60);
};

let known: ReadonlySet<string> | undefined;

/** Whether the code is an ISO 4217 currency this runtime knows (Intl's list). */
const isKnownCurrency = (code: string): boolean => {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  return known.has(code);
};

export { amountFor, isKnownCurrency };
