// Draws Tarmac's icons (a runway seen from above) as PNGs into resources/.
// Run once when the artwork changes: node scripts/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Runway: a tall rounded strip with a dashed centre line and threshold bars. */
function shape(x, y) {
  const strip = Math.abs(x - 0.5) < 0.3 && y > 0.06 && y < 0.94;
  const centre = Math.abs(x - 0.5) < 0.045 && y > 0.2 && y < 0.8 && Math.floor((y - 0.2) / 0.1) % 2 === 0;
  const threshold = y > 0.1 && y < 0.16 && Math.abs(x - 0.5) < 0.24 && Math.floor((x - 0.26) / 0.06) % 2 === 0;
  return strip && !centre && !threshold;
}

mkdirSync('resources', { recursive: true });
const template = (x, y) => (shape(x, y) ? [0, 0, 0, 255] : [0, 0, 0, 0]);
const colour = (x, y) => (shape(x, y) ? [38, 50, 66, 255] : [0, 0, 0, 0]);
const app = (x, y) => {
  const inTile = Math.hypot(Math.max(Math.abs(x - 0.5) - 0.36, 0), Math.max(Math.abs(y - 0.5) - 0.36, 0)) < 0.1;
  if (!inTile) return [0, 0, 0, 0];
  return shape(0.5 + (x - 0.5) * 1.25, 0.5 + (y - 0.5) * 1.1) ? [38, 50, 66, 255] : [250, 176, 5, 255];
};
// Status variants: a dot in the lower right corner (amber: needs attention, red: error). macOS
// template images are one colour, so there the dot is hollow (attention) or filled (error).
const dot = (x, y) => Math.hypot(x - 0.78, y - 0.78);
const withDot = (base, rgba, hollow) => (x, y) => {
  const d = dot(x, y);
  if (d < 0.22) {
    if (d < 0.2 && (!hollow || d > 0.11)) return rgba;
    return [0, 0, 0, 0];
  }
  return base(x, y);
};
writeFileSync('resources/tray-attention.png', png(32, withDot(colour, [230, 140, 0, 255], false)));
writeFileSync('resources/tray-error.png', png(32, withDot(colour, [215, 38, 56, 255], false)));
for (const [name, hollow] of [['trayAttentionTemplate', true], ['trayErrorTemplate', false]]) {
  writeFileSync(`resources/${name}.png`, png(16, withDot(template, [0, 0, 0, 255], hollow)));
  writeFileSync(`resources/${name}@2x.png`, png(32, withDot(template, [0, 0, 0, 255], hollow)));
}
writeFileSync('resources/trayTemplate.png', png(16, template));
writeFileSync('resources/trayTemplate@2x.png', png(32, template));
writeFileSync('resources/tray.png', png(32, colour));
writeFileSync('resources/icon.png', png(512, app));
console.log('wrote resources/trayTemplate.png, trayTemplate@2x.png, tray.png, icon.png');
