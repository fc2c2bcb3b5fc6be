// Bytes as base64 text and back, for binary files a notebook keeps as text
// (a Model file cell's TF.js weights). Pure; runs on the page (encoding a
// picked file), in the compute worker (decoding) and in Node (tests). Uses
// btoa/atob, which Node 20 and every browser have (Uint8Array.toBase64 is
// not yet in Node 20).

/** btoa takes a binary string; built in chunks so String.fromCharCode's arguments stay few. */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK)
    parts.push(String.fromCharCode(...bytes.subarray(at, at + CHUNK)));
  return btoa(parts.join(''));
}

/** The bytes of base64 text; throws (atob's DOMException) when it is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
