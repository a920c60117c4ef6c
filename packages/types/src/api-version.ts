/** Orders two API versions (`"1.41"` < `"1.9"` would be wrong as strings): negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Whether something that appeared in `min` (and, if given, left in `removed`) exists at `version`. */
export function isAvailableAt(version: string, min: string | undefined, removed?: string): boolean {
  if (min !== undefined && compareApiVersions(version, min) < 0) return false;
  if (removed !== undefined && compareApiVersions(version, removed) >= 0) return false;
  return true;
}
