/**
 * How a value is written into an HTML template, by where its placeholder sits: the usual five
 * entities in text and quoted attribute values; every character but letters and digits as a
 * character reference in an unquoted attribute value and in raw text; CSS escapes in `<style>`
 * and `style` attributes.
 */
import escapeHtml from 'escape-html';

/** Where a placeholder's value lands, which decides its escaping. */
export type Escaping =
  /** Text or a quoted attribute value: the usual five entities. */
  | 'html'
  /** An unquoted attribute value or raw text a reader might parse as HTML: letters and digits only. */
  | 'strict'
  /** CSS in a `<style>` element: CSS escapes. */
  | 'css'
  /** CSS in a quoted `style` attribute: CSS escapes, then the five entities. */
  | 'css-html'
  /** CSS in an unquoted `style` attribute: CSS escapes, then letters and digits only. */
  | 'css-strict';

/**
 * Every character but letters and digits as a character reference: safe in any HTML context.
 * C1 controls stay as they are (a numeric reference to one reads as a Windows-1252 character).
 */
const strictHtml = (value: string): string =>
  value.replaceAll(
    /[^\p{L}\p{N}\u0080-\u009F]/gu,
    (character) => `&#x${(character.codePointAt(0) ?? 0).toString(16)};`
  );

/**
 * CSS escapes (`\3b `) for every character that could end a value, a declaration, a rule, a
 * comment or the `<style>` element: letters, digits and `# . % + , -` and spaces stay.
 */
const cssEscaped = (value: string): string =>
  value.replaceAll(
    /[^\p{L}\p{N}#.%+, -]/gu,
    (character) => `\\${(character.codePointAt(0) ?? 0).toString(16)} `
  );

/** A value escaped for where it lands. */
export const escapeValue = (value: string, escaping: Escaping): string => {
  switch (escaping) {
    case 'html': {
      return escapeHtml(value);
    }
    case 'strict': {
      return strictHtml(value);
    }
    case 'css': {
      return cssEscaped(value);
    }
    case 'css-html': {
      return escapeHtml(cssEscaped(value));
    }
    case 'css-strict': {
      return strictHtml(cssEscaped(value));
    }
  }
};
