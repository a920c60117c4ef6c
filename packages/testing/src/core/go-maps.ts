// Go's encoding/json writes a map's keys in sorted order, so the engine's label and option maps
// come out sorted whatever order they went in. Stored maps are kept sorted to answer the same.

export function sortedMap<T>(map: Record<string, T>): Record<string, T>;
export function sortedMap<T>(map: Record<string, T> | null | undefined): Record<string, T> | undefined;
export function sortedMap<T>(map: Record<string, T> | null | undefined): Record<string, T> | undefined {
  if (!map) return undefined;
  const keys = Object.keys(map);
  if (keys.every((key, i) => i === 0 || keys[i - 1]! < key)) return map;
  const out: Record<string, T> = {};
  for (const key of keys.sort()) out[key] = map[key]!;
  return out;
}
