/**
 * The tests' own judge of rendered HTML, independent of src/: parse5 (the WHATWG parser) reads
 * the email as a browser (scripting on), as a mail client or webmail sanitizer (scripting off)
 * and as Outlook (the content of `<!--[if …]>…<![endif]-->` as markup); the WHATWG URL parser
 * (`new URL`) reads every URL-bearing attribute; CSS is judged by its unescaped delimiters.
 */
import { type DefaultTreeAdapterTypes, parse } from 'parse5';

type Element = DefaultTreeAdapterTypes.Element;

/** Every element of a parsed document in order (template contents included). */
const allElements = (document: DefaultTreeAdapterTypes.Document): Element[] => {
  const found: Element[] = [];
  const visit = (node: DefaultTreeAdapterTypes.ParentNode) => {
    for (const child of node.childNodes) {
      if ('tagName' in child) {
        found.push(child);
        visit('content' in child ? child.content : child);
      }
    }
  };
  visit(document);
  return found;
};

const attributeName = ({ name, prefix }: { name: string; prefix?: string }) =>
  (prefix ? `${prefix}:${name}` : name).toLowerCase();

/** The HTML as Outlook reads it: each `<!--[if …]>…<![endif]-->` replaced by its content. */
export const outlookView = (html: string): string => {
  const document = parse(html, { sourceCodeLocationInfo: true, scriptingEnabled: false });
  const comments: DefaultTreeAdapterTypes.CommentNode[] = [];
  const visit = (node: DefaultTreeAdapterTypes.ParentNode) => {
    for (const child of node.childNodes) {
      if (child.nodeName === '#comment') {
        comments.push(child as DefaultTreeAdapterTypes.CommentNode);
      } else if ('childNodes' in child) {
        visit('content' in child ? child.content : child);
      }
    }
  };
  visit(document);
  let view = '';
  let last = 0;
  for (const comment of comments.sort(
    (a, b) => (a.sourceCodeLocation?.startOffset ?? 0) - (b.sourceCodeLocation?.startOffset ?? 0)
  )) {
    const inner = /^\[if [^\]]*\]>([\s\S]*)<!\[endif\]$/i.exec(comment.data)?.[1];
    if (inner !== undefined && comment.sourceCodeLocation) {
      view += html.slice(last, comment.sourceCodeLocation.startOffset) + inner;
      last = comment.sourceCodeLocation.endOffset;
    }
  }
  return view + html.slice(last);
};

/** A reader of the email. */
export type Reader = 'browser' | 'mail client' | 'Outlook';

export const readers: readonly Reader[] = ['browser', 'mail client', 'Outlook'];

/** The elements of the email as `reader` builds them. */
export const elementsFor = (html: string, reader: Reader): Element[] =>
  allElements(
    parse(reader === 'Outlook' ? outlookView(html) : html, { scriptingEnabled: reader === 'browser' })
  );

/** Each element's namespace, name and attribute names, in order: what no value may change. */
export const shapeOf = (elements: readonly Element[]): string[] =>
  elements.map(
    (element) =>
      `${element.namespaceURI.split('/').at(-1) ?? ''}:${element.tagName}[${element.attrs
        .map(attributeName)
        .sort()
        .join(' ')}]`
  );

const urlAttributes = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'background',
  'poster',
  'data',
  'cite',
  'longdesc',
  'lowsrc',
  'dynsrc',
  'codebase',
  'classid',
  'manifest',
  'icon',
]);

/** Every URL an element holds, as a reader splits its attributes. */
const urlsOf = (element: Element): string[] => {
  const value = (name: string) => element.attrs.find((attribute) => attributeName(attribute) === name)?.value;
  const urls: string[] = [];
  for (const attribute of element.attrs) {
    const name = attributeName(attribute);
    if (urlAttributes.has(name)) {
      urls.push(attribute.value);
    } else if (name === 'srcset' || name === 'imagesrcset') {
      urls.push(...attribute.value.split(',').map((candidate) => candidate.trim().split(/\s+/)[0] ?? ''));
    } else if (name === 'ping') {
      urls.push(...attribute.value.split(/\s+/));
    } else if (name === 'content' && value('http-equiv')?.trim().toLowerCase() === 'refresh') {
      const target = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*)$/is.exec(attribute.value);
      urls.push(target?.[1] ? ((target[2] ?? '').split(target[1])[0] ?? '') : (target?.[2] ?? ''));
    } else if (
      ['values', 'to', 'from', 'by'].includes(name) &&
      /^(xlink:)?href$/i.test(value('attributename')?.trim() ?? '')
    ) {
      urls.push(...attribute.value.split(';'));
    }
  }
  return urls;
};

const safeProtocols = new Set(['http:', 'https:', 'mailto:']);

/** The protocol a reader gives a URL, or undefined when it cannot parse it (nothing is followed). */
const protocolOf = (url: string): string | undefined => {
  try {
    return new URL(url, 'https://base.invalid/').protocol;
  } catch {
    return undefined;
  }
};

/** Every URL in the email, for any reader, whose protocol is not http(s) or mailto. */
export const unsafeUrls = (html: string): string[] =>
  readers.flatMap((reader) =>
    elementsFor(html, reader)
      .flatMap(urlsOf)
      .filter((url) => {
        const protocol = protocolOf(url);
        return protocol !== undefined && !safeProtocols.has(protocol);
      })
  );

/** A CSS identifier as CSS reads it: escapes (`\\75 ` or `\\u`) decoded, lower-cased. */
const cssIdentifier = (written: string): string =>
  written
    .replaceAll(
      /\\([\da-f]{1,6})\s?|\\(.)/gis,
      (_escape, hex: string | undefined, character: string | undefined) =>
        hex ? String.fromCodePoint(Number.parseInt(hex, 16)) : (character ?? '')
    )
    .toLowerCase();

/**
 * The CSS delimiters in a style that are not escaped, each `(` with the function it opens
 * (`url(`): a new declaration, rule or function shows as a difference.
 */
const cssDelimiters = (css: string): string => {
  let delimiters = '';
  for (let index = 0; index < css.length; index += 1) {
    const character = css[index];
    if (character === '\\') {
      index += 1;
    } else if (character === '(') {
      delimiters += `${cssIdentifier(/(?:[\w-]|\\[\da-f]{1,6}\s?|\\.)*$/i.exec(css.slice(0, index))?.[0] ?? '')}(`;
    } else if (character && ';:){}'.includes(character)) {
      delimiters += character;
    }
  }
  return delimiters;
};

/** The unescaped CSS delimiters of every style attribute and `<style>` element, for each reader. */
export const styleShape = (html: string): string[] =>
  readers.flatMap((reader) =>
    elementsFor(html, reader).flatMap((element) => [
      ...element.attrs.filter(({ name }) => name === 'style').map(({ value }) => cssDelimiters(value)),
      ...(element.tagName === 'style'
        ? [cssDelimiters(element.childNodes.map((node) => ('value' in node ? node.value : '')).join(''))]
        : []),
    ])
  );
