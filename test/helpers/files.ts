import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every regular file under a folder, as bytes, by path (to grep what Tarmac wrote). */
export async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.set(path, await readFile(path));
    }
  };
  await walk(dir);
  return files;
}
