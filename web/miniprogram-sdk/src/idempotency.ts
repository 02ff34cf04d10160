/**
 * newIdempotencyKey returns a fresh Idempotency-Key (32 hex characters).
 * Keep it while retrying the same request: a retry with the same key within
 * 24 h gets the first reply and creates nothing new.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  // Older base libraries have no globalThis: fall back to Math.random.
  const g = typeof globalThis === "undefined" ? undefined : (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } });
  const c = g?.crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
