import { publicUrl } from "./origin";

/**
 * Where to go after signing in (`/sign-in?next=…`): a path on this server, or "/".
 * Decided the way the browser will read it, by parsing it against the server's own origin
 * (CUSTODIAN_URL): a browser drops tabs and newlines and reads "\" as "/", so
 * "/<TAB>/evil.example" or "/\evil.example" is another site, whatever its first character.
 * The answer is the parsed path, never the text given.
 */
export function safeNextPath(value: string | string[] | undefined, origin: string = publicUrl()): string {
  const given = Array.isArray(value) ? value[0] : value;
  if (!given) return "/";
  const own = new URL(origin);
  let url: URL;
  try {
    url = new URL(given, own);
  } catch {
    return "/";
  }
  if (url.origin !== own.origin || url.username || url.password) return "/";
  // "/.//evil.example" parses to the path "//evil.example", which a browser reads as another host.
  if (url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
