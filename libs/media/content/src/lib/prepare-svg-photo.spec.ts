import sharp from 'sharp';
import { PhotoContentRefused, preparePhoto } from '../index';
import { jpeg } from '../test/generated-images';

async function refusalOf(promise: Promise<unknown>): Promise<PhotoContentRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PhotoContentRefused) return error;
    throw error;
  }
  throw new Error('expected the photo to be refused, it was accepted');
}

const drawing = (inner: string, root = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="480" height="320"') =>
  Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<svg ${root}>${inner}</svg>`);

const prepareSvg = (bytes: Buffer) => preparePhoto({ bytes, declaredContentType: 'image/svg+xml', fileName: 'drawing.svg' });

describe('preparePhoto: SVG sanitised and rasterised', () => {
  it('keeps a static drawing, rendered as webp at each rendition size', async () => {
    const svg = drawing('<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient></defs><rect width="480" height="320" fill="url(#g)"/>');

    const photo = await prepareSvg(svg);

    expect({ format: photo.format, width: photo.width, height: photo.height }).toEqual({ format: 'svg', width: 480, height: 320 });
    expect({ contentType: photo.original.contentType, extension: photo.original.extension }).toEqual({ contentType: 'image/svg+xml', extension: 'svg' });
    expect(photo.original.bytes.toString()).toContain('fill="url(#g)"');
    // A vector scales without loss: the 1024 rendition is drawn at 1024, above the drawing's own size.
    expect(photo.renditions.map(({ size, width, height, contentType }) => ({ size, width, height, contentType }))).toEqual([
      { size: 256, width: 256, height: 171, contentType: 'image/webp' },
      { size: 1024, width: 1024, height: 683, contentType: 'image/webp' },
    ]);
    const { data } = await sharp(photo.renditions[0].bytes).extract({ left: 128, top: 85, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect({ red: data[0] > 200, green: data[1] < 60, blue: data[2] < 60 }).toEqual({ red: true, green: true, blue: true });
  });

  it('recognises an SVG without XML declaration or namespace, after a BOM and a comment', async () => {
    const svg = Buffer.from('\uFEFF<!-- made by hand --><svg width="10" height="20"><rect width="10" height="20"/></svg>');

    const photo = await prepareSvg(svg);

    expect({ format: photo.format, width: photo.width, height: photo.height }).toEqual({ format: 'svg', width: 10, height: 20 });
    expect(photo.original.bytes.toString()).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  });

  it('removes scripts, event handlers, foreign HTML, animations and every link leaving the document', async () => {
    const attack = drawing(
      [
        '<script>alert("script")</script>',
        '<script><![CDATA[ alert("cdata") ]]></script>',
        '<rect id="kept" width="10" height="10" onload="alert(\'onload\')" onclick="alert(\'click\')"/>',
        '<image href="http://evil.example/tracker.png" width="10" height="10"/>',
        '<image xlink:href="https://evil.example/other.png" width="10" height="10"/>',
        '<image href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+" width="10" height="10"/>',
        '<use xlink:href="http://evil.example/sprites.svg#icon"/>',
        '<use href="#kept" x="20"/>',
        '<a href="javascript:alert(\'link\')"><circle cx="5" cy="5" r="5"/></a>',
        '<a xlink:href="&#106;avascript:alert(\'entity\')"><circle cx="5" cy="5" r="4"/></a>',
        '<foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="http://evil.example/"/></body></foreignObject>',
        '<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert("namespaced")</html:script>',
        '<set attributeName="href" to="javascript:alert(\'set\')"/>',
        '<animate attributeName="fill" values="red;blue" dur="1s"/>',
        '<rect width="5" height="5" fill="url(http://evil.example/paint.svg#p)" style="fill: url(https://evil.example/x)"/>',
        '<rect width="5" height="5" stroke="url(#kept)" style="fill:#00f"/>',
      ].join(''),
    );

    const photo = await prepareSvg(attack);

    const kept = photo.original.bytes.toString();
    for (const trace of ['script', 'alert', 'onload', 'onclick', 'evil.example', 'javascript', 'data:image/svg', 'foreignObject', 'iframe', '<set', '<animate', '<a ']) {
      expect({ trace, found: kept.includes(trace) }).toEqual({ trace, found: false });
    }
    // What draws is still there: the rect, the same-document use, the circles the links wrapped.
    expect(kept).toContain('<rect id="kept" width="10" height="10">');
    expect(kept).toContain('<use x="20" xlink:href="#kept">');
    expect(kept.match(/<circle /g)).toHaveLength(2);
    expect(kept).toContain('stroke="url(#kept)" style="fill:#00f"');
  });

  it('removes style sheets that import, load fonts or leave the document, and keeps plain ones', async () => {
    const svg = drawing(
      [
        '<style>@import url("https://evil.example/track.css"); rect { fill: red }</style>',
        '<style>@font-face { font-family: x; src: url(https://evil.example/font.woff) }</style>',
        '<style>rect { background: url(https://evil.example/bg.png) }</style>',
        '<style>rect { fill: \\75 rl(https://evil.example/escaped) }</style>',
        '<style>circle { fill: #0a0 }</style>',
        '<rect width="5" height="5" style="background-image: url(\'https://evil.example/attr.png\')"/>',
        '<?xml-stylesheet href="https://evil.example/pi.css"?>',
      ].join(''),
    );

    const kept = (await prepareSvg(svg)).original.bytes.toString();

    for (const trace of ['@import', '@font-face', 'evil.example', 'xml-stylesheet', '\\75']) {
      expect({ trace, found: kept.includes(trace) }).toEqual({ trace, found: false });
    }
    expect(kept).toContain('<style>circle { fill: #0a0 }</style>');
  });

  it('removes filters, whose rendering time librsvg does not bound, and keeps what they applied to', async () => {
    const svg = drawing(
      [
        '<filter id="heavy"><feGaussianBlur stdDeviation="200"/><feTurbulence baseFrequency="0.9" numOctaves="10"/></filter>',
        '<rect width="480" height="320" fill="#f00" filter="url(#heavy)"/>',
        '<circle r="5" style="filter: blur(200px)"/>',
        '<style>rect { filter: drop-shadow(0 0 200px black) }</style>',
      ].join(''),
    );

    const kept = (await prepareSvg(svg)).original.bytes.toString();

    for (const trace of ['filter', 'feGaussianBlur', 'feTurbulence', 'blur(', 'drop-shadow']) {
      expect({ trace, found: kept.includes(trace) }).toEqual({ trace, found: false });
    }
    expect(kept).toContain('<rect width="480" height="320" fill="#f00">');
  });

  it('refuses an SVG with a DOCTYPE declaring entities (400), whatever they expand to', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "laugh"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY file SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;&file;</text></svg>',
    );

    const refusal = await refusalOf(prepareSvg(svg));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'unsafe-content', status: 400 });
  });

  it('refuses an undeclared entity as not well-formed (400)', async () => {
    const refusal = await refusalOf(prepareSvg(drawing('<text>&ouch;</text>')));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
  });

  it('refuses an SVG that is not well-formed XML (400)', async () => {
    const refusal = await refusalOf(prepareSvg(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect></svg>')));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
  });

  it('refuses an SVG whose canvas would render beyond the pixel limit even at the lowest resolution', async () => {
    const svg = drawing('<rect width="10" height="10"/>', 'xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000"');

    const refusal = await refusalOf(prepareSvg(svg));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'too-many-pixels', status: 400 });
  });

  it('refuses a few hundred bytes of nested use references that would draw a billion elements (400)', async () => {
    let defs = '<path id="level0" d="M0 0h1v1z"/>';
    for (let level = 1; level <= 9; level++) {
      const uses = Array.from({ length: 10 }, (_, copy) => `<use href="#level${level - 1}" x="${copy}"/>`).join('');
      defs += `<g id="level${level}">${uses}</g>`;
    }

    const refusal = await refusalOf(prepareSvg(drawing(`<defs>${defs}</defs><use href="#level9"/>`)));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'unsafe-content', status: 400 });
  });

  it('refuses references that go round in a cycle (400), and draws an icon used many times over', async () => {
    const cycle = drawing('<g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g>');
    const sprite = drawing(
      `<defs><symbol id="icon">${'<circle cx="5" cy="5" r="4"/>'.repeat(20)}</symbol></defs>` +
        Array.from({ length: 100 }, (_, copy) => `<use href="#icon" x="${copy * 4}"/>`).join(''),
    );

    const refusal = await refusalOf(prepareSvg(cycle));
    const photo = await prepareSvg(sprite);

    expect(refusal.code).toBe('unsafe-content');
    expect(photo.original.bytes.toString().match(/<use /g)).toHaveLength(100);
  });

  it('refuses a style sheet painting thousands of elements with a pattern of thousands (400), and keeps one painting a gradient', async () => {
    const circles = Array.from({ length: 500 }, (_, i) => `<circle cx="${i % 50}" cy="${Math.floor(i / 50)}" r="1"/>`).join('');
    const rects = (count: number) => Array.from({ length: count }, (_, i) => `<rect class="p" x="${i}" width="5" height="5"/>`).join('');
    const patternBomb = drawing(`<style>.p { fill: url(#pat) }</style><defs><pattern id="pat" width="50" height="50">${circles}</pattern></defs>${rects(1000)}`);
    const illustratorLike = drawing(
      `<style>.p{fill:url(#SVGID_1_);}</style><linearGradient id="SVGID_1_"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient>${rects(200)}`,
    );

    const refusal = await refusalOf(prepareSvg(patternBomb));
    const photo = await prepareSvg(illustratorLike);

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'unsafe-content', status: 400 });
    expect(photo.original.bytes.toString()).toContain('<style>.p{fill:url(#SVGID_1_);}</style>');
  });

  it('refuses a marker of hundreds of elements drawn at each of thousands of vertices (400)', async () => {
    const marker = `<marker id="m">${'<circle r="1"/>'.repeat(200)}</marker>`;
    const vertices = Array.from({ length: 2000 }, (_, i) => `${i % 480},${i % 320}`).join(' ');

    const refusal = await refusalOf(prepareSvg(drawing(`<defs>${marker}</defs><polyline points="${vertices}" marker-mid="url(#m)"/>`)));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'unsafe-content', status: 400 });
  });

  it('refuses a character XML does not allow, written as a character reference (400)', async () => {
    const refusal = await refusalOf(prepareSvg(drawing('<text>a&#0;b</text>')));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'corrupt-image', status: 400 });
  });

  it('keeps an inline JPEG re-encoded without its EXIF', async () => {
    const withExif = await sharp(await jpeg(40, 30)).withExif({ IFD0: { Make: 'TellTaleCamera' } }).jpeg().toBuffer();
    expect(withExif.includes(Buffer.from('TellTaleCamera'))).toBe(true);
    const svg = drawing(`<image width="40" height="30" href="data:image/jpeg;base64,${withExif.toString('base64')}"/>`);

    const kept = (await prepareSvg(svg)).original.bytes.toString();

    const inline = /xlink:href="data:image\/jpeg;base64,([^"]+)"/.exec(kept);
    expect(inline).not.toBeNull();
    const reencoded = Buffer.from(inline?.[1] ?? '', 'base64');
    expect((await sharp(reencoded).metadata()).exif).toBeUndefined();
    expect(reencoded.includes(Buffer.from('TellTaleCamera'))).toBe(false);
  });

  it('refuses an inline image that is not what its data URL says (400)', async () => {
    const svg = drawing(`<image width="4" height="4" href="data:image/png;base64,${Buffer.from('<html><script>alert(1)</script>').toString('base64')}"/>`);

    const refusal = await refusalOf(prepareSvg(svg));

    expect({ code: refusal.code, status: refusal.status }).toEqual({ code: 'unsafe-content', status: 400 });
  });

  it('refuses an XML document whose root is not svg as unsupported (415)', async () => {
    const refusal = await refusalOf(preparePhoto({ bytes: Buffer.from('<?xml version="1.0"?><note>hi</note>'), declaredContentType: 'image/svg+xml' }));

    expect({ code: refusal.code, status: refusal.status, detectedType: refusal.detectedType }).toEqual({
      code: 'unsupported-type',
      status: 415,
      detectedType: 'application/xml',
    });
  });

  it('refuses an XHTML page with an svg inside as text/html', async () => {
    const page = Buffer.from('<html xmlns="http://www.w3.org/1999/xhtml"><body><svg onload="alert(1)"/></body></html>');

    const refusal = await refusalOf(preparePhoto({ bytes: page, declaredContentType: 'image/svg+xml', fileName: 'x.svg' }));

    expect({ code: refusal.code, detectedType: refusal.detectedType }).toEqual({ code: 'unsupported-type', detectedType: 'text/html' });
  });
});
