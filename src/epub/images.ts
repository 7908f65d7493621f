/**
 * Images in the ebook: an EPUB may not point at files outside itself, so
 * local images are copied in and remote or unreadable ones are replaced by
 * their text alternative (EPUBCheck rejects remote images and missing
 * resources, and a reader is better served by the description than by a
 * broken image).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import type { VFile } from 'vfile';
import { rules } from '../rules.js';
import type { Resource } from './package.js';
import { fileWarn } from '../messages.js';

/** Image types every EPUB 3 reading system must show. */
const imageTypes: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
};

const isRemote = (src: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//');

/** What stands in for an image the book cannot carry. */
function standIn(image: Element, src: string): ElementContent {
  const alt = typeof image.properties.alt === 'string' ? image.properties.alt : '';
  if (/^https?:|^\/\//i.test(src)) return h('a', { href: src.startsWith('//') ? `https:${src}` : src, className: ['image-link'] }, alt || src);
  return h('span', { className: ['image-missing'] }, alt);
}

/**
 * Copy the local images of `body` into the book (mutates `src` to the
 * copy) and replace the others. Returns the copies as resources. Images
 * that cannot be read are reported on `file`.
 */
export function collectImages(body: Root, file: VFile): Resource[] {
  const baseDir = file.path ? path.dirname(file.path) : process.cwd();
  const resources: Resource[] = [];
  const byFile = new Map<string, string>();
  const walk = (node: Root | Element): void => {
    node.children.forEach((child, index) => {
      if (child.type !== 'element') return;
      const src = child.properties?.src;
      if (child.tagName !== 'img' || typeof src !== 'string') {
        walk(child);
        return;
      }
      if (!isRemote(src)) {
        const target = path.resolve(baseDir, decodeURIComponent(src.split(/[?#]/)[0]));
        const mediaType = imageTypes[path.extname(target).toLowerCase()];
        if (mediaType && existsSync(target)) {
          let href = byFile.get(target);
          if (!href) {
            const n = resources.length + 1;
            href = `images/${n}-${path.basename(target).replace(/[^A-Za-z0-9._-]/g, '_')}`;
            byFile.set(target, href);
            resources.push({ id: `image-${n}`, href, mediaType, data: readFileSync(target) });
          }
          child.properties.src = href;
          return;
        }
        fileWarn(
          file,
          mediaType ? `Image ${src} cannot be read; the ebook shows its text alternative instead` : `Image ${src} is not PNG, JPEG, GIF or SVG; the ebook shows its text alternative instead`,
          { node: child, ruleId: rules.imageUnusable, source: 'epub' },
        );
      }
      (node.children as ElementContent[])[index] = standIn(child, src);
    });
  };
  walk(body);
  return resources;
}
