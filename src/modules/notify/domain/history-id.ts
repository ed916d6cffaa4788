/**
 * Gmail history ids are unsigned 64-bit numbers sent as strings (or JSON numbers in push payloads).
 * They are compared as BigInt: as strings "999999" > "1000001", as doubles they lose precision.
 */
const DIGITS = /^\d{1,30}$/;

export function parseHistoryId(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  }
  if (typeof value === 'string' && DIGITS.test(value)) return BigInt(value);
  return undefined;
}
