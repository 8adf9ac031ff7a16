/**
 * zod 4's CommonJS entry points load all 64 of its locales (`locales/index.cjs`, 413 kB of
 * source) although only English is configured by default: ~2 MB of the daemon's RSS and 0.7 MB
 * of its heap for messages it never shows (bench/README.md, "Daemon memory"). Imported once,
 * before anything imports zod, this puts a lazy stand-in for that index into the module cache:
 * `z.locales.fr()` still works, and loads French at that moment (only listing `z.locales` shows
 * just the locales loaded so far).
 *
 * Written for zod 4.x's layout (package.json pins the version); if the file moves, the stand-in
 * is simply not installed and zod loads as before.
 */
import Module from 'node:module';

export function installLazyZodLocales(): boolean {
  let index: string;
  try {
    index = require.resolve('zod/v4/locales/index.cjs');
  } catch {
    return false;
  }
  if (require.cache[index]) return false;
  // zod names `pt-BR.cjs` `ptBR`, `zh-CN.cjs` `zhCN`.
  const localeFile = (name: string) => require.resolve(`zod/v4/locales/${name.replace(/([A-Z]{2})$/, '-$1')}.cjs`);
  const locales = new Proxy({} as Record<string | symbol, unknown>, {
    get(cache, name) {
      // Marks it an ES module's namespace, so zod's __importStar uses it as it is.
      if (name === '__esModule') return true;
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (!(name in cache)) {
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, the point of this module
          const m = require(localeFile(name)) as { __esModule?: boolean; default?: unknown };
          cache[name] = m.__esModule ? m.default : m;
        } catch {
          cache[name] = undefined;
        }
      }
      return cache[name];
    },
  });
  const standIn = new Module(index);
  standIn.filename = index;
  standIn.loaded = true;
  standIn.exports = locales;
  require.cache[index] = standIn;
  return true;
}

installLazyZodLocales();
