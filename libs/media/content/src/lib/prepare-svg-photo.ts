import { RENDITION_SIZES, type PhotoRendition, type PreparedPhoto, type RenditionSize } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';
import { readMetadata, runPipeline, sharpOver } from './raster-encoding';
import { sanitiseSvg } from './svg-sanitiser';

const RENDITION_WEBP_QUALITY = 80;
/** librsvg's default resolution: the SVG's own width and height are pixels at 72 dpi. */
const INTRINSIC_DENSITY = 72;
/** The resolutions sharp accepts for vector input. */
const MIN_DENSITY = 1;
const MAX_DENSITY = 100_000;

/**
 * SVG: the sanitised document is the original (the service serves it only as a download), and
 * librsvg renders the renditions from it, never from the upload. A vector loses nothing when
 * scaled, so each rendition is rendered at its size, even above the drawing's own width and
 * height; the pixel limit guards what librsvg is asked to render.
 */
export async function prepareSvgPhoto(bytes: Buffer): Promise<PreparedPhoto> {
  const sanitised = await sanitiseSvg(bytes);
  // Reading the size renders nothing, so an SVG declaring a huge canvas is not refused here.
  const intrinsic = await readMetadata(sharpOver(sanitised, { limitInputPixels: false }));
  if (intrinsic.format !== 'svg' || !intrinsic.width || !intrinsic.height) {
    throw new PhotoContentRefused('corrupt-image', 'The SVG could not be drawn: it has no size.', 'image/svg+xml');
  }
  const { width, height } = intrinsic;
  const renditions = await Promise.all(RENDITION_SIZES.map((size) => renderRendition(sanitised, size, Math.max(width, height))));
  return { format: 'svg', original: { contentType: 'image/svg+xml', extension: 'svg', bytes: sanitised }, renditions, width, height };
}

async function renderRendition(svg: Buffer, size: RenditionSize, longestEdge: number): Promise<PhotoRendition> {
  const density = Math.min(MAX_DENSITY, Math.max(MIN_DENSITY, (INTRINSIC_DENSITY * size) / longestEdge));
  const pipeline = sharpOver(svg, { density }).resize({ width: size, height: size, fit: 'inside' }).webp({ quality: RENDITION_WEBP_QUALITY });
  const { data, info } = await runPipeline(pipeline);
  return { size, contentType: 'image/webp', bytes: data, width: info.width, height: info.height };
}
