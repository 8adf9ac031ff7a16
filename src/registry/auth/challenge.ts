/**
 * Parses WWW-Authenticate headers (RFC 7235) into challenges. Pure.
 *
 * A header may hold several challenges separated by commas, and commas also separate a
 * challenge's parameters, so the parser decides by shape: a token followed by `=` is a parameter
 * of the current challenge, any other token starts a new challenge. Schemes and parameter names
 * are case-insensitive and returned lowercased; values keep their case.
 */

export interface Challenge {
  /** Lowercased: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lowercased (`realm`, `service`, `scope`, `error`), values unquoted. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  token68?: string;
}

const DELIMITERS = new Set([' ', '\t', ',', '=', '"']);
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*[ \t]*(?:,|$)/;

/** All challenges of one or more WWW-Authenticate header values, in order. Never throws. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseChallenges(h));
  const s = header;
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;

  const skipSpaces = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < s.length && !DELIMITERS.has(s[i]!)) i++;
    return s.slice(start, i);
  };
  const readQuoted = () => {
    // i is on the opening quote; a backslash escapes the next character (quoted-pair).
    let value = '';
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      value += s[i];
      i++;
    }
    i++; // closing quote (or past the end when unterminated)
    return value;
  };

  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= s.length) break;
    const name = readToken();
    if (name === '') {
      // A stray `=value` or quoted string where a token belongs: skip it rather than give up.
      if (s[i] === '=') {
        i++;
        skipSpaces();
      }
      if (s[i] === '"') readQuoted();
      else if (readToken() === '') i++;
      continue;
    }
    skipSpaces();
    if (s[i] === '=' && current) {
      i++;
      skipSpaces();
      const value = s[i] === '"' ? readQuoted() : readToken();
      current.params[name.toLowerCase()] = value;
      continue;
    }
    if (s[i] === '=') {
      // A parameter before any scheme: malformed; skip its value.
      i++;
      skipSpaces();
      if (s[i] === '"') readQuoted();
      else readToken();
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    skipSpaces();
    const rest = s.slice(i);
    const t68 = TOKEN68.exec(rest);
    if (t68) {
      current.token68 = t68[0].replace(/[ \t]*,?$/, '');
      i += t68[0].length;
    }
  }
  return out;
}

/**
 * The challenge a registry client should answer: Bearer before Basic (a registry offering both
 * prefers tokens), ignoring schemes we do not speak.
 */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
