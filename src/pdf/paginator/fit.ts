/**
 * Scaling what cannot split: images are shrunk inside their block (a
 * figure keeps its caption at its size); anything else too wide or too
 * tall for the page box is scaled whole with CSS `zoom`, which, unlike a
 * transform, changes the laid-out size that the paginator measures.
 */
import { EPSILON, FIT_ROUNDS, MIN_SCALE } from './constants.js';

/** Whether a block is only images (and captions): scaling it is the expected thing, not a warning. */
export function isPicture(el: Element): boolean {
  if (!el.querySelector('img, svg') && !el.matches('img, svg')) return false;
  const clone = el.cloneNode(true) as Element;
  for (const c of Array.from(clone.querySelectorAll('figcaption, caption'))) c.remove();
  return !(clone.textContent ?? '').trim();
}

/** Images wider than the page box never are (the stylesheet sees to that); shrink them to lose `excess` px of height. */
function shrinkImages(el: HTMLElement, excess: number): boolean {
  const images = (el.matches('img') ? [el] : Array.from(el.querySelectorAll('img'))) as HTMLImageElement[];
  const heights = images.map((img) => img.getBoundingClientRect().height);
  const total = heights.reduce((a, b) => a + b, 0);
  if (!images.length || total <= excess + EPSILON) return false;
  images.forEach((img, i) => {
    const target = Math.max(1, heights[i] - (excess * heights[i]) / total - EPSILON);
    img.style.maxHeight = `${target}px`;
    img.style.width = 'auto';
    img.style.height = 'auto';
    img.style.objectFit = 'contain';
  });
  return true;
}

/**
 * Make `el` (laid out in the page body) at most `width` × `height` px.
 * Returns the scale applied to it as a whole (1 when only images were
 * shrunk, or nothing needed doing).
 */
export function scaleToFit(el: HTMLElement, width: number, height: number): number {
  const rect = el.getBoundingClientRect();
  const wide = Math.max(rect.width, el.scrollWidth);
  if (wide <= width + EPSILON && rect.height <= height + EPSILON) return 1;
  if (wide <= width + EPSILON && shrinkImages(el, rect.height - height)) {
    if (el.getBoundingClientRect().height <= height + EPSILON) return 1;
  }
  const now = el.getBoundingClientRect();
  let scale = Math.max(MIN_SCALE, Math.min(1, width / Math.max(now.width, el.scrollWidth), height / now.height) * 0.999);
  el.style.zoom = String(scale);
  // Zoom does not scale every box in proportion (borders, table rows keep
  // whole pixels): check, and shrink again while it is still too large.
  for (let i = 0; i < FIT_ROUNDS && scale > MIN_SCALE; i++) {
    const after = el.getBoundingClientRect();
    const over = Math.max(after.height / height, Math.max(after.width, el.scrollWidth * scale) / width);
    if (over <= 1 + EPSILON / height) break;
    scale = Math.max(MIN_SCALE, (scale / over) * 0.995);
    el.style.zoom = String(scale);
  }
  return scale;
}

/** Scale a block wider than the page body down to its width (a wide table, a formula). */
export function fitWidth(el: HTMLElement, width: number): number {
  const wide = Math.max(el.getBoundingClientRect().width, el.scrollWidth);
  if (wide <= width + 1) return 1;
  const scale = Math.max(MIN_SCALE, (width / wide) * 0.999);
  el.style.zoom = String(scale);
  return scale;
}
