// Sorting without Intl: the first localeCompare call loads ICU collation data, ~15 ms of a
// `service ls`. Names are compared by code unit; instance keys (slots) numerically when both are numbers.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNatural(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return compareText(a, b);
}
