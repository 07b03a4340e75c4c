import { fromBuffer } from 'file-type';
import { parser as saxParser, type QualifiedAttribute, type QualifiedTag } from 'sax';
import { MAX_PHOTO_PIXELS } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';
import { readMetadata, runPipeline, sharpOver } from './raster-encoding';
import { SvgRenderCost, type RenderReference } from './svg-render-cost';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * Elements of static SVG images. Left out on purpose: script, foreignObject (HTML inside SVG),
 * animation (set/animate* can rewrite href to `javascript:`), iframe/video/audio/canvas, anything
 * of another namespace, and filters: librsvg spends seconds per filtered element (20 rects with a
 * wide blur and turbulence took 18 s), its time cannot be limited from sharp, and a profile photo
 * loses only shadows and blurs without them. An `a` is kept as a plain group: its link goes, its
 * drawing stays.
 */
const ALLOWED_ELEMENTS = new Set([
  'svg', 'g', 'defs', 'title', 'desc', 'symbol', 'use', 'switch',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker', 'image', 'style',
]);

/** Geometry and presentation attributes; no `on*` handler, no attribute that loads anything. */
const ALLOWED_ATTRIBUTES = new Set([
  'id', 'class', 'lang', 'x', 'y', 'width', 'height', 'viewBox', 'preserveAspectRatio', 'version',
  'd', 'pathLength', 'points', 'cx', 'cy', 'r', 'rx', 'ry', 'x1', 'y1', 'x2', 'y2', 'fx', 'fy', 'fr',
  'transform', 'opacity', 'style', 'display', 'visibility', 'overflow', 'clip', 'color',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'paint-order', 'vector-effect',
  'gradientUnits', 'gradientTransform', 'spreadMethod', 'offset', 'stop-color', 'stop-opacity',
  'patternUnits', 'patternContentUnits', 'patternTransform',
  'clip-path', 'clipPathUnits', 'clip-rule', 'mask', 'maskUnits', 'maskContentUnits', 'mask-type',
  'marker-start', 'marker-mid', 'marker-end', 'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient',
  'dx', 'dy', 'type',
  'color-interpolation', 'color-interpolation-filters', 'color-rendering', 'shape-rendering', 'text-rendering',
  'image-rendering', 'font-family', 'font-size', 'font-size-adjust', 'font-stretch', 'font-style', 'font-variant',
  'font-weight', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'baseline-shift', 'letter-spacing',
  'word-spacing', 'text-decoration', 'writing-mode', 'direction', 'unicode-bidi', 'textLength', 'lengthAdjust',
  'rotate', 'startOffset', 'method', 'spacing', 'side', 'requiredFeatures', 'systemLanguage',
]);

/** Attributes that may point somewhere: kept only for a same-document `#id` (or, on `image`, an inline raster). */
const LINK_ATTRIBUTES = new Set(['href']);

/** Deeper or bigger than this is no photo, and rendering it could take the server down. */
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 20_000;
/**
 * Elements drawn once references are followed. librsvg takes about 2 s for 100 000 here (both
 * renditions, 2 cores); sharp's timeout cannot stop it, as librsvg reports no progress.
 */
const MAX_RENDERED_ELEMENTS = 100_000;
const MAX_EMBEDDED_RASTERS = 8;

const SAME_DOCUMENT_REFERENCE = /^#[A-Za-z_][\w.:-]*$/;
const INLINE_RASTER = /^data:image\/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=]+)$/i;
const EMBEDDED_RASTER_FORMATS: Readonly<Record<string, 'png' | 'jpeg' | 'webp'>> = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', webp: 'webp' };

interface EmbeddedRaster {
  readonly format: 'png' | 'jpeg' | 'webp';
  readonly bytes: Buffer;
}

type Frame = { readonly kind: 'kept'; readonly name: string } | { readonly kind: 'dropped' } | { kind: 'style'; css: string };

const unsafe = (message: string) => new PhotoContentRefused('unsafe-content', message, 'image/svg+xml');
const malformed = () => new PhotoContentRefused('corrupt-image', 'The SVG could not be read: it is not well-formed XML.', 'image/svg+xml');

/**
 * The SVG rebuilt from what an allowlist keeps: elements and attributes of static drawings only,
 * links only to `#id`s of the same document, CSS only without `@` rules, escapes or `url()`s
 * leaving the document, inline rasters re-encoded (their metadata goes too). Comments,
 * processing instructions (`<?xml-stylesheet?>`) and CDATA markers go; text is re-escaped. A
 * DOCTYPE or entity declaration is refused outright: entities are how XML files expand
 * (billion laughs) or read other files (XXE), and no SVG editor needs them.
 */
export async function sanitiseSvg(bytes: Buffer): Promise<Buffer> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed();
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (/<!(?:DOCTYPE|ENTITY)/i.test(text)) throw unsafe('The SVG declares a DOCTYPE or entities, which are not accepted.');

  const output: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const stack: Frame[] = [];
  const embeddedRasters: EmbeddedRaster[] = [];
  const renderCost = new SvgRenderCost();
  let elements = 0;

  const parser = saxParser(true, { xmlns: true, strictEntities: true, position: false });
  parser.onerror = () => {
    throw malformed();
  };
  parser.ondoctype = () => {
    throw unsafe('The SVG declares a DOCTYPE or entities, which are not accepted.');
  };
  parser.oncomment = () => undefined;
  parser.onprocessinginstruction = () => undefined;
  parser.onopentag = (tag) => {
    if (++elements > MAX_ELEMENTS || stack.length >= MAX_DEPTH) throw unsafe('The SVG has too many or too deeply nested elements.');
    const parent = stack[stack.length - 1];
    if (parent && parent.kind !== 'kept') {
      stack.push({ kind: 'dropped' });
      return;
    }
    const name = svgElementName(tag);
    if (stack.length === 0 && name !== 'svg') throw malformed();
    if (name === 'style') {
      stack.push({ kind: 'style', css: '' });
      return;
    }
    const kept = name === 'a' ? 'g' : name;
    if (kept === null || !ALLOWED_ELEMENTS.has(kept)) {
      stack.push({ kind: 'dropped' });
      return;
    }
    const attributes = keptAttributes(tag, kept, embeddedRasters);
    if (attributes === null) {
      stack.push({ kind: 'dropped' });
      return;
    }
    const namespaces = stack.length === 0 ? ` xmlns="${SVG_NS}" xmlns:xlink="${XLINK_NS}"` : '';
    output.push(`<${kept}${namespaces}${attributes.serialised}>`);
    stack.push({ kind: 'kept', name: kept });
    renderCost.enter(attributes.id, attributes.references, attributes.vertices);
  };
  parser.ontext = parser.oncdata = (content) => {
    const frame = stack[stack.length - 1];
    if (frame?.kind === 'kept') output.push(escapeText(content));
    else if (frame?.kind === 'style') frame.css += content;
  };
  parser.onclosetag = () => {
    const frame = stack.pop();
    if (frame?.kind === 'kept') {
      output.push(`</${frame.name}>`);
      renderCost.leave();
    } else if (frame?.kind === 'style' && cssIsSafe(frame.css)) {
      output.push(`<style>${escapeText(frame.css)}</style>`);
      renderCost.styleSheetReferencesTo(sameDocumentUrlTargets(frame.css));
    }
  };

  parser.write(text).close();
  if (elements === 0) throw malformed();
  if (!renderCost.withinLimit(MAX_RENDERED_ELEMENTS)) throw unsafe('The SVG references its own elements too many times over to be drawn.');

  let svg = output.join('');
  // Re-encoded only once the whole document is known to be kept, so no encoding is left running
  // (or rejecting unobserved) when a later part of the document is refused.
  const rasters = await Promise.all(embeddedRasters.map(({ format, bytes }) => reencodedInlineRaster(format, bytes)));
  // Placeholders hold the re-encoded inline rasters, which are only known once encoded.
  rasters.forEach((dataUri, index) => {
    svg = svg.replace(rasterPlaceholder(index), () => dataUri);
  });
  return Buffer.from(svg, 'utf8');
}

/** An element's local name when it is SVG (the SVG namespace, or none as editors often omit it). */
function svgElementName(tag: QualifiedTag): string | null {
  if (tag.uri === SVG_NS || (tag.uri === '' && tag.prefix === '')) return tag.local;
  return null;
}

interface KeptAttributes {
  readonly serialised: string;
  readonly id: string | null;
  /** The ids this element draws again (`href="#id"`, `url(#id)`). */
  readonly references: readonly RenderReference[];
  /** About how many vertices its `d` or `points` has: a marker is drawn at each. */
  readonly vertices: number;
}

/** The attributes kept, serialised; null when the element is pointless without what was removed. */
function keptAttributes(tag: QualifiedTag, element: string, embeddedRasters: EmbeddedRaster[]): KeptAttributes | null {
  let serialised = '';
  let id: string | null = null;
  const references: RenderReference[] = [];
  const geometry = tag.attributes['d']?.value ?? tag.attributes['points']?.value ?? '';
  const vertices = geometry === '' ? 0 : Math.ceil((geometry.match(/\d+/g)?.length ?? 0) / 2);
  let href: string | null = null;
  for (const attribute of Object.values(tag.attributes)) {
    const kind = attributeKind(attribute);
    if (kind === 'link') {
      const link = keptLink(attribute.value, element, embeddedRasters);
      if (link !== null) href = link;
    } else if (kind === 'xml:space') {
      if (attribute.value === 'preserve' || attribute.value === 'default') serialised += ` xml:space="${attribute.value}"`;
    } else if (kind === 'plain' && valueIsSafe(attribute.local, attribute.value)) {
      serialised += ` ${attribute.local}="${escapeAttribute(attribute.value)}"`;
      if (attribute.local === 'id') id = attribute.value;
      // A marker (attribute or style declaration) is drawn at every vertex, anything else once.
      const times = attribute.local.startsWith('marker') || (attribute.local === 'style' && attribute.value.includes('marker')) ? Math.max(1, vertices) : 1;
      for (const id of sameDocumentUrlTargets(attribute.value)) references.push({ id, times });
    }
  }
  // An `a` turned group drops its link; an image or `use` without a safe reference draws nothing.
  if (href !== null && element !== 'g') {
    serialised += ` xlink:href="${href}"`;
    if (href.startsWith('#')) references.push({ id: href.slice(1), times: 1 });
  }
  if ((element === 'image' || element === 'use') && href === null) return null;
  return { serialised, id, references, vertices };
}

function attributeKind(attribute: QualifiedAttribute): 'plain' | 'link' | 'xml:space' | 'dropped' {
  if (attribute.uri === '' && attribute.prefix === '') {
    if (LINK_ATTRIBUTES.has(attribute.local)) return 'link';
    return ALLOWED_ATTRIBUTES.has(attribute.local) ? 'plain' : 'dropped';
  }
  if (attribute.uri === XLINK_NS && attribute.local === 'href') return 'link';
  if (attribute.uri === XML_NS && attribute.local === 'space') return 'xml:space';
  // xmlns declarations are written anew on the root; other namespaces (editors' own) are dropped.
  return 'dropped';
}

/** `#id` as it is; an inline PNG/JPEG/WebP on an `image` as a placeholder for its re-encoding. */
function keptLink(value: string, element: string, embeddedRasters: EmbeddedRaster[]): string | null {
  const compact = value.replace(/\s+/g, '');
  if (SAME_DOCUMENT_REFERENCE.test(compact)) return escapeAttribute(compact);
  const inline = INLINE_RASTER.exec(compact);
  if (element !== 'image' || inline === null) return null;
  if (embeddedRasters.length >= MAX_EMBEDDED_RASTERS) throw unsafe('The SVG embeds too many images.');
  embeddedRasters.push({ format: EMBEDDED_RASTER_FORMATS[inline[1].toLowerCase()], bytes: Buffer.from(inline[2], 'base64') });
  return rasterPlaceholder(embeddedRasters.length - 1);
}

function rasterPlaceholder(index: number): string {
  // NUL cannot occur in XML text or attribute values, so a placeholder never collides with content.
  return `\u0000raster-${index}\u0000`;
}

/** An inline raster must be what it says, within the pixel limit, and is kept without metadata. */
async function reencodedInlineRaster(declared: 'png' | 'jpeg' | 'webp', bytes: Buffer): Promise<string> {
  const sniffed = await fromBuffer(bytes).catch(() => undefined);
  if (sniffed?.mime !== `image/${declared}`) throw unsafe('The SVG embeds an image that is not the PNG, JPEG or WebP it claims to be.');
  const metadata = await readMetadata(sharpOver(bytes));
  if (!metadata.width || !metadata.height || metadata.width * metadata.height > MAX_PHOTO_PIXELS) {
    throw new PhotoContentRefused('too-many-pixels', `An image inside the SVG has more pixels than the ${MAX_PHOTO_PIXELS / 1_000_000} megapixels accepted.`);
  }
  const pipeline = sharpOver(bytes).rotate();
  const { data } = await runPipeline(declared === 'jpeg' ? pipeline.jpeg({ quality: 90 }) : declared === 'png' ? pipeline.png() : pipeline.webp({ quality: 90 }));
  return `data:image/${declared};base64,${data.toString('base64')}`;
}

function sameDocumentUrlTargets(value: string): string[] {
  return Array.from(value.matchAll(/url\(\s*['"]?#([^'")\s]+)/g), (match) => match[1]);
}

/** Values that could run or load something are dropped, whatever attribute carries them. */
function valueIsSafe(name: string, value: string): boolean {
  if (name === 'style') return cssIsSafe(value);
  const compact = compacted(value);
  if (/(?:javascript|vbscript|data):/.test(compact)) return false;
  return onlySameDocumentUrls(compact);
}

/**
 * CSS without `@` rules (`@import`, `@font-face` load things), without escapes (which can spell
 * either), without `<` (which ends the style element for an HTML parser), and whose `url()`s
 * all point into the document.
 */
function cssIsSafe(css: string): boolean {
  const compact = compacted(css.replace(/\/\*[\s\S]*?\*\//g, ''));
  if (/[\\@<]/.test(compact)) return false;
  if (/javascript:|vbscript:|data:|expression\(|-moz-binding|behavior:/.test(compact)) return false;
  // CSS filter functions (blur(), drop-shadow()) cost librsvg what filter elements do.
  if (/(?:^|[;{\s])filter:/.test(compact)) return false;
  return onlySameDocumentUrls(compact);
}

/** Lower case without whitespace or control characters, which browsers skip inside a scheme ("java\tscript:"). */
function compacted(value: string): string {
  let compact = '';
  for (const character of value) {
    const code = character.charCodeAt(0);
    // Only beyond ASCII can a character be whitespace above 0x20 (no-break space, line separator…).
    if (code > 0x20 && (code < 0x7f || !/\s/.test(character))) compact += character;
  }
  return compact.toLowerCase();
}

function onlySameDocumentUrls(compact: string): boolean {
  const withoutLocalUrls = compact.replace(/url\((['"]?)#[\w.:-]+\1\)/g, '');
  return !/url\(|src\(|image-set\(|image\(/.test(withoutLocalUrls);
}

/** Characters XML 1.0 does not allow (`&#0;` and the like parse in sax but break librsvg and placeholders). */
const NOT_XML_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeText(text: string): string {
  return text.replace(NOT_XML_CHARACTERS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
