// Command-line flags of the benchmark scripts: `--name value` taken out of the argument list (so that what is
// left are the positional arguments), or the fallback.

/**
 * @param {string[]} args the arguments; the flag and its value are removed from it
 * @param {string} name e.g. `--device`
 * @param {string} fallback the value when the flag is absent
 * @returns {string}
 */
export function takeFlag(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
}
