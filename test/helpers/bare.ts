/**
 * A value laid bare for a deep comparison that misses nothing: types, key
 * order, own keys and whether they are enumerable, `undefined` keys, -0,
 * holes in arrays, dates and prototypes all show, so equal means identical.
 */
export function bare(value: unknown): unknown {
  if (value === undefined) return ['undefined'];
  if (value === null) return ['null'];
  if (typeof value === 'number') return ['number', Object.is(value, -0) ? '-0' : String(value)];
  if (typeof value === 'function') return ['function'];
  if (typeof value !== 'object') return [typeof value, value];
  if (value instanceof Date) return ['date', value.getTime()];
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(i in value ? bare(value[i]) : ['hole']);
    return ['array', out];
  }
  const proto = Object.getPrototypeOf(value);
  return [
    'object',
    proto === Object.prototype ? 'plain' : proto === null ? 'null' : 'other',
    Reflect.ownKeys(value).map((k) => [String(k), Object.getOwnPropertyDescriptor(value, k)?.enumerable, bare((value as Record<PropertyKey, unknown>)[k])]),
  ];
}
