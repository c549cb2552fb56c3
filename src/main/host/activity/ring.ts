/** Fixed-capacity buffer that keeps the newest items: O(1) push, oldest dropped first. */
export class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;
  /** How many items were ever pushed: the sequence number of the next one. */
  #pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('Ring capacity must be a positive integer');
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the item; returns its sequence number, for replace(). */
  push(item: T): number {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
    return this.#pushed++;
  }

  /** Replaces the item pushed as `seq` if it is still held; false when it was already dropped. */
  replace(seq: number, item: T): boolean {
    if (seq < this.#pushed - this.#size || seq >= this.#pushed) return false;
    this.#items[seq % this.capacity] = item;
    return true;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  /** Newest first. */
  *newestFirst(): Generator<T> {
    for (let i = this.#size - 1; i >= 0; i--) yield this.#items[(this.#start + i) % this.capacity] as T;
  }

  /** Newest first, stopping after `limit` matches. */
  newest(limit: number, match: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (const item of this.newestFirst()) {
      if (out.length >= limit) break;
      if (match(item)) out.push(item);
    }
    return out;
  }
}
