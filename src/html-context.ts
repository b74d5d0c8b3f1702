/**
 * Where each placeholder of an HTML template sits, as the HTML tokenizer (WHATWG HTML, "Tokenization")
 * sees it: in text, in an attribute value (which attribute, quoted or not), in CSS, in a script,
 * or where a tag or attribute name is written. Outlook's conditional comments
 * (`<!--[if mso]>…<![endif]-->`) are read as Outlook reads them: their content is HTML.
 */

/** An attribute value of the template: its name and where its value starts and ends. */
export type AttributeValue = {
  /** The attribute name, lower-cased. */
  name: string;
  /** Offset of the value's first character in the template. */
  start: number;
  /** Offset just after the value's last character. */
  end: number;
};

/** The context of one placeholder. */
export type HtmlContext =
  /** Text, a comment, or the content of `<title>`/`<textarea>` (character references decoded). */
  | { kind: 'text' }
  /** Raw text whose element a client might parse as HTML (`<xmp>`, `<noscript>`…): strictest escaping. */
  | { kind: 'raw' }
  /** The content of a `<style>` element. */
  | { kind: 'css' }
  /** An attribute value. */
  | { kind: 'attribute'; quoted: boolean; attribute: AttributeValue }
  /** Nowhere a value can go safely: `where` says why, for the error message. */
  | { kind: 'refused'; where: string };

type State =
  | 'data'
  | 'rcdata'
  | 'rawtext'
  | 'scriptData'
  | 'scriptEscaped'
  | 'scriptDoubleEscaped'
  | 'plaintext'
  | 'tagOpen'
  | 'endTagOpen'
  | 'tagName'
  | 'beforeAttributeName'
  | 'attributeName'
  | 'afterAttributeName'
  | 'beforeAttributeValue'
  | 'attributeValueDouble'
  | 'attributeValueSingle'
  | 'attributeValueUnquoted'
  | 'afterAttributeValueQuoted'
  | 'selfClosingStartTag'
  | 'bogusComment'
  | 'commentStart'
  | 'commentStartDash'
  | 'comment'
  | 'commentEndDash'
  | 'commentEnd'
  | 'commentEndBang';

const rcdataElements = new Set(['title', 'textarea']);
const rawtextElements = new Set(['style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const isWhitespace = (character: string) =>
  character === ' ' || character === '\t' || character === '\n' || character === '\f' || character === '\r';

const isAsciiLetter = (character: string) => /^[a-z]$/i.test(character);

/** A placeholder's span in the template. */
export type Span = { start: number; end: number };

/**
 * The context of each placeholder span (in order, not overlapping). A placeholder counts as one
 * letter for the tokenizer: `<td width={{x}}>` puts it in an unquoted attribute value.
 */
export const htmlContextsOf = (html: string, spans: readonly Span[]): HtmlContext[] => {
  const contexts: HtmlContext[] = [];
  let state: State = 'data';
  let tagName = '';
  let isEndTag = false;
  /** The element whose raw text is being read (`style`, `script`…). */
  let rawElement = '';
  let attributeName = '';
  let attribute: AttributeValue | undefined;
  let next = 0;

  const startAttribute = () => {
    attributeName = '';
  };
  const startValue = (start: number) => {
    attribute = { name: attributeName.toLowerCase(), start, end: html.length };
  };
  const endValue = (end: number) => {
    if (attribute) {
      attribute.end = end;
    }
    attribute = undefined;
  };
  const emitTag = (): State => {
    const name = tagName.toLowerCase();
    if (isEndTag) {
      return 'data';
    }
    rawElement = name;
    if (name === 'script') {
      return 'scriptData';
    }
    if (name === 'plaintext') {
      return 'plaintext';
    }
    return rcdataElements.has(name) ? 'rcdata' : rawtextElements.has(name) ? 'rawtext' : 'data';
  };
  /** `</name` of the raw element, followed by a character that ends a tag name. */
  const closesRawElement = (index: number) => {
    const closing = `</${rawElement}`;
    if (html.slice(index, index + closing.length).toLowerCase() !== closing) {
      return false;
    }
    const after = html[index + closing.length] ?? '';
    return isWhitespace(after) || after === '/' || after === '>';
  };

  /** Where the `]>` ending a conditional comment's opener is, searched once past each miss. */
  let noCloseAfter = html.length + 1;
  const conditionalEnd = (index: number): number => {
    if (index >= noCloseAfter) {
      return -1;
    }
    const close = html.indexOf(']>', index);
    if (close === -1) {
      noCloseAfter = index;
    }
    return close;
  };

  const contextFor = (): HtmlContext => {
    switch (state) {
      case 'data':
      case 'rcdata':
      case 'bogusComment':
      case 'commentStart':
      case 'commentStartDash':
      case 'comment':
      case 'commentEndDash':
      case 'commentEnd':
      case 'commentEndBang': {
        return { kind: 'text' };
      }
      case 'rawtext': {
        return rawElement === 'style' ? { kind: 'css' } : { kind: 'raw' };
      }
      case 'plaintext': {
        return { kind: 'raw' };
      }
      case 'scriptData':
      case 'scriptEscaped':
      case 'scriptDoubleEscaped': {
        return { kind: 'refused', where: 'inside a <script> element' };
      }
      case 'attributeValueDouble':
      case 'attributeValueSingle':
      case 'attributeValueUnquoted': {
        return attribute
          ? { kind: 'attribute', quoted: state !== 'attributeValueUnquoted', attribute }
          : { kind: 'raw' };
      }
      case 'beforeAttributeValue':
      case 'tagOpen':
      case 'endTagOpen':
      case 'tagName': {
        return { kind: 'refused', where: 'in a tag name' };
      }
      case 'beforeAttributeName':
      case 'attributeName':
      case 'afterAttributeName':
      case 'afterAttributeValueQuoted':
      case 'selfClosingStartTag': {
        return { kind: 'refused', where: 'where an attribute name is written' };
      }
    }
  };

  /** Moves the tokenizer over one character at `index`; returns how many characters it used. */
  const step = (character: string, index: number): number => {
    switch (state) {
      case 'data': {
        if (character !== '<') {
          return 1;
        }
        if (html.slice(index, index + 7).toLowerCase() === '<!--[if') {
          // Outlook renders the content of a conditional comment as HTML.
          const close = conditionalEnd(index);
          if (close !== -1) {
            return close + 2 - index;
          }
        }
        state = 'tagOpen';
        return 1;
      }
      case 'rcdata':
      case 'rawtext': {
        if (character === '<' && closesRawElement(index)) {
          state = 'tagName';
          tagName = rawElement;
          isEndTag = true;
          return rawElement.length + 2;
        }
        return 1;
      }
      case 'scriptData':
      case 'scriptEscaped':
      case 'scriptDoubleEscaped': {
        if (state !== 'scriptDoubleEscaped' && character === '<' && closesRawElement(index)) {
          state = 'tagName';
          tagName = rawElement;
          isEndTag = true;
          return rawElement.length + 2;
        }
        if (state === 'scriptData' && html.startsWith('<!--', index)) {
          state = 'scriptEscaped';
          return 4;
        }
        if (state !== 'scriptData' && html.startsWith('-->', index)) {
          state = 'scriptData';
          return 3;
        }
        if (state === 'scriptEscaped' && /^<script[\s/>]/i.test(html.slice(index, index + 8))) {
          state = 'scriptDoubleEscaped';
          return 7;
        }
        if (state === 'scriptDoubleEscaped' && /^<\/script[\s/>]/i.test(html.slice(index, index + 9))) {
          state = 'scriptEscaped';
          return 8;
        }
        return 1;
      }
      case 'plaintext': {
        return 1;
      }
      case 'tagOpen': {
        if (character === '!') {
          if (html.startsWith('--', index + 1)) {
            state = 'commentStart';
            return 3;
          }
          state = 'bogusComment';
          return 1;
        }
        if (character === '/') {
          state = 'endTagOpen';
          return 1;
        }
        if (isAsciiLetter(character)) {
          state = 'tagName';
          tagName = '';
          isEndTag = false;
          return 0;
        }
        state = character === '?' ? 'bogusComment' : 'data';
        return character === '?' ? 1 : 0;
      }
      case 'endTagOpen': {
        if (isAsciiLetter(character)) {
          state = 'tagName';
          tagName = '';
          isEndTag = true;
          return 0;
        }
        state = character === '>' ? 'data' : 'bogusComment';
        return character === '>' ? 1 : 0;
      }
      case 'tagName': {
        if (isWhitespace(character)) {
          state = 'beforeAttributeName';
        } else if (character === '/') {
          state = 'selfClosingStartTag';
        } else if (character === '>') {
          state = emitTag();
        } else {
          tagName += character;
        }
        return 1;
      }
      case 'beforeAttributeName': {
        if (isWhitespace(character)) {
          return 1;
        }
        if (character === '/' || character === '>') {
          state = 'afterAttributeName';
          return 0;
        }
        startAttribute();
        attributeName = character === '=' ? '=' : '';
        state = 'attributeName';
        return character === '=' ? 1 : 0;
      }
      case 'attributeName': {
        if (isWhitespace(character) || character === '/' || character === '>') {
          state = 'afterAttributeName';
          return 0;
        }
        if (character === '=') {
          state = 'beforeAttributeValue';
          return 1;
        }
        attributeName += character;
        return 1;
      }
      case 'afterAttributeName': {
        if (isWhitespace(character)) {
          return 1;
        }
        if (character === '/') {
          state = 'selfClosingStartTag';
          return 1;
        }
        if (character === '=') {
          state = 'beforeAttributeValue';
          return 1;
        }
        if (character === '>') {
          state = emitTag();
          return 1;
        }
        startAttribute();
        state = 'attributeName';
        return 0;
      }
      case 'beforeAttributeValue': {
        if (isWhitespace(character)) {
          return 1;
        }
        if (character === '"' || character === "'") {
          state = character === '"' ? 'attributeValueDouble' : 'attributeValueSingle';
          startValue(index + 1);
          return 1;
        }
        if (character === '>') {
          state = emitTag();
          return 1;
        }
        state = 'attributeValueUnquoted';
        startValue(index);
        return 0;
      }
      case 'attributeValueDouble':
      case 'attributeValueSingle': {
        if (character === (state === 'attributeValueDouble' ? '"' : "'")) {
          endValue(index);
          state = 'afterAttributeValueQuoted';
        }
        return 1;
      }
      case 'attributeValueUnquoted': {
        if (isWhitespace(character)) {
          endValue(index);
          state = 'beforeAttributeName';
        } else if (character === '>') {
          endValue(index);
          state = emitTag();
        }
        return 1;
      }
      case 'afterAttributeValueQuoted': {
        if (isWhitespace(character)) {
          state = 'beforeAttributeName';
          return 1;
        }
        if (character === '/') {
          state = 'selfClosingStartTag';
          return 1;
        }
        if (character === '>') {
          state = emitTag();
          return 1;
        }
        state = 'beforeAttributeName';
        return 0;
      }
      case 'selfClosingStartTag': {
        if (character === '>') {
          state = emitTag();
          return 1;
        }
        state = 'beforeAttributeName';
        return 0;
      }
      case 'bogusComment': {
        if (character === '>') {
          state = 'data';
        }
        return 1;
      }
      case 'commentStart': {
        state = character === '-' ? 'commentStartDash' : character === '>' ? 'data' : 'comment';
        return character === '-' || character === '>' ? 1 : 0;
      }
      case 'commentStartDash': {
        state = character === '-' ? 'commentEnd' : character === '>' ? 'data' : 'comment';
        return character === '-' || character === '>' ? 1 : 0;
      }
      case 'comment': {
        if (character === '-') {
          state = 'commentEndDash';
        }
        return 1;
      }
      case 'commentEndDash': {
        state = character === '-' ? 'commentEnd' : 'comment';
        return character === '-' ? 1 : 0;
      }
      case 'commentEnd': {
        if (character === '>') {
          state = 'data';
          return 1;
        }
        if (character === '!') {
          state = 'commentEndBang';
          return 1;
        }
        if (character === '-') {
          return 1;
        }
        state = 'comment';
        return 0;
      }
      case 'commentEndBang': {
        state = character === '-' ? 'commentEndDash' : character === '>' ? 'data' : 'comment';
        return character === '-' || character === '>' ? 1 : 0;
      }
    }
  };

  let index = 0;
  while (index < html.length || next < spans.length) {
    const span = spans[next];
    if (span && span.start <= index) {
      // The placeholder counts as one letter (whatever it covers is not markup): `<td width={{x}}>`
      // starts an unquoted value, `<{{x}}>` a tag name.
      let used = 0;
      for (let guard = 0; used === 0 && guard < 4; guard += 1) {
        used = step('x', span.start);
      }
      if ((state as State) === 'tagName') {
        tagName += '{';
      }
      contexts.push(contextFor());
      next += 1;
      index = Math.max(index, span.end);
      continue;
    }
    if (index >= html.length) {
      break;
    }
    let used = step(html[index] ?? '', index);
    // A state change without consuming a character reconsumes it in the new state.
    for (let guard = 0; used === 0 && guard < 4; guard += 1) {
      used = step(html[index] ?? '', index);
    }
    index += Math.max(used, 1);
  }
  return contexts;
};
