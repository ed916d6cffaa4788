/**
 * 100,000-character inputs shaped to make a backtracking pattern explode. They took seconds each on
 * the patterns these parsers used to have (e.g. `a` + 100,000 spaces + `a` in parseMailbox, `<` +
 * `a@` × 50,000 and `a` × 100,000 in the From-header parser, `UND_ERR_` × 12,500 in the Google
 * error classifier); a linear parser answers them at once.
 */
export const N = 100_000;

export const fill = (unit: string, suffix = '', prefix = '') =>
  prefix + unit.repeat(Math.ceil((N - prefix.length - suffix.length) / unit.length)) + suffix;

export const SHAPES: Record<string, string> = {
  'many <': fill('<'),
  'many < then >': fill('<', '>'),
  'many quotes': fill('"'),
  'many escaped quotes': fill('\\"', '" <a@example.com>', '"'),
  'many spaces between words': fill(' ', 'a', 'a'),
  'many spaces before <': fill(' ', '<', 'a'),
  'a@ repeated': fill('a@'),
  '<a@ repeated': fill('<a@'),
  '< then a@ repeated': fill('a@', '', '<'),
  'a repeated': fill('a'),
  'a repeated then @': fill('a', '@'),
  'dots and labels': fill('a.', '@example.com'),
  'many tabs': fill('\t', 'x', 'x'),
  'long name then address': fill('n', '" <a@example.com>', '"'),
  'ZWJ runs': fill('👩\u200D'),
  'UND_ERR_ repeated': fill('UND_ERR_'),
  'colons (IPv6-like)': fill(':', '1', '::ffff:'),
  'dots and digits': fill('1.', '%x'),
  'dots (token-like)': fill('.'),
  'mrkdwn markup': fill('<&*_~`>'),
};
