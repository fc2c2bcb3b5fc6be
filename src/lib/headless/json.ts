// Results as JSON files: typed arrays become arrays, and numbers JSON cannot
// hold are written as null (NaN: e.g. a median survival not reached) or as
// the strings "Infinity" / "-Infinity" (an upper confidence limit without end).
// Pure; the headless runner writes every cell's outcome with it.

export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, replacer, 2)}\n`;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return null;
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  }
  return value;
}
