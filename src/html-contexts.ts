/**
 * Where each placeholder of an HTML template sits, as a spec-compliant HTML parser (parse5, the
 * WHATWG tokenizer and tree construction) reads the template: once with scripting on (a browser),
 * once with scripting off (webmail sanitizers and most mail clients, which read `<noscript>` as
 * markup), and, when the template holds Outlook conditional comments (`<!--[if mso]>…<![endif]-->`),
 * once as Outlook reads it (their content as HTML). A placeholder must sit in the same kind of
 * place in every reading; where it does not, or where no value is safe, it is refused.
 */
import { type DefaultTreeAdapterMap, type DefaultTreeAdapterTypes, Parser, type Token, html } from 'parse5';

import { type PlaceholderMatch } from './placeholders.js';

/** How a URL attribute's value is read. */
export type UrlKind =
  /** One URL. */
  | 'url'
  /** `srcset`: comma-separated candidates, each a URL and a descriptor. */
  | 'srcset'
  /** `ping`: URLs separated by spaces. */
  | 'spaced'
  /** A meta refresh's `content`: a delay, then `url=` and the URL. */
  | 'refresh'
  /** An SVG animation of `href` (`values`, `to`, `from`, `by`): URLs separated by semicolons. */
  | 'animation';

/** An attribute value holding a placeholder. */
export type AttributeContext = {
  kind: 'attribute';
  /** The element, lower-cased as the tokenizer reads it. */
  element: string;
  /** The attribute name, lower-cased (`xlink:href`). */
  name: string;
  quoted: boolean;
  /** The placeholder is the whole unquoted value (`<td width={{x}}>`). */
  whole: boolean;
  /** Set when the attribute holds a URL a reader follows or loads. */
  url?: UrlKind;
  /** The value as written, placeholders as their markers (see {@link MarkedTemplate}). */
  written: string;
};

/** Where a placeholder sits, which decides how its value is escaped, or why none may go there. */
export type HtmlContext =
  /** Text, or the content of `<title>`/`<textarea>`: character references decoded. */
  | { kind: 'text' }
  /** Raw text a reader may also parse as markup (`<xmp>`, `<noscript>`…): letters and digits only. */
  | { kind: 'raw' }
  /** CSS: the content of a `<style>` element. */
  | { kind: 'css' }
  | AttributeContext
  /** Nowhere a value can go safely: `where` completes "puts {{x}} …". */
  | { kind: 'refused'; where: string };

/** What one reading says: an HTML context, or inside an Outlook conditional comment. */
type ReadingContext = HtmlContext | { kind: 'conditional' };

/** The template with each placeholder replaced by a marker of letters and digits the template lacks. */
export type MarkedTemplate = {
  source: string;
  /** Finds every marker in a text; group 1 is the placeholder's position. */
  marker: RegExp;
  /** The marker of the placeholder at `position`. */
  markerOf: (position: number) => string;
};

/** The template with each placeholder replaced by a marker, read as one word by the parser. */
export const markTemplate = (template: string, matches: readonly PlaceholderMatch[]): MarkedTemplate => {
  const lower = template.toLowerCase();
  let prefix = 'zqph';
  for (let attempt = 0; lower.includes(prefix); attempt += 1) {
    prefix = `zqph${attempt.toString(36)}x`;
  }
  let source = '';
  let last = 0;
  for (const [position, match] of matches.entries()) {
    source += `${template.slice(last, match.index)}${prefix}${position}qz`;
    last = match.index + match.written.length;
  }
  return {
    source: source + template.slice(last),
    marker: new RegExp(`${prefix}(\\d+)qz`, 'g'),
    markerOf: (position) => `${prefix}${position}qz`,
  };
};

/** The positions of the placeholders whose markers a text holds. */
export const markersIn = (text: string, { marker }: MarkedTemplate): number[] =>
  text.includes('qz') ? [...text.matchAll(marker)].map((match) => Number(match[1])) : [];

/** Whether a token holds a marker (every marker ends with `qz`): only those are kept. */
const holdsMarker = (token: Token.TagToken): boolean =>
  token.tagName.includes('qz') ||
  token.attrs.some(({ name, value }) => name.includes('qz') || value.includes('qz'));

/**
 * The parser, keeping the tag, doctype and comment tokens that hold a marker (and conditional
 * comments): a tag the tree drops (a stray `<td>`) still gives its placeholders a context.
 */
class TokenWatchingParser extends Parser<DefaultTreeAdapterMap> {
  readonly tags: Token.TagToken[] = [];
  readonly endTags: Token.TagToken[] = [];
  readonly doctypes: Token.DoctypeToken[] = [];
  readonly comments: Token.CommentToken[] = [];

  override onStartTag(token: Token.TagToken): void {
    if (holdsMarker(token)) {
      this.tags.push(token);
    }
    super.onStartTag(token);
  }

  override onEndTag(token: Token.TagToken): void {
    if (holdsMarker(token)) {
      this.endTags.push(token);
    }
    super.onEndTag(token);
  }

  override onDoctype(token: Token.DoctypeToken): void {
    this.doctypes.push(token);
    super.onDoctype(token);
  }

  override onComment(token: Token.CommentToken): void {
    if (token.data.includes('qz') || token.data.startsWith('[')) {
      this.comments.push(token);
    }
    super.onComment(token);
  }
}

/** One parse of the marked template. */
type Reading = {
  source: string;
  parser: TokenWatchingParser;
  document: DefaultTreeAdapterTypes.Document;
};

const read = (source: string, scriptingEnabled: boolean, sourceCodeLocationInfo: boolean): Reading => {
  const parser = new TokenWatchingParser({ scriptingEnabled, sourceCodeLocationInfo });
  parser.tokenizer.write(source, true);
  return { source, parser, document: parser.document };
};

/** `<!--[if mso]>…<![endif]-->`: its content is HTML to Outlook (group 1). */
const conditionalComment = /^\[if\s[^\]]*\]>([\s\S]*)<!\[endif\]$/i;

/** The text as Outlook reads it: each conditional comment replaced by its content. */
const outlookSource = (reading: Reading): string | undefined => {
  let source = '';
  let last = 0;
  for (const { data } of reading.parser.comments) {
    const content = conditionalComment.exec(data)?.[1];
    const at = content === undefined ? -1 : reading.source.indexOf(`<!--${data}-->`, last);
    if (at !== -1) {
      source += reading.source.slice(last, at) + (content ?? '');
      last = at + data.length + 7;
    }
  }
  return last === 0 ? undefined : source + reading.source.slice(last);
};

/** Elements whose content is raw text that a reader not knowing them would parse as markup. */
const rawTextElements = new Set(['xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);

/** The context of text inside `parent`. */
const textContextIn = (parent: DefaultTreeAdapterTypes.Element | undefined): HtmlContext => {
  const name = parent?.tagName;
  if (name === 'script') {
    return { kind: 'refused', where: 'inside a <script> element' };
  }
  if (name === 'style') {
    return { kind: 'css' };
  }
  if (parent?.namespaceURI === html.NS.HTML && rawTextElements.has(name ?? '')) {
    return { kind: 'raw' };
  }
  return { kind: 'text' };
};

/** Whether `offset` lies in a `<![CDATA[…]]>` section that began in the text node at `start`. */
const inCdata = (source: string, start: number, offset: number): boolean => {
  const before = source.slice(start, offset);
  return before.lastIndexOf('<![CDATA[') > before.lastIndexOf(']]>');
};

/** Every text node of the document (template contents included), with its parent element. */
const textNodesOf = (document: DefaultTreeAdapterTypes.Document) => {
  const found: Array<{ node: DefaultTreeAdapterTypes.TextNode; parent?: DefaultTreeAdapterTypes.Element }> =
    [];
  const stack: Array<{
    node: DefaultTreeAdapterTypes.ParentNode;
    element?: DefaultTreeAdapterTypes.Element;
  }> = [{ node: document }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, element } = entry;
    for (const child of node.childNodes) {
      if (child.nodeName === '#text') {
        found.push({ node: child as DefaultTreeAdapterTypes.TextNode, ...(element && { parent: element }) });
      } else if ('tagName' in child) {
        stack.push({ node: child, element: child });
        if ('content' in child) {
          stack.push({ node: child.content, element: child });
        }
      }
    }
  }
  return found;
};

/** Attributes whose value is a URL a reader follows or loads. */
const urlAttributes = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'dynsrc',
  'formaction',
  'href',
  'icon',
  'imagesrcset',
  'itemtype',
  'longdesc',
  'lowsrc',
  'manifest',
  'ping',
  'poster',
  'profile',
  'src',
  'srcset',
  'usemap',
  'xlink:href',
]);

const animationElements = new Set(['animate', 'animatecolor', 'animatemotion', 'animatetransform', 'set']);
const animatedValues = new Set(['values', 'to', 'from', 'by']);

/** An attribute's name as written, lower-cased (`xlink:href`, even after parse5 splits it). */
const nameOf = (attribute: Token.Attribute): string =>
  (attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name).toLowerCase();

const valueOf = (token: Token.TagToken, name: string): string | undefined =>
  token.attrs
    .find((attribute) => nameOf(attribute) === name)
    ?.value.trim()
    .toLowerCase();

/** How the attribute `name` of the tag is read, when it holds a URL. */
const urlKindOf = (token: Token.TagToken, element: string, name: string): UrlKind | undefined => {
  if (urlAttributes.has(name)) {
    return name.endsWith('srcset') ? 'srcset' : name === 'ping' || name === 'archive' ? 'spaced' : 'url';
  }
  if (element === 'meta' && name === 'content' && valueOf(token, 'http-equiv') === 'refresh') {
    return 'refresh';
  }
  if (
    animationElements.has(element) &&
    animatedValues.has(name) &&
    ['href', 'xlink:href'].includes(valueOf(token, 'attributename') ?? '')
  ) {
    return 'animation';
  }
  return element === 'param' && name === 'value' ? 'url' : undefined;
};

/** Why a value may not go into an attribute, if it may not. */
const refusedAttribute = (token: Token.TagToken, element: string, name: string): string | undefined => {
  if (element === 'script') {
    return 'in an attribute of a <script> element';
  }
  if (name.startsWith('on')) {
    return `in the ${name} attribute, which holds script`;
  }
  if (name === 'srcdoc') {
    return 'in the srcdoc attribute, which holds HTML';
  }
  if (['http-equiv', 'charset', 'attributename'].includes(name)) {
    return `in the ${name} attribute, which decides how other markup is read`;
  }
  if (element === 'meta' && name === 'content' && valueOf(token, 'http-equiv') !== undefined) {
    const refresh = valueOf(token, 'http-equiv') === 'refresh';
    return refresh
      ? undefined
      : 'in the content of a <meta http-equiv>, which tells the reader how to read the email';
  }
  return undefined;
};

const notKept = 'where the markup does not keep it (a repeated attribute, or text a browser drops)';

/** The context of a placeholder in the value of `attribute` of the start tag `token`. */
const attributeContextOf = (
  token: Token.TagToken,
  attribute: Token.Attribute,
  { source }: Reading,
  marked: MarkedTemplate
): HtmlContext => {
  const element = token.tagName.toLowerCase();
  const name = nameOf(attribute);
  const refused = refusedAttribute(token, element, name);
  const location = token.location?.attrs?.[name];
  if (refused !== undefined || !location) {
    return { kind: 'refused', where: refused ?? notKept };
  }
  const raw = source.slice(location.startOffset, location.endOffset);
  const [prefix = '', quote = ''] = /^[^=]*?\s*=\s*(["']?)/.exec(raw.slice(name.length)) ?? [];
  const valueStart = name.length + prefix.length;
  const written = quote ? raw.slice(valueStart, raw.endsWith(quote) ? -1 : undefined) : raw.slice(valueStart);
  const url = urlKindOf(token, element, name);
  return {
    kind: 'attribute',
    element,
    name,
    quoted: quote !== '',
    whole:
      quote === '' && written.replace(marked.marker, '') === '' && markersIn(written, marked).length === 1,
    ...(url && { url }),
    written,
  };
};

/** Every placeholder's context in one reading (a placeholder missing from it has none). */
const contextsIn = (reading: Reading, marked: MarkedTemplate): Map<number, ReadingContext> => {
  const contexts = new Map<number, ReadingContext>();
  // A marker found twice (the template spelled one with character references): no one place.
  const assign = (position: number, context: ReadingContext) => {
    contexts.set(position, contexts.has(position) ? { kind: 'refused', where: notKept } : context);
  };
  const set = (positions: number[], context: ReadingContext) => {
    for (const position of positions) {
      assign(position, context);
    }
  };
  const refuse = (text: string, where: string) => {
    set(markersIn(text, marked), { kind: 'refused', where });
  };
  const { tags, endTags, doctypes, comments } = reading.parser;
  for (const token of tags) {
    refuse(token.tagName, 'in a tag name');
    for (const attribute of token.attrs) {
      refuse(attribute.name, 'where an attribute name is written');
      for (const position of markersIn(attribute.value, marked)) {
        assign(position, attributeContextOf(token, attribute, reading, marked));
      }
    }
  }
  for (const token of endTags) {
    refuse(token.tagName + token.attrs.map(({ name, value }) => name + value).join(''), 'in an end tag');
  }
  for (const token of doctypes) {
    refuse(`${token.name ?? ''}${token.publicId ?? ''}${token.systemId ?? ''}`, 'in a doctype');
  }
  for (const { data } of comments) {
    const conditional = conditionalComment.test(data);
    set(
      markersIn(data, marked),
      conditional ? { kind: 'conditional' } : { kind: 'refused', where: 'inside an HTML comment' }
    );
  }
  for (const { node, parent } of textNodesOf(reading.document)) {
    const start = node.sourceCodeLocation?.startOffset ?? 0;
    for (const position of markersIn(node.value, marked)) {
      const cdata =
        parent !== undefined &&
        parent.namespaceURI !== html.NS.HTML &&
        inCdata(reading.source, start, reading.source.indexOf(marked.markerOf(position), start));
      assign(position, cdata ? { kind: 'refused', where: 'inside a CDATA section' } : textContextIn(parent));
    }
  }
  return contexts;
};

const sameContext = (a: HtmlContext, b: HtmlContext): boolean =>
  a.kind === b.kind &&
  (a.kind !== 'attribute' ||
    (b.kind === 'attribute' &&
      a.element === b.element &&
      a.name === b.name &&
      a.quoted === b.quoted &&
      a.whole === b.whole &&
      a.url === b.url &&
      a.written === b.written));

const readDifferently =
  'where readers disagree on what it is (inside <noscript>, which browsers read as text and mail clients as markup, or in markup an Outlook conditional comment changes)';

/** One context from every reading's: the same everywhere, or refused. */
const agreedContext = (readings: ReadonlyArray<ReadingContext | undefined>): HtmlContext => {
  const decided: HtmlContext[] = [];
  for (const context of readings) {
    if (context === undefined) {
      return { kind: 'refused', where: notKept };
    }
    if (context.kind === 'refused') {
      return context;
    }
    if (context.kind !== 'conditional') {
      decided.push(context);
    }
  }
  const [first] = decided;
  if (!first) {
    return { kind: 'refused', where: notKept };
  }
  if (decided.every((context) => sameContext(context, first))) {
    return first;
  }
  // Text in one reading, raw text in another: letters and digits only are safe in both.
  return decided.every(({ kind }) => kind === 'text' || kind === 'raw')
    ? { kind: 'raw' }
    : { kind: 'refused', where: readDifferently };
};

/** The elements of a document in order, each as its name and attribute names: what values may not change. */
export const elementsOf = (document: DefaultTreeAdapterTypes.Document): string[] => {
  const elements: string[] = [];
  const stack: DefaultTreeAdapterTypes.ParentNode[] = [document];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if ('tagName' in node) {
      const names = node.attrs.map(nameOf).sort().join(' ');
      elements.push(
        `${node.namespaceURI === html.NS.HTML ? '' : `${node.namespaceURI} `}${node.tagName}[${names}]`
      );
      if ('content' in node) {
        stack.push(node.content);
      }
    }
    for (let index = node.childNodes.length - 1; index >= 0; index -= 1) {
      const child = node.childNodes[index];
      if (child && 'childNodes' in child) {
        stack.push(child);
      }
    }
  }
  return elements;
};

/**
 * The readings of an HTML text: scripting on, scripting off, and Outlook's when it holds
 * conditional comments. Scripting changes only how `<noscript>` is read: without one, one
 * reading serves both. Source locations (for attribute quotes) only when asked: they cost.
 */
export const readingsOf = (html: string, { locations = false } = {}): Reading[] => {
  // Line breaks as the parser's input stream has them, so that source text and data agree.
  const source = html.replaceAll(/\r\n?/g, '\n');
  const scriptingOff = read(source, false, locations);
  const outlook = outlookSource(scriptingOff);
  return [
    ...(/<noscript/i.test(source) ? [read(source, true, locations)] : []),
    scriptingOff,
    ...(outlook === undefined ? [] : [read(outlook, false, locations)]),
  ];
};

/** The contexts of a template's placeholders, and the template's elements in each reading. */
export type TemplateReading = {
  contexts: HtmlContext[];
  marked: MarkedTemplate;
  /** {@link elementsOf} each reading of the template, placeholders as markers. */
  elements: string[][];
};

/** Reads an HTML template: each placeholder's context (the same in every reading, or refused). */
export const readHtmlTemplate = (template: string, matches: readonly PlaceholderMatch[]): TemplateReading => {
  const marked = markTemplate(template, matches);
  const readings = readingsOf(marked.source, { locations: true });
  const perReading = readings.map((reading) => contextsIn(reading, marked));
  return {
    contexts: matches.map((_match, position) =>
      agreedContext(perReading.map((contexts) => contexts.get(position)))
    ),
    marked,
    elements: readings.map(({ document }) => elementsOf(document)),
  };
};
